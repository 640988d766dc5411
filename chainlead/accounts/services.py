"""Writes to accounts: users, role grants and API tokens. Only city admins manage other people."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from chainlead.accounts.access import access_for, forget_access
from chainlead.accounts.choices import Role
from chainlead.accounts.mirrors import mirrored
from chainlead.accounts.models import ApiToken, RoleGrant, User
from chainlead.accounts.types import Actor
from chainlead.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from django_otp.plugins.otp_totp.models import TOTPDevice

# MLPS 2.0 (GB/T 22239-2019 8.1.4.1): credentials expire; a token lives at most a year.
API_TOKEN_DEFAULT_DAYS = 90
API_TOKEN_MAX_DAYS = 365


def _require_admin(actor: Actor, message: str) -> None:
    if not access_for(actor).is_admin:
        raise PermissionDenied(message)


def _require_user_manager(actor: Actor, message: str) -> None:
    from chainlead.accounts.permissions import manages_accounts

    if not manages_accounts(access_for(actor)):
        raise PermissionDenied(message)


def _require_grant_manager(actor: Actor, message: str) -> None:
    access = access_for(actor)
    if not (access.is_admin or access.is_security_admin):
        raise PermissionDenied(message)


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    password: str | None,
    display_name: str = "",
    department: str = "",
    email: str = "",
    is_active: bool = True,
    must_change_password: bool = False,
) -> User:
    """Create a user. The password must satisfy the policy; None leaves it unusable.
    City admins and the system administrator create users; `must_change_password` makes the
    new user choose their own password at the first log-in."""
    _require_user_manager(actor, "Only city admins and system administrators create users.")
    user = User(
        username=username,
        display_name=display_name,
        department=department,
        email=email,
        is_active=is_active,
        must_change_password=must_change_password and password is not None,
    )
    if password is None:
        user.set_unusable_password()
    else:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.error_list}) from exc
        user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def superuser_create(*, username: str, password: str, display_name: str = "") -> User:
    """The first administrator, created from the command line (no actor can be checked yet)."""
    user = User(username=username, display_name=display_name, is_staff=True, is_superuser=True)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def role_grant(
    *,
    actor: Actor,
    user: User,
    role: Role | str,
    # Any: a chain, district or firm of the layers above, which accounts may not import (not
    # even for types: core/tests/test_layers.py); RoleGrant.full_clean() checks them.
    chain: Any = None,
    district: Any = None,
    enterprise: Any = None,
) -> RoleGrant:
    """Give `user` the role, scoped to the chain, district or firm the role needs. A role whose
    grants mirror another app's records (a chain leader) is granted by creating that record.
    City admins and security administrators grant roles; an account holds at most one of the
    three administrator roles (RoleGrant.clean)."""
    _require_grant_manager(actor, "Only city admins and security administrators grant roles.")
    mirror = mirrored(role)
    if mirror is not None:
        mirror.grant(actor=actor, user=user, chain=chain, district=district, enterprise=enterprise)
        return RoleGrant.objects.get(
            user=user, role=Role(role), chain=chain, district=district, enterprise=enterprise
        )
    grant = RoleGrant(
        user=user, role=Role(role), chain=chain, district=district, enterprise=enterprise
    )
    grant.full_clean()
    existing = RoleGrant.objects.filter(
        user=user, role=grant.role, chain=chain, district=district, enterprise=enterprise
    ).first()
    if existing is not None:
        return existing
    grant.save()
    forget_access(user)
    return grant


@transaction.atomic
def role_revoke(*, actor: Actor, grant: RoleGrant) -> None:
    _require_grant_manager(actor, "Only city admins and security administrators revoke roles.")
    mirror = mirrored(grant.role)
    if mirror is not None:
        mirror.revoke(actor=actor, grant=grant)
        return
    user = grant.user
    grant.delete()
    forget_access(user)


@transaction.atomic
def api_token_create(
    *,
    actor: Actor,
    name: str,
    user: User | None = None,
    days: int | None = API_TOKEN_DEFAULT_DAYS,
    now: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `user` (default: the actor). Returns it with its key, shown only once."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied("Log in to create API tokens.")
    owner = user or actor
    if owner.pk != actor.pk:
        _require_admin(actor, "Only city admins create tokens for other users.")
    if days is not None and not 1 <= days <= API_TOKEN_MAX_DAYS:
        raise ValidationError({"days": f"A token lives between 1 and {API_TOKEN_MAX_DAYS} days."})
    now = now or timezone.now()
    key = ApiToken.new_key()
    token = ApiToken(
        user=owner,
        name=name.strip(),
        prefix=key[:8],
        key_hash=ApiToken.hash_key(key),
        expires_at=None if days is None else now + dt.timedelta(days=days),
    )
    token.full_clean()
    token.save()
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> None:
    """Delete the token: the owner or a city admin may. The audit log keeps its record."""
    if actor is None or (token.user_id != actor.pk and not access_for(actor).is_admin):
        raise PermissionDenied("You may not revoke this token.")
    token.delete()


@transaction.atomic
def lockout_release(*, actor: Actor, username: str) -> int:
    """Lift the log-in lock of `username` before its cool-off ends; audited on the account.
    Returns how many failure records were cleared."""
    from axes.utils import reset

    from chainlead.accounts.permissions import manages_security
    from chainlead.audit.services import record_event

    if not manages_security(access_for(actor)):
        raise PermissionDenied("Only security administrators unlock accounts.")
    cleared = int(reset(username=username))
    user = User.objects.filter(username=username).first()
    if user is not None:
        record_event(
            instance=user,
            event="unlocked",
            message="Log-in lock lifted by a security administrator.",
            data={"failure_records": cleared},
        )
    return cleared


@transaction.atomic
def api_tokens_end(*, user: User, reason: str) -> int:
    """Delete all of `user`'s API tokens because the credentials behind them changed (the
    password): a token must not outlive the password of the one who made it. Each deletion is
    audited, and one event says why. Returns how many tokens ended."""
    from chainlead.audit.services import record_event

    tokens = list(ApiToken.objects.filter(user=user))
    for token in tokens:
        token.delete()
    if tokens:
        record_event(
            instance=user,
            event="api_tokens_revoked",
            message="API tokens ended with the password.",
            data={"tokens": len(tokens), "reason": reason},
        )
    return len(tokens)


# The accounts `chainlead create-admins` makes: user name → role (三员分立).
THREE_ADMINISTRATOR_ACCOUNTS = {
    "sysadmin": Role.SYSTEM_ADMIN,
    "secadmin": Role.SECURITY_ADMIN,
    "auditadmin": Role.AUDIT_ADMIN,
}


@transaction.atomic
def administrators_create() -> list[tuple[User, str]]:
    """The system, security and audit administrators, one role each, with random one-time
    passwords (to be changed at once): run from the command line, like the superuser, which is
    then not used in operation. Refuses if any of the accounts exists."""
    import secrets

    taken = User.objects.filter(username__in=THREE_ADMINISTRATOR_ACCOUNTS).values_list(
        "username", flat=True
    )
    if taken:
        raise ValidationError(f"These accounts already exist: {', '.join(sorted(taken))}.")
    created = []
    for username, role in THREE_ADMINISTRATOR_ACCOUNTS.items():
        # Letters, digits and a symbol: the password policy's character classes.
        password = secrets.token_urlsafe(12) + "-Aa1"
        # A one-time password: the administrator chooses their own at the first log-in.
        user = User(username=username, display_name=str(role.label), must_change_password=True)
        validate_password(password, user)
        user.set_password(password)
        user.full_clean()
        user.save()
        grant = RoleGrant(user=user, role=role)
        grant.full_clean()
        grant.save()
        created.append((user, password))
    return created


RECOVERY_CODE_COUNT = 10


@transaction.atomic
def two_factor_enrol(*, user: User, key: str) -> TOTPDevice:
    """Confirm the authenticator whose secret `key` (hex) the user has just proved to hold, in
    place of any earlier one; audited."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from chainlead.audit.services import record_event

    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="authenticator", key=key, confirmed=True)
    record_event(instance=user, event="two_factor_enrolled", message="Authenticator set up.")
    return device


