"""Writes of the proof-of-concept organ: every one checks the actor, validates, is audited.

Stage moves go one step forward through a gate review that decided "advance"; status moves
follow `constants.TRANSITIONS`. Dates that rules depend on are passed in (`today`, `on`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from chainlead.accounts.access import access_for
from chainlead.accounts.choices import Role
from chainlead.accounts.models import User
from chainlead.accounts.types import Actor, recorded_user
from chainlead.audit.services import record_event
from chainlead.core.exceptions import PermissionDenied
from chainlead.funds.models import Account
from chainlead.funds.permissions import manages_fund
from chainlead.funds.services import budget_line_for, commitment_create
from chainlead.poc.choices import (
    ContactResult,
    Decision,
    Direction,
    GateStatus,
    IPKind,
    OutcomeKind,
    ProjectStatus,
    Provenance,
    ReviewStatus,
    Stage,
    SupportKind,
)
from chainlead.poc.constants import (
    MIN_REVIEWERS,
    OUTCOME_STATUS,
    RUBRIC_WEIGHTS,
    STAGE_STEP,
    STAGE_TRL,
    TRANSITIONS,
    trl_fits_stage,
)
from chainlead.poc.models import (
    Centre,
    GateReview,
    IntellectualProperty,
    Milestone,
    Outcome,
    PartnerContact,
    Project,
    ReviewAssignment,
    StageChange,
    StageSupport,
)
from chainlead.poc.permissions import (
    edits_project_file,
    manages_project,
    records_spin_off,
    submits_projects,
)
from chainlead.registry.models import District, Enterprise

TWO_PLACES = Decimal("0.01")
# The support fund's budget line of a stage: "poc.stage:2" (docs/funds.md).
FUND_LINE_PREFIX = "poc.stage:"


def _require_manager(actor: Actor, project: Project) -> None:
    if not manages_project(access_for(actor), project):
        raise PermissionDenied(_("Only the city or the chain's task force manages this project."))


def check_stage_trl(stage: int, trl: int) -> None:
    """Refuse a TRL outside the band of the stage (constants.STAGE_TRL)."""
    if stage not in STAGE_TRL:
        raise ValidationError({"stage": _("The stage must be 1 to 5.")})
    if not trl_fits_stage(stage, trl):
        low, high = STAGE_TRL[stage]
        raise ValidationError(
            {
                "trl": _("Stage %(stage)s (%(name)s) goes with TRL %(low)s to %(high)s.")
                % {"stage": stage, "name": Stage(stage).label, "low": low, "high": high}
            }
        )


def _normalise(name: str) -> str:
    return "".join(name.split()).casefold()


# --- centres and projects -------------------------------------------------------------------


@transaction.atomic
def centre_create(*, actor: Actor, name: str, **fields: Any) -> Centre:
    if not access_for(actor).is_admin:
        raise PermissionDenied(_("Only city admins register centres."))
    centre = Centre(name=name, **fields)
    centre.full_clean()
    centre.save()
    return centre


@transaction.atomic
def project_submit(
    *,
    actor: Actor,
    title: str,
    institution: str,
    started_on: dt.date,
    stage: int = Stage.BASIC_RESEARCH,
    trl: int = 1,
    pi: User | None = None,
    **fields: Any,
) -> Project:
    """A researcher submits their result (they are its PI); a city admin may name the PI."""
    access = access_for(actor)
    if not submits_projects(access):
        raise PermissionDenied(_("Only researchers and city admins submit projects."))
    if not access.is_admin:
        pi = recorded_user(actor)
    check_stage_trl(stage, trl)
    project = Project(
        title=title,
        institution=institution,
        started_on=started_on,
        stage_entered_on=started_on,
        stage=stage,
        trl=trl,
        pi=pi,
        pi_name=fields.pop("pi_name", "") or (str(pi) if pi else ""),
        **fields,
    )
    project.full_clean()
    project.save()
    StageChange.objects.create(
        project=project, from_stage=None, to_stage=stage, on=started_on, by=recorded_user(actor)
    )
    record_event(instance=project, event="submitted", message=f"stage {stage}, TRL {trl}")
    return project


@transaction.atomic
def ip_add(
    *, actor: Actor, project: Project, kind: str, number: str, title: str = ""
) -> IntellectualProperty:
    if not edits_project_file(access_for(actor), project):
        raise PermissionDenied(_("You may not edit this project."))
    asset = IntellectualProperty(project=project, kind=IPKind(kind), number=number, title=title)
    asset.full_clean()
    asset.save()
    return asset


@transaction.atomic
def milestone_add(
    *, actor: Actor, project: Project, title: str, due_on: dt.date, stage: int | None = None
) -> Milestone:
    if not edits_project_file(access_for(actor), project):
        raise PermissionDenied(_("You may not edit this project."))
    milestone = Milestone(project=project, title=title, due_on=due_on, stage=stage or project.stage)
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_meet(*, actor: Actor, milestone: Milestone, on: dt.date) -> Milestone:
    if not edits_project_file(access_for(actor), milestone.project):
        raise PermissionDenied(_("You may not edit this project."))
    if milestone.met_on is not None:
        raise ValidationError(_("This milestone was already met."))
    if on < milestone.project.started_on:
        raise ValidationError({"on": _("A milestone cannot be met before the project began.")})
    milestone.met_on = on
    milestone.full_clean()
    milestone.save()
    return milestone


# --- gate reviews ---------------------------------------------------------------------------


def _lock(project: Project) -> Project:
    return (
        Project.objects.select_for_update(of=("self",)).select_related("segment").get(pk=project.pk)
    )


def _require_active(project: Project) -> None:
    if project.status != ProjectStatus.ACTIVE:
        raise ValidationError(
            _("The project is %(status)s: it no longer moves between stages.")
            % {"status": project.get_status_display()}
        )


@transaction.atomic
def gate_open(
    *, actor: Actor, project: Project, reviewers: Sequence[User], today: dt.date, due_on: dt.date
) -> GateReview:
    """Open the review of the move to the next stage, with its panel."""
    locked = _lock(project)
    _require_manager(actor, locked)
    _require_active(locked)
    if locked.stage >= Stage.ENGINEERING_PRODUCTION:
        raise ValidationError(_("Engineering production is the last stage."))
    if GateReview.objects.filter(project=locked, status=GateStatus.OPEN).exists():
        raise ValidationError(_("This project already has an open gate review."))
    if due_on < today:
        raise ValidationError({"due_on": _("The due date is in the past.")})
    review = GateReview(
        project=locked,
        from_stage=locked.stage,
        to_stage=locked.stage + STAGE_STEP,
        opened_on=today,
        due_on=due_on,
        opened_by=recorded_user(actor),
    )
    review.full_clean()
    review.save()
    for reviewer in reviewers:
        reviewer_assign(actor=actor, gate_review=review, reviewer=reviewer)
    return review


@transaction.atomic
def reviewer_assign(*, actor: Actor, gate_review: GateReview, reviewer: User) -> ReviewAssignment:
    _require_manager(actor, gate_review.project)
    if gate_review.status != GateStatus.OPEN:
        raise ValidationError(_("This gate review is decided."))
    if not access_for(reviewer).has(Role.REVIEWER):
        raise ValidationError({"reviewer": _("%(user)s is not a reviewer.") % {"user": reviewer}})
    if reviewer.pk == gate_review.project.pi_id:
        raise ValidationError({"reviewer": _("The PI cannot review their own project.")})
    assignment = ReviewAssignment(gate_review=gate_review, reviewer=reviewer)
    assignment.full_clean()
    assignment.save()
    return assignment


def _require_reviewer(actor: Actor, assignment: ReviewAssignment) -> None:
    user = recorded_user(actor)
    if user is None or assignment.reviewer_id != user.pk:
        raise PermissionDenied(_("Only the assigned reviewer acts on this review."))


@transaction.atomic
def review_declare(
    *,
    actor: Actor,
    assignment: ReviewAssignment,
    institution: str,
    no_conflict: bool,
    now: dt.datetime | None = None,
) -> ReviewAssignment:
    """The reviewer declares no conflict of interest before the file opens.

    Refused (status REFUSED, audited, the file stays closed) when the reviewer does not
    declare, or states the same institution as the project's team."""
    locked = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    _require_reviewer(actor, locked)
    if locked.status != ReviewStatus.ASSIGNED:
        raise ValidationError(_("You have already answered this declaration."))
    if not institution.strip():
        raise ValidationError({"declared_institution": _("Name your institution.")})
    project = locked.gate_review.project
    same = _normalise(institution) == _normalise(project.institution)
    locked.declared_institution = institution.strip()
    locked.declared_at = now or timezone.now()
    locked.status = ReviewStatus.REFUSED if (same or not no_conflict) else ReviewStatus.DECLARED
    locked.full_clean()
    locked.save()
    if locked.status == ReviewStatus.REFUSED:
        reason = "same institution as the team" if same else "conflict of interest declared"
        record_event(instance=locked, event="conflict_refused", message=reason)
    else:
        record_event(instance=locked, event="declared_no_conflict", message=institution)
    return locked


