from django.utils.translation import gettext_lazy as _

from chainlead.core.plugins import DemoStep, NavItem, PlatformAppConfig


class RequestsConfig(PlatformAppConfig):
    name = "chainlead.requests"
    label = "requests"
    verbose_name = _("Enterprise requests")
    url_prefix = "requests/"
    api_prefix = "/requests/"
    navigation = (
        NavItem(_("Requests"), "requests:request_list", order=60, group="services"),
        # Configuration (三员分立): the system administrator and city admins.
        NavItem(_("Working-day calendar"), "requests:calendar", order=45, menu="account"),
    )
    # Requests and their admin-edited rules are audited on every save (admin edits too);
    # transitions and escalations also write business events (services, escalate).
    audited = {
        "EnterpriseRequest": ("version", "escalation_run"),
        "Department": (),
        "DepartmentMember": (),
        "RoutingRule": (),
        "TimeLimit": (),
        "CalendarOverride": (),
        "CalendarYear": (),
        "Tag": (),
        "RequestAttachment": (),
    }
    data_versions = {"requests": ("EnterpriseRequest",)}
    demo_steps = (DemoStep(940, "chainlead.requests.demo.demo_step"),)

    def ready(self) -> None:
        super().ready()
        from chainlead.core.search import SearchProvider, register_search

        register_search(
            SearchProvider(
                "request",
                _("Requests"),
                "chainlead.requests.search.request_hits",
                order=20,
                more_url_name="requests:request_list",
            )
        )
