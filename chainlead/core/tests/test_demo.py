"""`chainlead load-demo` on the real shared data (settings.SHARED_DATA_DIR).

The shared data must be present: a missing folder fails with a message saying where it looked.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from chainlead.accounts.access import access_for
from chainlead.accounts.choices import Role
from chainlead.accounts.demo import DEMO_PASSWORD, DEMO_USERS
from chainlead.accounts.models import User
from chainlead.audit.context import acting_as
from chainlead.audit.models import AuditEntry
from chainlead.chains.choices import MembershipSource, ReviewStatus, SegmentStatus
from chainlead.chains.models import Chain, Membership, Segment
from chainlead.chains.selectors import chain_map, membership_review_queue
from chainlead.core.models import DataVersion
from chainlead.core.plugins import DemoContext, run_demo
from chainlead.registry.choices import DataProvenance, Origin
from chainlead.registry.demo import listed_rows
from chainlead.registry.models import Enterprise

pytestmark = pytest.mark.django_db


def test_load_demo(districts):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    printed = out.getvalue()

    # ---- firms: the city's 265 listed companies and the article's four are the real ones; the
    # organs' demos add a few applicants of their own, every one of them marked synthetic.
    synthetic = Enterprise.objects.exclude(provenance=DataProvenance.PUBLIC)
    assert set(synthetic.values_list("provenance", flat=True)) <= {DataProvenance.SYNTHETIC}
    firms = Enterprise.objects.filter(provenance=DataProvenance.PUBLIC)
    assert firms.filter(listed=True).count() == 265
    assert firms.count() == 269
    assert set(firms.values_list("provenance", flat=True)) == {DataProvenance.PUBLIC}
    assert set(firms.values_list("city", flat=True)) == {settings.CHAINLEAD_CITY_NAME}
    # Public data carry no credit codes: never invented.
    assert not firms.exclude(credit_code=None).exists()
    assert firms.filter(revenue__isnull=False).count() == 0

    hik = Enterprise.objects.get(stock_code="002415")
    assert hik.name == "杭州海康威视数字技术股份有限公司"
    assert (hik.founded, hik.industry_id, hik.listed) == (dt.date(2001, 11, 30), "39", True)
    assert hik.district is None and "listed_profiles.csv" in hik.source_note
    assert hik.employees and hik.registered_capital and "安防" in hik.main_business

    brainco = Enterprise.objects.get(name="强脑科技")
    assert (brainco.origin, brainco.origin_place) == (Origin.ATTRACTED, "美国波士顿")
    assert brainco.district.name == "余杭区" and brainco.credit_code is None
    assert Enterprise.objects.get(name="宇树科技").district.name == "滨江区"
    assert Enterprise.objects.get(name="游戏科学").origin == Origin.ATTRACTED
    deepseek = Enterprise.objects.get(name="深度求索")
    assert deepseek.district is None and deepseek.origin == Origin.LOCAL

    # ---- chains and memberships
    assert Chain.objects.count() == 6
    ai = Chain.objects.get(slug="ai")
    admin = User.objects.get(username="admin")
    figures = {s.slug: s for s in chain_map(user=admin, chain=ai).segments}
    for slug in ("chips", "networks", "cloud-software", "industry-applications"):
        assert figures[slug].firms >= 2, slug
    assert figures["chips"].firms >= 8
    assert [f["name"] for f in figures["foundation-models"].top_firms] == ["深度求索"]
    # No revenue in public data: concentration by the listed firms' real head counts, and said so.
    assert figures["chips"].hhi_basis == "employees"
    assert figures["chips"].hhi is not None and 0 < figures["chips"].hhi <= 1
    # Storage is filled by the firms whose own text says they do it (联芸科技's controllers).
    assert figures["storage"].status != SegmentStatus.MISSING
    # The industry-code rule: division 84 is the whole of the health-services segment.
    by_code = Membership.objects.get(
        enterprise__stock_code="300244", source=MembershipSource.INDUSTRY_RULE
    )
    assert (by_code.segment.slug, by_code.review_status) == ("health-services", "accepted")
    assert "84" in by_code.evidence
    # The firms issue 14 names, each accepted where its own text states the work, with evidence.
    for stock_code, chain, segment in (
        ("300068", "green-energy", "batteries-storage"),  # ST南都 (南都电源)
        ("688717", "green-energy", "batteries-storage"),  # 艾罗能源
        ("688032", "green-energy", "solar"),  # 禾迈股份: micro-inverters
        ("688449", "ai", "storage"),  # 联芸科技: storage controllers, although CSRC 65
        ("600126", "ai", "computing-centres"),  # 杭钢股份: IDC as a line of its own business
        ("300698", "ai", "computing-centres"),  # 万马科技: cabinets for IDC rooms
        ("688475", "smart-iot", "smart-devices"),  # 萤石网络
        ("002415", "smart-iot", "visual-intelligence"),  # 海康威视
        ("002236", "smart-iot", "visual-intelligence"),  # 大华股份
    ):
        placed = Membership.objects.get(
            enterprise__stock_code=stock_code, segment__chain__slug=chain, segment__slug=segment
        )
        assert placed.review_status == ReviewStatus.ACCEPTED, (stock_code, segment)
        assert placed.evidence, (stock_code, segment)
    # A firm may sit in several segments and chains: 海康威视 in visual intelligence and servers.
    hik_chains = Membership.objects.filter(
        enterprise=hik, review_status=ReviewStatus.ACCEPTED
    ).values_list("segment__chain__slug", flat=True)
    assert {"smart-iot", "ai"} <= set(hik_chains)
    # 众合科技 (CSRC 37) states rail transit in its main business: transport equipment is not
    # empty. 杭电股份 names rail-transit cables (a supplier, CSRC 38): not placed there.
    rail = Membership.objects.get(
        enterprise__stock_code="000925", segment__slug="transport-equipment"
    )
    assert rail.review_status == ReviewStatus.ACCEPTED
    assert "轨道交通" in rail.evidence and "division 37 agrees" in rail.evidence
    assert not Membership.objects.filter(
        enterprise__stock_code="603618", segment__slug="transport-equipment"
    ).exists()
    # A segment left empty is empty because no firm in the data does that work: neither the
    # industry code, the text nor the model put anyone there, not even as a guess for review.
    empty = Segment.objects.exclude(memberships__review_status=ReviewStatus.ACCEPTED)
    assert {(s.chain.slug, s.slug) for s in empty.select_related("chain")} == {
        ("new-materials", "fibres-composites"),
    }
    assert not Membership.objects.filter(segment__in=empty).exists()
    rule = Membership.objects.filter(source=MembershipSource.TEXT_RULE)
    assert rule.exists() and not rule.filter(evidence="").exists()
    assert not rule.filter(confidence__isnull=True).exists()
    assert Membership.objects.filter(
        enterprise=deepseek, source=MembershipSource.MANUAL, segment__slug="foundation-models"
    ).exists()
    task_force = User.objects.get(username="taskforce")
    queue = membership_review_queue(user=task_force)
    assert queue.count() >= 5
    assert {m.review_status for m in queue} == {ReviewStatus.PENDING}

    # ---- users: one per role, documented password, the policy holds, the scopes are right
    # The organs' demos add their own synthetic people (reviewers, firms' contacts).
    assert {u.username for u in DEMO_USERS} <= {u.username for u in User.objects.all()}
    roles = {access_for(u) for u in User.objects.all()}
    assert set().union(*(a.roles for a in roles)) == set(Role)
    for spec in DEMO_USERS:
        user = User.objects.get(username=spec.username)
        assert user.check_password(DEMO_PASSWORD) and user.is_active, spec.username
        validate_password(DEMO_PASSWORD, user)
        assert spec.username in printed
    assert DEMO_PASSWORD in printed
    binjiang = access_for(User.objects.get(username="binjiang"))
    assert binjiang.district_ids == {districts["滨江区"].pk}
    assert access_for(User.objects.get(username="hikvision")).enterprise_ids == {hik.pk}
    assert access_for(task_force).task_force_chain_ids == {ai.pk}

    # ---- idempotent: a second run changes nothing at all
    audit_rows = AuditEntry.objects.count()
    versions = (DataVersion.current("registry"), DataVersion.current("chains"))
    context = DemoContext(log=lambda _: None, options={"skip_analytics": True, "stdout": out})
    with acting_as(None, source="cli"):
        run_demo(context)
    result = context.results
    assert (result["listed"].created, result["listed"].updated) == (0, 0)
    assert (result["users"].created, result["users"].updated) == (0, 0)
    assert (result["classified"].created, result["classified"].updated) == (0, 0)
    new = list(AuditEntry.objects.order_by("-pk")[: AuditEntry.objects.count() - audit_rows])
    assert [(e.content_type, e.object_repr, e.action, e.event, e.message) for e in new] == []
    assert (DataVersion.current("registry"), DataVersion.current("chains")) == versions


def test_load_demo_without_shared_data_fails_clearly(tmp_path):
    with override_settings(SHARED_DATA_DIR=tmp_path), pytest.raises(CommandError) as exc:
        call_command("load_demo", stdout=io.StringIO())
    assert str(tmp_path) in str(exc.value) and "CHAINLEAD_DATA_DIR" in str(exc.value)
    assert not Enterprise.objects.exists()


def test_province_rows_are_only_read_when_asked():
    city = list(listed_rows())
    province = list(listed_rows(include_province=True))
    assert len(city) == 265 and {r["city"] for r in city} == {"杭州市"}
    assert len(province) == 826 and {r["province"] for r in province} == {"浙江"}
