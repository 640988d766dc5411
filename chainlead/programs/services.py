"""Every write of programs (docs/adding-an-organ.md): keyword-only, atomic, full_clean, audited.

Money moves only through the support fund's service API (`chainlead.funds.services`, see
docs/funds.md): an award is a commitment of the program's budget line, each released part of it
a tranche, approved by a second official and paid once; a lapsed part is released to the line.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Model, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from chainlead.accounts.access import access_for
from chainlead.accounts.types import Actor, acting_user
from chainlead.audit.services import record_event
from chainlead.core.exceptions import PermissionDenied
from chainlead.funds import services as funds
from chainlead.funds.choices import TrancheStatus
from chainlead.funds.models import Account
from chainlead.programs import firmdata, ranking, rules
from chainlead.programs.choices import (
    ApplicationStatus,
    AssignmentStatus,
    AwardStatus,
    BatchStatus,
    ConditionKind,
    ConditionStatus,
    FieldType,
    Provenance,
)
from chainlead.programs.models import (
    Application,
    Assignment,
    Attachment,
    Award,
    AwardTier,
    BatchItem,
    Condition,
    ConflictDeclaration,
    Notice,
    Panel,
    PayoutBatch,
    Program,
    Round,
    RuleVersion,
)
from chainlead.programs.permissions import (
    applies_for,
    awards_money,
    manages_program,
    reviews,
)
from chainlead.registry.models import District, Enterprise, EnterpriseIndicator

_M = TypeVar("_M", bound=Model)

ZERO = Decimal("0.00")


class ProgramRuleError(ValidationError):
    """A program rule refuses the write (cap, deadline, eligibility, conflict …)."""


def _today(today: dt.date | None) -> dt.date:
    return today if today is not None else timezone.localdate()


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else timezone.now()


def _require_manager(actor: Actor, program: Program) -> None:
    if not manages_program(access_for(actor), program):
        raise PermissionDenied(_("You do not manage this program."))


def _require_money(actor: Actor) -> None:
    if not awards_money(access_for(actor)):
        raise PermissionDenied(_("Only finance officers commit or pay money."))


def _save(instance: _M) -> _M:
    instance.full_clean()
    instance.save()
    return instance


# --- programs, rules, rounds, tiers ----------------------------------------------------------


def validate_form_schema(schema: Any) -> list[dict[str, Any]]:
    """The application form: [{"name", "label", "type", "required"}]."""
    if not isinstance(schema, list):
        raise ValidationError({"form_schema": _("The form is a list of fields.")})
    names: set[str] = set()
    for field in schema:
        if not isinstance(field, dict) or not {"name", "label", "type"} <= set(field):
            raise ValidationError({"form_schema": _("Each field has a name, label and type.")})
        if field["type"] not in FieldType.values:
            raise ValidationError(
                {"form_schema": _("Unknown field type “%(t)s”.") % {"t": field["type"]}}
            )
        if field["name"] in names:
            raise ValidationError({"form_schema": _("Field names are unique.")})
        names.add(field["name"])
    return schema


def validate_rubric(rubric: Any) -> list[dict[str, Any]]:
    """The review rubric: [{"name", "label", "max", "weight"}]."""
    if not isinstance(rubric, list):
        raise ValidationError({"rubric": _("The rubric is a list of criteria.")})
    for criterion in rubric:
        if not isinstance(criterion, dict) or not {"name", "label", "max", "weight"} <= set(
            criterion
        ):
            raise ValidationError({"rubric": _("Each criterion has name, label, max, weight.")})
    return rubric


@transaction.atomic
def program_create(
    *,
    actor: Actor,
    slug: str,
    name: str,
    kind: str,
    award_cap: Decimal | str | int,
    policy: Any = None,
    district: District | None = None,
    description: str = "",
    form_schema: list[dict[str, Any]] | None = None,
    rubric: list[dict[str, Any]] | None = None,
    reviewers_per_application: int = 3,
    amount_logic: Any = None,
    amounts_source: str = "",
    budget_reference: str = "",
    provenance: str = Provenance.ENTERED,
    rules_list: list[dict[str, Any]] | None = None,
) -> Program:
    program = Program(
        slug=slug,
        name=name,
        kind=kind,
        award_cap=funds.to_money(award_cap),
        policy=policy,
        district=district,
        description=description,
        form_schema=validate_form_schema(form_schema or []),
        rubric=validate_rubric(rubric or []),
        reviewers_per_application=reviewers_per_application,
        amount_logic=amount_logic,
        amounts_source=amounts_source,
        budget_reference=budget_reference,
        provenance=provenance,
    )
    _require_manager(actor, program)
    if amount_logic is not None:
        rules.validate_logic(amount_logic)
    _save(program)
    if rules_list is not None:
        program_rules_set(actor=actor, program=program, rules_list=rules_list, note="initial")
    return program


@transaction.atomic
def program_rules_set(
    *, actor: Actor, program: Program, rules_list: list[dict[str, Any]], note: str = ""
) -> RuleVersion:
    """A new version of the program's eligibility rules (earlier versions stay, and every
    evaluation names the version it used)."""
    _require_manager(actor, program)
    checked = rules.validate_rules(rules_list)
    locked = Program.objects.select_for_update().get(pk=program.pk)
    last = locked.rule_versions.order_by("-number").first()
    version = RuleVersion(
        program=locked,
        number=(last.number + 1) if last else 1,
        rules=checked,
        note=note,
        created_by=acting_user(actor),
    )
    _save(version)
    record_event(instance=locked, event="rules_changed", data={"version": version.number})
    return version


def current_rules(program: Program) -> RuleVersion | None:
    return program.rule_versions.order_by("-number").first()


@transaction.atomic
def round_create(
    *,
    actor: Actor,
    program: Program,
    name: str,
    opens_on: dt.date,
    closes_on: dt.date,
    fiscal_year: int,
) -> Round:
    _require_manager(actor, program)
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("A round closes after it opens.")})
    return _save(
        Round(
            program=program,
            name=name,
            opens_on=opens_on,
            closes_on=closes_on,
            fiscal_year=fiscal_year,
        )
    )


@transaction.atomic
def tier_create(
    *, actor: Actor, program: Program, name: str, cap: Decimal | str | int, order: int = 0
) -> AwardTier:
    _require_manager(actor, program)
    money = funds.to_money(cap)
    if money > program.award_cap:
        raise ProgramRuleError(
            _("A tier's cap (%(cap)s CNY) cannot exceed the program's (%(max)s CNY).")
            % {"cap": money, "max": program.award_cap},
            code="over_cap",
        )
    return _save(AwardTier(program=program, name=name, cap=money, order=order))


def program_budget_line_create(
    *,
    actor: Actor,
    program: Program,
    fund: Any,
    amount: Decimal | str | int,
    today: dt.date | None = None,
) -> Account:
    """The program's budget line in `fund` (the fund's service checks the appropriation)."""
    return funds.budget_line_create(
        actor=actor,
        fund=fund,
        name=program.name[:200],
        amount=amount,
        reference=program.line_reference,
        policy_source=program.amounts_source,
        provenance=("synthetic" if program.provenance == Provenance.SYNTHETIC else "entered"),
        today=today,
    )


def budget_line(round_: Round) -> Account | None:
    program = round_.program
    return funds.budget_line_for(
        reference=program.line_reference,
        fiscal_year=round_.fiscal_year,
        district=program.district,
    )


# --- eligibility ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FirmVerdict:
    firm: Enterprise
    eligible: bool
    results: list[rules.RuleResult]
    amount: Decimal


def evaluate_firms(
    program: Program,
    firms: Any,
    *,
    version: RuleVersion | None = None,
    year: int | None = None,
    explain: str = "all",
) -> Iterable[FirmVerdict]:
    """Every firm of the queryset `firms` with its verdict on the program's rules, in chunks.

    The columns decide who is eligible (`vectorised`); JSON Logic explains each firm
    (`explain="all"`) or only the eligible ones (`"eligible"`). Rules with no column form are
    evaluated per firm."""
    # numpy and pandas: loaded by the calls that use them, not by every web process.
    import numpy as np

    from chainlead.programs import vectorised

    version = version or current_rules(program)
    rule_list = version.rules if version else []
    column_form = vectorised.vectorisable(rule_list)
    for chunk, rows in firmdata.firm_chunks(firms, year=year):
        if column_form:
            mask = vectorised.eligible_mask(rule_list, vectorised.frame(rows))
        else:
            mask = np.array([rules.eligible(rules.evaluate(rule_list, r)) for r in rows])
        for firm, row, ok in zip(chunk, rows, mask, strict=True):
            if explain == "eligible" and not ok:
                yield FirmVerdict(firm, False, [], ZERO)
                continue
            results = rules.evaluate(rule_list, row)
            amount = (
                rules.amount_for(program.amount_logic, row, program.award_cap)
                if ok and program.amount_logic is not None
                else ZERO
            )
            yield FirmVerdict(firm, bool(ok), results, amount)


# --- applications ----------------------------------------------------------------------------


def _check_answers(program: Program, data: Mapping[str, Any], *, final: bool) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in program.form_schema:
        name = field["name"]
        value = data.get(name)
        if value in (None, ""):
            if final and field.get("required"):
                errors[name] = _("%(label)s is required.") % {"label": field["label"]}
            continue
        if field["type"] == FieldType.NUMBER:
            try:
                value = float(value)
            except (TypeError, ValueError):
                errors[name] = _("%(label)s is a number.") % {"label": field["label"]}
                continue
        elif field["type"] == FieldType.DATE:
            try:
                value = dt.date.fromisoformat(str(value)).isoformat()
            except ValueError:
                errors[name] = _("%(label)s is a date.") % {"label": field["label"]}
                continue
        elif field["type"] == FieldType.BOOLEAN:
            value = value in (True, "true", "on", "1", 1)
        else:
            value = str(value)[:5000]
        answers[name] = value
    if errors:
        raise ValidationError(
            _("The form is incomplete: %(e)s") % {"e": "; ".join(errors.values())},
            code="form",
        )
    return answers


def _check_team(team: Any) -> list[dict[str, Any]]:
    if not isinstance(team, list):
        raise ValidationError({"team": _("The team is a list of members.")})
    members = []
    for member in team:
        if not isinstance(member, dict) or "name" not in member:
            raise ValidationError({"team": _("Each member has a name.")})
        members.append(
            {
                "name": str(member["name"])[:100],
                "age": int(member["age"]) if member.get("age") not in (None, "") else None,
                "returnee": bool(member.get("returnee", False)),
            }
        )
    return members


@transaction.atomic
def application_create(
    *,
    actor: Actor,
    round_: Round,
    enterprise: Enterprise,
    title: str,
    institution: str = "",
    team: list[dict[str, Any]] | None = None,
    data: Mapping[str, Any] | None = None,
    provenance: str = Provenance.ENTERED,
) -> Application:
    """A draft application of `enterprise` (the actor's firm)."""
    if not applies_for(access_for(actor), enterprise.pk):
        raise PermissionDenied(_("You apply only for your own firm."))
    if round_.program.no_application:
        raise ProgramRuleError(
            _("Nobody applies to this program: eligible firms are paid without applying."),
            code="no_application",
        )
    if Application.objects.filter(round=round_, enterprise=enterprise).exists():
        raise ProgramRuleError(
            _("Your firm already has an application in this round."), code="duplicate"
        )
    return _save(
        Application(
            round=round_,
            enterprise=enterprise,
            applicant=acting_user(actor),
            title=title,
            institution=institution,
            team=_check_team(team or []),
            data=_check_answers(round_.program, data or {}, final=False),
            provenance=provenance,
        )
    )


def _require_own_draft(actor: Actor, application: Application) -> None:
    if not applies_for(access_for(actor), application.enterprise_id):
        raise PermissionDenied(_("This is not your firm's application."))
    if application.status != ApplicationStatus.DRAFT:
        raise ProgramRuleError(_("Only a draft can be changed."), code="not_draft")


@transaction.atomic
def application_update(
    *,
    actor: Actor,
    application: Application,
    title: str,
    institution: str = "",
    team: list[dict[str, Any]] | None = None,
    data: Mapping[str, Any] | None = None,
) -> Application:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    _require_own_draft(actor, locked)
    locked.title = title
    locked.institution = institution
    locked.team = _check_team(team or [])
    locked.data = _check_answers(locked.round.program, data or {}, final=False)
    return _save(locked)


@transaction.atomic
def attachment_add(
    *, actor: Actor, application: Application, file: UploadedFile[bytes], name: str = ""
) -> Attachment:
    _require_own_draft(actor, application)
    return _save(
        Attachment(application=application, file=file, name=(name or file.name or "file")[:200])
    )


@transaction.atomic
def application_submit(
    *, actor: Actor, application: Application, now: dt.datetime | None = None
) -> Application:
    """Submit before the deadline: the form is checked, and eligibility evaluated with the
    current rules (version recorded). An ineligible application is kept with its reasons."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    _require_own_draft(actor, locked)
    moment = _now(now)
    day = timezone.localdate(moment)
    round_ = locked.round
    if not round_.is_open(day):
        raise ProgramRuleError(
            _("The round is open from %(o)s to %(c)s.")
            % {"o": round_.opens_on, "c": round_.closes_on},
            code="closed",
        )
    locked.data = _check_answers(round_.program, locked.data, final=True)
    version = current_rules(round_.program)
    row = firmdata.firm_data(locked.enterprise, year=round_.fiscal_year, team=locked.team)
    results = rules.evaluate(version.rules if version else [], row)
    locked.eligibility = [r.as_dict() for r in results]
    locked.rules_version = version.number if version else None
    locked.status = (
        ApplicationStatus.SUBMITTED if rules.eligible(results) else ApplicationStatus.INELIGIBLE
    )
    locked.submitted_at = moment
    _save(locked)
    record_event(
        instance=locked,
        event="submitted",
        data={"status": locked.status, "rules_version": locked.rules_version},
    )
    return locked


@transaction.atomic
def application_withdraw(*, actor: Actor, application: Application) -> Application:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if not applies_for(access_for(actor), locked.enterprise_id):
        raise PermissionDenied(_("This is not your firm's application."))
    if locked.status not in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED):
        raise ProgramRuleError(_("This application can no longer be withdrawn."), code="final")
    locked.status = ApplicationStatus.WITHDRAWN
    _save(locked)
    locked.assignments.filter(status=AssignmentStatus.ASSIGNED).delete()
    return locked


# --- panels, conflicts, assignment, scores ---------------------------------------------------


@transaction.atomic
def panel_create(*, actor: Actor, round_: Round, name: str, reviewers: Sequence[Any]) -> Panel:
    _require_manager(actor, round_.program)
    panel = _save(Panel(round=round_, name=name))
    for reviewer in reviewers:
        if not reviews(access_for(reviewer)):
            raise ValidationError({"reviewers": _("%(u)s is not a reviewer.") % {"u": reviewer}})
    panel.reviewers.set(reviewers)
    return panel


def _same(a: str, b: str) -> bool:
    return bool(a.strip()) and a.strip().casefold() == b.strip().casefold()


@transaction.atomic
def conflict_declare(
    *,
    actor: Actor,
    panel: Panel,
    application: Application,
    conflict: bool,
    institution: str = "",
    relation: str = "",
    now: dt.datetime | None = None,
) -> ConflictDeclaration:
    """A panel reviewer's declaration on one application, before seeing it. Working at the
    applicant's institution, or at the firm, is a conflict whatever the reviewer ticks."""
    if (
        actor is None
        or not actor.is_authenticated
        or not panel.reviewers.filter(pk=actor.pk).exists()
    ):
        raise PermissionDenied(_("You are not on this panel."))
    if application.round_id != panel.round_id:
        raise ValidationError(_("The application is not in this panel's round."))
    institution = institution or getattr(actor, "department", "") or ""
    same_institution = _same(institution, application.institution) or _same(
        institution, application.enterprise.name
    )
    if ConflictDeclaration.objects.filter(reviewer=actor, application=application).exists():
        raise ProgramRuleError(_("You already declared on this application."), code="declared")
    declaration = _save(
        ConflictDeclaration(
            panel=panel,
            reviewer=actor,
            application=application,
            conflict=conflict or same_institution or bool(relation.strip()),
            institution=institution,
            relation=relation if relation else (_("same institution") if same_institution else ""),
            declared_at=_now(now),
        )
    )
    if declaration.conflict:
        # A conflict declared after assignment withdraws the assignment (unscored only).
        Assignment.objects.filter(
            application=application, reviewer=actor, status=AssignmentStatus.ASSIGNED
        ).delete()
    return declaration


@transaction.atomic
def panel_assign(*, actor: Actor, panel: Panel) -> list[Assignment]:
    """Assign each submitted application to the program's number of reviewers, among those who
    declared no conflict on it, with balanced load (`analytics.matching.assign`: every allowed
    pair scores 1, each reviewer's capacity is the even share ⌈demand / reviewers⌉). Existing
    assignments stay; a conflicted reviewer is never assigned."""
    _require_manager(actor, panel.round.program)
    reviewers = list(panel.reviewers.order_by("pk"))
    applications = list(
        panel.round.applications.filter(status=ApplicationStatus.SUBMITTED).order_by("pk")
    )
    if not reviewers or not applications:
        return []
    # numpy, scipy and OR-Tools: loaded by the call that uses them, not by every web process.
    import numpy as np
    import scipy.sparse as sp

    from chainlead.analytics.matching import assign

    wanted = panel.round.program.reviewers_per_application
    existing = set(
        Assignment.objects.filter(application__in=applications).values_list(
            "reviewer_id", "application_id"
        )
    )
    clear = set(
        ConflictDeclaration.objects.filter(
            application__in=applications, conflict=False, reviewer__in=reviewers
        ).values_list("reviewer_id", "application_id")
    )
    r_index = {r.pk: i for i, r in enumerate(reviewers)}
    a_index = {a.pk: j for j, a in enumerate(applications)}
    load = np.zeros(len(reviewers), dtype=np.int64)
    have = np.zeros(len(applications), dtype=np.int64)
    for reviewer_id, application_id in existing:
        if reviewer_id in r_index:
            load[r_index[reviewer_id]] += 1
        have[a_index[application_id]] += 1
    demand = np.maximum(wanted - have, 0)
    share = math.ceil((int(have.sum()) + int(demand.sum())) / len(reviewers))
    capacity = np.maximum(share - load, 0)
    pairs = [(r_index[r], a_index[a]) for r, a in clear - existing if r in r_index]
    if not pairs or not demand.any():
        return []
    rows, cols = zip(*sorted(pairs), strict=True)
    scores = sp.csr_matrix(
        (np.ones(len(rows)), (np.array(rows), np.array(cols))),
        shape=(len(reviewers), len(applications)),
    )
    solution = assign(scores, capacity, demand)
    made = []
    for i, j in solution.pairs.tolist():
        made.append(
            _save(Assignment(panel=panel, application=applications[j], reviewer=reviewers[i]))
        )
    record_event(instance=panel, event="assigned", data={"assignments": len(made)})
    return made


@transaction.atomic
def review_score(
    *,
    actor: Actor,
    assignment: Assignment,
    scores: Mapping[str, Any],
    comment: str = "",
    now: dt.datetime | None = None,
    provenance: str = Provenance.ENTERED,
) -> Assignment:
    """The reviewer's scores on the program's rubric; the weighted total is stored."""
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if actor is None or locked.reviewer_id != actor.pk:
        raise PermissionDenied(_("This review is not assigned to you."))
    rubric = locked.application.round.program.rubric
    checked: dict[str, float] = {}
    total = Decimal("0")
    for criterion in rubric:
        value = scores.get(criterion["name"])
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            raise ValidationError(
                {"scores": _("Score %(c)s.") % {"c": criterion["label"]}}
            ) from exc
        if not 0 <= number <= float(criterion["max"]):
            raise ValidationError(
                {
                    "scores": _("%(c)s is scored from 0 to %(m)s.")
                    % {"c": criterion["label"], "m": criterion["max"]}
                }
            )
        checked[criterion["name"]] = number
        total += Decimal(str(number)) * Decimal(str(criterion["weight"]))
    locked.scores = checked
    locked.total = total.quantize(Decimal("0.001"))
    locked.comment = comment
    locked.status = AssignmentStatus.SCORED
    locked.scored_at = _now(now)
    locked.provenance = provenance
    return _save(locked)


@transaction.atomic
def round_rank(*, actor: Actor, round_: Round) -> list[ranking.Ranked]:
    """Normalise the scores per reviewer and rank the applications (`ranking`)."""
    _require_manager(actor, round_.program)
    scored = Assignment.objects.filter(
        application__round=round_,
        application__status=ApplicationStatus.SUBMITTED,
        status=AssignmentStatus.SCORED,
    ).values_list("reviewer_id", "application_id", "total", "application__submitted_at")
    rows = [(r, a, float(t)) for r, a, t, _s in scored if t is not None]  # scored: a total
    submitted = {a: s.timestamp() for _r, a, _t, s in scored if s is not None}
    ranked = ranking.rank(rows, submitted)
    round_.applications.update(rank=None, normalised_score=None)
    for entry in ranked:
        Application.objects.filter(pk=entry.application).update(
            rank=entry.rank, normalised_score=entry.normalised
        )
    record_event(instance=round_, event="ranked", data={"applications": len(ranked)})
    return ranked


# --- awards and conditions -------------------------------------------------------------------


@dataclass(frozen=True)
class ConditionSpec:
    kind: str
    amount: Decimal
    due_on: dt.date
    text: str = ""


def award_key(round_: Round, enterprise: Enterprise) -> str:
    return f"programs.Award:{round_.pk}:{enterprise.pk}"


@transaction.atomic
def award_make(
    *,
    actor: Actor,
    round_: Round,
    enterprise: Enterprise,
    amount: Decimal | str | int,
    tier: AwardTier | None = None,
    application: Application | None = None,
    conditions: Sequence[ConditionSpec] = (),
    batch: PayoutBatch | None = None,
    provenance: str = Provenance.ENTERED,
    today: dt.date | None = None,
) -> Award:
    """Award `amount` to a firm in a round, committed in the fund's ledger.

    Refused above the tier's cap, above the program's cap per recipient (all its rounds
    together), or above what the line has left. At most one award per firm and round: a
    second call returns the first (unique constraint, and the fund's idempotency key
    `programs.Award:<round>:<firm>`). `conditions` split the amount into parts released by
    conditions; none: one part without condition."""
    _require_money(actor)
    day = _today(today)
    money = funds.to_money(amount)
    existing = Award.objects.filter(round=round_, enterprise=enterprise).first()
    if existing is not None:
        return existing
    program = round_.program
    if money <= 0:
        raise ValidationError({"amount": _("An award is more than zero.")})
    if tier is not None and tier.program_id != program.pk:
        raise ValidationError({"tier": _("The tier is not this program's.")})
    if tier is not None and money > tier.cap:
        raise ProgramRuleError(
            _("%(a)s CNY is above the cap of %(t)s (%(c)s CNY).")
            % {"a": money, "t": tier.name, "c": tier.cap},
            code="over_cap",
        )
    before = (
        Award.objects.filter(round__program=program, enterprise=enterprise).aggregate(
            s=Sum("amount")
        )["s"]
        or ZERO
    )
    if before + money > program.award_cap:
        raise ProgramRuleError(
            _(
                "%(firm)s would receive %(total)s CNY from this program, above its cap of "
                "%(cap)s CNY per recipient."
            )
            % {"firm": enterprise.name, "total": before + money, "cap": program.award_cap},
            code="over_cap",
        )
    line = budget_line(round_)
    if line is None:
        raise ProgramRuleError(
            _("The program has no budget line in the %(y)s fund: ask finance to create one.")
            % {"y": round_.fiscal_year},
            code="no_line",
        )
    line.refresh_from_db()
    if money > line.balance:
        raise ProgramRuleError(
            _("%(a)s CNY is above what the budget line has left (%(b)s CNY).")
            % {"a": money, "b": line.balance},
            code="over_budget",
        )
    if application is not None and application.status != ApplicationStatus.SUBMITTED:
        raise ProgramRuleError(_("Only a submitted, eligible application is awarded."))
    specs = list(conditions) or [ConditionSpec(ConditionKind.NONE, money, day)]
    if sum((s.amount for s in specs), ZERO) != money:
        raise ValidationError(_("The conditions' parts add up to the award."))
    commitment = funds.commitment_create(
        actor=actor,
        line=line,
        recipient_enterprise=enterprise,
        amount=money,
        reference=award_key(round_, enterprise),
        idempotency_key=award_key(round_, enterprise),
        today=day,
    )
    award = Award(
        round=round_,
        enterprise=enterprise,
        application=application,
        batch=batch,
        tier=tier,
        amount=money,
        commitment=commitment,
        created_by=acting_user(actor),
        provenance=provenance,
    )
    award.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            award.save()
    except IntegrityError:  # a concurrent award of the same firm and round won the race
        return Award.objects.get(round=round_, enterprise=enterprise)
    for spec in specs:
        _save(
            Condition(
                award=award,
                kind=spec.kind,
                text=spec.text,
                amount=funds.to_money(spec.amount),
                due_on=spec.due_on,
            )
        )
    if application is not None:
        Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.AWARDED)
    record_event(instance=award, event="awarded", data={"amount": money})
    conditions_check(actor=actor, award=award, today=day)
    return award


