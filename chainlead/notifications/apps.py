from django.utils.translation import gettext_lazy as _

from chainlead.core.plugins import NavItem, PlatformAppConfig


class NotificationsConfig(PlatformAppConfig):
    """In-app notices (and, by preference, e-mail) for every app: part of the kit.

    Apps declare their kinds (`kinds.register_kind`) and deadline sources
    (`kinds.register_deadline_source`) in a `notices.py` module; this app names none of them."""

    name = "chainlead.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    url_prefix = "notifications/"
    api_prefix = "/notifications/"
    navigation = (
        NavItem(
            _("Notifications"),
            "notifications:list",
            menu="account",
            order=0,
            fragment_url_name="notifications:bell",
        ),
        NavItem(_("Notification settings"), "notifications:preferences", menu="account", order=5),
    )
    # Read marks and sent-mail stamps are the reader's own state; the preference is a setting.
    audited = {"NotificationPreference": ()}

    def ready(self) -> None:
        super().ready()
        from django.utils.module_loading import autodiscover_modules

        # Each app's `notices.py` registers its kinds and deadline sources (as admin.py does
        # its models), so neither this app nor the app's AppConfig names the other.
        autodiscover_modules("notices")
