"""The REST API: the same rules as the pages."""

import json

from django.test import Client

from chainlead.requests.models import EnterpriseRequest


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


BASE = "/api/v1/requests/requests"


def test_create_move_rate_over_the_api(world):
    firm = client_for(world.firm_user)
    response = post(
        firm,
        BASE,
        {
            "enterprise": world.firm.pk,
            "chain": world.chain.pk,
            "category": "permits",
            "title": "API 诉求",
            "description": "通过接口提交",
            "tags": ["接口"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    pk = body["id"]
    assert body["department_name"] == "市市场监管局"
    assert body["tags"] == ["接口"]
    assert [e["kind"] for e in body["events"]] == ["raised", "routed"]
    officer = client_for(world.officer)
    assert post(firm, f"{BASE}/{pk}/transition", {"transition": "accept"}).status_code == 403
    for name in ("accept", "start"):
        assert post(officer, f"{BASE}/{pk}/transition", {"transition": name}).status_code == 200
    again = post(officer, f"{BASE}/{pk}/transition", {"transition": "accept"})
    assert again.status_code == 422  # the life cycle: it is in progress already
    # Not the officer's move in any state: refused before the state is looked at.
    assert post(officer, f"{BASE}/{pk}/transition", {"transition": "confirm"}).status_code == 403
    done = post(officer, f"{BASE}/{pk}/transition", {"transition": "resolve", "resolution": "ok"})
    assert done.json()["status"] == "resolved"
    assert done.json()["allowed_transitions"] == []
    assert post(firm, f"{BASE}/{pk}/rate", {"rating": 6}).status_code == 422
    rated = post(firm, f"{BASE}/{pk}/rate", {"rating": 5, "comment": "好"})
    assert rated.json()["rating"] == 5
    assert EnterpriseRequest.objects.get().status == "confirmed"


def test_list_detail_and_figures_are_scoped(world):
    post(
        client_for(world.firm_user),
        BASE,
        {"enterprise": world.firm.pk, "category": "finance", "title": "t", "description": "d"},
    )
    other = client_for(world.other_firm_user)
    assert other.get(BASE).json()["count"] == 0
    pk = EnterpriseRequest.objects.get().pk
    assert other.get(f"{BASE}/{pk}").status_code == 404
    assert client_for(world.other_officer).get(BASE).json()["count"] == 1  # finance dept
    assert client_for(world.auditor).get(f"{BASE}/figures").json()["opened"] == 1
    assert (
        post(
            other,
            BASE,
            {"enterprise": world.firm.pk, "category": "other", "title": "t", "description": "d"},
        ).status_code
        == 404  # another firm is not found (issue 9 item 1)
    )
    assert Client().get(BASE).status_code == 401