def condition_holds(condition: Condition, today: dt.date) -> tuple[bool, str]:
    """Whether the condition holds now, checked against the registry; and the evidence."""
    award = condition.award
    firm = Enterprise.objects.select_related("district").get(pk=award.enterprise_id)
    if condition.kind == ConditionKind.NONE:
        return True, ""
    if condition.kind == ConditionKind.BANK_ACCOUNT:
        if award.bank_confirmed_at:
            return True, _("bank account confirmed %(d)s") % {
                "d": timezone.localdate(award.bank_confirmed_at)
            }
        return False, ""
    if condition.kind == ConditionKind.REGISTERED_IN_CITY:
        if firm.district_id and firm.founded and firm.founded <= condition.due_on:
            return True, _("registered in %(d)s on %(f)s") % {
                "d": firm.district.name if firm.district else "",
                "f": firm.founded,
            }
        return False, ""
    if condition.kind == ConditionKind.REVENUE_REPORTED:
        reported = (
            EnterpriseIndicator.objects.filter(
                enterprise=firm, year__gte=award.round.fiscal_year, revenue__isnull=False
            )
            .order_by("year")
            .first()
        )
        if reported:
            return True, _("revenue of %(y)s reported") % {"y": reported.year}
        return False, ""
    return False, ""


@transaction.atomic
def conditions_check(
    *, actor: Actor, award: Award | None = None, today: dt.date | None = None
) -> dict[str, int]:
    """Check pending conditions (of one award, or all): one that holds posts its tranche to
    the ledger (for a second official to approve and pay); one past its date lapses, its
    amount is released to the line and the firm gets a notice."""
    _require_money(actor)
    day = _today(today)
    pending = Condition.objects.select_for_update().filter(status=ConditionStatus.PENDING)
    if award is not None:
        pending = pending.filter(award=award)
    counts = {"met": 0, "lapsed": 0}
    for condition in pending.select_related("award__round", "award__commitment"):
        holds, evidence = condition_holds(condition, day)
        if holds:
            condition.tranche = funds.tranche_create(
                actor=actor,
                commitment=condition.award.commitment,
                amount=condition.amount,
                due_on=max(day, condition.due_on) if condition.kind == "none" else day,
                condition_text=(condition.text or condition.get_kind_display())[:500],
            )
            condition.status = ConditionStatus.MET
            condition.met_on = day
            condition.evidence = evidence[:300]
            _save(condition)
            counts["met"] += 1
        elif day > condition.due_on:
            funds.commitment_release(
                actor=actor,
                commitment=condition.award.commitment,
                amount=condition.amount,
                reason=f"lapsed: {condition}"[:300],
                today=day,
            )
            condition.status = ConditionStatus.LAPSED
            _save(condition)
            Award.objects.filter(pk=condition.award_id).update(status=AwardStatus.LAPSED)
            _save(
                Notice(
                    enterprise_id=condition.award.enterprise_id,
                    award=condition.award,
                    message=(
                        _(
                            "The condition “%(c)s” was not met by %(d)s: %(a)s CNY of your "
                            "award lapsed and returned to the budget line."
                        )
                        % {
                            "c": condition.text or condition.get_kind_display(),
                            "d": condition.due_on,
                            "a": condition.amount,
                        }
                    )[:500],
                    created_at=timezone.make_aware(
                        dt.datetime.combine(day, dt.time(9)), timezone.get_current_timezone()
                    ),
                )
            )
            record_event(
                instance=condition.award, event="condition_lapsed", data={"pk": condition.pk}
            )
            counts["lapsed"] += 1
    return counts


