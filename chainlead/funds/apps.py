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
        NavItem(_("Support fund"), "funds:position", order=75, group="funding"),
        NavItem(_("My awards"), "funds:my_awards", order=76, group="funding"),
    )
    # Entries, tranches and disbursements are not audited row by row: an entry is itself an
    # immutable record with its author, and the services record one business event per command
    # as its last write (approved, paid, reversed…). The audit log's hash chain locks one head
    # row until commit, so writing it last keeps that serial section to the commit itself.
    audited = {
        "Fund": (),
        "Account": ("debits_posted", "credits_posted"),  # derived from the entries
        "Commitment": (),
        "PaymentRun": (),
        "Period": (),
        "RecipientHold": (),
        "FiscalExpenditure": (),
        "StatementLine": (),
    }
    # Bumped by rare writes only: a version bumped by every payment would be one more row that
    # every payment waits for.
    data_versions = {FUNDS_DATA: ("Fund", "FiscalExpenditure")}
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
        # The firm page is not cached, so the fragment names no data version.
        Slot("registry.enterprise_detail", "funds/slots/_firm_awards.html"),
    )
