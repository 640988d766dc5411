"""Users, the roles they hold (each with its scope) and API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from chainlead.accounts.choices import ROLE_SCOPE, THREE_ADMINISTRATORS, Role


class User(AbstractUser):
    """A person who logs in. What they may do comes from their role grants."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    department = models.CharField(_("department"), max_length=100, blank=True)
    # Set when someone else chose the password (a one-time password of `create-admins`, a
    # reset by the system administrator): every page leads to the password change until the
    # user has chosen one (accounts.middleware.PasswordChangeRequiredMiddleware).
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta(AbstractUser.Meta):
        ordering = ["username"]
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class RoleGrant(models.Model):
    """`user` holds `role`, scoped to one chain, district or enterprise where the role needs it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    chain = models.ForeignKey(
        "chains.Chain", null=True, blank=True, on_delete=models.CASCADE, related_name="grants"
    )
    district = models.ForeignKey(
        "registry.District", null=True, blank=True, on_delete=models.CASCADE, related_name="grants"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="grants",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")

    def __str__(self) -> str:
        scope = self.chain or self.district or self.enterprise
        return f"{self.user}: {self.get_role_display()}" + (f" ({scope})" if scope else "")

    def clean(self) -> None:
        needed = ROLE_SCOPE[Role(self.role)]
        given = {
            name
            for name in ("chain", "district", "enterprise")
            if getattr(self, f"{name}_id") is not None
        }
        if needed is None and given:
            raise ValidationError(
                _("This role is not scoped; leave chain, district and firm empty.")
            )
        if needed is not None and given != {needed}:
            raise ValidationError({needed: _("This role needs exactly this scope.")})
        if self.role in THREE_ADMINISTRATORS and self.user_id is not None:
            # 三员分立 (MLPS 2.0 8.1.4.2 d): the system, security and audit administrators are
            # three people, so none can both act and clear or audit their own actions.
            other = (
                RoleGrant.objects.filter(user_id=self.user_id, role__in=THREE_ADMINISTRATORS)
                .exclude(role=self.role)
                .exclude(pk=self.pk)
            )
            if other.exists():
                raise ValidationError(
                    {"role": _("An account holds at most one of the three administrator roles.")}
                )
        from chainlead.accounts.mirrors import mirrored

        if self._state.adding and mirrored(self.role) is not None:
            # Granted only with the record it mirrors (accounts.mirrors): e.g. a chain leader is
            # appointed in chain governance, or through accounts.services.role_grant.
            raise ValidationError(
                {"role": _("Grant this role where it is appointed (chain governance).")}
            )


class ApiToken(models.Model):
    """A bearer token for the REST API. Only a hash is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(32)
