"""Chain services: templates, segments, links, memberships, reviews and who may do what."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from chainlead.accounts.choices import Role
from chainlead.audit.context import acting_as
from chainlead.audit.models import AuditEntry
from chainlead.chains.choices import MembershipSource, ReviewStatus
from chainlead.chains.models import Chain, Membership, Segment, SegmentLink
from chainlead.chains.services import (
    chain_create_from_template,
    membership_review,
    membership_set,
    segment_create,
    segment_link_create,
    segment_update,
)
from chainlead.chains.templates_data import template_get, template_list
from chainlead.chains.tests.factories import ChainFactory, SegmentFactory, user_with
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.models import DataVersion
from chainlead.registry.reference_data import INDUSTRIES_FILE
from chainlead.registry.tests.factories import EnterpriseFactory

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

AI_SEGMENTS = [
    ("chips", "芯片"),
    ("storage", "存储"),
    ("boards-servers", "板卡和服务器"),
    ("networks", "网络"),
    ("computing-centres", "算力中心"),
    ("cloud-software", "云服务和基础软件"),
    ("foundation-models", "基础模型和框架"),
    ("industry-applications", "行业应用"),
]


# ---- the templates (no database) --------------------------------------------------------------


def test_six_templates_ship():
    assert [t.slug for t in template_list()] == [
        "ai",
        "smart-iot",
        "biomedicine",
        "high-end-equipment",
        "new-materials",
        "green-energy",
    ]


def test_ai_template_is_in_the_citys_order():
    ai = template_get("ai")
    assert [(s.slug, s.name) for s in ai.segments] == AI_SEGMENTS
    assert [s.order for s in ai.segments] == list(range(1, 9))
    # Each segment feeds the next one.
    assert ai.links == tuple(
        zip([s for s, _ in AI_SEGMENTS][:-1], [s for s, _ in AI_SEGMENTS][1:], strict=True)
    )


def test_every_template_code_is_a_real_gbt4754_code():
    with INDUSTRIES_FILE.open(encoding="utf-8") as fh:
        codes = {row["code"] for row in csv.DictReader(fh)}
    used = [
        (t.slug, s.slug, c) for t in template_list() for s in t.segments for c in s.industry_codes
    ]
    assert len(used) > 100
    assert [u for u in used if u[2] not in codes] == []
    # Numeric codes only (divisions, groups, classes), never a section letter.
    assert all(c.isdigit() and 2 <= len(c) <= 4 for _, _, c in used)


def test_every_template_is_complete():
    for t in template_list():
        assert t.name and t.name_en, t.slug
        assert 5 <= len(t.segments) <= 8, t.slug
        for s in t.segments:
            assert s.name and s.name_en and s.industry_codes, (t.slug, s.slug)
            # Chinese keywords: each segment has at least three words in Chinese characters.
            assert sum(1 for k in s.keywords if not k.isascii()) >= 3, (t.slug, s.slug)
        slugs = [s.slug for s in t.segments]
        assert len(set(slugs)) == len(slugs)


# ---- loading templates ------------------------------------------------------------------------


@pytest.mark.django_db
def test_system_loads_templates_idempotently():
    with acting_as(None, source="cli"):
        for t in template_list():
            chain_create_from_template(actor=None, template=t)
        audit_rows = AuditEntry.objects.count()
        version = DataVersion.current("chains")
        for t in template_list():
            chain_create_from_template(actor=None, template=t)
    assert Chain.objects.count() == 6
    ai = Chain.objects.get(slug="ai")
    assert [(s.slug, s.name) for s in ai.segments.order_by("order")] == AI_SEGMENTS
    assert SegmentLink.objects.filter(upstream__chain=ai).count() == 7
    # Nothing changed the second time: no audit rows, cached maps stay valid.
    assert AuditEntry.objects.count() == audit_rows
    assert DataVersion.current("chains") == version
    entry = AuditEntry.objects.filter(object_repr="人工智能").first()
    assert entry is not None and (entry.actor_label, entry.source) == ("system", "cli")


@pytest.mark.django_db
def test_template_update_reorders_and_keeps_hand_made_segments():
    admin = user_with(Role.CITY_ADMIN)
    chain = chain_create_from_template(actor=admin, template=template_get("ai"))
    # The city swapped two segments and added its own at position 9.
    chips = chain.segments.get(slug="chips")
    storage = chain.segments.get(slug="storage")
    segment_update(actor=admin, segment=chips, order=20)
    segment_update(actor=admin, segment=storage, order=1)
    segment_update(actor=admin, segment=chips, order=2)
    own = segment_create(actor=admin, chain=chain, slug="robots", name="机器人", order=9)
    chain_create_from_template(actor=admin, template=template_get("ai"))
    orders = dict(chain.segments.values_list("slug", "order"))
    assert (orders["chips"], orders["storage"]) == (1, 2)
    assert Segment.objects.filter(pk=own.pk).exists()


@pytest.mark.django_db
def test_system_actor_only_inside_a_command():
    t = template_get("ai")
    with pytest.raises(PermissionDenied):
        chain_create_from_template(actor=None, template=t)  # e.g. a view passing None
    with acting_as(None, source="web"), pytest.raises(PermissionDenied):
        chain_create_from_template(actor=None, template=t)
    with acting_as(None, source="task"):
        chain_create_from_template(actor=None, template=t)
    assert Chain.objects.filter(slug="ai").exists()


# ---- who may edit -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_admins_and_the_chains_task_force_edit(districts):
    chain = ChainFactory()
    segment = SegmentFactory(chain=chain)
    allowed = [user_with(Role.CITY_ADMIN), user_with(Role.TASK_FORCE, chain=chain)]
    refused = [
        user_with(Role.TASK_FORCE, chain=ChainFactory()),
        user_with(Role.CHAIN_LEADER, chain=chain),
        user_with(Role.DISTRICT_OFFICIAL, district=districts["滨江区"]),
        user_with(Role.AUDITOR),
    ]
    for i, user in enumerate(allowed):
        segment_update(actor=user, segment=segment, name=f"新名字{i}")
    for user in refused:
        with pytest.raises(PermissionDenied):
            segment_update(actor=user, segment=segment, name="不行")
    with pytest.raises(PermissionDenied):
        chain_create_from_template(actor=allowed[1], template=template_get("ai"))
    segment.refresh_from_db()
    assert segment.name == "新名字1"


@pytest.mark.django_db
def test_segment_codes_must_exist():
    admin = user_with(Role.CITY_ADMIN)
    chain = ChainFactory()
    with pytest.raises(ValidationError):
        segment_create(
            actor=admin, chain=chain, slug="x", name="x", order=1, industry_codes=["3999"]
        )
    seg = segment_create(
        actor=admin, chain=chain, slug="x", name="x", order=1, industry_codes=["3973", "39", "3973"]
    )
    assert seg.industry_codes == ["3973", "39"]


@pytest.mark.django_db
def test_links_stay_within_a_chain():
    admin = user_with(Role.CITY_ADMIN)
    a, b = SegmentFactory(), SegmentFactory()
    with pytest.raises(ValidationError):
        segment_link_create(actor=admin, upstream=a, downstream=b)
    c = SegmentFactory(chain=a.chain)
    first = segment_link_create(actor=admin, upstream=a, downstream=c)
    assert segment_link_create(actor=admin, upstream=a, downstream=c) == first


# ---- memberships and reviews ------------------------------------------------------------------


@pytest.fixture
def seg(db):
    return SegmentFactory()


@pytest.mark.django_db
def test_review_status_follows_source_and_confidence(seg):
    admin = user_with(Role.CITY_ADMIN)
    firms = EnterpriseFactory.create_batch(4)
    cases = [
        (MembershipSource.INDUSTRY_RULE, 0.8, ReviewStatus.ACCEPTED),
        (MembershipSource.TEXT_RULE, 0.9, ReviewStatus.ACCEPTED),  # at the threshold
        (MembershipSource.TEXT_RULE, 0.899, ReviewStatus.PENDING),
        (MembershipSource.MANUAL, None, ReviewStatus.ACCEPTED),
    ]
    for firm, (source, confidence, expected) in zip(firms, cases, strict=True):
        m = membership_set(
            actor=admin, enterprise=firm, segment=seg, source=source, confidence=confidence
        )
        assert m.review_status == expected, source
    manual = Membership.objects.get(enterprise=firms[3])
    assert manual.reviewed_by == admin


@pytest.mark.django_db
def test_review_decisions_stick_across_rule_runs(seg):
    task_force = user_with(Role.TASK_FORCE, chain=seg.chain)
    firm = EnterpriseFactory()
    with acting_as(None, source="cli"):
        guess = membership_set(
            actor=None,
            enterprise=firm,
            segment=seg,
            source=MembershipSource.TEXT_RULE,
            confidence=0.6,
            evidence="keywords: 芯片",
        )
    assert guess.review_status == ReviewStatus.PENDING
    membership_review(actor=task_force, membership=guess, accept=False, now=NOW)
    with acting_as(None, source="cli"):
        again = membership_set(
            actor=None,
            enterprise=firm,
            segment=seg,
            source=MembershipSource.TEXT_RULE,
            confidence=0.95,
            evidence="keywords: 芯片, 集成电路",
        )
    assert again.review_status == ReviewStatus.REJECTED
    assert (again.reviewed_by, again.reviewed_at) == (task_force, NOW)
    assert AuditEntry.objects.filter(event="membership_rejected").count() == 1


@pytest.mark.django_db
def test_review_needs_a_person_with_rights(seg):
    firm = EnterpriseFactory()
    admin = user_with(Role.CITY_ADMIN)
    m = membership_set(
        actor=admin, enterprise=firm, segment=seg, source=MembershipSource.TEXT_RULE, confidence=0.5
    )
    with acting_as(None, source="cli"), pytest.raises(PermissionDenied):
        membership_review(actor=None, membership=m, accept=True)
    with pytest.raises(PermissionDenied):
        membership_review(actor=user_with(Role.AUDITOR), membership=m, accept=True)
    membership_review(actor=admin, membership=m, accept=True, now=NOW)
    m.refresh_from_db()
    assert (m.review_status, m.reviewed_at) == (ReviewStatus.ACCEPTED, NOW)


@pytest.mark.django_db
def test_rule_updates_a_pending_guess_but_not_a_manual_membership(seg):
    admin = user_with(Role.CITY_ADMIN)
    firm = EnterpriseFactory()
    m = membership_set(
        actor=admin, enterprise=firm, segment=seg, source=MembershipSource.TEXT_RULE, confidence=0.5
    )
    m = membership_set(
        actor=admin,
        enterprise=firm,
        segment=seg,
        source=MembershipSource.TEXT_RULE,
        confidence=0.95,
    )
    assert (m.confidence, m.review_status) == (Decimal("0.950"), ReviewStatus.ACCEPTED)
    other = EnterpriseFactory()
    membership_set(actor=admin, enterprise=other, segment=seg)
    kept = membership_set(
        actor=admin,
        enterprise=other,
        segment=seg,
        source=MembershipSource.TEXT_RULE,
        confidence=0.5,
    )
    assert (kept.source, kept.review_status) == (MembershipSource.MANUAL, ReviewStatus.ACCEPTED)
