from django.utils.translation import gettext_lazy as _

from chainlead.core.plugins import DemoStep, HomePage, NavItem, PlatformAppConfig


class RegistryConfig(PlatformAppConfig):
    name = "chainlead.registry"
    label = "registry"
    verbose_name = _("Enterprise registry")
    url_prefix = "registry/"
    api_prefix = "/registry/"
    navigation = (
        NavItem(_("Enterprises"), "registry:enterprise_list", order=20, group="firms"),
        NavItem(_("Import"), "registry:import_start", order=40, group="firms"),
    )
    audited = {
        "Enterprise": ("search_text", "updated_at"),
        "EnterpriseIndicator": (),
        "District": (),
        "Industry": (),
    }
    data_versions = {"registry": ("Enterprise", "EnterpriseIndicator", "District", "Industry")}
    demo_steps = (DemoStep(10, "chainlead.registry.demo.demo_step"),)
    test_world = "chainlead.registry.testing.world_setup"
    home_pages = (HomePage(50, "chainlead.registry.navigation.own_firm_page"),)

    def ready(self) -> None:
        super().ready()
        from chainlead.core.scopes import register_scope
        from chainlead.registry.permissions import own_firms

        register_scope("enterprise", own_firms)

        from django.db.models.signals import post_save

        from chainlead.core.search import SearchProvider, register_search
        from chainlead.registry import search

        post_save.connect(
            search.on_enterprise_saved,
            sender=self.get_model("Enterprise"),
            dispatch_uid="registry-search-enterprise",
        )
        from django.db.backends.signals import connection_created

        connection_created.connect(
            search.set_trigram_threshold, dispatch_uid="registry-search-trigram-threshold"
        )
        register_search(
            SearchProvider(
                "enterprise",
                _("Enterprises"),
                "chainlead.registry.search.enterprise_hits",
                order=10,
                more_url_name="registry:enterprise_list",
            )
        )
