from django.utils.translation import gettext_lazy as _

from chainlead.core.plugins import DemoStep, HomePage, NavItem, PlatformAppConfig, Slot


class ChainsConfig(PlatformAppConfig):
    name = "chainlead.chains"
    label = "chains"
    verbose_name = _("Industrial chains")
    url_prefix = "chains/"
    api_prefix = "/chains/"
    navigation = (
        NavItem(_("Industrial chains"), "chains:chain_list", order=10, group="chains"),
        NavItem(_("Review queue"), "chains:review_queue", order=30, group="chains"),
        NavItem(_("Classify firms"), "chains:classify_start", order=35, group="chains"),
    )
    audited = {"Chain": ("updated_at",), "Segment": (), "SegmentLink": (), "Membership": ()}
    data_versions = {"chains": ("Chain", "Segment", "SegmentLink", "Membership")}
    demo_steps = (DemoStep(20, "chainlead.chains.demo.demo_step"),)
    test_world = "chainlead.chains.testing.world_setup"
    home_pages = (HomePage(10, "chainlead.chains.navigation.chain_list_page"),)
    slots = (Slot("registry.enterprise_detail", "chains/slots/_enterprise_memberships.html"),)

    def ready(self) -> None:
        super().ready()
        from chainlead.chains.permissions import chain_member_firms
        from chainlead.chains.selectors import firm_memberships
        from chainlead.core.plugins import register_related
        from chainlead.core.scopes import register_scope

        register_scope("enterprise", chain_member_firms)
        # The keys classification jobs' audit events record (chains.classify_jobs).
        from chainlead.core.labels import register_field_labels

        register_field_labels(
            {
                "filename": _("file"),
                "sha256": _("SHA-256 of the file"),
                "firms": _("firms"),
                "model_version": _("model version"),
                "training_sha256": _("training data fingerprint"),
                "chains": _("chains"),
                "use_model": _("text classifier used"),
                "updated": _("updated"),
                "unchanged": _("unchanged"),
            }
        )
        # Firms an import creates are placed on the chains as part of the import job.
        from chainlead.chains.imported import place_imported_firms
        from chainlead.registry.hooks import on_firms_imported

        on_firms_imported(place_imported_firms)
        # A firm's history shows the changes to its places in the chains.
        register_related("registry.Enterprise", lambda firm: firm_memberships(enterprise=firm))

        from chainlead.core.search import SearchProvider, register_search

        register_search(
            SearchProvider(
                "chain",
                _("Chains"),
                "chainlead.chains.search.chain_hits",
                order=40,
            )
        )
