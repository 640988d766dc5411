"""Changing the password: the old-password check is throttled like a log-in, and the account's
API tokens end with the old password (issue 9 item 13)."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse

from chainlead.accounts.models import ApiToken
from chainlead.accounts.services import api_token_create, user_create
from chainlead.audit.models import AuditEntry
from chainlead.core.api_auth import token_user

PASSWORD = "Right-Pass-2026"
NEW_PASSWORD = "Other-Pass-2027!"


def _change(client: Client, old: str) -> int:
    data = {"old_password": old, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    return client.post(reverse("accounts:password_change"), data).status_code


def test_guessing_the_old_password_locks_the_account(world):
    user = user_create(actor=world.admin, username="liu", password=PASSWORD)
    client = Client()
    client.force_login(user)
    statuses = [_change(client, "wrong") for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429  # locked (axes' page), and the session ended
    assert _change(client, PASSWORD) == 302  # the session is gone: nothing changes
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    login = Client().post(reverse("accounts:login"), {"username": "liu", "password": PASSWORD})
    assert login.status_code == 429
    assert AuditEntry.objects.filter(event="login_failed", object_id=str(user.pk)).count() >= 5


def test_a_failed_change_stores_no_password_with_the_attempt(world):
    from axes.models import AccessAttempt

    user = user_create(actor=world.admin, username="liu", password=PASSWORD)
    client = Client()
    client.force_login(user)
    assert _change(client, "Guessed-Pass-1") == 200
    stored = " ".join(a.post_data for a in AccessAttempt.objects.all()) + " ".join(
        str(e.after) for e in AuditEntry.objects.all()
    )
    assert "liu" in AccessAttempt.objects.get().username
    assert "Guessed-Pass-1" not in stored
    assert NEW_PASSWORD not in stored


def test_a_password_change_revokes_the_api_tokens(world):
    user = user_create(actor=world.admin, username="liu", password=PASSWORD)
    _token, key = api_token_create(actor=user, name="etl")
    client = Client()
    client.force_login(user)
    assert _change(client, PASSWORD) == 302
    assert token_user(key) is None
    assert not ApiToken.objects.filter(user=user).exists()
    entry = AuditEntry.objects.get(event="api_tokens_revoked", object_id=str(user.pk))
    assert entry.after == {"tokens": 1, "reason": "password changed"}


def test_a_password_set_in_the_admin_revokes_them_too(world):
    user = user_create(actor=world.admin, username="liu", password=PASSWORD)
    _token, key = api_token_create(actor=user, name="etl")
    user.set_password(NEW_PASSWORD)
    user.save()
    assert token_user(key) is None
