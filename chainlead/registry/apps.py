from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "chainlead.registry"
    label = "registry"

    def ready(self) -> None:
        from chainlead.audit.services import register
        from chainlead.registry import models, signals  # noqa: F401 (connects the receivers)

        register(models.Enterprise, exclude=["search_text", "updated_at"])
        register(models.EnterpriseIndicator)
        register(models.District)
        register(models.Industry)