def weighted_score(assignment: ReviewAssignment) -> Decimal:
    """Σ weight × score over the rubric (constants.RUBRIC_WEIGHTS), two places."""
    total = sum(
        (weight * getattr(assignment, criterion) for criterion, weight in RUBRIC_WEIGHTS.items()),
        Decimal(0),
    )
    return total.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@transaction.atomic
def review_score(
    *,
    actor: Actor,
    assignment: ReviewAssignment,
    recommendation: str,
    comment: str = "",
    now: dt.datetime | None = None,
    **scores: int,
) -> ReviewAssignment:
    locked = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    _require_reviewer(actor, locked)
    if locked.status != ReviewStatus.DECLARED:
        if locked.status == ReviewStatus.SCORED:
            raise ValidationError(_("You have already scored this project."))
        raise ValidationError(_("Declare that you have no conflict of interest first."))
    if locked.gate_review.status != GateStatus.OPEN:
        raise ValidationError(_("This gate review is decided."))
    if set(scores) != set(RUBRIC_WEIGHTS):
        raise ValidationError(_("Score every criterion of the rubric."))
    for criterion, value in scores.items():
        setattr(locked, criterion, value)
    locked.recommendation = Decision(recommendation)
    locked.comment = comment
    locked.scored_at = now or timezone.now()
    locked.status = ReviewStatus.SCORED
    locked.full_clean()
    locked.save()
    return locked


