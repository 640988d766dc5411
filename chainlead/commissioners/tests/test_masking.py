"""The commissioners' contact under PIPL's minimum necessary (docs/security-audit.md): in full
for the city admin and the commissioner's own account, masked for every other reader; every
export of it is recorded."""

import csv
import io

import pytest
from django.urls import reverse

from chainlead.accounts.choices import Role
from chainlead.audit.models import AuditEntry
from chainlead.commissioners.services import commissioner_update

from .conftest import make_user

PHONE = "13812341234"
MASKED = "138****1234"


@pytest.fixture
def with_contact(admin, hardware_expert):
    return commissioner_update(actor=admin, commissioner=hardware_expert, contact=f"王老师 {PHONE}")


@pytest.fixture
def readers(db):
    return {
        "task_force": make_user("cm_tf_reader", Role.TASK_FORCE),
        "auditor": make_user("cm_auditor_reader", Role.AUDITOR),
    }


def csv_body(response):
    return b"".join(response.streaming_content).decode("utf-8-sig")


def page(client, user, commissioner):
    client.force_login(user)
    url = reverse("commissioners:commissioner_detail", args=[commissioner.pk])
    return client.get(url).content.decode()


def test_the_page_masks_the_contact_for_who_does_not_need_it(
    client, admin, commissioner_user, readers, with_contact
):
    assert PHONE in page(client, admin, with_contact)
    assert PHONE in page(client, commissioner_user, with_contact)  # their own record
    task_force_page = page(client, readers["task_force"], with_contact)
    assert MASKED in task_force_page
    assert PHONE not in task_force_page
    # The auditor reads the change history, with the number masked in it too.
    auditor_page = page(client, readers["auditor"], with_contact)
    assert 'id="history"' in auditor_page
    assert MASKED in auditor_page
    assert PHONE not in auditor_page


def test_the_export_masks_the_contact_and_is_recorded(client, admin, readers, with_contact):
    url = reverse("commissioners:commissioner_list")
    client.force_login(readers["task_force"])
    body = csv_body(client.get(url, {"export": "csv"}))
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == 2  # the header and the one commissioner
    assert f"王老师 {MASKED}" in rows[1]
    assert PHONE not in body
    event = AuditEntry.objects.get(event="export.personal_data")
    assert event.actor == readers["task_force"]
    assert (event.after["what"], event.after["rows"]) == ("commissioners", 1)

    client.force_login(admin)
    full = csv_body(client.get(url, {"export": "csv"}))
    assert PHONE in full
    assert AuditEntry.objects.filter(event="export.personal_data").count() == 2


def test_the_page_itself_is_not_recorded_as_an_export(client, readers, with_contact):
    client.force_login(readers["task_force"])
    client.get(reverse("commissioners:commissioner_list"))
    assert not AuditEntry.objects.filter(event="export.personal_data").exists()


def test_the_api_masks_the_contact(client, admin, commissioner_user, readers, with_contact):
    url = f"/api/v1/commissioners/commissioners/{with_contact.pk}"
    client.force_login(readers["task_force"])
    assert client.get(url).json()["contact"] == f"王老师 {MASKED}"
    listed = client.get("/api/v1/commissioners/commissioners").json()
    assert [c["contact"] for c in listed["items"]] == [f"王老师 {MASKED}"]
    client.force_login(commissioner_user)
    assert client.get(url).json()["contact"] == f"王老师 {PHONE}"
    client.force_login(admin)
    assert client.get(url).json()["contact"] == f"王老师 {PHONE}"
