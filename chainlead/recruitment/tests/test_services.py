import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from chainlead.audit.models import AuditEntry
from chainlead.core.exceptions import PermissionDenied
from chainlead.recruitment.choices import PIPELINE, PromiseStatus, Stage
from chainlead.recruitment.selectors import may_be_leaving, promise_follow_up, target_list
from chainlead.recruitment.services import (
    allowed_next_stages,
    promise_set,
    target_create,
    target_land,
    target_move,
)
from chainlead.registry.models import Enterprise, EnterpriseIndicator


def _signed_target(actor, chain):
    target = target_create(
        actor=actor,
        chain_id=chain.pk,
        name="强脑科技",
        location="美国波士顿",
        segment=chain.segments.first(),
    )
    for stage in PIPELINE[1:5]:
        target = target_move(actor=actor, target=target, to_stage=stage)
    assert target.stage == Stage.SIGNED
    return target


ALL = [*PIPELINE, Stage.LOST]


@pytest.mark.parametrize("from_stage", ALL)
@pytest.mark.parametrize("to_stage", [s for s in ALL if s != Stage.LANDED])
def test_every_transition_is_allowed_or_refused(task_force, chain, from_stage, to_stage):
    target = target_create(actor=task_force, chain_id=chain.pk, name="X", location="上海")
    target.stage = from_stage
    target.save()
    allowed = to_stage in allowed_next_stages(from_stage)
    if allowed:
        moved = target_move(actor=task_force, target=target, to_stage=to_stage, lost_reason="价格")
        assert moved.stage == to_stage
        assert moved.stage_changes.last().to_stage == to_stage
    else:
        with pytest.raises(ValidationError):
            target_move(actor=task_force, target=target, to_stage=to_stage, lost_reason="价格")
        target.refresh_from_db()
        assert target.stage == from_stage


def test_pipeline_cannot_skip_a_stage(task_force, chain):
    target = target_create(actor=task_force, chain_id=chain.pk, name="X", location="上海")
    with pytest.raises(ValidationError):
        target_move(actor=task_force, target=target, to_stage=Stage.NEGOTIATING)


def test_losing_needs_a_reason(task_force, chain):
    target = target_create(actor=task_force, chain_id=chain.pk, name="X", location="上海")
    with pytest.raises(ValidationError):
        target_move(actor=task_force, target=target, to_stage=Stage.LOST)


def test_landing_creates_the_enterprise_exactly_once(task_force, chain, districts):
    target = _signed_target(task_force, chain)
    before = Enterprise.objects.count()
    first = target_land(
        actor=task_force, target=target, district=districts["余杭区"], landed_on=dt.date(2018, 5, 1)
    )
    again = target_land(
        actor=task_force, target=target, district=districts["余杭区"], landed_on=dt.date(2018, 5, 1)
    )
    assert first.pk == again.pk
    assert Enterprise.objects.count() == before + 1
    assert first.origin == "attracted"
    assert first.origin_place == "美国波士顿"
    assert first.landed_on == dt.date(2018, 5, 1)
    assert f"#{target.pk}" in first.recruitment_effort
    assert first.memberships.get().segment == chain.segments.first()
    target.refresh_from_db()
    assert target.stage == Stage.LANDED
    assert AuditEntry.objects.filter(event="landed", object_id=str(target.pk)).count() == 1


def test_only_signed_targets_land(task_force, chain, districts):
    target = target_create(actor=task_force, chain_id=chain.pk, name="X", location="上海")
    with pytest.raises(ValidationError):
        target_land(
            actor=task_force,
            target=target,
            district=districts["滨江区"],
            landed_on=dt.date(2026, 3, 2),
        )
    assert not Enterprise.objects.filter(name="X").exists()


def test_task_force_works_only_on_its_chain(task_force, other_task_force, auditor, chain):
    target = target_create(actor=task_force, chain_id=chain.pk, name="X", location="上海")
    for outsider in (other_task_force, auditor):
        with pytest.raises(PermissionDenied):
            target_move(actor=outsider, target=target, to_stage=Stage.CONTACTED)
        with pytest.raises(PermissionDenied):
            target_create(actor=outsider, chain_id=chain.pk, name="Y", location="北京")
    assert list(target_list(user=other_task_force)) == []
    assert list(target_list(user=auditor)) == [target]


def test_promises_are_followed_against_yearly_figures(task_force, chain, districts):
    target = _signed_target(task_force, chain)
    firm = target_land(
        actor=task_force, target=target, district=districts["余杭区"], landed_on=dt.date(2022, 1, 1)
    )
    promise_set(actor=task_force, target=target, kind="jobs", amount=Decimal(300), due_year=2024)
    promise_set(actor=task_force, target=target, kind="revenue", amount=Decimal(900), due_year=2024)
    promise_set(actor=task_force, target=target, kind="rd_spend", amount=Decimal(50), due_year=2025)
    EnterpriseIndicator.objects.create(enterprise=firm, year=2022, employees=200, revenue=100)
    EnterpriseIndicator.objects.create(enterprise=firm, year=2024, employees=320, revenue=500)
    statuses = {f.promise.kind: f for f in promise_follow_up(target=target, landed_year=2022)}
    assert statuses["jobs"].status == PromiseStatus.MET  # 320 ≥ 300 in the due year
    assert statuses["revenue"].status == PromiseStatus.BEHIND  # 500 < 900 in the due year
    assert statuses["rd_spend"].status == PromiseStatus.NO_DATA
    # Headcount 320 → 150 is a 53% drop: flagged as possibly leaving.
    assert not may_be_leaving(target=target)
    EnterpriseIndicator.objects.create(enterprise=firm, year=2025, employees=150)
    assert may_be_leaving(target=target)


def test_promise_pace_before_the_due_year(task_force, chain, districts):
    target = _signed_target(task_force, chain)
    firm = target_land(
        actor=task_force, target=target, district=districts["余杭区"], landed_on=dt.date(2022, 1, 1)
    )
    promise_set(actor=task_force, target=target, kind="jobs", amount=Decimal(300), due_year=2026)
    # Pace in 2023 (2 of 5 years) is 300 × 2/5 = 120 jobs; 100 is ≥ 0.8 × 120 = 96: at risk.
    EnterpriseIndicator.objects.create(enterprise=firm, year=2023, employees=100)
    (follow,) = promise_follow_up(target=target, landed_year=2022)
    assert follow.status == PromiseStatus.AT_RISK
    EnterpriseIndicator.objects.filter(enterprise=firm).update(employees=130)
    (follow,) = promise_follow_up(target=target, landed_year=2022)
    assert follow.status == PromiseStatus.ON_TRACK
