"""The registry REST API: auth, scoping, filters, pagination, writes and their status codes."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from chainlead.accounts.models import ApiToken
from chainlead.accounts.services import api_token_create
from chainlead.audit.models import AuditEntry
from chainlead.registry.models import Enterprise, EnterpriseIndicator
from chainlead.registry.services import enterprise_create

API = "/api/v1/registry"


def credit_code(body: str) -> str:
    """Append the GB 32100-2015 check character to 17 characters."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(alphabet.index(c) * w for c, w in zip(body, weights, strict=True))
    return body + alphabet[(31 - total % 31) % 31]


def bearer(user, **kwargs) -> dict[str, str]:
    _token, key = api_token_create(actor=user, name="test", **kwargs)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def patch(client: Client, url: str, body: dict, **extra):
    return client.patch(url, json.dumps(body), content_type="application/json", **extra)


def post(client: Client, url: str, body: dict, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


# ----------------------------------------------------------------------------- authentication


def test_a_bearer_token_authenticates(world):
    client = Client()
    response = client.get(f"{API}/enterprises", **bearer(world.admin))
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_no_credentials_is_401(world):
    assert Client().get(f"{API}/enterprises").status_code == 401
    bad = {"HTTP_AUTHORIZATION": "Bearer not-a-key"}
    assert Client().get(f"{API}/enterprises", **bad).status_code == 401


def test_an_expired_token_is_refused(world):
    now = timezone.now()
    token, key = api_token_create(actor=world.admin, name="old", days=1, now=now)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=now - dt.timedelta(seconds=1))
    response = Client().get(f"{API}/enterprises", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401


def test_a_deactivated_users_token_is_refused(world):
    headers = bearer(world.users["auditor"])
    type(world.admin).objects.filter(pk=world.users["auditor"].pk).update(is_active=False)
    assert Client().get(f"{API}/enterprises", **headers).status_code == 401


def test_last_used_is_written_at_most_once_a_minute(world):
    from chainlead.core.api_auth import token_user

    token, key = api_token_create(actor=world.admin, name="t")
    t0 = timezone.now()
    assert token_user(key, now=t0) == world.admin
    token.refresh_from_db()
    assert token.last_used_at == t0
    token_user(key, now=t0 + dt.timedelta(seconds=59))
    token.refresh_from_db()
    assert token.last_used_at == t0
    token_user(key, now=t0 + dt.timedelta(seconds=61))
    token.refresh_from_db()
    assert token.last_used_at == t0 + dt.timedelta(seconds=61)


def test_only_the_hash_of_the_key_is_stored(world):
    token, key = api_token_create(actor=world.admin, name="t")
    assert key not in token.key_hash
    assert token.key_hash == ApiToken.hash_key(key)
    assert len(token.key_hash) == 64


def test_session_writes_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    firm = world.own.firm
    url = f"{API}/enterprises/{firm.pk}"
    assert client.get(url).status_code == 200  # reads need no token
    response = patch(client, url, {"version": firm.version, "address": "x"})
    assert response.status_code == 403
    client.get("/accounts/tokens/")  # any page sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = patch(client, url, {"version": firm.version, "address": "x"}, HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 200, response.content
    assert response.json()["address"] == "x"


def test_token_writes_need_no_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    firm = world.own.firm
    response = patch(
        client,
        f"{API}/enterprises/{firm.pk}",
        {"version": firm.version, "address": "y"},
        **bearer(world.admin),
    )
    assert response.status_code == 200


def test_token_writes_are_audited_as_the_tokens_owner(world):
    firm = world.own.firm
    response = patch(
        Client(),
        f"{API}/enterprises/{firm.pk}",
        {"version": firm.version, "address": "z"},
        **bearer(world.admin),
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(object_id=str(firm.pk), action="update").first()
    assert entry.actor == world.admin
    assert entry.source == "api"


# ----------------------------------------------------------------------------- reading


def test_the_list_is_restricted_to_the_users_scope(world, role_clients):
    own, other = world.own.firm, world.other.firm
    data = role_clients["enterprise"].get(f"{API}/enterprises").json()
    assert [e["id"] for e in data["items"]] == [own.pk]
    assert role_clients["enterprise"].get(f"{API}/enterprises/{other.pk}").status_code == 404
    data = role_clients["district_official"].get(f"{API}/enterprises").json()
    assert [e["id"] for e in data["items"]] == [own.pk]
    assert role_clients["researcher"].get(f"{API}/enterprises").json()["count"] == 0


def test_the_list_filters_with_the_enterprise_filterset(world, role_clients):
    client = role_clients["city_admin"]
    other = world.other.firm
    data = client.get(f"{API}/enterprises", {"district": world.other.district.pk}).json()
    assert [e["id"] for e in data["items"]] == [other.pk]
    data = client.get(f"{API}/enterprises", {"q": "Walk firm own"}).json()
    assert [e["name"] for e in data["items"]] == ["Walk firm own"]
    response = client.get(f"{API}/enterprises", {"district": 999999})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "district"]


def test_the_list_is_paginated_with_a_maximum_page_size(world, role_clients, settings):
    from chainlead.core import pagination

    client = role_clients["city_admin"]
    for n in range(3):
        enterprise_create(actor=world.admin, name=f"Extra {n}")
    data = client.get(f"{API}/enterprises", {"page_size": 2, "page": 2}).json()
    assert data["count"] == 5
    assert len(data["items"]) == 2
    huge = client.get(f"{API}/enterprises", {"page_size": 10**6}).json()
    assert len(huge["items"]) == 5
    assert pagination.PageNumber().max_page_size == pagination.MAX_PAGE_SIZE


def test_the_list_takes_a_constant_number_of_queries(
    world, role_clients, django_assert_max_num_queries
):
    for n in range(10):
        enterprise_create(actor=world.admin, name=f"Extra {n}", district=world.own.district)
    client = role_clients["city_admin"]
    client.get(f"{API}/enterprises")  # warm the session
    with django_assert_max_num_queries(8):
        data = client.get(f"{API}/enterprises").json()
    assert data["items"][0]["district_name"] in {"滨江区", None}


def test_detail_shows_money_as_decimal_strings_and_the_version(world, role_clients):
    firm = world.own.firm
    data = role_clients["city_admin"].get(f"{API}/enterprises/{firm.pk}").json()
    assert Decimal(data["revenue"]) == firm.revenue
    assert data["version"] == firm.version
    assert data["district"] == world.own.district.pk


# ----------------------------------------------------------------------------- writing


def test_a_city_admin_creates_a_firm(world, role_clients):
    code = credit_code("91330100MA2CF0000")
    body = {
        "name": "New firm",
        "credit_code": code,
        "district": world.own.district.pk,
        "revenue": "12.50",
    }
    response = post(role_clients["city_admin"], f"{API}/enterprises", body)
    assert response.status_code == 201, response.content
    firm = Enterprise.objects.get(pk=response.json()["id"])
    assert firm.credit_code == code
    assert firm.revenue == Decimal("12.50")


def test_others_may_not_create_firms(world, role_clients):
    response = post(role_clients["task_force"], f"{API}/enterprises", {"name": "x"})
    assert response.status_code == 403
    assert not Enterprise.objects.filter(name="x").exists()


def test_an_invalid_credit_code_is_a_422_with_the_field(world, role_clients):
    response = post(
        role_clients["city_admin"],
        f"{API}/enterprises",
        {"name": "Bad", "credit_code": "91330100MA2CF00001"[:17] + "Z"},
    )
    assert response.status_code == 422
    fields = [e["loc"][-1] for e in response.json()["detail"]]
    assert "credit_code" in fields


def test_schema_errors_are_422_too(world, role_clients):
    response = post(role_clients["city_admin"], f"{API}/enterprises", {"employees": -1})
    assert response.status_code == 422


def test_a_stale_version_is_a_409_and_changes_nothing(world, role_clients):
    firm = world.own.firm
    client = role_clients["city_admin"]
    url = f"{API}/enterprises/{firm.pk}"
    first = patch(client, url, {"version": firm.version, "address": "first"})
    assert first.status_code == 200
    assert first.json()["version"] == firm.version + 1
    second = patch(client, url, {"version": firm.version, "address": "second"})
    assert second.status_code == 409
    firm.refresh_from_db()
    assert firm.address == "first"


def test_an_enterprise_user_edits_only_their_own_firms_owner_fields(world, role_clients):
    client = role_clients["enterprise"]
    own, other = world.own.firm, world.other.firm
    ok = patch(client, f"{API}/enterprises/{own.pk}", {"version": own.version, "employees": 7})
    assert ok.status_code == 200
    assert ok.json()["employees"] == 7
    identity = patch(
        client, f"{API}/enterprises/{own.pk}", {"version": own.version + 1, "name": "Renamed"}
    )
    assert identity.status_code == 403
    out_of_scope = patch(client, f"{API}/enterprises/{other.pk}", {"version": 1, "employees": 1})
    assert out_of_scope.status_code == 404


def test_a_district_official_reads_but_may_not_edit(world, role_clients):
    firm = world.own.firm
    url = f"{API}/enterprises/{firm.pk}"
    client = role_clients["district_official"]
    assert client.get(url).status_code == 200
    assert patch(client, url, {"version": firm.version, "address": "x"}).status_code == 403


def test_delete_checks_the_role_and_the_version(world, role_clients):
    firm = world.own.firm
    url = f"{API}/enterprises/{firm.pk}"
    assert role_clients["enterprise"].delete(url).status_code == 403
    assert role_clients["city_admin"].delete(f"{url}?version=99").status_code == 409
    assert role_clients["city_admin"].delete(f"{url}?version={firm.version}").status_code == 204
    assert not Enterprise.objects.filter(pk=firm.pk).exists()


def test_yearly_indicators_are_set_and_listed(world, role_clients):
    firm = world.own.firm
    client = role_clients["enterprise"]
    url = f"{API}/enterprises/{firm.pk}/indicators"
    response = client.put(
        f"{url}/2024",
        json.dumps({"revenue": "100.5", "patents": 3}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    client.put(f"{url}/2023", json.dumps({"revenue": "90"}), content_type="application/json")
    data = client.get(url).json()
    assert [(row["year"], row["patents"]) for row in data] == [(2023, None), (2024, 3)]
    assert EnterpriseIndicator.objects.get(enterprise=firm, year=2024).revenue == Decimal("100.5")
    forbidden = role_clients["district_official"].put(
        f"{url}/2024", json.dumps({"revenue": "1"}), content_type="application/json"
    )
    assert forbidden.status_code == 403


# ----------------------------------------------------------------------------- reference data


@pytest.fixture
def industries(db):
    from chainlead.registry.reference_data import industries_load

    industries_load()


def test_industries_filter_by_level_parent_and_text(world, role_clients, industries):
    client = role_clients["researcher"]
    sections = client.get(f"{API}/industries", {"level": "section", "page_size": 100}).json()
    assert sections["count"] == 20
    children = client.get(f"{API}/industries", {"parent": "39", "page_size": 100}).json()
    assert children["items"] and all(i["code"].startswith("39") for i in children["items"])
    assert all(i["level"] == "group" and i["parent"] == "39" for i in children["items"])
    found = client.get(f"{API}/industries", {"q": "3911"}).json()
    assert [i["code"] for i in found["items"]] == ["3911"]
    assert client.get(f"{API}/industries/c").json()["level"] == "section"
    assert client.get(f"{API}/industries/0000").status_code == 404


def test_districts_are_listed(world, role_clients):
    data = role_clients["enterprise"].get(f"{API}/districts").json()
    assert {"滨江区", "余杭区"} <= {d["name"] for d in data}


def test_deleting_a_firm_other_records_refer_to_is_a_409(world, role_clients):
    from chainlead.recruitment.services import target_create

    firm = world.own.firm
    target_create(
        actor=world.admin,
        chain_id=world.own.chain.pk,
        name="Landed",
        location="Boston",
        landed_enterprise=firm,
    )
    response = role_clients["city_admin"].delete(f"{API}/enterprises/{firm.pk}")
    assert response.status_code == 409
    assert response.json()["referenced_by"]
    assert Enterprise.objects.filter(pk=firm.pk).exists()
