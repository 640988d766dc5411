"""The three administrators (三员分立, issue 9 item 15): one role each, created by a command,
the audit administrator reads the audit log and changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from chainlead.accounts.access import access_for
from chainlead.accounts.choices import Role
from chainlead.accounts.models import RoleGrant, User
from chainlead.accounts.services import role_grant, user_create
from chainlead.core.exceptions import PermissionDenied


def _security_admin(world):
    user = user_create(actor=world.admin, username="sec", password=None)
    role_grant(actor=world.admin, user=user, role=Role.SECURITY_ADMIN)
    return user


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN),
        (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN),
        (Role.AUDIT_ADMIN, Role.SYSTEM_ADMIN),
    ],
)
def test_no_account_holds_two_of_the_three(world, first, second):
    user = user_create(actor=world.admin, username="one", password=None)
    role_grant(actor=world.admin, user=user, role=first)
    with pytest.raises(ValidationError):
        role_grant(actor=world.admin, user=user, role=second)
    assert list(user.grants.values_list("role", flat=True)) == [first]


def test_the_security_administrator_grants_roles(world):
    security = _security_admin(world)
    user = user_create(actor=world.admin, username="ma", password=None)
    role_grant(actor=security, user=user, role=Role.REVIEWER)
    assert access_for(User.objects.get(pk=user.pk)).has(Role.REVIEWER)


def test_the_audit_administrator_reads_the_audit_log_and_grants_nothing(world):
    auditor = user_create(actor=world.admin, username="aud", password=None)
    role_grant(actor=world.admin, user=auditor, role=Role.AUDIT_ADMIN)
    client = Client()
    client.force_login(auditor)
    assert client.get(reverse("audit:entry_list")).status_code == 200
    with pytest.raises(PermissionDenied):
        role_grant(actor=auditor, user=auditor, role=Role.REVIEWER)


def test_create_admins_makes_three_accounts_with_one_time_passwords(db):
    out = StringIO()
    call_command("create_admins", stdout=out)
    lines = dict(line.split(" ", 1) for line in out.getvalue().strip().splitlines())
    assert set(lines) == {"sysadmin", "secadmin", "auditadmin"}
    roles = dict(RoleGrant.objects.values_list("user__username", "role"))
    assert roles == {
        "sysadmin": Role.SYSTEM_ADMIN,
        "secadmin": Role.SECURITY_ADMIN,
        "auditadmin": Role.AUDIT_ADMIN,
    }
    for username, password in lines.items():
        user = User.objects.get(username=username)
        assert user.check_password(password)
        assert not user.is_superuser
    with pytest.raises(Exception, match="exist"):  # run once: a second run changes nothing
        call_command("create_admins", stdout=StringIO())
