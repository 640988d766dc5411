from django.utils.translation import gettext_lazy as _

from chainlead.core.plugins import DemoStep, HomePage, NavItem, PlatformAppConfig


class CommissionersConfig(PlatformAppConfig):
    name = "chainlead.commissioners"
    label = "commissioners"
    verbose_name = _("S&T commissioners")
    url_prefix = "commissioners/"
    api_prefix = "/commissioners/"
    navigation = (
        NavItem(_("Commissioners"), "commissioners:commissioner_list", order=65, group="services"),
    )
    audited = {
        "Commissioner": ("updated_at",),
        "Assignment": (),
        "ServiceLog": (),
        "ServiceLogAttachment": (),
        "MatchingRun": ("stage", "progress_done", "progress_total"),
        "ProposedPair": (),
    }
    data_versions = {"commissioners": ("Commissioner", "Assignment", "ServiceLog")}
    demo_steps = (
        DemoStep(300, "chainlead.commissioners.demo.demo_step"),
        DemoStep(930, "chainlead.commissioners.demo.demo_user_step"),
    )
    # After the officials' pages (chains 10, fund 40), before an enterprise user's firm (50).
    home_pages = (HomePage(45, "chainlead.commissioners.navigation.commissioner_home"),)

    def ready(self) -> None:
        super().ready()
        from chainlead.commissioners.permissions import stationed_firms
        from chainlead.core.scopes import register_scope

        register_scope("enterprise", stationed_firms)
