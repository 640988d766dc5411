"""The rules of proof of concept: stages, TRL, gate reviews, conflicts, outcomes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from chainlead.audit.models import AuditEntry
from chainlead.core.exceptions import PermissionDenied
from chainlead.poc import services
from chainlead.poc.choices import ProjectStatus, ReviewStatus
from chainlead.poc.constants import RUBRIC_WEIGHTS, STAGE_TRL, TRANSITIONS, trl_fits_stage
from chainlead.poc.models import Outcome, Project, StageChange
from chainlead.poc.tests.conftest import TODAY, scored_gate
from chainlead.registry.models import Enterprise

pytestmark = pytest.mark.django_db


def test_rubric_weights_sum_to_one_and_trl_bands_cover_one_to_nine() -> None:
    assert sum(RUBRIC_WEIGHTS.values()) == Decimal("1.00")
    covered = {t for low, high in STAGE_TRL.values() for t in range(low, high + 1)}
    assert covered == set(range(1, 10))
    assert trl_fits_stage(2, 4) and not trl_fits_stage(2, 6)


def test_a_trl_outside_the_stage_band_is_refused(researcher: Any) -> None:
    with pytest.raises(ValidationError, match="TRL 3 to 4"):
        services.project_submit(
            actor=researcher,
            title="x",
            institution="浙江大学",
            started_on=dt.date(2024, 1, 1),
            stage=2,
            trl=8,
        )


def test_a_researcher_is_the_pi_of_what_they_submit(project: Any, researcher: Any) -> None:
    assert project.pi == researcher
    assert StageChange.objects.filter(project=project, to_stage=1).count() == 1


def test_advance_moves_one_stage_with_the_scores_that_led_to_it(
    admin: Any, project: Any, reviewers: list[Any]
) -> None:
    gate = scored_gate(admin, project, reviewers)
    decided = services.gate_decide(
        actor=admin, gate_review=gate, decision="advance", reasons="原理验证通过", today=TODAY
    )
    project.refresh_from_db()
    assert (project.stage, project.trl, project.stage_entered_on) == (2, 3, TODAY)
    # 0.30·4 + 0.25·3 + 0.15·4 + 0.15·5 + 0.15·3 = 3.75 for both reviewers.
    assert decided.weighted_score == Decimal("3.75")
    assert [r["weighted"] for r in decided.scores["reviews"]] == ["3.75", "3.75"]
    assert StageChange.objects.filter(project=project, from_stage=1, to_stage=2).exists()
    assert AuditEntry.objects.filter(event="gate_advance").count() == 1


def test_a_decision_needs_two_scored_reviews(admin: Any, project: Any, reviewers: Any) -> None:
    gate = services.gate_open(
        actor=admin,
        project=project,
        reviewers=reviewers[:2],
        today=TODAY,
        due_on=TODAY + dt.timedelta(days=7),
    )
    with pytest.raises(ValidationError, match="at least 2 scored reviews"):
        services.gate_decide(
            actor=admin, gate_review=gate, decision="advance", reasons="x", today=TODAY
        )


def test_forbidden_stage_moves(admin: Any, project: Any, reviewers: list[Any]) -> None:
    gate = scored_gate(admin, project, reviewers)
    # A second open review of the same project is refused.
    with pytest.raises(ValidationError, match="already has an open gate review"):
        services.gate_open(actor=admin, project=project, reviewers=[], today=TODAY, due_on=TODAY)
    services.gate_decide(
        actor=admin, gate_review=gate, decision="advance", reasons="ok", today=TODAY
    )
    # Deciding twice is refused.
    with pytest.raises(ValidationError, match="already decided"):
        services.gate_decide(
            actor=admin, gate_review=gate, decision="advance", reasons="ok", today=TODAY
        )
    # The last stage has no next one.
    Project.objects.filter(pk=project.pk).update(stage=5, trl=8)
    project.refresh_from_db()
    with pytest.raises(ValidationError, match="last stage"):
        services.gate_open(actor=admin, project=project, reviewers=[], today=TODAY, due_on=TODAY)


def test_a_stopped_project_moves_no_more(admin: Any, project: Any, reviewers: list[Any]) -> None:
    gate = scored_gate(admin, project, reviewers)
    services.gate_decide(
        actor=admin, gate_review=gate, decision="stop", reasons="市场不成立", today=TODAY
    )
    project.refresh_from_db()
    assert (project.status, project.ended_on) == (ProjectStatus.STOPPED, TODAY)
    assert Outcome.objects.get(project=project).stage == 1
    with pytest.raises(ValidationError, match="no longer moves"):
        services.gate_open(actor=admin, project=project, reviewers=[], today=TODAY, due_on=TODAY)
    with pytest.raises(ValidationError, match="cannot become"):
        services.outcome_record(actor=admin, project=project, kind="licensed", on=TODAY)


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["licensed", "acquired"], True),
        (["licensed", "spun_off"], True),
        (["acquired", "licensed"], False),
        (["stopped", "acquired"], False),
        (["spun_off", "licensed"], False),
    ],
)
def test_outcome_transitions_follow_the_table(
    admin: Any, project: Any, districts: Any, path: list[str], allowed: bool
) -> None:
    def record(kind: str) -> None:
        services.outcome_record(
            actor=admin,
            project=project,
            kind=kind,
            on=TODAY,
            reason="理由",
            counterparty=f"合成衍生企业 {kind}",
            district=districts["西湖区"],
        )

    record(path[0])
    project.refresh_from_db()
    assert (path[1] in TRANSITIONS[project.status]) is allowed
    if allowed:
        record(path[1])
    else:
        with pytest.raises(ValidationError):
            record(path[1])


def test_a_reviewer_from_the_teams_institution_is_refused(
    admin: Any, project: Any, reviewers: list[Any]
) -> None:
    same = reviewers[2]
    gate = services.gate_open(
        actor=admin, project=project, reviewers=[same], today=TODAY, due_on=TODAY
    )
    assignment = gate.assignments.get()
    declared = services.review_declare(
        actor=same, assignment=assignment, institution=" 浙江 大学", no_conflict=True
    )
    assert declared.status == ReviewStatus.REFUSED
    assert not declared.file_open
    assert AuditEntry.objects.filter(event="conflict_refused").count() == 1
    with pytest.raises(ValidationError, match="no conflict of interest first"):
        services.review_score(
            actor=same,
            assignment=declared,
            recommendation="advance",
            technology=5,
            market=5,
            ip=5,
            team=5,
            plan=5,
        )


def test_only_the_assigned_reviewer_declares(admin: Any, project: Any, reviewers: Any) -> None:
    gate = services.gate_open(
        actor=admin, project=project, reviewers=reviewers[:1], today=TODAY, due_on=TODAY
    )
    with pytest.raises(PermissionDenied):
        services.review_declare(
            actor=reviewers[1], assignment=gate.assignments.get(), institution="x", no_conflict=True
        )


def test_a_non_reviewer_cannot_sit_on_a_panel(
    admin: Any, project: Any, other_researcher: Any
) -> None:
    with pytest.raises(ValidationError, match="not a reviewer"):
        services.gate_open(
            actor=admin, project=project, reviewers=[other_researcher], today=TODAY, due_on=TODAY
        )


def test_a_spin_off_is_registered_once(admin: Any, project: Any, districts: Any) -> None:
    before = Enterprise.objects.count()
    for _press in range(2):
        outcome = services.outcome_record(
            actor=admin,
            project=project,
            kind="spun_off",
            on=TODAY,
            counterparty="杭州存算科技有限公司",
            district=districts["西湖区"],
        )
    assert Enterprise.objects.count() == before + 1
    project.refresh_from_db()
    assert project.spin_off == outcome.enterprise
    assert project.spin_off.memberships.get().segment == project.segment
    assert Outcome.objects.filter(project=project).count() == 1


def test_only_a_city_admin_registers_a_spin_off(
    task_force: Any, project: Any, districts: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.outcome_record(
            actor=task_force,
            project=project,
            kind="spun_off",
            on=TODAY,
            counterparty="x",
            district=districts["西湖区"],
        )


def test_the_researcher_cannot_manage_their_own_gate(researcher: Any, project: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.gate_open(
            actor=researcher, project=project, reviewers=[], today=TODAY, due_on=TODAY
        )


def test_funding_needs_an_amount_and_in_kind_none(task_force: Any, project: Any) -> None:
    with pytest.raises(ValidationError, match="positive amount"):
        services.support_grant(
            actor=task_force,
            project=project,
            stage=1,
            kind="funding",
            given_by="市科技局",
            granted_on=TODAY,
        )
    support = services.support_grant(
        actor=task_force,
        project=project,
        stage=1,
        kind="lab_time",
        given_by="测试大学",
        granted_on=TODAY,
    )
    assert (support.amount_granted, support.fund_reference) == (None, "")
    with pytest.raises(ValidationError):
        services.support_grant(
            actor=task_force,
            project=project,
            stage=1,
            kind="lab_time",
            given_by="x",
            granted_on=TODAY,
            amount_granted=Decimal(1),
        )
    with pytest.raises(ValidationError, match="not reached"):
        services.support_grant(
            actor=task_force,
            project=project,
            stage=3,
            kind="lab_time",
            given_by="x",
            granted_on=TODAY,
        )
