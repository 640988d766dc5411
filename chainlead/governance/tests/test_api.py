import json

from chainlead.governance.models import WorkPlan


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_plan_through_the_api(client, chain, member, leader):
    client.force_login(member)
    response = _post(
        client, "/api/v1/governance/plans", {"chain": "ai", "year": 2026, "title": "计划"}
    )
    assert response.status_code == 201, response.content
    plan_id = response.json()["id"]
    assert response.json()["chain"] == "ai"
    response = _post(
        client,
        f"/api/v1/governance/plans/{plan_id}/targets",
        {"indicator": "fixed_asset_investment", "value": "40"},
    )
    assert response.status_code == 200
    response = _post(
        client,
        f"/api/v1/governance/plans/{plan_id}/targets/fixed_asset_investment/actuals",
        {"value": "10", "as_of": "2026-05-31", "source": "统计局"},
    )
    assert response.status_code == 201
    row = next(t for t in response.json() if t["indicator"] == "fixed_asset_investment")
    assert row["percent"] == 25.0
    # A second active plan is refused with the rule's message.
    response = _post(
        client, "/api/v1/governance/plans", {"chain": "ai", "year": 2026, "title": "x"}
    )
    assert response.status_code == 422
    assert "already has an active work plan" in response.content.decode()
    # The task force may not approve; the chain leader does.
    assert client.post(f"/api/v1/governance/plans/{plan_id}/approve").status_code == 403
    client.force_login(leader)
    response = client.post(f"/api/v1/governance/plans/{plan_id}/approve")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert WorkPlan.objects.get(pk=plan_id).approved_by == leader


def test_five_ones_in_the_api(client, chain, leader, admin):
    client.force_login(admin)
    body = client.get("/api/v1/governance/chains/ai/five-ones?year=2026").json()
    assert body["leader"] is True
    assert body["complete"] is False
    assert set(body["missing"]) == {"task force", "work plan", "policy package"}
