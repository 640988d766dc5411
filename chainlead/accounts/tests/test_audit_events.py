"""Password changes and failed log-ins for unknown user names are audited (issue 9 item 9)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from chainlead.accounts.services import user_create
from chainlead.audit.models import AuditEntry

PASSWORD = "Right-Pass-2026"
NEW_PASSWORD = "Other-Pass-2027!"


def test_a_failed_login_for_an_unknown_name_is_audited(db):
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.post(reverse("accounts:login"), {"username": "nobody", "password": "guess"})
    entry = AuditEntry.objects.get(event="login_failed")
    assert entry.after == {"username": "nobody", "remote_addr": "10.1.2.3", "known_user": False}


def test_a_password_change_on_the_page_is_audited(world):
    user = user_create(actor=world.admin, username="liu", password=PASSWORD)
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(event="password_changed", object_id=str(user.pk))
    assert entry.actor_id == user.pk
    assert PASSWORD not in str(entry.after) and NEW_PASSWORD not in str(entry.after)


def test_a_password_set_any_other_way_is_audited_too(world):
    user = user_create(actor=world.admin, username="liu", password=PASSWORD)
    user.set_password(NEW_PASSWORD)  # the admin's form, `changepassword`, the shell
    user.save()
    assert AuditEntry.objects.filter(event="password_changed", object_id=str(user.pk)).exists()
    user.last_login = None
    user.save(update_fields=["last_login"])
    assert AuditEntry.objects.filter(event="password_changed").count() == 1
