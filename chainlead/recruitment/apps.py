from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "chainlead.recruitment"
    label = "recruitment"

    def ready(self) -> None:
        from chainlead.audit.services import register
        from chainlead.recruitment import models

        register(models.Target, exclude=["updated_at"])
        register(models.Activity)
        register(models.Promise)
        register(models.ExternalFirm)
        register(models.AnalysisRun, exclude=["results"])  # the run's inputs, not its output
