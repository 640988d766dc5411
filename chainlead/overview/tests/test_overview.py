"""The city overview: who lands on it, what it counts, where its figures link, its cache."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from chainlead.chains.models import Membership
from chainlead.core.testing import World
from chainlead.overview.selectors import city_overview, compute_overview
from chainlead.registry.services import enterprise_create
from chainlead.requests import services as requests
from chainlead.requests.choices import Category, Transition

NOW = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 6, 1)
OFFICIALS = ("city_admin", "chain_leader", "task_force", "district_official", "finance", "auditor")


def _raise(world: World, side: str, *, days_ago: int, resolve: bool = False) -> Any:
    scope = world.side(side)
    request = requests.request_raise(
        actor=world.admin,
        enterprise=scope.firm,
        chain=scope.chain,
        category=Category.PERMITS,
        title=f"request {side} {days_ago}",
        description="d",
        now=NOW - dt.timedelta(days=days_ago),
    )
    if resolve:
        at = NOW - dt.timedelta(days=days_ago - 1)
        for transition in (Transition.ACCEPT, Transition.START):
            request = requests.request_transition(
                actor=world.admin, enterprise_request=request, transition=transition, now=at
            )
        request = requests.request_transition(
            actor=world.admin,
            enterprise_request=request,
            transition=Transition.RESOLVE,
            resolution="done",
            now=at,
        )
    return request


def test_officials_land_on_the_overview(role_clients: dict[str, Any], world: World) -> None:
    for role in OFFICIALS:
        response = role_clients[role].get(reverse("home"))
        assert (role, response.status_code, response.url) == (role, 302, reverse("overview:city"))
    firm = role_clients["enterprise"].get(reverse("home"))
    assert firm.url == reverse("registry:enterprise_detail", args=[world.own.firm.pk])


def test_figures_by_chain_count_only_what_the_reader_sees(world: World) -> None:
    _raise(world, "own", days_ago=40)  # overdue by now (10 working days)
    _raise(world, "own", days_ago=2)
    _raise(world, "own", days_ago=30, resolve=True)
    _raise(world, "other", days_ago=3)
    admin = compute_overview(user=world.admin, today=TODAY)
    lines = {c.slug: c for c in admin.chains}
    own, other = lines[world.own.chain.slug], lines[world.other.chain.slug]
    assert own.requests is not None and other.requests is not None
    assert (own.requests.open, own.requests.overdue, own.requests.closed) == (2, 1, 1)
    assert (other.requests.open, other.requests.overdue) == (1, 0)
    assert admin.requests is not None and admin.requests.open == 3
    leader = compute_overview(user=world.users["chain_leader"], today=TODAY)
    seen = {c.slug: c.requests for c in leader.chains}
    assert seen[world.own.chain.slug] is not None
    assert seen[world.other.chain.slug] is None  # not the leader's chain: no figures
    assert leader.funds is None  # the fund's books are not the chain leader's
    assert admin.funds is not None


def test_each_figure_links_to_its_filtered_list(world: World, role_clients: dict[str, Any]) -> None:
    from chainlead.recruitment.services import target_create

    _raise(world, "own", days_ago=40)
    target_create(actor=world.admin, chain_id=world.own.chain.pk, name="Acme", location="上海市")
    html = role_clients["city_admin"].get(reverse("overview:city")).content.decode()
    requests_url = reverse("requests:request_list")
    chain = world.own.chain
    assert f'href="{requests_url}?chain={chain.pk}&amp;state=open"' in html
    assert f'href="{requests_url}?chain={chain.pk}&amp;state=overdue"' in html
    assert f'href="{requests_url}?state=overdue"' in html
    assert f'href="{reverse("chains:chain_detail", args=[chain.slug])}"' in html
    assert f'href="{reverse("recruitment:target_list")}?stage=identified"' in html
    assert 'data-stage="identified">1<' in html
    # The linked list applies the filter: the overdue request is on it.
    listed = role_clients["city_admin"].get(f"{requests_url}?chain={chain.pk}&state=overdue")
    assert "request own 40" in listed.content.decode()


def test_district_reader_is_told_how_many_districts_are_unknown(
    world: World, role_clients: dict[str, Any]
) -> None:
    for n in range(3):
        firm = enterprise_create(
            actor=world.admin, name=f"no district {n}", city=settings.CHAINLEAD_CITY_NAME
        )
        Membership.objects.create(enterprise=firm, segment=world.own.segment)
    overview = compute_overview(user=world.users["district_official"], today=TODAY)
    assert overview.district_names == [world.own.district.name]
    assert overview.unknown_district_firms == 3
    line = next(c for c in overview.chains if c.slug == world.own.chain.slug)
    assert line.unknown_district == 3
    html = role_clients["district_official"].get(reverse("overview:city")).content.decode()
    assert 'id="unknown-districts"' in html
    assert 'data-unknown="3"' in html
    # The city's reader is not told: the city's map counts every firm.
    assert compute_overview(user=world.admin, today=TODAY).unknown_district_firms == 0


def test_cached_until_a_request_changes(world: World) -> None:
    first = city_overview(user=world.admin, today=TODAY)
    assert first.requests is not None and first.requests.open == 0
    assert city_overview(user=world.admin, today=TODAY) is not first  # a cached copy
    assert city_overview(user=world.admin, today=TODAY).requests == first.requests
    _raise(world, "own", days_ago=1)
    again = city_overview(user=world.admin, today=TODAY)
    assert again.requests is not None and again.requests.open == 1


@pytest.mark.parametrize("role", ["enterprise", "commissioner", "researcher", "reviewer"])
def test_others_are_refused(role_clients: dict[str, Any], role: str) -> None:
    assert role_clients[role].get(reverse("overview:city")).status_code == 403