@transaction.atomic
def recovery_codes_reset(*, user: User) -> list[str]:
    """New single-use recovery codes for `user`, replacing the old ones; shown once. Audited
    (the event, never the codes)."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from chainlead.audit.services import record_event

    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        device.token_set.create(token=code)
    record_event(instance=user, event="recovery_codes_reset", data={"codes": len(codes)})
    return codes


# --- the system administrator's powers over accounts (三员分立) -------------------------------


def _require_manageable(actor: Actor, user: User) -> None:
    """The system administrator manages ordinary accounts, not the administrators': one who
    could reset the security or audit administrator's password could act as them."""
    from chainlead.accounts.choices import THREE_ADMINISTRATORS

    if actor is not None and user.pk == actor.pk:
        raise PermissionDenied("Manage your own account from its own pages.")
    access = access_for(actor)
    if access.is_admin:
        return
    protected = (
        user.is_superuser
        or user.grants.filter(role__in=[*THREE_ADMINISTRATORS, Role.CITY_ADMIN]).exists()
    )
    if protected:
        raise PermissionDenied("Administrators' accounts are managed from the command line.")


@transaction.atomic
def user_set_active(*, actor: Actor, user: User, active: bool) -> User:
    """Deactivate (no log-in, sessions and API tokens end) or reactivate an account; audited."""
    from chainlead.audit.services import record_event

    _require_user_manager(actor, "Only city admins and system administrators manage accounts.")
    _require_manageable(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return user
    user.is_active = active
    user.full_clean()
    user.save(update_fields=["is_active"])
    if not active:
        api_tokens_end(user=user, reason="account deactivated")
    record_event(instance=user, event="reactivated" if active else "deactivated")
    return user


@transaction.atomic
def user_password_reset(*, actor: Actor, user: User, password: str) -> User:
    """Set a temporary password that the user must change at the next log-in; the account's
    API tokens end with the old password (signals). Audited, without the password."""
    from chainlead.audit.services import record_event

    _require_user_manager(actor, "Only city admins and system administrators reset passwords.")
    _require_manageable(actor, user)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc
    user.set_password(password)
    user.must_change_password = True
    user.full_clean()
    user.save()
    record_event(instance=user, event="password_reset", message="Temporary password set.")
    return user


@transaction.atomic
def password_chosen(*, user: User) -> User:
    """The user has chosen their own password: the forced change is done."""
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
    return user
