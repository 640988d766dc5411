from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chainlead.accounts"
    label = "accounts"

    def ready(self) -> None:
        from chainlead.accounts import models, signals  # noqa: F401  (connects the receivers)
        from chainlead.audit.services import register

        register(models.User, exclude=["password", "last_login"])
        register(models.RoleGrant)
        register(models.ApiToken, exclude=["key_hash", "last_used_at"])
