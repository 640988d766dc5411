"""The chains REST API: chains, segments, the chain map, segment firms and memberships."""

import json
from decimal import Decimal

from chainlead.chains.choices import MembershipSource, ReviewStatus
from chainlead.chains.models import Membership, Segment
from chainlead.chains.selectors import chain_map
from chainlead.registry.services import enterprise_create

API = "/api/v1/chains"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_chains_are_for_government_staff(world, role_clients):
    data = role_clients["district_official"].get(f"{API}/chains").json()
    assert {c["slug"] for c in data} == {"walk-own", "walk-other"}
    assert role_clients["enterprise"].get(f"{API}/chains").json() == []
    assert role_clients["enterprise"].get(f"{API}/chains/walk-own").status_code == 404
    assert role_clients["anonymous"].get(f"{API}/chains").status_code == 401


def test_chain_detail_lists_segments_and_links(world, role_clients):
    chain = world.own.chain
    Segment.objects.create(chain=chain, slug="servers", name="服务器", order=2)
    from chainlead.chains.models import SegmentLink

    SegmentLink.objects.create(upstream=world.own.segment, downstream=chain.segments.get(order=2))
    data = role_clients["chain_leader"].get(f"{API}/chains/{chain.slug}").json()
    assert [s["slug"] for s in data["segments"]] == ["chips", "servers"]
    assert data["links"] == [{"upstream": "chips", "downstream": "servers"}]
    segments = role_clients["chain_leader"].get(f"{API}/chains/{chain.slug}/segments").json()
    assert [s["order"] for s in segments] == [1, 2]


def test_the_map_has_the_report_shape_and_agrees_with_the_selector(world, role_clients):
    chain = world.own.chain
    Segment.objects.create(chain=chain, slug="servers", name="服务器", order=2)
    data = role_clients["city_admin"].get(f"{API}/chains/{chain.slug}/map").json()
    report = chain_map(user=world.admin, chain=chain).as_report()
    assert {k: data[k] for k in report} == report
    assert [s["status"] for s in data["segments"]] == ["weak", "missing"]
    assert data["missing"] == 1
    assert data["full_chain_present"] is False


def test_a_district_officials_map_counts_only_their_district(world, role_clients):
    chain = world.own.chain
    elsewhere = enterprise_create(
        actor=world.admin, name="Elsewhere", district=world.other.district, revenue=Decimal(5)
    )
    Membership.objects.create(enterprise=elsewhere, segment=world.own.segment)
    city = role_clients["city_admin"].get(f"{API}/chains/{chain.slug}/map").json()
    district = role_clients["district_official"].get(f"{API}/chains/{chain.slug}/map").json()
    assert city["segments"][0]["firms"] == 2
    assert district["segments"][0]["firms"] == 1
    # Asking for another district does not widen the official's view.
    widened = (
        role_clients["district_official"]
        .get(f"{API}/chains/{chain.slug}/map", {"district": world.other.district.pk})
        .json()
    )
    assert widened["segments"][0]["firms"] == 1
    filtered = (
        role_clients["city_admin"]
        .get(f"{API}/chains/{chain.slug}/map", {"district": world.other.district.pk})
        .json()
    )
    assert filtered["segments"][0]["firms"] == 1
    assert filtered["segments"][0]["top_firms"] == ["Elsewhere"]


def test_segment_firms_are_paginated_and_scoped(world, role_clients):
    url = f"{API}/chains/walk-own/segments/chips/firms"
    data = role_clients["task_force"].get(url).json()
    assert [f["id"] for f in data["items"]] == [world.own.firm.pk]
    assert data["count"] == 1
    assert (
        role_clients["task_force"].get(f"{API}/chains/walk-own/segments/nope/firms").status_code
        == 404
    )
    assert role_clients["researcher"].get(url).status_code == 404


