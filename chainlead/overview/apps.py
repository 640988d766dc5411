from django.utils.translation import gettext_lazy as _

from chainlead.core.plugins import DemoStep, HomePage, NavItem, PlatformAppConfig, Slot
from chainlead.overview.constants import OVERVIEW_DATA


class OverviewConfig(PlatformAppConfig):
    """The city overview (landing page of officials) and the firm file (一企一档). It sits on top
    of every other app: it reads their selectors and nothing imports it."""

    name = "chainlead.overview"
    label = "overview"
    verbose_name = _("Overview")
    url_prefix = "overview/"
    navigation = (NavItem(_("Overview"), "overview:city", order=5),)
    audited = {"FirmTag": ()}
    data_versions = {OVERVIEW_DATA: ("FirmTag",)}
    # Officials land on the overview (before the chain list, 10, and the fund's pages); the
    # overview shows the fund's share warning itself.
    home_pages = (HomePage(4, "chainlead.overview.navigation.overview_home"),)
    demo_steps = (DemoStep(30, "chainlead.overview.demo.demo_step"),)
    slots = (Slot("registry.enterprise_detail", "overview/slots/_firm_file.html", order=150),)

    def ready(self) -> None:
        super().ready()
        from chainlead.core.signals import bump_version_on_writes
        from chainlead.overview.constants import RECRUITMENT_DATA
        from chainlead.recruitment.models import StageChange, Target

        # The recruitment app declares no data version: the overview's cached funnel keys on
        # one of its own, bumped by every write to a target.
        bump_version_on_writes(RECRUITMENT_DATA, Target, StageChange)
