from django.utils.translation import gettext_lazy as _

from chainlead.core.plugins import DemoStep, HomePage, NavItem, PlatformAppConfig


class PocConfig(PlatformAppConfig):
    name = "chainlead.poc"
    label = "poc"
    verbose_name = _("Proof of concept")
    url_prefix = "poc/"
    api_prefix = "/poc/"
    navigation = (
        NavItem(_("Proof of concept"), "poc:project_list", order=80, group="services"),
        NavItem(_("My reviews"), "poc:review_list", order=81, group="services"),
    )
    audited = {
        "Centre": (),
        "Project": ("version", "updated_at"),
        "IntellectualProperty": (),
        "Milestone": (),
        "GateReview": (),
        "ReviewAssignment": (),
        "PartnerContact": (),
        "StageSupport": (),
        "Outcome": (),
    }
    data_versions = {"poc": ("Project", "StageChange", "Milestone", "GateReview", "StageSupport")}
    demo_steps = (
        DemoStep(400, "chainlead.poc.demo.demo_step"),
        # After the support fund's demo books (950): funding is a commitment of that fund.
        DemoStep(955, "chainlead.poc.demo.demo_funding_step"),
    )
    # After the officials' and firms' pages: researchers and reviewers have no other home.
    home_pages = (
        HomePage(60, "chainlead.poc.navigation.researcher_home"),
        HomePage(61, "chainlead.poc.navigation.reviewer_home"),
    )
