from django.utils.translation import gettext_lazy as _

from chainlead.core.plugins import DemoStep, NavItem, PlatformAppConfig, Slot
from chainlead.governance.constants import GOVERNANCE_DATA


class GovernanceConfig(PlatformAppConfig):
    name = "chainlead.governance"
    label = "governance"
    verbose_name = _("Chain governance")
    url_prefix = "governance/"
    api_prefix = "/governance/"
    navigation = (
        NavItem(_("Chain governance"), "governance:dashboard_list", order=50, group="chains"),
    )
    demo_steps = (
        DemoStep(910, "chainlead.governance.demo.demo_step"),
        DemoStep(945, "chainlead.governance.demo_activity.demo_step"),
    )
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
        from chainlead.accounts.choices import Role
        from chainlead.accounts.mirrors import register_mirrored_role
        from chainlead.audit.services import register
        from chainlead.core.signals import bump_version_on_writes
        from chainlead.governance import services
        from chainlead.governance.models import GOVERNANCE_RECORDS

        # Who leads a chain and who sits on its task force: the records are the truth, and the
        # grants access checks read follow them, whichever way they are asked for.
        register_mirrored_role(
            Role.CHAIN_LEADER,
            owner=self.label,
            grant=services.leader_grant,
            revoke=services.leader_grant_revoke,
        )
        register_mirrored_role(
            Role.TASK_FORCE,
            owner=self.label,
            grant=services.task_force_grant,
            revoke=services.task_force_grant_revoke,
        )
        # The governance records are listed once, in models.GOVERNANCE_RECORDS.
        for model in GOVERNANCE_RECORDS:
            register(model)
        bump_version_on_writes(GOVERNANCE_DATA, *GOVERNANCE_RECORDS)

        from chainlead.core.search import SearchProvider, register_search

        register_search(
            SearchProvider(
                "policy",
                _("Policies"),
                "chainlead.governance.search.policy_hits",
                order=30,
                more_url_name="governance:policy_list",
            )
        )
