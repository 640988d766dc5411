from django.apps import AppConfig


class ChainsConfig(AppConfig):
    name = "chainlead.chains"
    label = "chains"

    def ready(self) -> None:
        from chainlead.audit.services import register
        from chainlead.chains import models, signals  # noqa: F401  (signals bump the data version)

        register(models.Chain, exclude=["updated_at"])
        register(models.Segment)
        register(models.SegmentLink)
        register(models.Membership)
