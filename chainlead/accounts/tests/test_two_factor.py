"""Two-factor authentication (TOTP) for officials, enforced for administrators, with recovery
codes (issue 9 item 14). Codes are computed with django_otp's own TOTP, at a fixed time."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from chainlead.accounts.choices import Role
from chainlead.accounts.services import role_grant, user_create

PASSWORD = "Right-Pass-2026"
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _enforced(settings):
    settings.CHAINLEAD_2FA_ENFORCED = True


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _logged_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _admin(world, username: str = "sec", role: Role = Role.SECURITY_ADMIN):
    user = user_create(actor=world.admin, username=username, password=PASSWORD)
    role_grant(actor=world.admin, user=user, role=role)
    return user


def test_an_administrator_must_set_up_two_factor_first(world, clock):
    user = _admin(world)
    client = _logged_in("sec")
    response = client.get(reverse("accounts:lockout_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_setup"))
    page = client.get(reverse("accounts:otp_setup")).content.decode()
    assert "otpauth://totp/" in page
    # The secret in base32, as the official types it into the app; the app's code from it.
    secret = re.search(r'<code id="otp-secret">([A-Z2-7=]+)</code>', page).group(1)
    code = f"{totp(base64.b32decode(secret)):06d}"
    assert not TOTPDevice.objects.filter(user=user).exists()  # nothing stored before the proof
    wrong = client.post(reverse("accounts:otp_setup"), {"token": f"{(int(code) + 1) % 10**6:06d}"})
    assert wrong.status_code == 200
    assert not TOTPDevice.objects.filter(user=user).exists()
    done = client.post(reverse("accounts:otp_setup"), {"token": code})
    assert done.status_code == 200
    codes = re.findall(r"<code>([a-z0-9]{8})</code>", done.content.decode())
    assert len(codes) == 10  # recovery codes, shown once
    assert StaticDevice.objects.get(user=user).token_set.count() == 10
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get(reverse("accounts:lockout_list")).status_code == 200


def _enrolled(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    static.token_set.create(token="recover1")
    return device


def test_logging_in_asks_for_the_code_as_a_second_step(world, clock):
    user = _admin(world)
    device = _enrolled(user)
    client = _logged_in("sec")
    response = client.get(reverse("accounts:lockout_list"))
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.post(reverse("accounts:otp_verify"), {"token": "123456"}).status_code == 200
    clock.shift(dt.timedelta(seconds=1))
    verified = client.post(reverse("accounts:otp_verify"), {"token": _code(device)})
    assert verified.status_code == 302
    assert client.get(reverse("accounts:lockout_list")).status_code == 200


def test_a_recovery_code_works_once(world, clock):
    user = _admin(world)
    _enrolled(user)
    client = _logged_in("sec")
    assert client.post(reverse("accounts:otp_verify"), {"token": "recover1"}).status_code == 302
    again = _logged_in("sec")
    assert again.post(reverse("accounts:otp_verify"), {"token": "recover1"}).status_code == 200


def test_the_api_refuses_an_unverified_administrator_session(world, clock):
    _admin(world)
    client = _logged_in("sec")
    assert client.get("/api/v1/accounts/me").status_code == 403


def test_other_officials_need_it_only_when_configured(world, clock, settings):
    user = user_create(actor=world.admin, username="ma", password=PASSWORD)
    role_grant(actor=world.admin, user=user, role=Role.REVIEWER)
    client = _logged_in("ma")
    assert client.get(reverse("accounts:token_list")).status_code == 200
    settings.CHAINLEAD_2FA_ROLES = [Role.REVIEWER]
    assert client.get(reverse("accounts:token_list")).status_code == 302


def test_a_wrong_code_is_audited_with_user_and_address_but_not_the_code(world, clock):
    from axes.models import AccessAttempt

    from chainlead.audit.models import AuditEntry

    user = _admin(world)
    _enrolled(user)
    client = _logged_in("sec")
    client.defaults["REMOTE_ADDR"] = "10.1.2.3"
    assert client.post(reverse("accounts:otp_verify"), {"token": "654321"}).status_code == 200
    assert client.post(reverse("accounts:otp_verify"), {"token": "recovr99"}).status_code == 200

    entries = AuditEntry.objects.filter(event="two_factor_failed", object_id=str(user.pk))
    assert entries.count() == 2
    entry = entries.first()
    assert entry.actor_id == user.pk
    assert entry.after["remote_addr"] == "10.1.2.3"
    stored = " ".join(
        [str(e.after) + e.message for e in AuditEntry.objects.all()]
        + [a.post_data + a.get_data for a in AccessAttempt.objects.all()]
    )
    assert "654321" not in stored
    assert "recovr99" not in stored


def test_wrong_codes_lock_the_account_like_wrong_passwords(world, clock, settings):
    from chainlead.accounts.lockout import is_locked_out

    user = _admin(world)
    device = _enrolled(user)
    client = _logged_in("sec")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:otp_verify"), {"token": "000000"})
    assert is_locked_out("sec")
    # The half-open session has ended: even the right code no longer lets it in.
    clock.shift(dt.timedelta(seconds=1))
    response = client.post(reverse("accounts:otp_verify"), {"token": _code(device)})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("accounts:lockout_list")).status_code == 302
    # And the password does not open a new one during the lock.
    again = Client()
    refused = again.post(reverse("accounts:login"), {"username": "sec", "password": PASSWORD})
    assert refused.status_code != 302 or not again.session.get("_auth_user_id")
    assert user.pk is not None