def panel_scores(gate_review: GateReview) -> dict[str, Any]:
    """The scored reviews and their mean weighted score (what a decision is taken on)."""
    scored = [a for a in gate_review.assignments.select_related("reviewer") if a.status == "scored"]
    rows = [
        {
            "reviewer_id": a.reviewer_id,
            "reviewer": str(a.reviewer),
            **{criterion: getattr(a, criterion) for criterion in RUBRIC_WEIGHTS},
            "weighted": str(weighted_score(a)),
            "recommendation": a.recommendation,
        }
        for a in scored
    ]
    mean = (
        (sum((weighted_score(a) for a in scored), Decimal(0)) / len(scored)).quantize(
            TWO_PLACES, rounding=ROUND_HALF_UP
        )
        if scored
        else None
    )
    return {
        "weights": {k: str(v) for k, v in RUBRIC_WEIGHTS.items()},
        "reviews": rows,
        "mean": str(mean) if mean is not None else None,
    }


@transaction.atomic
def gate_decide(
    *,
    actor: Actor,
    gate_review: GateReview,
    decision: str,
    reasons: str,
    today: dt.date,
    trl: int | None = None,
) -> GateReview:
    """Decide advance / hold / stop on the panel's scores; advance moves the project on one
    stage (with a TRL that fits it), stop records the outcome "stopped"."""
    review = GateReview.objects.select_for_update().get(pk=gate_review.pk)
    project = _lock(review.project)
    _require_manager(actor, project)
    if review.status != GateStatus.OPEN:
        raise ValidationError(_("This gate review is already decided."))
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose advance, hold or stop.")})
    if not reasons.strip():
        raise ValidationError({"reasons": _("Give the reasons for the decision.")})
    _require_active(project)
    snapshot = panel_scores(review)
    if len(snapshot["reviews"]) < MIN_REVIEWERS:
        raise ValidationError(
            _("A decision needs at least %(n)s scored reviews; this panel has %(m)s.")
            % {"n": MIN_REVIEWERS, "m": len(snapshot["reviews"])}
        )
    review.status = GateStatus.DECIDED
    review.decision = decision
    review.reasons = reasons.strip()
    review.scores = snapshot
    review.weighted_score = Decimal(snapshot["mean"])
    review.decided_by = recorded_user(actor)
    review.decided_on = today
    review.full_clean()
    review.save()
    if decision == Decision.ADVANCE:
        _advance(actor=actor, project=project, review=review, today=today, trl=trl)
    elif decision == Decision.STOP:
        _outcome(actor=actor, project=project, kind=OutcomeKind.STOPPED, on=today, reason=reasons)
    record_event(
        instance=review,
        event=f"gate_{decision}",
        message=reasons.strip()[:300],
        data={"weighted_score": snapshot["mean"], "to_stage": review.to_stage},
    )
    return review


