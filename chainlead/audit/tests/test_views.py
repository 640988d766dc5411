"""The audit log pages: who may read them, filters, export, and the before/after diff."""

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from chainlead.accounts.models import User
from chainlead.accounts.services import role_grant, user_create
from chainlead.audit.context import acting_as
from chainlead.audit.models import AuditEntry
from chainlead.registry.models import Enterprise
from chainlead.registry.services import enterprise_create, enterprise_update

LIST = reverse("audit:entry_list")


@pytest.fixture
def log(db: Any, districts: dict[str, Any]) -> dict[str, Any]:
    admin = User.objects.create_superuser("chief", password=None)
    users = {"city_admin": admin}
    for role in ("auditor", "district_official", "enterprise", "finance", "chain_leader"):
        users[role] = user_create(actor=admin, username=f"a_{role}", password=None)
    with acting_as(admin, source="web"):
        unitree = enterprise_create(
            actor=admin, name="杭州宇树科技股份有限公司", district=districts["滨江区"]
        )
        game = enterprise_create(
            actor=admin, name="杭州游科互动科技有限公司", district=districts["西湖区"]
        )
        role_grant(actor=admin, user=users["auditor"], role="auditor")
        role_grant(actor=admin, user=users["finance"], role="finance")
        role_grant(
            actor=admin,
            user=users["district_official"],
            role="district_official",
            district=districts["滨江区"],
        )
        role_grant(actor=admin, user=users["enterprise"], role="enterprise", enterprise=unitree)
    with acting_as(users["enterprise"], source="web"):
        enterprise_update(actor=users["enterprise"], enterprise=unitree, revenue=Decimal(500))
    return {"users": users, "unitree": unitree, "game": game}


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def entries(response: Any) -> list[AuditEntry]:
    return [row.record for row in response.context["table"].paginated_rows]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("city_admin", 200),
        ("auditor", 200),
        ("district_official", 403),
        ("enterprise", 403),
        ("finance", 403),
    ],
)
def test_only_admins_and_auditors_read_the_log(log, role, status):
    client = client_for(log["users"][role])
    entry = AuditEntry.objects.first()
    assert client.get(LIST).status_code == status
    assert client.get(reverse("audit:entry_detail", args=[entry.pk])).status_code == status
    assert client.get(LIST, {"export": "csv"}).status_code == status


@pytest.mark.django_db
def test_the_log_cannot_be_changed_through_the_pages(log):
    client = client_for(log["users"]["city_admin"])
    entry = AuditEntry.objects.first()
    assert client.post(LIST).status_code == 405
    assert client.post(reverse("audit:entry_detail", args=[entry.pk])).status_code == 405


@pytest.mark.django_db
def test_filters_by_model_actor_action_object_and_date(log):
    client = client_for(log["users"]["auditor"])
    unitree = log["unitree"]
    firm_ct = ContentType.objects.get_for_model(Enterprise).pk
    by_object = entries(client.get(LIST, {"model": firm_ct, "object_id": unitree.pk}))
    assert {e.action for e in by_object} == {"create", "update"}
    by_actor = entries(client.get(LIST, {"actor": "a_enterprise"}))
    assert [e.action for e in by_actor] == ["update"]
    creates = entries(client.get(LIST, {"action": "create", "model": firm_ct}))
    assert {e.object_repr for e in creates} == {unitree.name, log["game"].name}
    by_name = entries(client.get(LIST, {"q": "游科"}))
    assert {e.object_repr for e in by_name} == {log["game"].name}
    today = AuditEntry.objects.first().timestamp.astimezone().date().isoformat()
    assert entries(client.get(LIST, {"date_from": "2000-01-01", "date_to": "2000-12-31"})) == []
    assert len(entries(client.get(LIST, {"date_from": "2000-01-01"}))) == AuditEntry.objects.count()
    assert today


@pytest.mark.django_db
def test_the_list_query_count_is_flat(log, django_assert_max_num_queries):
    client = client_for(log["users"]["auditor"])
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert len(entries(response)) == AuditEntry.objects.count()


@pytest.mark.django_db
def test_the_export_holds_before_and_after(log):
    client = client_for(log["users"]["auditor"])
    response = client.get(
        LIST, {"export": "csv", "actor": "a_enterprise"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["who"] == "a_enterprise"
    assert '"revenue": "500.00"' in record["after"]
    assert '"revenue": null' in record["before"]
    assert record["changed fields"] == "revenue, version"


@pytest.mark.django_db
def test_the_detail_shows_the_change_before_and_after(log):
    client = client_for(log["users"]["auditor"])
    entry = AuditEntry.objects.get(
        action="update", content_type__model="enterprise", object_id=str(log["unitree"].pk)
    )
    response = client.get(reverse("audit:entry_detail", args=[entry.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "500.00" in text
    changed = {r["name"] for r in response.context["rows"] if r["changed"]}
    assert changed == {"revenue", "version"}


@pytest.mark.django_db
def test_the_firm_history_partial_names_who_and_what(log):
    owner = client_for(log["users"]["enterprise"])
    response = owner.get(
        reverse("registry:enterprise_detail", args=[log["unitree"].pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    text = response.content.decode()
    assert 'id="history"' in text
    assert "a_enterprise" in text
    assert "500.00" in text
    # the owner does not read the audit log itself, so no link to it
    assert reverse("audit:entry_list") + "?object_id" not in text


@pytest.mark.django_db
def test_the_list_names_fields_and_channels_in_words(log):
    client = client_for(log["users"]["auditor"])
    text = client.get(LIST, {"actor": "a_enterprise"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "revenue (10,000 CNY)" in text  # the field's label, not "revenue"
    assert "web page" in text
    assert "{#" not in text  # no template comment leaks into the page
