from django.utils.translation import gettext_lazy as _

from chainlead.core.plugins import DemoStep, HomePage, NavItem, PlatformAppConfig, Slot
from chainlead.funds.constants import FUNDS_DATA


class FundsConfig(PlatformAppConfig):
    name = "chainlead.funds"
    label = "funds"
    verbose_name = _("Support fund")
    url_prefix = "funds/"
    api_prefix = "/funds/"
    navigation = (
        NavItem(_("Support fund"), "funds:position", order=75),
        NavItem(_("My awards"), "funds:my_awards", order=76),
    )
    audited = {
        "Fund": (),
        "Account": ("debits_posted", "credits_posted"),  # derived from the entries
        "Entry": (),
        "Commitment": (),
        "Tranche": (),
        "Disbursement": (),
        "PaymentRun": (),
        "Period": (),
        "RecipientHold": (),
        "FiscalExpenditure": (),
        "StatementLine": (),
    }
    data_versions = {FUNDS_DATA: ("Entry", "Tranche", "Disbursement", "FiscalExpenditure")}
    # Every ledger write names its official, and the demo's users are created at 900: the
    # books are written at 950, by user name (funds/demo.py).
    demo_steps = (DemoStep(950, "chainlead.funds.demo.demo_approvals_step"),)
    test_world = "chainlead.funds.testing.world_setup"
    home_pages = (
        # The city admin lands on the fund's warning while a district is below its minimum share.
        HomePage(5, "chainlead.funds.navigation.share_warning_home"),
        HomePage(40, "chainlead.funds.navigation.finance_home"),
    )
    slots = (
        Slot(
            "registry.enterprise_detail",
            "funds/slots/_firm_awards.html",
            versions=(FUNDS_DATA,),
        ),
    )