def _advance(
    *, actor: Actor, project: Project, review: GateReview, today: dt.date, trl: int | None
) -> None:
    if project.stage != review.from_stage or review.to_stage != project.stage + STAGE_STEP:
        raise ValidationError(_("The project is no longer in the stage this review was for."))
    to_stage = review.to_stage
    new_trl = trl if trl is not None else max(project.trl, STAGE_TRL[to_stage][0])
    check_stage_trl(to_stage, new_trl)
    from_stage = project.stage
    project.stage = to_stage
    project.trl = new_trl
    project.stage_entered_on = today
    project.version = F("version") + 1
    project.save()
    project.refresh_from_db()
    StageChange.objects.create(
        project=project,
        from_stage=from_stage,
        to_stage=to_stage,
        on=today,
        by=recorded_user(actor),
        gate_review=review,
    )


# --- partners and support -------------------------------------------------------------------


@transaction.atomic
def partner_contact_record(
    *,
    actor: Actor,
    project: Project,
    enterprise: Enterprise,
    direction: str,
    approached_on: dt.date,
    result: str = ContactResult.APPROACHED,
    note: str = "",
) -> PartnerContact:
    _require_manager(actor, project)
    contact = PartnerContact(
        project=project,
        enterprise=enterprise,
        direction=Direction(direction),
        approached_on=approached_on,
        result=ContactResult(result),
        note=note,
        recorded_by=recorded_user(actor),
    )
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def support_grant(
    *,
    actor: Actor,
    project: Project,
    stage: int,
    kind: str,
    given_by: str,
    granted_on: dt.date,
    amount_granted: Decimal | None = None,
    host_firm: Enterprise | None = None,
    description: str = "",
) -> StageSupport:
    """Funding or in-kind support in a stage. Funding is committed from the support fund
    (`stage_funding_commit`): one funding per stage, so a second press returns the first."""
    _require_manager(actor, project)
    if kind == SupportKind.FUNDING and (amount_granted is None or amount_granted <= 0):
        raise ValidationError({"amount_granted": _("Funding needs a positive amount.")})
    if kind != SupportKind.FUNDING and amount_granted is not None:
        raise ValidationError({"amount_granted": _("Only funding has an amount.")})
    if kind != SupportKind.FUNDING and host_firm is not None:
        raise ValidationError({"host_firm": _("Only funding is paid to a firm.")})
    if stage > project.stage:
        raise ValidationError({"stage": _("The project has not reached this stage.")})
    amount = amount_granted.quantize(TWO_PLACES) if amount_granted else None
    if kind == SupportKind.FUNDING:
        # Two presses of the button (or two officials) wait for each other here; the second
        # finds the first's funding of the stage.
        Project.objects.select_for_update().filter(pk=project.pk).first()
        existing = StageSupport.objects.filter(
            project=project, stage=stage, kind=SupportKind.FUNDING
        ).first()
        if existing is not None:
            if existing.amount_granted != amount:
                raise ValidationError(
                    {
                        "amount_granted": _(
                            "Stage %(stage)s is already funded with %(amount)s CNY."
                        )
                        % {"stage": stage, "amount": existing.amount_granted}
                    }
                )
            if existing.fund_reference:
                return existing
            return stage_funding_commit(actor=actor, support=existing, host_firm=host_firm)
    support = StageSupport(
        project=project,
        stage=stage,
        kind=SupportKind(kind),
        given_by=given_by,
        granted_on=granted_on,
        amount_granted=amount,
        description=description,
        recorded_by=recorded_user(actor),
    )
    support.full_clean()
    support.save()
    if kind == SupportKind.FUNDING:
        return stage_funding_commit(actor=actor, support=support, host_firm=host_firm)
    return support


