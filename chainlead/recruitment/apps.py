from django.utils.translation import gettext_lazy as _

from chainlead.core.plugins import DemoStep, NavItem, PlatformAppConfig


class RecruitmentConfig(PlatformAppConfig):
    name = "chainlead.recruitment"
    label = "recruitment"
    verbose_name = _("Recruitment")
    url_prefix = "recruitment/"
    api_prefix = "/recruitment/"
    navigation = (NavItem(_("Recruitment"), "recruitment:opportunities", order=70, group="chains"),)
    audited = {
        "Target": ("updated_at",),
        "Activity": (),
        "Promise": (),
        "ExternalFirm": (),
        "AnalysisRun": ("results",),  # the run's inputs, not its output
    }
    demo_steps = (
        DemoStep(920, "chainlead.recruitment.demo.demo_step"),
        DemoStep(946, "chainlead.recruitment.demo_activity.demo_step"),
    )

    def ready(self) -> None:
        super().ready()
        from chainlead.core.plugins import register_links
        from chainlead.recruitment.links import segment_gap_links

        register_links("chains.segment_gap", segment_gap_links)
