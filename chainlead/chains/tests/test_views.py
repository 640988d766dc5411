"""The chain pages: list, map, segment firms, exports, review queue and editing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from chainlead.accounts.models import User
from chainlead.accounts.services import role_grant, user_create
from chainlead.chains.choices import MembershipRole, MembershipSource, ReviewStatus
from chainlead.chains.models import Chain, Membership, Segment
from chainlead.chains.services import chain_create_from_template, membership_set
from chainlead.chains.templates_data import template_get
from chainlead.registry.models import District, Enterprise
from chainlead.registry.services import enterprise_create
from chainlead.registry.validators import credit_code_check_char

pytestmark = pytest.mark.django_db


def credit_code(n: int) -> str:
    first17 = f"91330108MA{n:07d}"
    return first17 + credit_code_check_char(first17)


@dataclass
class Registry:
    """A small AI chain: chips well covered, storage weak, boards missing, models mixed."""

    admin: User
    chain: Chain
    segments: dict[str, Segment]
    firms: dict[str, Enterprise]
    districts: dict[str, District]
    pending: Membership


def build_registry(districts: dict[str, District]) -> Registry:
    admin = User.objects.create_superuser("cityadmin", password=None)
    chain = chain_create_from_template(actor=admin, template=template_get("ai"))
    segments = {s.slug: s for s in chain.segments.all()}
    binjiang, yuhang, xihu = districts["滨江区"], districts["余杭区"], districts["西湖区"]

    def firm(key: str, n: int, **fields: Any) -> Enterprise:
        fields.setdefault("credit_code", credit_code(n))
        return enterprise_create(actor=admin, **fields)

    firms = {
        "chip_a": firm(
            "chip_a",
            1,
            name="芯原微电子（杭州）",
            district=binjiang,
            revenue=Decimal(2000),
            rd_spend=Decimal(600),
            size_class="large",
        ),
        "chip_b": firm(
            "chip_b",
            2,
            name="杭州晶芯科技",
            district=binjiang,
            revenue=Decimal(1500),
            rd_spend=Decimal(150),
            size_class="small",
        ),
        "chip_c": firm(
            "chip_c",
            3,
            name="波士顿强脑芯片",
            district=yuhang,
            revenue=Decimal(500),
            size_class="small",
            origin="attracted",
            origin_place="美国波士顿",
        ),
        "storage": firm("storage", 4, name="杭州存储科技", district=xihu, revenue=Decimal(800)),
        "model_syn": firm(
            "model_syn",
            5,
            name="合成模型公司",
            district=binjiang,
            revenue=Decimal(200),
            provenance="synthetic",
        ),
        "model_pub": firm(
            "model_pub", 6, name="深度求索", credit_code=None, district=None, provenance="public"
        ),
        "guess": firm("guess", 7, name="杭州某网络公司", district=binjiang),
    }
    placements = [
        ("chip_a", "chips", MembershipRole.CHAIN_LEAD),
        ("chip_b", "chips", MembershipRole.MEMBER),
        ("chip_c", "chips", MembershipRole.KEY),
        ("storage", "storage", MembershipRole.MEMBER),
        ("model_syn", "foundation-models", MembershipRole.MEMBER),
        ("model_pub", "foundation-models", MembershipRole.CHAIN_LEAD),
    ]
    for key, seg, role in placements:
        membership_set(actor=admin, enterprise=firms[key], segment=segments[seg], role=role)
    pending = membership_set(
        actor=admin,
        enterprise=firms["guess"],
        segment=segments["networks"],
        source=MembershipSource.TEXT_RULE,
        confidence=0.62,
        evidence="经营范围: 网络设备",
    )
    return Registry(admin, chain, segments, firms, districts, pending)


@pytest.fixture
def reg(districts: dict[str, District]) -> Registry:
    return build_registry(districts)


def make_user(reg: Registry, role: str, **scope: Any) -> User:
    user = user_create(actor=reg.admin, username=f"u_{role}", password=None)
    role_grant(actor=reg.admin, user=user, role=role, **scope)
    return user


@pytest.fixture
def as_role(reg: Registry) -> Any:
    """as_role("task_force") → a client logged in as a user holding that role."""

    users: dict[str, User] = {"city_admin": reg.admin}

    def make(role: str) -> Client:
        scope: dict[str, Any] = {
            "task_force": {"chain": reg.chain},
            "chain_leader": {"chain": reg.chain},
            "district_official": {"district": reg.districts["滨江区"]},
            "enterprise": {"enterprise": reg.firms["chip_a"]},
        }.get(role, {})
        if role not in users:
            users[role] = make_user(reg, role, **scope)
        user = users[role]
        client = Client()
        client.force_login(user)
        return client

    return make


def map_url(reg: Registry, **query: str) -> str:
    url = reverse("chains:chain_detail", args=[reg.chain.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def segment_url(reg: Registry, slug: str) -> str:
    return reverse("chains:segment_detail", args=[reg.chain.slug, slug])


def statuses(html: str) -> dict[str, str]:
    """segment slug → data-status of its table row, read from the rendered map."""
    import re

    return dict(
        re.findall(r'class="segment-row[^"]*" data-segment="([^"]+)" data-status="(\w+)"', html)
    )


# --------------------------------------------------------------------------- permissions

GOVERNMENT = ["city_admin", "chain_leader", "task_force", "district_official", "finance", "auditor"]
OTHERS = ["enterprise", "researcher", "reviewer", "commissioner"]


@pytest.mark.parametrize("role", GOVERNMENT)
def test_government_roles_read_the_chain_pages(as_role: Any, reg: Registry, role: str) -> None:
    client = as_role(role)
    for url in (
        reverse("chains:chain_list"),
        map_url(reg),
        segment_url(reg, "chips"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_get_403(as_role: Any, reg: Registry, role: str) -> None:
    client = as_role(role)
    for url in (
        reverse("chains:chain_list"),
        map_url(reg),
        segment_url(reg, "chips"),
        map_url(reg, export="csv"),
        reverse("chains:review_queue"),
    ):
        assert client.get(url).status_code == 403, url


def test_anonymous_is_sent_to_log_in(reg: Registry) -> None:
    response = Client().get(map_url(reg))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_chain_readers_may_land_on_the_chain_list(world: Any) -> None:
    # The chains' landing page (ChainsConfig.home_pages); an app above may declare an earlier one.
    from chainlead.accounts.access import access_for
    from chainlead.chains.navigation import chain_list_page

    assert chain_list_page(access_for(world.users["chain_leader"])) == reverse("chains:chain_list")
    assert chain_list_page(access_for(world.users["enterprise"])) is None


# --------------------------------------------------------------------------- list and map


def test_chain_list_shows_coverage_at_a_glance(as_role: Any, reg: Registry) -> None:
    html = as_role("city_admin").get(reverse("chains:chain_list")).content.decode()
    # chips ok; storage and models weak (one firm, or one dominant); 5 others missing.
    assert 'data-chain="ai" data-present="3" data-total="8" data-weak="2" data-missing="5"' in html
    assert html.count('class="minibar-cell') == 8
    assert "full-chain" not in html


def test_chain_map_figures_statuses_and_links(as_role: Any, reg: Registry) -> None:
    response = as_role("city_admin").get(map_url(reg))
    html = response.content.decode()
    assert statuses(html) == {
        "chips": "ok",
        "storage": "weak",
        "boards-servers": "missing",
        "networks": "missing",
        "computing-centres": "missing",
        "cloud-software": "missing",
        "foundation-models": "weak",
        "industry-applications": "missing",
    }
    graph = response.context["graph"]()  # built lazily, for the drawn page only
    assert [n["firms"] for n in graph["nodes"]] == [3, 1, 0, 0, 0, 0, 2, 0]
    assert len(graph["edges"]) == 7
    assert [n["col"] for n in graph["nodes"]] == list(range(8))  # upstream → downstream
    assert {n["row"] for n in graph["nodes"]} == {0}
    chips = response.context["map"].segments[0]
    assert (chips.local, chips.attracted, chips.revenue) == (2, 1, Decimal(4000))
    assert chips.hhi == pytest.approx((2000**2 + 1500**2 + 500**2) / 4000**2)


def test_revenue_unknown_shows_unknown(as_role: Any, reg: Registry) -> None:
    html = as_role("city_admin").get(map_url(reg)).content.decode()
    assert "unknown" in html or "未知" in html


def test_filters_change_the_figures(as_role: Any, reg: Registry) -> None:
    client = as_role("city_admin")
    yuhang = reg.districts["余杭区"].pk
    by_district = client.get(map_url(reg, district=str(yuhang)))
    assert [s.firms for s in by_district.context["map"].segments] == [1, 0, 0, 0, 0, 0, 0, 0]
    attracted = client.get(map_url(reg, origin="attracted")).context["map"]
    assert attracted.segments[0].firms == 1 and attracted.segments[0].attracted == 1
    small = client.get(map_url(reg, size_class="small")).context["map"]
    assert small.segments[0].firms == 2
    # The filters travel to the segment links so the panel shows the same firms.
    assert f"district={yuhang}" in by_district.context["graph"]()["nodes"][0]["url"]


def test_district_official_sees_their_district_only(as_role: Any, reg: Registry) -> None:
    response = as_role("district_official").get(map_url(reg))
    segs = response.context["map"].segments
    assert segs[0].firms == 2  # the Yuhang firm is not counted
    assert segs[1].firms == 0  # storage sits in Xihu
    page = as_role("district_official").get(map_url(reg, district=str(reg.districts["余杭区"].pk)))
    # Another district is not a choice for them: the map stays on their own district.
    chips = page.context["map"].segments[0]
    assert (chips.firms, chips.attracted) == (2, 0)


# --------------------------------------------------------------------------- segment firms


def test_segment_partial_with_htmx_is_only_the_fragment(as_role: Any, reg: Registry) -> None:
    client = as_role("city_admin")
    fragment = client.get(segment_url(reg, "foundation-models"), HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert "<html" not in html and "<body" not in html
    assert 'class="card segment-firms"' in html
    assert reverse("registry:enterprise_detail", args=[reg.firms["model_pub"].pk]) in html
    assert 'data-synthetic="1"' in html  # the synthetic firm carries its badge
    full = client.get(segment_url(reg, "foundation-models")).content.decode()
    assert "<html" in full and 'class="card segment-firms"' in full


def test_segment_firms_mark_missing_code_and_district(reg: Registry) -> None:
    client = Client()
    client.force_login(reg.admin)
    html = client.get(
        segment_url(reg, "foundation-models"), HTTP_ACCEPT_LANGUAGE="en", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "credit code not public" in html or "信用代码未公开" in html
    assert "district unknown" in html or "区县不详" in html


def test_segment_firms_follow_the_filters(as_role: Any, reg: Registry) -> None:
    client = as_role("city_admin")
    response = client.get(segment_url(reg, "chips") + "?origin=attracted")
    assert [f.name for f in response.context["page"].object_list] == ["波士顿强脑芯片"]
    everyone = client.get(segment_url(reg, "chips")).context["page"].object_list
    assert [f.name for f in everyone] == ["芯原微电子（杭州）", "杭州晶芯科技", "波士顿强脑芯片"]


def test_missing_segment_says_it_is_a_gap(as_role: Any, reg: Registry) -> None:
    response = as_role("city_admin").get(segment_url(reg, "boards-servers"), HTTP_HX_REQUEST="1")
    assert 'class="gap-note"' in response.content.decode()


def test_unknown_segment_is_404(as_role: Any, reg: Registry) -> None:
    assert as_role("city_admin").get(segment_url(reg, "nope")).status_code == 404
    assert as_role("city_admin").get("/chains/nope/").status_code == 404


# --------------------------------------------------------------------------- query counts


def test_query_counts_are_bounded(
    as_role: Any, reg: Registry, django_assert_max_num_queries: Any
) -> None:
    client = as_role("task_force")
    with django_assert_max_num_queries(20):
        assert client.get(reverse("chains:chain_list")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(map_url(reg)).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(segment_url(reg, "chips"), HTTP_HX_REQUEST="1").status_code == 200


def test_a_cached_map_page_reads_only_the_session_user_grants_chain_and_versions(
    as_role: Any, reg: Registry
) -> None:
    client = as_role("city_admin")
    first = client.get(map_url(reg))
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again = client.get(map_url(reg))
    assert again.context["graph"]() == first.context["graph"]()
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert len(queries.captured_queries) <= 5, tables
    assert "registry_district" not in tables  # the filter form is drawn from the cache
    html = again.content.decode()
    assert 'id="chain-graph"' in html and "chain-graph-data" in html  # the cached body
    assert 'href="/chains/"' in html  # the frame's links, reversed once per process


def test_segment_query_count_does_not_grow_with_firms(
    as_role: Any, reg: Registry, django_assert_max_num_queries: Any
) -> None:
    for n in range(25):
        f = enterprise_create(
            actor=reg.admin,
            name=f"芯片{n}",
            credit_code=credit_code(100 + n),
            district=reg.districts["滨江区"],
        )
        membership_set(actor=reg.admin, enterprise=f, segment=reg.segments["chips"])
    client = as_role("city_admin")
    with django_assert_max_num_queries(20):
        first = client.get(segment_url(reg, "chips"), HTTP_HX_REQUEST="1")
    assert first.context["page"].paginator.num_pages == 2
    assert f'hx-get="{segment_url(reg, "chips")}?page=2"' in first.content.decode()
    second = client.get(segment_url(reg, "chips") + "?page=2", HTTP_HX_REQUEST="1")
    assert len(second.context["page"].object_list) == 28 - 25


# --------------------------------------------------------------------------- exports


def test_chain_map_exports_parse_back(as_role: Any, reg: Registry) -> None:
    client = as_role("city_admin")
    response = client.get(map_url(reg, export="csv"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 8
    header = rows[0]
    chips = dict(zip(header, rows[1], strict=True))
    assert chips[header[1]] == "芯片"
    assert chips[header[3]] == "3"
    assert "ok" in rows[1]

    response = client.get(map_url(reg, export="xlsx"))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = list(wb.active.values)
    assert len(sheet) == 9 and sheet[1][1] == "芯片" and sheet[1][3] == 3


def test_segment_exports_parse_back_and_follow_filters(as_role: Any, reg: Registry) -> None:
    client = as_role("city_admin")
    url = segment_url(reg, "chips")
    text = b"".join(client.get(url + "?export=csv").streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [r[0] for r in rows[1:]] == ["芯原微电子（杭州）", "杭州晶芯科技", "波士顿强脑芯片"]
    response = client.get(url + "?origin=attracted&export=xlsx")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = list(wb.active.values)
    assert [r[0] for r in sheet[1:]] == ["波士顿强脑芯片"]


# --------------------------------------------------------------------------- review queue


def test_review_queue_lists_pending_guesses(as_role: Any, reg: Registry) -> None:
    html = as_role("task_force").get(reverse("chains:review_queue")).content.decode()
    assert "杭州某网络公司" in html and "经营范围: 网络设备" in html and "0.62" in html


@pytest.mark.parametrize("role", ["chain_leader", "district_official", "auditor", "enterprise"])
def test_review_queue_is_for_task_force_and_admins(as_role: Any, reg: Registry, role: str) -> None:
    client = as_role(role)
    assert client.get(reverse("chains:review_queue")).status_code == 403
    url = reverse("chains:review_decide", args=[reg.pending.pk])
    assert client.post(url, {"decision": "accept"}).status_code == 403
    reg.pending.refresh_from_db()
    assert reg.pending.review_status == ReviewStatus.PENDING


def test_accept_puts_the_firm_on_the_map(as_role: Any, reg: Registry) -> None:
    client = as_role("task_force")
    before = client.get(map_url(reg)).context["map"].segments[3]
    assert (before.firms, before.pending_review) == (0, 1)
    url = reverse("chains:review_decide", args=[reg.pending.pk])
    response = client.post(url, {"decision": "accept"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-review="accepted"' in response.content.decode()
    after = client.get(map_url(reg)).context["map"].segments[3]
    assert (after.firms, after.pending_review) == (1, 0)


def test_reject_keeps_the_firm_off_the_map(as_role: Any, reg: Registry) -> None:
    client = as_role("city_admin")
    url = reverse("chains:review_decide", args=[reg.pending.pk])
    assert client.post(url, {"decision": "reject"}).status_code == 302
    reg.pending.refresh_from_db()
    assert reg.pending.review_status == ReviewStatus.REJECTED
    assert client.get(map_url(reg)).context["map"].segments[3].firms == 0


# --------------------------------------------------------------------------- editing


def test_task_force_edits_chain_and_segment(as_role: Any, reg: Registry) -> None:
    client = as_role("task_force")
    url = reverse("chains:chain_edit", args=[reg.chain.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "人工智能产业链", "name_en": "AI", "description": "x"})
    assert response.status_code == 302
    reg.chain.refresh_from_db()
    assert reg.chain.name == "人工智能产业链"

    url = reverse("chains:segment_edit", args=[reg.chain.slug, "chips"])
    data = {"name": "芯片设计", "keywords": "芯片，集成电路、GPU", "industry_codes": "3973, 6520"}
    assert client.post(url, data).status_code == 302
    seg = Segment.objects.get(pk=reg.segments["chips"].pk)
    assert (seg.name, seg.keywords, seg.industry_codes) == (
        "芯片设计",
        ["芯片", "集成电路", "GPU"],
        ["3973", "6520"],
    )


def test_segment_edit_rejects_unknown_industry_codes(as_role: Any, reg: Registry) -> None:
    url = reverse("chains:segment_edit", args=[reg.chain.slug, "chips"])
    response = as_role("city_admin").post(url, {"name": "芯片", "industry_codes": "9999"})
    assert response.status_code == 200
    assert "9999" in response.content.decode()
    assert Segment.objects.get(pk=reg.segments["chips"].pk).industry_codes != ["9999"]


@pytest.mark.parametrize("role", ["chain_leader", "district_official", "auditor"])
def test_readers_may_not_edit(as_role: Any, reg: Registry, role: str) -> None:
    client = as_role(role)
    for url in (
        reverse("chains:chain_edit", args=[reg.chain.slug]),
        reverse("chains:segment_edit", args=[reg.chain.slug, "chips"]),
        reverse("chains:membership_add", args=[reg.chain.slug, "chips"]),
    ):
        assert client.get(url).status_code == 403
    assert (
        client.post(
            reverse("chains:chain_edit", args=[reg.chain.slug]), {"name": "hacked"}
        ).status_code
        == 403
    )
    reg.chain.refresh_from_db()
    assert reg.chain.name == "人工智能"


def test_membership_add_and_remove_by_hand(as_role: Any, reg: Registry) -> None:
    client = as_role("task_force")
    url = reverse("chains:membership_add", args=[reg.chain.slug, "boards-servers"])
    firm = reg.firms["chip_b"]
    response = client.post(url, {"enterprise": firm.credit_code, "role": "key"})
    assert response.status_code == 302
    membership = Membership.objects.get(enterprise=firm, segment=reg.segments["boards-servers"])
    assert (membership.role, membership.source) == ("key", "manual")
    assert client.get(map_url(reg)).context["map"].segments[2].firms == 1

    bad = client.post(url, {"enterprise": "没有这家公司", "role": "member"})
    assert bad.status_code == 200 and bad.context["form"].errors

    remove = reverse(
        "chains:membership_remove", args=[reg.chain.slug, "boards-servers", membership.pk]
    )
    assert client.post(remove).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


# --------------------------------------------------------------------------- English


def test_pages_render_in_english(reg: Registry) -> None:
    client = Client()
    client.force_login(reg.admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(map_url(reg)).content.decode()
    assert '<html lang="en">' in html
    assert "Artificial intelligence" in html
    assert client.get(reverse("chains:chain_list")).status_code == 200
    assert client.get(segment_url(reg, "chips")).status_code == 200
    assert client.get(reverse("chains:review_queue")).status_code == 200


def test_chain_list_queries_with_six_chains(
    as_role: Any, reg: Registry, django_assert_max_num_queries: Any
) -> None:
    from chainlead.chains.templates_data import template_list

    for template in template_list():
        chain_create_from_template(actor=reg.admin, template=template)
    client = as_role("city_admin")
    # Each chain's figures are five grouped queries, computed once and then cached until the
    # registry or the chains change; the data versions and the five ones (six queries for all
    # chains) are read once per page. They grow with the number of chains, never with firms.
    with django_assert_max_num_queries(5 * 6 + 16):
        html = client.get(reverse("chains:chain_list")).content.decode()
    assert html.count('class="card chain-card"') == 6
    assert html.count('class="five-ones"') == 6
    with django_assert_max_num_queries(16):
        assert client.get(reverse("chains:chain_list")).status_code == 200


def test_graph_stacks_parallel_segments_in_one_column() -> None:
    from chainlead.chains.selectors import ChainMap, SegmentFigures
    from chainlead.chains.views import _graph

    segs = [
        SegmentFigures(segment_id=i, slug=s, name=s, name_en="", order=i)
        for i, s in enumerate(["a", "b", "c", "d", "lonely"], start=1)
    ]
    chain_map = ChainMap(
        chain_id=1,
        slug="x",
        name="x",
        name_en="",
        segments=segs,
        links=[(1, 2), (1, 3), (2, 4), (3, 4)],
    )
    nodes = {n["slug"]: n for n in _graph(chain_map, lambda slug: f"/{slug}/")["nodes"]}
    assert {k: n["col"] for k, n in nodes.items()} == {"a": 0, "b": 1, "c": 1, "d": 2, "lonely": 3}
    assert (nodes["b"]["row"], nodes["c"]["row"], nodes["a"]["row"]) == (-0.5, 0.5, 0)
    assert nodes["d"]["url"] == "/d/"


def test_cached_page_follows_writes(as_role: Any, reg: Registry) -> None:
    """The rendered map and the five ones are cached, but never shown stale after a write."""
    from chainlead.governance.services import leader_appoint

    client = as_role("city_admin")
    before = client.get(map_url(reg)).content.decode()
    assert statuses(before)["networks"] == "missing"
    assert 'data-complete="false"' in before
    firm = enterprise_create(
        actor=reg.admin, name="网络一号", credit_code=credit_code(90), revenue=Decimal(100)
    )
    membership_set(actor=reg.admin, enterprise=firm, segment=reg.segments["networks"])
    leader = make_user(reg, "chain_leader", chain=reg.chain)
    leader_appoint(actor=reg.admin, chain=reg.chain, user=leader)
    after = client.get(map_url(reg)).content.decode()
    assert statuses(after)["networks"] == "weak"
    assert "网络一号" in after
    five = after[after.index('class="five-ones"') :]
    assert "✓" in five[: five.index("</ul>")].split("</li>")[0]  # the leader is now present