def funding_recipient(project: Project, host_firm: Enterprise | None) -> Enterprise:
    """The firm a stage's funding is committed to: the project's spin-off, or else the host
    firm named. A commitment is made to a firm (funds.Commitment.recipient), never to a team."""
    spin_off = project.spin_off
    if spin_off is not None:
        if host_firm is not None and host_firm.pk != spin_off.pk:
            raise ValidationError(
                {"host_firm": _("This project has a spin-off: its funding is paid to it.")}
            )
        return spin_off
    if host_firm is None:
        raise ValidationError(
            {
                "host_firm": _(
                    "A research team without a firm cannot receive a support-fund commitment: "
                    "record the spin-off first, or name the host firm by its unified social "
                    "credit code."
                )
            }
        )
    return host_firm


def funding_line(project: Project, *, stage: int, fiscal_year: int) -> Account:
    """The budget line "poc.stage:<n>" of the centre's district fund, else of the city's."""
    reference = f"{FUND_LINE_PREFIX}{stage}"
    district = project.centre.district if project.centre is not None else None
    for fund_district in dict.fromkeys([district, None]):
        line = budget_line_for(reference=reference, fiscal_year=fiscal_year, district=fund_district)
        if line is not None:
            return line
    where = (
        _("the fund of %(district)s or the city's") % {"district": district.name}
        if district is not None
        else _("the city's fund")
    )
    raise ValidationError(
        _(
            "No budget line %(reference)s in %(where)s for %(year)s: ask finance to create "
            "one before funding this stage."
        )
        % {"reference": reference, "where": where, "year": fiscal_year}
    )


@transaction.atomic
def stage_funding_commit(
    *, actor: Actor, support: StageSupport, host_firm: Enterprise | None = None
) -> StageSupport:
    """Commit a stage's funding from the support fund and store the commitment's ref in
    `fund_reference`. Idempotent: the key names the support row, so a retry returns the
    first commitment (funds' idempotency) and a linked row is returned unchanged."""
    _require_manager(actor, support.project)
    if support.fund_reference:
        return support
    if support.kind != SupportKind.FUNDING or support.amount_granted is None:
        raise ValidationError(_("Only funding is committed from the support fund."))
    if not manages_fund(access_for(actor)):
        raise PermissionDenied(
            _("Funding is committed from the support fund: only finance or the city admin may.")
        )
    project = support.project
    recipient = funding_recipient(project, host_firm)
    line = funding_line(project, stage=support.stage, fiscal_year=support.granted_on.year)
    key = f"poc.StageSupport:{support.pk}"
    commitment = commitment_create(
        actor=actor,
        line=line,
        recipient_enterprise=recipient,
        amount=support.amount_granted,
        reference=key,
        idempotency_key=key,
        today=support.granted_on,
    )
    support.fund_reference = commitment.ref
    support.full_clean()
    support.save(update_fields=["fund_reference"])
    return support


# --- outcomes -------------------------------------------------------------------------------


def allowed_outcomes(status: str) -> list[OutcomeKind]:
    """The outcomes a project in `status` may still record (constants.TRANSITIONS)."""
    return [
        OutcomeKind(kind)
        for kind, target in OUTCOME_STATUS.items()
        if target in TRANSITIONS[status]
    ]


