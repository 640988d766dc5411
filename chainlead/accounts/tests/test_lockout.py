"""Back-off by account and by address, a lock that does not extend itself, unlocking by a
security administrator, and no API access for a locked account (issue 9 item 5)."""

from __future__ import annotations

import datetime as dt

import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from chainlead.accounts.choices import Role
from chainlead.accounts.services import api_token_create, role_grant, user_create
from chainlead.audit.models import AuditEntry
from chainlead.core.api_auth import token_user

PASSWORD = "Right-Pass-2026"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _login(username: str, password: str, address: str = "10.0.0.1") -> int:
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    return response.status_code


def _fail_until_locked(username: str, address: str = "10.0.0.1") -> None:
    statuses = [_login(username, "wrong", address) for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses[-1] == 429


def test_attempts_during_the_lock_do_not_extend_it(world):
    user_create(actor=world.admin, username="liu", password=PASSWORD)
    cooloff = dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    with time_machine.travel(START, tick=False) as clock:
        _fail_until_locked("liu")
        for _ in range(3):  # someone keeps trying through the lock, right password included
            clock.shift(cooloff / 4)
            assert _login("liu", PASSWORD) == 429
        clock.move_to(START + cooloff + dt.timedelta(seconds=1))
        assert _login("liu", PASSWORD) == 302


def test_one_address_is_held_back_across_user_names(world, settings):
    settings.CHAINLEAD_LOGIN_FAILURE_LIMIT_PER_ADDRESS = 12
    user_create(actor=world.admin, username="liu", password=PASSWORD)
    with time_machine.travel(START, tick=False):
        # Fewer failures per name than lock a name, but many names from one address.
        for i in range(12):
            assert _login(f"guess{i}", "wrong", "10.9.9.9") == (429 if i == 11 else 200)
        assert _login("liu", PASSWORD, "10.9.9.9") == 429  # the address is held back
        assert _login("liu", PASSWORD, "10.0.0.2") == 302  # the account is not


def test_an_office_behind_one_address_keeps_working_after_a_few_failures(world):
    user_create(actor=world.admin, username="liu", password=PASSWORD)
    assert settings.CHAINLEAD_LOGIN_FAILURE_LIMIT_PER_ADDRESS > 5 * settings.AXES_FAILURE_LIMIT
    with time_machine.travel(START, tick=False):
        for name in ("a", "b", "c", "d", "e"):  # five colleagues mistype twice each
            for _ in range(2):
                _login(name, "wrong")
        assert _login("liu", PASSWORD) == 302


def _security_admin(world):
    user = user_create(actor=world.admin, username="sec", password=PASSWORD)
    role_grant(actor=world.admin, user=user, role=Role.SECURITY_ADMIN)
    client = Client()
    client.force_login(user)
    return user, client


def test_a_security_administrator_unlocks_an_account(world):
    user = user_create(actor=world.admin, username="liu", password=PASSWORD)
    _security_admin_user, client = _security_admin(world)
    with time_machine.travel(START, tick=False):
        _fail_until_locked("liu")
        page = client.get(reverse("accounts:lockout_list"))
        assert page.status_code == 200
        assert "liu" in page.content.decode()
        response = client.post(reverse("accounts:lockout_release"), {"username": "liu"})
        assert response.status_code == 302
        assert not AccessAttempt.objects.filter(username="liu").exists()
        assert _login("liu", PASSWORD) == 302
    assert AuditEntry.objects.filter(object_id=str(user.pk), event="unlocked").exists()


def test_only_a_security_administrator_unlocks(world, role_clients):
    for role in ("city_admin", "auditor", "enterprise"):
        assert role_clients[role].get(reverse("accounts:lockout_list")).status_code == 403
        release = role_clients[role].post(reverse("accounts:lockout_release"), {"username": "x"})
        assert release.status_code == 403


def test_the_api_refuses_the_tokens_of_a_locked_account(world):
    user = user_create(actor=world.admin, username="liu", password=PASSWORD)
    _token, key = api_token_create(actor=user, name="etl")
    with time_machine.travel(START, tick=False) as clock:
        assert token_user(key) == user
        _fail_until_locked("liu")
        assert token_user(key) is None
        clock.shift(dt.timedelta(hours=settings.AXES_COOLOFF_TIME, seconds=1))
        assert token_user(key) == user
