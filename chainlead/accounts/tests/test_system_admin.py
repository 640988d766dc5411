"""The system administrator's powers (三员分立, issue 9 item 15): users' accounts, from the
platform's pages and the API, audited; no roles, no audit log. And a password someone else chose
(create-admins, a reset) must be changed at the next log-in."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from chainlead.accounts.choices import Role
from chainlead.accounts.models import ApiToken, User
from chainlead.accounts.services import api_token_create, role_grant, user_create
from chainlead.audit.models import AuditEntry
from chainlead.core.exceptions import PermissionDenied

PASSWORD = "Right-Pass-2026"
TEMPORARY = "Temp-Pass-2026!"
CHOSEN = "Own-Choice-2027?"
API = "/api/v1/accounts/users"


def _role_user(world, username: str, role: Role) -> User:
    user = user_create(actor=world.admin, username=username, password=PASSWORD)
    role_grant(actor=world.admin, user=user, role=role)
    return user


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sysadmin(world):
    return _role_user(world, "sys", Role.SYSTEM_ADMIN)


def _events(user: User, event: str) -> int:
    return AuditEntry.objects.filter(object_id=str(user.pk), event=event).count()


def test_the_system_administrator_manages_accounts_over_the_api(world, sysadmin):
    client = _client(sysadmin)
    created = client.post(
        API,
        {"username": "zhang", "password": TEMPORARY, "display_name": "张三"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["must_change_password"] is True
    user = User.objects.get(username="zhang")
    assert AuditEntry.objects.filter(object_id=str(user.pk), action="create").exists()
    assert any(u["username"] == "zhang" for u in client.get(API).json()["items"])

    api_token_create(actor=user, name="script")
    off = client.post(f"{API}/{user.pk}/active", {"active": False}, content_type="application/json")
    assert off.status_code == 200
    user.refresh_from_db()
    assert not user.is_active
    assert not ApiToken.objects.filter(user=user).exists()
    assert _events(user, "deactivated") == 1
    login = Client().post(reverse("accounts:login"), {"username": "zhang", "password": TEMPORARY})
    assert login.status_code == 200  # the form again: an inactive account does not log in

    on = client.post(f"{API}/{user.pk}/active", {"active": True}, content_type="application/json")
    assert on.status_code == 200
    assert _events(user, "reactivated") == 1

    reset = client.post(
        f"{API}/{user.pk}/password", {"password": CHOSEN}, content_type="application/json"
    )
    assert reset.status_code == 200
    user.refresh_from_db()
    assert user.check_password(CHOSEN)
    assert user.must_change_password
    assert _events(user, "password_reset") == 1
    assert CHOSEN not in str(list(AuditEntry.objects.values_list("after", "message")))


def test_the_system_administrator_manages_accounts_from_the_pages(world, sysadmin):
    client = _client(sysadmin)
    assert client.get(reverse("accounts:user_list")).status_code == 200
    response = client.post(reverse("accounts:user_list"), {"username": "li", "password": TEMPORARY})
    assert response.status_code == 302
    user = User.objects.get(username="li")
    assert user.must_change_password
    client.post(reverse("accounts:user_active", args=[user.pk]), {"active": "0"})
    user.refresh_from_db()
    assert not user.is_active
    client.post(reverse("accounts:user_password", args=[user.pk]), {"password": CHOSEN})
    user.refresh_from_db()
    assert user.check_password(CHOSEN)


def test_the_system_administrator_grants_no_roles_and_reads_no_audit_log(world, sysadmin):
    user = user_create(actor=sysadmin, username="wang", password=None)
    with pytest.raises(PermissionDenied):
        role_grant(actor=sysadmin, user=user, role=Role.REVIEWER)
    client = _client(sysadmin)
    assert client.get(reverse("audit:entry_list")).status_code == 403
    assert client.get(reverse("accounts:lockout_list")).status_code == 403


def test_the_other_administrators_accounts_are_out_of_reach(world, sysadmin):
    security = _role_user(world, "sec", Role.SECURITY_ADMIN)
    client = _client(sysadmin)
    reset = client.post(
        f"{API}/{security.pk}/password", {"password": CHOSEN}, content_type="application/json"
    )
    assert reset.status_code == 403
    off = client.post(
        f"{API}/{world.admin.pk}/active", {"active": False}, content_type="application/json"
    )
    assert off.status_code == 403
    security.refresh_from_db()
    assert security.check_password(PASSWORD)


@pytest.mark.parametrize("role", [Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.AUDITOR])
def test_no_one_else_manages_accounts(world, role):
    client = _client(_role_user(world, "other", role))
    assert client.get(reverse("accounts:user_list")).status_code == 403
    assert client.get(API).status_code == 403
    refused = client.post(
        API, {"username": "x", "password": TEMPORARY}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert not User.objects.filter(username="x").exists()


def test_a_one_time_password_must_be_changed_at_the_first_log_in(db):
    out = StringIO()
    call_command("create_admins", stdout=out)
    password = dict(line.split(" ", 1) for line in out.getvalue().strip().splitlines())["sysadmin"]
    assert User.objects.get(username="sysadmin").must_change_password
    client = Client()
    login = client.post(reverse("accounts:login"), {"username": "sysadmin", "password": password})
    assert login.status_code == 302
    page = client.get(reverse("accounts:user_list"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("accounts:password_change"))
    assert client.get("/api/v1/accounts/me").status_code == 403
    changed = client.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password1": CHOSEN, "new_password2": CHOSEN},
    )
    assert changed.status_code == 302
    assert not User.objects.get(username="sysadmin").must_change_password
    assert client.get(reverse("accounts:user_list")).status_code == 200
