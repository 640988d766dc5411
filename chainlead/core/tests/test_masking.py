"""Personal information masked for the roles that do not need it (PIPL; core.masking)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chainlead.accounts.access import ANONYMOUS, Access
from chainlead.accounts.choices import Role
from chainlead.accounts.models import User
from chainlead.accounts.services import role_grant, user_create
from chainlead.audit.models import AuditEntry
from chainlead.audit.services import record_change
from chainlead.core.masking import (
    contact_for,
    mask_contact,
    mask_id_number,
    mask_phone,
    mask_snapshot,
    sees_personal_data,
)


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812341234", "138****1234"),
        ("138-1234-1234", "138****1234"),
        ("+86 138 1234 1234", "138****1234"),
        ("0571-88881234", "0571-****1234"),
        ("", ""),
        (None, ""),
        ("no number", "no number"),
    ],
)
def test_mask_phone(raw, masked):
    assert mask_phone(raw) == masked


def test_mask_id_number():
    assert mask_id_number("33010619900307123X") == "330106********123X"
    assert mask_id_number("330106199003071234") == "330106********1234"
    assert mask_id_number("AB12345") == "AB***45"
    assert mask_id_number("") == ""


def test_mask_contact_masks_every_number_in_free_text():
    text = "王经理 13812341234，身份证 33010619900307123X，座机 0571-88881234"
    masked = mask_contact(text)
    assert masked == "王经理 138****1234，身份证 330106********123X，座机 0571-****1234"
    assert "1990" not in masked


def _access(*roles: Role, firms: frozenset[int] = frozenset()) -> Access:
    return Access(1, frozenset(roles), frozenset(), frozenset(), frozenset(), firms)


def test_who_sees_personal_data():
    assert sees_personal_data(_access(Role.CITY_ADMIN))
    assert sees_personal_data(_access(Role.ENTERPRISE, firms=frozenset({7})), enterprise_id=7)
    assert not sees_personal_data(_access(Role.ENTERPRISE, firms=frozenset({7})), enterprise_id=8)
    assert not sees_personal_data(_access(Role.AUDITOR))
    assert not sees_personal_data(_access(Role.CHAIN_LEADER))
    assert not sees_personal_data(ANONYMOUS)
    assert contact_for(_access(Role.AUDITOR), "13812341234") == "138****1234"
    assert contact_for(_access(Role.CITY_ADMIN), "13812341234") == "13812341234"


def test_mask_snapshot_masks_personal_fields_only():
    data = {"contact": "李 13812341234", "name": "13812341234 Ltd", "phone": None}
    assert mask_snapshot(data) == {
        "contact": "李 138****1234",
        "name": "13812341234 Ltd",
        "phone": None,
    }
    assert mask_snapshot(None) is None


@pytest.fixture
def logged(db: Any) -> dict[str, Any]:
    admin = User.objects.create_superuser("chief", password=None)
    auditor = user_create(actor=admin, username="inspector", password=None)
    role_grant(actor=admin, user=auditor, role="auditor")
    person = user_create(actor=admin, username="person", password=None)
    entry = record_change(
        instance=person,
        action="update",
        before={"contact": "王经理 13812341234"},
        after={"contact": "王经理 13912345678"},
    )
    assert entry is not None
    return {"admin": admin, "auditor": auditor, "entry": entry}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_auditors_see_the_audit_log_masked_and_the_admin_in_full(logged):
    url = reverse("audit:entry_detail", args=[logged["entry"].pk])
    masked = _client(logged["auditor"]).get(url).content.decode()
    assert "139****5678" in masked
    assert "13912345678" not in masked
    full = _client(logged["admin"]).get(url).content.decode()
    assert "13912345678" in full


@pytest.mark.django_db
def test_an_export_is_masked_for_auditors_and_audited(logged):
    response = _client(logged["auditor"]).get(
        reverse("audit:entry_list"), {"export": "csv"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "13912345678" not in body
    assert "139****5678" in body
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows
    event = AuditEntry.objects.get(event="export.personal_data")
    assert event.actor == logged["auditor"]
    assert event.message == "inspector exported the audit log"
    assert event.after["what"] == "the audit log"