@transaction.atomic
def condition_pay(*, actor: Actor, condition: Condition, today: dt.date | None = None) -> Condition:
    """A second official approves the condition's tranche and it is paid, once. The one who
    posted the tranche cannot (the fund's four eyes)."""
    _require_money(actor)
    locked = Condition.objects.select_for_update().get(pk=condition.pk)
    if locked.status == ConditionStatus.PAID:
        return locked
    if locked.status != ConditionStatus.MET or locked.tranche is None:
        raise ProgramRuleError(_("The condition does not hold yet."), code="not_met")
    tranche = locked.tranche
    if tranche.status == TrancheStatus.PLANNED:
        funds.tranche_approve(actor=actor, tranche=tranche)
    funds.tranche_disburse(
        actor=actor,
        tranche=tranche,
        idempotency_key=f"programs.Condition:{locked.pk}",
        today=_today(today),
    )
    tranche.refresh_from_db()
    locked.status = ConditionStatus.PAID
    _save(locked)
    award = locked.award
    open_parts = award.conditions.exclude(status__in=[ConditionStatus.PAID, ConditionStatus.LAPSED])
    if award.status == AwardStatus.COMMITTED and not open_parts.exists():
        Award.objects.filter(pk=award.pk).update(status=AwardStatus.COMPLETED)
    return locked


