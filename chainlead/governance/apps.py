from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "chainlead.governance"
    label = "governance"

    def ready(self) -> None:
        from chainlead.audit.services import register
        from chainlead.governance import models, signals  # noqa: F401  (signals: data version)

        for model in models.GOVERNANCE_RECORDS:
            register(model)
