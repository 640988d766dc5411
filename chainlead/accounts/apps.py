from django.utils.translation import gettext_lazy as _

from chainlead.core.plugins import DemoStep, NavItem, PlatformAppConfig


class AccountsConfig(PlatformAppConfig):
    name = "chainlead.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    url_prefix = "accounts/"
    api_prefix = "/accounts/"
    navigation = (
        NavItem(_("API tokens"), "accounts:token_list", order=10, menu="account"),
        NavItem(_("Change password"), "accounts:password_change", order=20, menu="account"),
        NavItem(_("Locked accounts"), "accounts:lockout_list", order=30, menu="account"),
        NavItem(_("Users' accounts"), "accounts:user_list", order=40, menu="account"),
        NavItem(_("Administration"), "accounts:administration", order=50, menu="account"),
    )
    audited = {
        "User": ("password", "last_login"),
        "RoleGrant": (),
        "ApiToken": ("key_hash", "last_used_at"),
    }
    # The demo's users come after every app has named the objects they are granted.
    demo_steps = (DemoStep(900, "chainlead.accounts.demo.demo_users_step"),)

    def ready(self) -> None:
        super().ready()
        from chainlead.accounts import signals  # noqa: F401  (connects the receivers)
