"""Accounts services: users (with the password policy), role grants, API tokens."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from chainlead.accounts.access import access_for
from chainlead.accounts.choices import Role
from chainlead.accounts.models import ApiToken, User
from chainlead.accounts.services import (
    api_token_create,
    api_token_revoke,
    role_grant,
    user_create,
)
from chainlead.audit.models import AuditEntry
from chainlead.core.exceptions import PermissionDenied

STRONG = "Chain-Lead-2026"


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab1!", "password_too_short"),
        ("1234567890123", "password_entirely_numeric"),
        ("alllowercaseletters", "password_too_simple"),
        ("Password123", "password_too_common"),
        ("zhangwei-2026X", "password_too_similar"),
    ],
)
def test_weak_passwords_are_refused(world, password, reason):
    with pytest.raises(ValidationError) as info:
        user_create(actor=world.admin, username="zhangwei", password=password)
    assert reason in {e.code for e in info.value.error_dict["password"]}
    assert not User.objects.filter(username="zhangwei").exists()


def test_a_strong_password_is_accepted_and_hashed(world):
    user = user_create(actor=world.admin, username="lina", password=STRONG, display_name="李娜")
    assert user.check_password(STRONG)
    assert STRONG not in user.password
    assert str(user) == "李娜"


def test_only_city_admins_create_users(world):
    with pytest.raises(PermissionDenied):
        user_create(actor=world.users["chain_leader"], username="x", password=STRONG)


def test_role_grants_need_their_scope(world):
    user = user_create(actor=world.admin, username="tf2", password=None)
    with pytest.raises(ValidationError):
        role_grant(actor=world.admin, user=user, role=Role.TASK_FORCE)
    with pytest.raises(ValidationError):
        role_grant(actor=world.admin, user=user, role=Role.AUDITOR, chain=world.own.chain)
    role_grant(actor=world.admin, user=user, role=Role.TASK_FORCE, chain=world.other.chain)
    assert access_for(user).task_force_chain_ids == {world.other.chain.pk}
    again = role_grant(actor=world.admin, user=user, role=Role.TASK_FORCE, chain=world.other.chain)
    assert user.grants.count() == 1
    assert again.chain == world.other.chain
    with pytest.raises(PermissionDenied):
        role_grant(actor=world.users["auditor"], user=user, role=Role.AUDITOR)


def test_a_token_expires_after_its_days(world):
    now = timezone.now()
    token, key = api_token_create(actor=world.users["auditor"], name="etl", days=30, now=now)
    assert token.expires_at == now + dt.timedelta(days=30)
    assert token.prefix == key[:8]
    with pytest.raises(ValidationError):
        api_token_create(actor=world.users["auditor"], name="forever", days=5000)


def test_tokens_for_others_are_for_city_admins(world):
    with pytest.raises(PermissionDenied):
        api_token_create(actor=world.users["auditor"], user=world.users["finance"], name="x")
    token, _key = api_token_create(actor=world.admin, user=world.users["finance"], name="x")
    assert token.user == world.users["finance"]


def test_revoking_is_for_the_owner_or_a_city_admin_and_is_audited(world):
    token, _key = api_token_create(actor=world.users["finance"], name="x")
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=world.users["auditor"], token=token)
    pk = token.pk
    api_token_revoke(actor=world.users["finance"], token=token)
    assert not ApiToken.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.filter(object_id=str(pk), action="delete").get()
    assert "key_hash" not in (entry.before or {})
