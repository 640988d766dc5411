"""Chain-map figures on a small registry whose every number is worked out by hand below.

Chain "t" with three segments, upstream first:

  A (order 1): a1 100 万元 R&D 10 滨江 local small
               a2 300 万元 R&D 20 余杭 ATTRACTED medium
               a3 600 万元 R&D 30 滨江 local large
      firms 3, local 2, attracted 1, revenue 1000, R&D 60
      shares .1/.3/.6 → HHI .01 + .09 + .36 = .46 < .5 and 3 firms → ok
  B (order 2): b1 900 西湖 local large, b2 100 滨江 local small
      firms 2, revenue 1000, shares .9/.1 → HHI .81 + .01 = .82 ≥ .5 → weak
  C (order 3): only c1, a PENDING text-rule guess → not counted: firms 0 → missing,
      pending_review 1
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chainlead.accounts.choices import Role
from chainlead.chains.choices import MembershipSource, ReviewStatus, SegmentStatus
from chainlead.chains.selectors import (
    MapFilters,
    chain_map,
    chain_map_summary,
    membership_review_queue,
    membership_review_ranked,
)
from chainlead.chains.services import membership_set
from chainlead.chains.tests.factories import (
    ChainFactory,
    MembershipFactory,
    SegmentFactory,
    user_with,
)
from chainlead.core.exceptions import PermissionDenied
from chainlead.registry.choices import DataProvenance, Origin, SizeClass
from chainlead.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(districts):
    chain = ChainFactory(slug="t", name="测试链")
    seg = {
        key: SegmentFactory(chain=chain, slug=key.lower(), name=key, order=i)
        for i, key in enumerate("ABC", start=1)
    }
    bj, yh, xh = districts["滨江区"], districts["余杭区"], districts["西湖区"]

    def firm(name, revenue, district, size, *, rd=None, origin=Origin.LOCAL):
        return EnterpriseFactory(
            name=name,
            revenue=Decimal(revenue),
            rd_spend=None if rd is None else Decimal(rd),
            district=district,
            size_class=size,
            origin=origin,
        )

    firms = {
        "a1": firm("a1", 100, bj, SizeClass.SMALL, rd=10),
        "a2": firm("a2", 300, yh, SizeClass.MEDIUM, rd=20, origin=Origin.ATTRACTED),
        "a3": firm("a3", 600, bj, SizeClass.LARGE, rd=30),
        "b1": firm("b1", 900, xh, SizeClass.LARGE),
        "b2": firm("b2", 100, bj, SizeClass.SMALL),
        "c1": firm("c1", 50, bj, SizeClass.SMALL),
    }
    for key in ("a1", "a2", "a3"):
        MembershipFactory(enterprise=firms[key], segment=seg["A"])
    for key in ("b1", "b2"):
        MembershipFactory(enterprise=firms[key], segment=seg["B"])
    MembershipFactory(
        enterprise=firms["c1"],
        segment=seg["C"],
        source=MembershipSource.TEXT_RULE,
        confidence=Decimal("0.6"),
        review_status=ReviewStatus.PENDING,
    )
    admin = user_with(Role.CITY_ADMIN)
    return {"chain": chain, "seg": seg, "firms": firms, "admin": admin, "districts": districts}


def by_slug(cmap):
    return {s.slug: s for s in cmap.segments}


def test_figures_of_every_segment(world):
    cmap = chain_map(user=world["admin"], chain=world["chain"])
    assert [s.slug for s in cmap.segments] == ["a", "b", "c"]  # upstream → downstream
    a, b, c = (by_slug(cmap)[k] for k in "abc")
    assert (a.firms, a.local, a.attracted) == (3, 2, 1)
    assert a.revenue == Decimal(1000) and a.rd_spend == Decimal(60)
    assert a.hhi == pytest.approx(0.46)
    assert a.status == SegmentStatus.OK
    assert [f["name"] for f in a.top_firms] == ["a3", "a2", "a1"]  # largest first
    assert (b.firms, b.revenue) == (2, Decimal(1000))
    assert b.hhi == pytest.approx(0.82)
    assert b.status == SegmentStatus.WEAK  # two firms, but one holds 90%
    assert (c.firms, c.status, c.pending_review) == (0, SegmentStatus.MISSING, 1)
    assert (cmap.present, cmap.weak, cmap.missing) == (2, 1, 1)
    assert not cmap.full_chain_present


def test_report_shape(world):
    report = chain_map(user=world["admin"], chain=world["chain"]).as_report()
    assert report["chain"] == "t"
    first = report["segments"][0]
    assert set(first) == {
        "slug",
        "name",
        "order",
        "firms",
        "local",
        "attracted",
        "revenue",
        "rd_spend",
        "hhi",
        "hhi_basis",
        "hhi_firms",
        "status",
        "top_firms",
    }
    assert (first["revenue"], first["hhi"], first["top_firms"][0]) == (1000.0, 0.46, "a3")
    assert (first["hhi_basis"], first["hhi_firms"]) == ("revenue", 3)


def test_concentration_falls_back_to_employees_and_says_so(districts):
    """Listed firms report head counts, rarely revenue: a segment where one firm lacks revenue
    is measured by employees (all report them), 3,000 / 1,000 → shares .75/.25 → HHI .625;
    a segment where nobody reports either has no HHI."""
    chain = ChainFactory(slug="e")
    known, unknown = (SegmentFactory(chain=chain, slug=s, order=i) for i, s in enumerate("xy"))
    big = EnterpriseFactory(name="big", revenue=Decimal(500), employees=3000)
    small = EnterpriseFactory(name="small", revenue=None, employees=1000)
    nobody = EnterpriseFactory(name="nobody", revenue=None, employees=None)
    for firm in (big, small):
        MembershipFactory(enterprise=firm, segment=known)
    MembershipFactory(enterprise=nobody, segment=unknown)
    x, y = (by_slug(chain_map(user=user_with(Role.CITY_ADMIN), chain=chain))[k] for k in "xy")
    assert (x.hhi, x.hhi_basis, x.hhi_firms) == (pytest.approx(0.625), "employees", 2)
    assert x.status == SegmentStatus.WEAK
    assert (y.hhi, y.hhi_basis, y.firms) == (None, None, 1)


def test_district_filter(world):
    bj = world["districts"]["滨江区"]
    cmap = chain_map(
        user=world["admin"], chain=world["chain"], filters=MapFilters(district_ids=(bj.pk,))
    )
    a, b, _ = (by_slug(cmap)[k] for k in "abc")
    # 滨江 has a1 (100) and a3 (600): shares 1/7, 6/7 → HHI (1 + 36) / 49 = .7551 → weak
    assert (a.firms, a.revenue) == (2, Decimal(700))
    assert a.hhi == pytest.approx(37 / 49)
    assert a.status == SegmentStatus.WEAK
    # … and only b2 in B: one firm → weak, HHI 1
    assert (b.firms, b.hhi, b.status) == (1, pytest.approx(1.0), SegmentStatus.WEAK)


def test_size_and_origin_filters(world):
    admin, chain = world["admin"], world["chain"]
    large = by_slug(chain_map(user=admin, chain=chain, filters=MapFilters(size_class="large")))
    assert (large["a"].firms, large["a"].revenue, large["b"].firms) == (1, Decimal(600), 1)
    attracted = by_slug(
        chain_map(user=admin, chain=chain, filters=MapFilters(origin=Origin.ATTRACTED))
    )
    assert (attracted["a"].firms, attracted["a"].attracted, attracted["a"].local) == (1, 1, 0)
    assert attracted["b"].status == SegmentStatus.MISSING


def test_synthetic_filter(world):
    real = world["firms"]["a1"]
    real.provenance = DataProvenance.PUBLIC
    real.save()
    cmap = chain_map(
        user=world["admin"], chain=world["chain"], filters=MapFilters(include_synthetic=False)
    )
    assert [s.firms for s in cmap.segments] == [1, 0, 0]


def test_district_official_sees_only_their_district(world):
    bj = world["districts"]["滨江区"]
    official = user_with(Role.DISTRICT_OFFICIAL, district=bj)
    a = by_slug(chain_map(user=official, chain=world["chain"]))["a"]
    assert (a.firms, a.revenue) == (2, Decimal(700))
    # Asking for another district does not widen the view: the intersection is empty.
    xh = world["districts"]["西湖区"]
    b = by_slug(
        chain_map(user=official, chain=world["chain"], filters=MapFilters(district_ids=(xh.pk,)))
    )["b"]
    assert b.firms == 0


def test_firm_user_may_not_see_maps(world):
    user = user_with(Role.ENTERPRISE, enterprise=world["firms"]["a1"])
    with pytest.raises(PermissionDenied):
        chain_map(user=user, chain=world["chain"])


def test_query_count_is_bounded(world, django_assert_max_num_queries):
    # Grants, two data versions, segments, grouped figures, pending counts, top firms, links.
    with django_assert_max_num_queries(9):
        chain_map(user=world["admin"], chain=world["chain"])
    # A cached map costs only the data-version reads.
    with django_assert_max_num_queries(2):
        chain_map(user=world["admin"], chain=world["chain"])


def test_cache_is_invalidated_by_a_write(world):
    admin, chain = world["admin"], world["chain"]
    assert by_slug(chain_map(user=admin, chain=chain))["c"].firms == 0
    membership_set(
        actor=admin, enterprise=world["firms"]["b2"], segment=world["seg"]["C"]
    )  # set by hand: accepted
    assert by_slug(chain_map(user=admin, chain=chain))["c"].firms == 1
    firm = world["firms"]["a1"]
    firm.revenue = Decimal(400)  # a registry write also invalidates the map
    firm.save()
    assert by_slug(chain_map(user=admin, chain=chain))["a"].revenue == Decimal(1300)


def test_a_governance_write_keeps_the_cached_map(world, django_assert_max_num_queries):
    from chainlead.core.models import DataVersion
    from chainlead.governance.constants import GOVERNANCE_DATA

    admin, chain = world["admin"], world["chain"]
    chain_map(user=admin, chain=chain)
    DataVersion.bump(GOVERNANCE_DATA)  # a meeting or an action item changed: not the map
    with django_assert_max_num_queries(2):  # the data versions, nothing recomputed
        chain_map(user=admin, chain=chain)


def _without_top_firms(cmap):
    return [replace(s, top_firms=[]) for s in cmap.segments]


def test_summary_is_the_map_without_its_top_firms(world):
    admin, chain = world["admin"], world["chain"]
    with CaptureQueriesContext(connection) as ctx:
        summary = chain_map_summary(user=admin, chain=chain)
    assert not any("ROW_NUMBER" in q["sql"].upper() for q in ctx.captured_queries)
    full = chain_map(user=admin, chain=chain)
    assert [f["name"] for f in by_slug(full)["a"].top_firms] == ["a3", "a2", "a1"]
    assert summary.segments == _without_top_firms(full)  # every figure, status and count
    assert summary.links == full.links
    assert (summary.present, summary.weak, summary.missing) == (2, 1, 1)
    assert by_slug(summary)["c"].pending_review == 1


def test_summary_is_read_off_a_cached_map(world, django_assert_max_num_queries):
    admin, chain = world["admin"], world["chain"]
    full = chain_map(user=admin, chain=chain)
    with django_assert_max_num_queries(2):  # the data versions only
        summary = chain_map_summary(user=admin, chain=chain)
    assert summary.segments == _without_top_firms(full)
    assert by_slug(chain_map(user=admin, chain=chain))["a"].top_firms  # the cached map is whole


def test_summary_follows_scope_and_writes(world):
    bj = world["districts"]["滨江区"]
    official = user_with(Role.DISTRICT_OFFICIAL, district=bj)
    a = by_slug(chain_map_summary(user=official, chain=world["chain"]))["a"]
    assert (a.firms, a.revenue) == (2, Decimal(700))
    with pytest.raises(PermissionDenied):
        chain_map_summary(
            user=user_with(Role.ENTERPRISE, enterprise=world["firms"]["a1"]), chain=world["chain"]
        )
    admin, chain = world["admin"], world["chain"]
    assert by_slug(chain_map_summary(user=admin, chain=chain))["c"].firms == 0
    membership_set(actor=admin, enterprise=world["firms"]["b2"], segment=world["seg"]["C"])
    assert by_slug(chain_map_summary(user=admin, chain=chain))["c"].firms == 1


def test_review_queue_is_scoped(world):
    chain = world["chain"]
    task_force = user_with(Role.TASK_FORCE, chain=chain)
    other = user_with(Role.TASK_FORCE, chain=ChainFactory())
    assert [m.enterprise.name for m in membership_review_queue(user=task_force)] == ["c1"]
    assert list(membership_review_queue(user=other)) == []


def test_review_queue_ranks_by_what_a_decision_would_change(world):
    """In the world above A has 3 accepted firms, B 2, C none (c1 pending at 0.6). A new pending
    guess in A at 0.95 and one in B at 0.5: the queue puts c1 first (accepting it fills the
    missing C), then B's (0.5, two firms), then A's, whatever their confidence."""
    seg, firms = world["seg"], world["firms"]
    for key, segment, confidence in (("b1", "A", "0.95"), ("a1", "B", "0.5")):
        MembershipFactory(
            enterprise=firms[key],
            segment=seg[segment],
            source=MembershipSource.TEXT_RULE,
            confidence=Decimal(confidence),
            review_status=ReviewStatus.PENDING,
        )
    ranked = list(membership_review_ranked(user=world["admin"]))
    assert [(m.enterprise.name, m.segment.name) for m in ranked] == [
        ("c1", "C"),
        ("a1", "B"),
        ("b1", "A"),
    ]
    assert [m.segment_accepted for m in ranked] == [0, 2, 3]
