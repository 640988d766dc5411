from django.utils.translation import gettext_lazy as _

from chainlead.core.plugins import DemoStep, NavItem, PlatformAppConfig


class ProgramsConfig(PlatformAppConfig):
    name = "chainlead.programs"
    label = "programs"
    verbose_name = _("Programs")
    url_prefix = "programs/"
    api_prefix = "/programs/"
    navigation = (
        NavItem(_("Programs"), "programs:program_list", order=78, group="funding"),
        NavItem(_("Applications"), "programs:application_list", order=79, group="funding"),
        NavItem(_("Reviews"), "programs:assignment_list", order=79, group="funding"),
        NavItem(_("Awards"), "programs:award_list", order=79, group="funding"),
    )
    audited = {
        "Program": (),
        "RuleVersion": (),
        "Round": (),
        "AwardTier": (),
        "Application": ("normalised_score", "rank"),
        "Attachment": (),
        "Panel": (),
        "ConflictDeclaration": (),
        "Assignment": (),
        "PayoutBatch": (),
        "BatchItem": (),
        "Award": (),
        "Condition": (),
        "Notice": (),
    }
    data_versions = {"programs": ("Application", "Assignment", "Award", "Condition")}
    # Every write names an official: the demo's users exist from 900 and the fund's books
    # (the competitions' budget lines) from 950, so programs load at 960.
    demo_steps = (DemoStep(960, "chainlead.programs.demo.awards_step"),)
