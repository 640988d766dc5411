from django.utils.translation import gettext_lazy as _

from chainlead.core.plugins import DemoStep, NavItem, PlatformAppConfig, Slot
from chainlead.governance.constants import GOVERNANCE_DATA


class GovernanceConfig(PlatformAppConfig):
    name = "chainlead.governance"
    label = "governance"
    url_prefix = "governance/"
    api_prefix = "/governance/"
    navigation = (NavItem(_("Chain governance"), "governance:dashboard_list", order=50),)
    demo_steps = (DemoStep(910, "chainlead.governance.demo.demo_step"),)
    # The five ones on the chain pages (chains knows nothing of governance).
    slots = (
        Slot(
            "chains.chain_card",
            "governance/slots/_chain_card_five_ones.html",
            versions=(GOVERNANCE_DATA,),
        ),
        Slot(
            "chains.chain_detail",
            "governance/slots/_chain_detail_five_ones.html",
            versions=(GOVERNANCE_DATA,),
        ),
    )

    def ready(self) -> None:
        super().ready()
        from chainlead.audit.services import register
        from chainlead.core.signals import bump_version_on_writes
        from chainlead.governance.models import GOVERNANCE_RECORDS

        # The governance records are listed once, in models.GOVERNANCE_RECORDS.
        for model in GOVERNANCE_RECORDS:
            register(model)
        bump_version_on_writes(GOVERNANCE_DATA, *GOVERNANCE_RECORDS)
