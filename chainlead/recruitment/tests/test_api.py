import pytest
from django.test import Client

from chainlead.accounts.models import User
from chainlead.recruitment.models import Target
from chainlead.registry.models import Enterprise


@pytest.fixture
def api(client, task_force):
    client.force_login(task_force)
    return client


def test_create_move_and_land_through_the_api(api, chain, districts):
    created = api.post(
        "/api/v1/recruitment/targets",
        {"chain": chain.slug, "segment": "chips", "name": "某芯片公司", "location": "上海市"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    target_id = created.json()["id"]
    for stage in ["contacted", "visited", "negotiating", "signed"]:
        moved = api.post(
            f"/api/v1/recruitment/targets/{target_id}/move",
            {"to_stage": stage},
            content_type="application/json",
        )
        assert moved.status_code == 200
        assert moved.json()["stage"] == stage
    landed = api.post(
        f"/api/v1/recruitment/targets/{target_id}/land",
        {"district": "滨江区", "landed_on": "2026-03-02"},
        content_type="application/json",
    )
    assert landed.status_code == 200
    assert Enterprise.objects.get(pk=landed.json()["enterprise_id"]).origin == "attracted"
    listing = api.get("/api/v1/recruitment/targets?stage=landed")
    assert [t["name"] for t in listing.json()["items"]] == ["某芯片公司"]


def test_forbidden_moves_are_422_and_change_nothing(api, chain):
    created = api.post(
        "/api/v1/recruitment/targets",
        {"chain": chain.slug, "name": "X", "location": "上海"},
        content_type="application/json",
    )
    target_id = created.json()["id"]
    for stage in ["signed", "nonsense", "landed"]:
        response = api.post(
            f"/api/v1/recruitment/targets/{target_id}/move",
            {"to_stage": stage},
            content_type="application/json",
        )
        assert response.status_code == 422
    assert Target.objects.get(pk=target_id).stage == "identified"


def test_other_chains_task_force_gets_404_and_403(client, other_task_force, task_force, chain):
    client.force_login(task_force)
    target_id = client.post(
        "/api/v1/recruitment/targets",
        {"chain": chain.slug, "name": "X", "location": "上海"},
        content_type="application/json",
    ).json()["id"]
    client.force_login(other_task_force)
    assert client.get(f"/api/v1/recruitment/targets/{target_id}").status_code == 404
    response = client.post(
        "/api/v1/recruitment/targets",
        {"chain": chain.slug, "name": "Y", "location": "上海"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_analytics_results_over_the_api(api, chain):
    from chainlead.recruitment.models import ExternalFirm

    Enterprise.objects.create(name="本地", industry_id="65", employees=10)
    ExternalFirm.objects.create(
        name="外地",
        province="江苏",
        city="苏州市",
        industry_id="39",
        employees=5,
        main_business="芯片设计与销售",
    )
    ExternalFirm.objects.create(
        name="外地2", province="上海", city="上海市", industry_id="65", employees=5
    )
    chain.segments.update(industry_codes=["3973"], keywords=["芯片"])
    assert api.get("/api/v1/recruitment/complexity?level=city").status_code == 404
    # The task force reads the city's analysis but does not start it (issue 9 item 4).
    refused = api.post(
        "/api/v1/recruitment/complexity", {"level": "city"}, content_type="application/json"
    )
    assert refused.status_code == 403
    admin = Client()
    admin.force_login(User.objects.create_superuser("root", password=None))
    created = admin.post(
        "/api/v1/recruitment/complexity", {"level": "city"}, content_type="application/json"
    )
    assert created.status_code == 201
    body = created.json()
    assert body["params"]["level"] == "city"
    assert len(body["snapshot"]["sha256"]) == 64
    latest = api.get("/api/v1/recruitment/complexity?level=city").json()
    assert latest["id"] == body["id"]
    gaps = api.get("/api/v1/recruitment/opportunities?level=city").json()
    assert [(g["segment"], g["status"]) for g in gaps] == [("chips", "missing")]
    bad = admin.post(
        "/api/v1/recruitment/complexity", {"level": "planet"}, content_type="application/json"
    )
    assert bad.status_code == 422
    ranked = api.post(f"/api/v1/recruitment/rankings/{chain.slug}/chips")
    assert ranked.status_code == 201
    assert [r["name"] for r in ranked.json()["results"]["ranked"]] == ["外地"]
    assert (
        api.get(f"/api/v1/recruitment/rankings/{chain.slug}/chips").json()["id"]
        == (ranked.json()["id"])
    )
