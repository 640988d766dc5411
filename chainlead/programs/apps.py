from django.utils.translation import gettext_lazy as _

from chainlead.core.plugins import DemoStep, NavItem, PlatformAppConfig


class ProgramsConfig(PlatformAppConfig):
    name = "chainlead.programs"
    label = "programs"
    verbose_name = _("Programs")
    url_prefix = "programs/"
    api_prefix = "/programs/"
    navigation = (
        NavItem(_("Programs"), "programs:program_list", order=78),
        NavItem(_("Applications"), "programs:application_list", order=79),
        NavItem(_("Reviews"), "programs:assignment_list", order=79),
        NavItem(_("Awards"), "programs:award_list", order=79),
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
    # Programs, rounds and rules at 700 (after the registry, chains and the fund's apps); the
    # reviews, awards and the no-application batch need the demo's users (900) and the fund's
    # books (950): at 960.
    demo_steps = (
        DemoStep(700, "chainlead.programs.demo.programs_step"),
        DemoStep(960, "chainlead.programs.demo.awards_step"),
    )
