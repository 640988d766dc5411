from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "chainlead.audit"
    label = "audit"

    def ready(self) -> None:
        from chainlead.audit import signals  # noqa: F401  (connects the receivers)
