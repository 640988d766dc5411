"""Hostile input answers 4xx, never 5xx, on SQLite and PostgreSQL (issue 9 item 8): a huge
page number, a date at the end of the calendar, `null` for a text field, NUL characters."""

import pytest
from django.test import Client

REGISTRY = "/api/v1/registry"
REQUESTS = "/api/v1/requests/requests"


@pytest.fixture
def admin_client(world):
    client = Client()
    client.force_login(world.admin)
    return client


@pytest.fixture
def firm_client(world):
    client = Client()
    client.force_login(world.users["enterprise"])
    return client


def _clear(response) -> str:
    body = response.json()
    assert body.get("detail"), body
    return str(body["detail"])


@pytest.mark.parametrize(
    "url",
    [
        f"{REGISTRY}/enterprises",
        f"{REGISTRY}/industries",
        REQUESTS,
        "/api/v1/recruitment/targets",
        "/api/v1/poc/projects",
        "/api/v1/programs/applications",
        "/api/v1/programs/awards",
    ],
)
@pytest.mark.parametrize("page", [10**12, 10**30])
def test_a_huge_page_number_is_refused(admin_client, url, page):
    response = admin_client.get(url, {"page": page})
    assert response.status_code == 422, response.content
    assert "page" in _clear(response)


def test_the_last_page_that_exists_still_answers(admin_client):
    assert admin_client.get(f"{REGISTRY}/enterprises", {"page": 1000}).json()["items"] == []


@pytest.mark.parametrize(
    "query",
    [
        {"period_end": "9999-12-31"},
        {"period_start": "0001-01-01"},
        {"period_start": "9999-12-31"},
        {"period_end": "0001-01-01"},
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_refused(firm_client, query):
    response = firm_client.get(f"{REQUESTS}/figures", query)
    assert response.status_code == 422, response.content
    assert "period" in _clear(response)


def test_the_figures_page_refuses_them_too(firm_client):
    from django.urls import reverse

    response = firm_client.get(reverse("requests:figures"), {"period_end": "9999-12-31"})
    assert response.status_code == 200
    assert response.context["form"].has_error("period_end")


@pytest.mark.parametrize("field", ["name", "address", "business_scope", "short_name"])
def test_null_for_a_text_field_is_refused(admin_client, world, field):
    firm = world.own.firm
    response = admin_client.patch(
        f"{REGISTRY}/enterprises/{firm.pk}",
        {"version": firm.version, field: None},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert field in _clear(response)


def test_nul_in_a_json_string_is_refused(firm_client, world):
    response = firm_client.post(
        REQUESTS,
        {
            "enterprise": world.own.firm.pk,
            "category": "permits",
            "title": "a\x00b",
            "description": "d",
        },
        content_type="application/json",
    )
    assert response.status_code in (400, 422), response.content
    _clear(response)


@pytest.mark.parametrize(
    "url",
    [
        f"{REGISTRY}/industries?q=%00",
        f"{REGISTRY}/industries/A%00",
        f"{REGISTRY}/enterprises?q=%00",
        f"{REQUESTS}?q=a%00b",
        "/api/v1/recruitment/targets?q=%00",
    ],
)
def test_nul_in_a_filter_or_path_is_refused(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code in (400, 404, 422), response.content