def test_memberships_are_listed_within_scope(world, role_clients):
    data = role_clients["task_force"].get(f"{API}/memberships").json()
    assert [m["enterprise"] for m in data["items"]] == [world.own.firm.pk]
    data = role_clients["city_admin"].get(f"{API}/memberships", {"chain": "walk-other"}).json()
    assert [m["chain"] for m in data["items"]] == ["walk-other"]
    assert role_clients["enterprise"].get(f"{API}/memberships").json()["count"] == 0


def test_the_task_force_adds_firms_to_its_own_chain_only(world, role_clients):
    firm = enterprise_create(actor=world.admin, name="Joiner", district=world.own.district)
    client = role_clients["task_force"]
    # The district official's firm is visible to the task force only once it joins the chain.
    created = post(
        role_clients["city_admin"],
        f"{API}/memberships",
        {"enterprise": firm.pk, "segment": world.own.segment.pk, "role": "key"},
    )
    assert created.status_code == 201, created.content
    assert created.json()["role"] == "key"
    other_segment = post(
        client, f"{API}/memberships", {"enterprise": firm.pk, "segment": world.other.segment.pk}
    )
    assert other_segment.status_code == 403
    assert not Membership.objects.filter(enterprise=firm, segment=world.other.segment).exists()
    assert (
        post(
            role_clients["district_official"],
            f"{API}/memberships",
            {"enterprise": firm.pk, "segment": world.own.segment.pk},
        ).status_code
        == 403
    )


def test_pending_guesses_are_reviewed(world, role_clients):
    firm = enterprise_create(actor=world.admin, name="Guess", district=world.own.district)
    guess = Membership.objects.create(
        enterprise=firm,
        segment=world.own.segment,
        source=MembershipSource.TEXT_RULE,
        confidence=Decimal("0.4"),
        review_status=ReviewStatus.PENDING,
    )
    url = f"{API}/memberships/{guess.pk}/review"
    assert post(role_clients["district_official"], url, {"accept": True}).status_code == 404
    response = post(role_clients["task_force"], url, {"accept": False})
    assert response.status_code == 200, response.content
    assert response.json()["review_status"] == "rejected"
    guess.refresh_from_db()
    assert guess.reviewed_by == world.users["task_force"]
    # Decided: no longer in the queue.
    assert post(role_clients["task_force"], url, {"accept": True}).status_code == 404


def test_memberships_are_deleted_by_the_chains_editors(world, role_clients):
    own = world.own.membership
    assert role_clients["chain_leader"].delete(f"{API}/memberships/{own.pk}").status_code == 403
    assert role_clients["task_force"].delete(f"{API}/memberships/{own.pk}").status_code == 204
    assert not Membership.objects.filter(pk=own.pk).exists()


def test_the_membership_list_takes_a_constant_number_of_queries(
    world, role_clients, django_assert_max_num_queries
):
    for n in range(10):
        firm = enterprise_create(actor=world.admin, name=f"Member {n}")
        Membership.objects.create(enterprise=firm, segment=world.own.segment)
    client = role_clients["city_admin"]
    client.get(f"{API}/memberships")
    with django_assert_max_num_queries(8):
        data = client.get(f"{API}/memberships").json()
    assert data["count"] == 12
    assert {m["chain"] for m in data["items"]} == {"walk-own", "walk-other"}


def test_a_segment_export_lists_only_the_firms_in_scope(world, role_clients):
    # The walk checks the status of the export; this checks its rows.
    elsewhere = enterprise_create(
        actor=world.admin, name="Out of district", district=world.other.district
    )
    Membership.objects.create(enterprise=elsewhere, segment=world.own.segment)
    url = "/chains/walk-own/segments/chips/?export=csv"
    admin_csv = b"".join(role_clients["city_admin"].get(url).streaming_content).decode()
    district_csv = b"".join(role_clients["district_official"].get(url).streaming_content).decode()
    assert "Out of district" in admin_csv
    assert "Out of district" not in district_csv
    assert "Walk firm own" in district_csv
