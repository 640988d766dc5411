from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "chainlead.governance"
    label = "governance"

    def ready(self) -> None:
        from chainlead.audit.services import register
        from chainlead.governance import models, signals  # noqa: F401  (signals: data version)

        for model in (
            models.ChainLeader,
            models.TaskForceMember,
            models.WorkPlan,
            models.Target,
            models.ActualEntry,
            models.Milestone,
            models.PolicyItem,
            models.PackageItem,
            models.Meeting,
            models.Decision,
            models.ActionItem,
        ):
            register(model)