@transaction.atomic
def outcome_record(
    *,
    actor: Actor,
    project: Project,
    kind: str,
    on: dt.date,
    reason: str = "",
    counterparty: str = "",
    district: District | None = None,
    credit_code: str | None = None,
) -> Outcome:
    """Record what became of the project. A spin-off registers its firm once: pressing twice
    returns the first outcome and firm."""
    locked = _lock(project)
    _require_manager(actor, locked)
    if kind == OutcomeKind.SPUN_OFF:
        if not records_spin_off(access_for(actor)):
            raise PermissionDenied(_("Only a city admin registers a spin-off firm."))
        if locked.spin_off_id is not None:
            return Outcome.objects.filter(project=locked, kind=OutcomeKind.SPUN_OFF).get()
    return _outcome(
        actor=actor,
        project=locked,
        kind=kind,
        on=on,
        reason=reason,
        counterparty=counterparty,
        district=district,
        credit_code=credit_code,
    )


def _outcome(
    *,
    actor: Actor,
    project: Project,
    kind: str,
    on: dt.date,
    reason: str = "",
    counterparty: str = "",
    district: District | None = None,
    credit_code: str | None = None,
) -> Outcome:
    if kind not in OUTCOME_STATUS:
        raise ValidationError({"kind": _("Unknown outcome.")})
    target = OUTCOME_STATUS[kind]
    if target not in TRANSITIONS[project.status]:
        raise ValidationError(
            _("A project that is %(from)s cannot become %(to)s.")
            % {
                "from": ProjectStatus(project.status).label,
                "to": ProjectStatus(target).label,
            }
        )
    if on < project.started_on:
        raise ValidationError({"on": _("The outcome cannot precede the project's start.")})
    if kind == OutcomeKind.STOPPED and not reason.strip():
        raise ValidationError({"reason": _("Say why the project stopped.")})
    enterprise = None
    if kind == OutcomeKind.SPUN_OFF:
        enterprise = _register_spin_off(
            actor=actor,
            project=project,
            name=counterparty,
            district=district,
            on=on,
            credit_code=credit_code,
        )
    outcome = Outcome(
        project=project,
        kind=OutcomeKind(kind),
        on=on,
        stage=project.stage,
        counterparty=counterparty or (enterprise.name if enterprise else ""),
        reason=reason.strip(),
        enterprise=enterprise,
        recorded_by=recorded_user(actor),
    )
    outcome.full_clean()
    outcome.save()
    project.status = target
    if kind == OutcomeKind.STOPPED:
        project.ended_on = on
    if enterprise is not None:
        project.spin_off = enterprise
    project.version = F("version") + 1
    project.save()
    project.refresh_from_db()
    record_event(
        instance=project,
        event=f"outcome_{kind}",
        message=f"at stage {project.stage}: {reason.strip()[:200]}",
        data={"enterprise_id": enterprise.pk if enterprise else None},
    )
    return outcome


def _register_spin_off(
    *,
    actor: Actor,
    project: Project,
    name: str,
    district: District | None,
    on: dt.date,
    credit_code: str | None,
) -> Enterprise:
    from chainlead.registry.choices import DataProvenance, Origin
    from chainlead.registry.services import enterprise_create

    if not name.strip():
        raise ValidationError({"counterparty": _("Name the spin-off firm.")})
    if district is None:
        raise ValidationError({"district": _("Say in which district the firm is registered.")})
    synthetic = project.provenance == Provenance.SYNTHETIC
    enterprise = enterprise_create(
        actor=actor,
        name=name.strip(),
        credit_code=credit_code or None,
        district=district,
        founded=on,
        industry=project.industry,
        origin=Origin.LOCAL,
        main_business=project.title,
        provenance=DataProvenance.SYNTHETIC if synthetic else DataProvenance.ENTERED,
        source_note=f"Spin-off of proof-of-concept project #{project.pk}",
    )
    if project.segment is not None:
        from chainlead.chains.services import membership_set

        membership_set(actor=actor, enterprise=enterprise, segment=project.segment)
    return enterprise