@transaction.atomic
def award_bank_confirm(
    *, actor: Actor, award: Award, bank_account: str, now: dt.datetime | None = None
) -> Award:
    """The firm confirms the account its award is paid to."""
    locked = Award.objects.select_for_update().get(pk=award.pk)
    if not applies_for(access_for(actor), locked.enterprise_id):
        raise PermissionDenied(_("Only the firm confirms its bank account."))
    digits = bank_account.replace(" ", "")
    if not (digits.isdigit() and 8 <= len(digits) <= 30):
        raise ValidationError({"bank_account": _("A bank account is 8 to 30 digits.")})
    locked.bank_account = digits
    locked.bank_confirmed_at = _now(now)
    _save(locked)
    record_event(instance=locked, event="bank_account_confirmed")
    return locked


# --- no-application batches (免申即享) --------------------------------------------------------


@transaction.atomic
def batch_compute(
    *,
    actor: Actor,
    round_: Round,
    firms: Any = None,
    now: dt.datetime | None = None,
) -> PayoutBatch:
    """Every eligible firm of the registry (or of `firms`) with its amount and reasons, for
    an official to approve. Firms already awarded in the round are left out."""
    program = round_.program
    _require_manager(actor, program)
    if not program.no_application:
        raise ProgramRuleError(_("This program takes applications."), code="applications")
    version = current_rules(program)
    if version is None:
        raise ProgramRuleError(_("The program has no rules yet."), code="no_rules")
    if firms is None:
        firms = Enterprise.objects.all()
        if program.district_id:
            firms = firms.filter(district_id=program.district_id)
    awarded = set(round_.awards.values_list("enterprise_id", flat=True))
    batch = _save(
        PayoutBatch(
            round=round_,
            rules_version=version.number,
            computed_at=_now(now),
            computed_by=acting_user(actor),
        )
    )
    considered = 0
    items = []
    for verdict in evaluate_firms(
        program, firms, version=version, year=round_.fiscal_year, explain="eligible"
    ):
        considered += 1
        if verdict.eligible and verdict.amount > 0 and verdict.firm.pk not in awarded:
            items.append(
                BatchItem(
                    batch=batch,
                    enterprise=verdict.firm,
                    amount=verdict.amount,
                    reasons=[r.as_dict() for r in verdict.results],
                )
            )
    BatchItem.objects.bulk_create(items)
    batch.firms_considered = considered
    batch.save(update_fields=["firms_considered"])
    record_event(instance=batch, event="computed", data={"eligible": len(items)})
    return batch


@transaction.atomic
def batch_approve(
    *,
    actor: Actor,
    batch: PayoutBatch,
    bank_days: int = 90,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> list[Award]:
    """Approve a batch: each firm's award is committed, paid once the firm confirms its bank
    account (within `bank_days`). Approving again, or another batch of the same round, never
    awards a firm twice."""
    _require_money(actor)
    locked = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
    day = _today(today)
    awards = []
    for item in locked.items.select_related("enterprise").order_by("pk"):
        awards.append(
            award_make(
                actor=actor,
                round_=locked.round,
                enterprise=item.enterprise,
                amount=item.amount,
                batch=locked,
                conditions=[
                    ConditionSpec(
                        ConditionKind.BANK_ACCOUNT,
                        item.amount,
                        day + dt.timedelta(days=bank_days),
                        _("bank account confirmed by the firm"),
                    )
                ],
                today=day,
            )
        )
    if locked.status != BatchStatus.APPROVED:
        locked.status = BatchStatus.APPROVED
        locked.approved_by = acting_user(actor)
        locked.approved_at = _now(now)
        _save(locked)
    record_event(instance=locked, event="approved", data={"awards": len(awards)})
    return awards
