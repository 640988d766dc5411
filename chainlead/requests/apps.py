from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "chainlead.requests"
    label = "requests"

    def ready(self) -> None:
        from chainlead.audit.services import register
        from chainlead.requests import models, signals  # noqa: F401  (signals: data version)

        # Requests and their admin-edited rules are audited on every save (admin edits too);
        # transitions and escalations also write business events (services, escalate).
        register(models.EnterpriseRequest, exclude=["version", "escalation_run"])
        register(models.Department)
        register(models.DepartmentMember)
        register(models.RoutingRule)
        register(models.TimeLimit)
        register(models.CalendarOverride)
        register(models.Tag)
        register(models.RequestAttachment)
