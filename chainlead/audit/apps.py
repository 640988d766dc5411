from django.utils.translation import gettext_lazy as _

from chainlead.core.plugins import NavItem, PlatformAppConfig


class AuditConfig(PlatformAppConfig):
    name = "chainlead.audit"
    label = "audit"
    verbose_name = _("Audit")
    url_prefix = "audit/"
    navigation = (NavItem(_("Audit log"), "audit:entry_list", order=90, group="oversight"),)

    def ready(self) -> None:
        super().ready()
        from chainlead.audit import signals  # noqa: F401  (connects the receivers)
