from django.utils.translation import gettext_lazy as _

from chainlead.core.plugins import NavItem, PlatformAppConfig


class NotificationsConfig(PlatformAppConfig):
    """In-app notices (and, by preference, e-mail) for every app: part of the kit.

    Apps declare their kinds (`kinds.register_kind`) and deadline sources
    (`kinds.register_deadline_source`) in their own `ready()`; this app names none of them."""

    name = "chainlead.notifications"
    label = "notifications"
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
