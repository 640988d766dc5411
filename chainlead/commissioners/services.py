"""Writes of the commissioners app: every one checked, validated and audited (the models are
registered with the audit log in apps.py; decisions also write business events)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chainlead.accounts.access import access_for
from chainlead.accounts.models import User
from chainlead.accounts.types import Actor, recorded_user
from chainlead.audit.services import record_event
from chainlead.commissioners.choices import (
    CommissionerStatus,
    Decision,
    LogStatus,
    RunStatus,
)
from chainlead.commissioners.constants import DEFAULT_LOG_BACKDATE_DAYS, MATCH_TERMS
from chainlead.commissioners.models import (
    Assignment,
    Commissioner,
    MatchingRun,
    ProposedPair,
    ServiceLog,
    ServiceLogAttachment,
    active_on,
)
from chainlead.commissioners.permissions import manages_commissioners
from chainlead.core.exceptions import PermissionDenied
from chainlead.registry.models import District, Enterprise

if TYPE_CHECKING:
    from chainlead.commissioners.proposals import Proposal

# A station proposed by a matching runs a year unless an official says otherwise.
DEFAULT_TERM_DAYS = 365
# Proposed pairs written per statement (COPY or executemany), with a progress report each.
PAIR_BATCH = 5000


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _require_manager(actor: Actor) -> None:
    # None is the platform itself (the demo loader, management commands), as in chains.
    if actor is not None and not manages_commissioners(access_for(actor)):
        raise PermissionDenied(_("Only a city administrator manages commissioners."))


def log_backdate_days() -> int:
    """How many days back a log may be dated without approval (setting, read now)."""
    return int(getattr(settings, "CHAINLEAD_LOG_BACKDATE_DAYS", DEFAULT_LOG_BACKDATE_DAYS))


# --- commissioners -------------------------------------------------------------------------


@transaction.atomic
def commissioner_create(
    *,
    actor: Actor,
    kind: str,
    name: str,
    industries: Iterable[Any] = (),
    segments: Iterable[Any] = (),
    keywords: Sequence[str] = (),
    **fields: Any,
) -> Commissioner:
    _require_manager(actor)
    commissioner = Commissioner(kind=kind, name=name, keywords=_clean_keywords(keywords), **fields)
    commissioner.full_clean()
    commissioner.save()
    commissioner.industries.set(list(industries))
    commissioner.segments.set(list(segments))
    return commissioner


@transaction.atomic
def commissioner_update(
    *,
    actor: Actor,
    commissioner: Commissioner,
    industries: Iterable[Any] | None = None,
    segments: Iterable[Any] | None = None,
    **fields: Any,
) -> Commissioner:
    _require_manager(actor)
    locked = Commissioner.objects.select_for_update().get(pk=commissioner.pk)
    if "keywords" in fields:
        fields["keywords"] = _clean_keywords(fields["keywords"])
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    if industries is not None:
        locked.industries.set(list(industries))
    if segments is not None:
        locked.segments.set(list(segments))
    return locked


def _clean_keywords(keywords: Sequence[str]) -> list[str]:
    seen: dict[str, None] = {}
    for keyword in keywords:
        text = str(keyword).strip()
        if text:
            seen.setdefault(text, None)
    return list(seen)


@transaction.atomic
def commissioner_link_user(*, actor: Actor, commissioner: Commissioner, user: User) -> Commissioner:
    """Let `user` (who must hold the commissioner role) act for `commissioner`."""
    from chainlead.accounts.choices import Role

    _require_manager(actor)
    if not access_for(user).has(Role.COMMISSIONER):
        raise ValidationError({"user": _("The user does not hold the commissioner role.")})
    Commissioner.objects.filter(user=user).exclude(pk=commissioner.pk).update(user=None)
    commissioner.user = user
    commissioner.full_clean()
    commissioner.save()
    return commissioner


# --- assignments ---------------------------------------------------------------------------


@transaction.atomic
def assignment_create(
    *,
    actor: Actor,
    commissioner: Commissioner,
    enterprise: Enterprise,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    reason: str = "",
    proposed_by: User | None = None,
    score_terms: dict[str, Any] | None = None,
    matching_run: MatchingRun | None = None,
) -> Assignment:
    """Station `commissioner` with `enterprise`; an official approves it (the actor)."""
    _require_manager(actor)
    locked = Commissioner.objects.select_for_update().get(pk=commissioner.pk)
    if locked.status != CommissionerStatus.ACTIVE:
        raise ValidationError(_("%(c)s is not active.") % {"c": locked.name})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why this commissioner serves this firm.")})
    active = Assignment.objects.filter(active_on(starts_on), commissioner=locked)
    if active.filter(enterprise=enterprise).exists():
        raise ValidationError(_("This commissioner already serves this firm."))
    if active.count() >= locked.capacity:
        raise ValidationError(
            _("%(c)s already serves %(n)d firms, their capacity.")
            % {"c": locked.name, "n": locked.capacity}
        )
    assignment = Assignment(
        commissioner=locked,
        enterprise=enterprise,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.strip(),
        proposed_by=proposed_by or recorded_user(actor),
        approved_by=recorded_user(actor),
        score_terms=score_terms or {},
        matching_run=matching_run,
    )
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def assignment_end(*, actor: Actor, assignment: Assignment, on: dt.date, reason: str) -> Assignment:
    """End a station early, with a reason."""
    _require_manager(actor)
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not reason.strip():
        raise ValidationError({"end_reason": _("Say why the station ends early.")})
    if locked.ended_early_on is not None:
        raise ValidationError(_("This station has already ended."))
    if on < locked.starts_on or (locked.ends_on is not None and on > locked.ends_on):
        raise ValidationError({"ended_early_on": _("The end must fall within the station.")})
    locked.ended_early_on = on
    locked.end_reason = reason.strip()
    locked.full_clean()
    locked.save()
    record_event(instance=locked, event="ended_early", message=locked.end_reason)
    return locked


# --- service logs --------------------------------------------------------------------------


def _is_assignment_commissioner(actor: Actor, assignment: Assignment) -> bool:
    # Read now, not from a cached instance: the account acting for a commissioner may change.
    user_id = getattr(actor, "pk", None)
    return (
        user_id is not None
        and Commissioner.objects.filter(pk=assignment.commissioner_id, user_id=user_id).exists()
    )


@transaction.atomic
def log_create(
    *,
    actor: Actor,
    assignment: Assignment,
    mode: str,
    served_on: dt.date,
    hours: Decimal,
    work_done: str,
    solved: str = "",
    requests: Iterable[Any] = (),
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> ServiceLog:
    """The commissioner logs a service at a firm stationed with them. A date more than
    CHAINLEAD_LOG_BACKDATE_DAYS back waits for an official's approval."""
    if not _is_assignment_commissioner(actor, assignment):
        raise PermissionDenied(_("Only the stationed commissioner logs services here."))
    day = _today(today)
    if served_on > day:
        raise ValidationError({"served_on": _("A service cannot be logged in advance.")})
    last = assignment.last_day
    if served_on < assignment.starts_on or (last is not None and served_on > last):
        raise ValidationError({"served_on": _("The date falls outside the station.")})
    if not assignment.is_active(day) and (
        last is None or day > last + dt.timedelta(days=log_backdate_days())
    ):
        raise ValidationError(_("The station has ended; its logs are closed."))
    linked = list(requests)
    if any(r.enterprise_id != assignment.enterprise_id for r in linked):
        raise ValidationError({"requests": _("Only the firm's own requests can be linked.")})
    backdated = served_on < day - dt.timedelta(days=log_backdate_days())
    log = ServiceLog(
        assignment=assignment,
        mode=mode,
        served_on=served_on,
        hours=hours,
        work_done=work_done.strip(),
        solved=solved.strip(),
        backdated=backdated,
        status=LogStatus.AWAITING_APPROVAL if backdated else LogStatus.SUBMITTED,
        created_by=recorded_user(actor),
        created_at=now or timezone.now(),
    )
    log.full_clean()
    log.save()
    log.requests.set(linked)
    return log


@transaction.atomic
def log_approve(*, actor: Actor, log: ServiceLog, approve: bool, note: str = "") -> ServiceLog:
    """An official accepts or rejects a back-dated log."""
    _require_manager(actor)
    locked = ServiceLog.objects.select_for_update().get(pk=log.pk)
    if locked.status != LogStatus.AWAITING_APPROVAL:
        raise ValidationError(_("This log does not wait for approval."))
    locked.status = LogStatus.SUBMITTED if approve else LogStatus.REJECTED
    locked.approved_by = recorded_user(actor)
    locked.full_clean()
    locked.save()
    record_event(instance=locked, event="approved" if approve else "rejected", message=note)
    return locked


@transaction.atomic
def log_answer(
    *,
    actor: Actor,
    log: ServiceLog,
    confirm: bool,
    rating: int | None = None,
    comment: str = "",
    now: dt.datetime | None = None,
) -> ServiceLog:
    """The firm confirms (and rates) or disputes a log entry."""
    locked = ServiceLog.objects.select_for_update().select_related("assignment").get(pk=log.pk)
    if locked.assignment.enterprise_id not in access_for(actor).enterprise_ids:
        raise PermissionDenied(_("Only the firm served answers this log."))
    if locked.status != LogStatus.SUBMITTED:
        raise ValidationError(_("This log is not waiting for the firm."))
    if not confirm and not comment.strip():
        raise ValidationError({"firm_comment": _("Say what is wrong with the entry.")})
    if confirm and rating is None:
        raise ValidationError({"firm_rating": _("Rate the service from 1 to 5.")})
    locked.status = LogStatus.CONFIRMED if confirm else LogStatus.DISPUTED
    locked.firm_rating = rating if confirm else None
    locked.firm_comment = comment.strip()
    locked.answered_by = recorded_user(actor)
    locked.answered_at = now or timezone.now()
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def log_attach(*, actor: Actor, log: ServiceLog, file: Any) -> ServiceLogAttachment:
    if not _is_assignment_commissioner(actor, log.assignment):
        raise PermissionDenied(_("Only the stationed commissioner attaches files."))
    attachment = ServiceLogAttachment(
        log=log,
        file=file,
        name=(getattr(file, "name", "") or "file")[:200],
        size=getattr(file, "size", 0) or 0,
        uploaded_by=recorded_user(actor),
    )
    attachment.full_clean()
    attachment.save()
    return attachment


# --- matchings -----------------------------------------------------------------------------


@transaction.atomic
def matching_run_create(
    *,
    actor: Actor,
    as_of: dt.date | None = None,
    district: District | None = None,
    start: bool = True,
) -> MatchingRun:
    """Queue a proposal; it is computed in the background once this transaction commits."""
    from chainlead.commissioners.proposals import match_weights

    _require_manager(actor)
    run = MatchingRun(
        created_by=recorded_user(actor),
        as_of=_today(as_of),
        district=district,
        weights=match_weights(),
        status=RunStatus.QUEUED,
    )
    run.full_clean()
    run.save()
    if start:
        from chainlead.commissioners.tasks import start_matching

        transaction.on_commit(lambda: start_matching(run))
    return run


def matching_run_execute(run: MatchingRun) -> MatchingRun:
    """Compute `run`'s proposal, reporting progress on its row (no outer transaction: the
    page polls the row while this runs)."""
    from chainlead.commissioners.proposals import build_proposal

    def progress(stage: str, done: int, total: int) -> None:
        MatchingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.RUNNING, stage=stage, progress_done=done, progress_total=total
        )

    started = timezone.now()
    try:
        proposal = build_proposal(
            as_of=run.as_of, district_id=run.district_id, progress=progress, weights=run.weights
        )
    except Exception as exc:
        MatchingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, message=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    progress("saving", 0, len(proposal.result.pairs))
    with transaction.atomic():
        stored = _store_pairs(run, proposal)
        MatchingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.READY,
            stage="",
            commissioners=proposal.commissioner_ids.size,
            firms=proposal.firm_ids.size,
            candidate_pairs=proposal.candidate_pairs,
            objective=proposal.objective,
            bound=proposal.result.bound,
            greedy_objective=proposal.greedy_objective,
            certificate_ok=proposal.certificate_ok,
            message="; ".join(proposal.certificate_problems),
            seconds=(timezone.now() - started).total_seconds(),
            finished_at=timezone.now(),
        )
        # The pairs are derived data written in bulk: one event on the run names them.
        record_event(
            instance=run,
            event="proposed",
            data={
                "pairs": stored,
                "candidate_pairs": proposal.candidate_pairs,
                "objective": proposal.objective,
                "certificate_ok": proposal.certificate_ok,
            },
        )
    run.refresh_from_db()
    return run


def _store_pairs(run: MatchingRun, proposal: Proposal) -> int:
    """Insert the proposal's chosen pairs (the candidates are not stored), PAIR_BATCH at a time:
    COPY on PostgreSQL, one executemany INSERT per batch elsewhere; returns the count. Run in
    the caller's transaction, before the run is marked ready."""
    import numpy as np  # loaded with the proposal, not with the web process

    meta = ProposedPair._meta
    names = ["run", "commissioner", "enterprise", "score", "terms", "decision", "note"]
    quote = connection.ops.quote_name
    column_of = {f.name: f.column for f in meta.concrete_fields if f.column is not None}
    columns = ", ".join(quote(column_of[name]) for name in names)
    table = quote(meta.db_table)
    pending = Decision.PENDING.value
    # The terms as JSON text straight from the arrays: `%r` of a float is what json writes.
    template = "{" + ", ".join(f'"{term}": %r' for term in MATCH_TERMS) + "}"
    chosen = proposal.result.pairs
    total = len(chosen)
    for begin in range(0, total, PAIR_BATCH):
        block = slice(begin, min(total, begin + PAIR_BATCH))
        rows = [
            (run.pk, commissioner_id, firm_id, score, template % tuple(terms), pending, "")
            for commissioner_id, firm_id, score, terms in zip(
                proposal.commissioner_ids[chosen[block, 0]].tolist(),
                proposal.firm_ids[chosen[block, 1]].tolist(),
                np.round(proposal.chosen_scores[block], 6).tolist(),
                np.round(proposal.chosen_terms[block], 4).tolist(),
                strict=True,
            )
        ]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(names))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608
    return total


def _decided(pair: ProposedPair, actor: Actor, decision: str, note: str) -> None:
    pair.decision = decision
    pair.decided_by = recorded_user(actor)
    pair.decided_at = timezone.now()
    pair.note = note.strip()


def _explanation(pair: ProposedPair) -> str:
    weights = pair.run.weights
    parts = [
        f"{name} {value:.2f}×{weights.get(name, 0):g}"
        for name, value in pair.terms.items()
        if value
    ]
    return _("Proposed by matching run #%(run)d, score %(score).2f: %(terms)s") % {
        "run": pair.run_id,
        "score": pair.score,
        "terms": ", ".join(parts),
    }


@transaction.atomic
def pair_decide(
    *,
    actor: Actor,
    pair: ProposedPair,
    accept: bool,
    note: str = "",
    starts_on: dt.date | None = None,
) -> ProposedPair:
    """Accept (the pair becomes a station) or reject a proposed pair."""
    _require_manager(actor)
    locked = ProposedPair.objects.select_for_update().select_related("run").get(pk=pair.pk)
    if locked.decision != Decision.PENDING:
        raise ValidationError(_("This pair has been decided already."))
    if not accept and not note.strip():
        raise ValidationError({"note": _("Say why the pair is rejected.")})
    if accept:
        start = starts_on or locked.run.as_of
        locked.assignment = assignment_create(
            actor=actor,
            commissioner=locked.commissioner,
            enterprise=locked.enterprise,
            starts_on=start,
            ends_on=start + dt.timedelta(days=DEFAULT_TERM_DAYS),
            reason=(note.strip() + "\n" if note.strip() else "") + _explanation(locked),
            proposed_by=locked.run.created_by,
            score_terms={"score": locked.score, **locked.terms},
            matching_run=locked.run,
        )
    _decided(locked, actor, Decision.ACCEPTED if accept else Decision.REJECTED, note)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def pair_change(
    *,
    actor: Actor,
    pair: ProposedPair,
    commissioner: Commissioner,
    note: str,
    starts_on: dt.date | None = None,
) -> ProposedPair:
    """An official stations another commissioner with the pair's firm, for a stated reason."""
    _require_manager(actor)
    locked = ProposedPair.objects.select_for_update().select_related("run").get(pk=pair.pk)
    if locked.decision != Decision.PENDING:
        raise ValidationError(_("This pair has been decided already."))
    if not note.strip():
        raise ValidationError({"note": _("Say why another commissioner serves this firm.")})
    start = starts_on or locked.run.as_of
    locked.assignment = assignment_create(
        actor=actor,
        commissioner=commissioner,
        enterprise=locked.enterprise,
        starts_on=start,
        ends_on=start + dt.timedelta(days=DEFAULT_TERM_DAYS),
        reason=note.strip(),
        proposed_by=recorded_user(actor),
        matching_run=locked.run,
    )
    _decided(locked, actor, Decision.CHANGED, note)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def run_accept_pending(*, actor: Actor, run: MatchingRun, note: str = "") -> int:
    """Accept every pair of `run` still pending; returns how many became stations."""
    _require_manager(actor)
    if run.status != RunStatus.READY:
        raise ValidationError(_("The proposal is not ready."))
    pending = list(
        ProposedPair.objects.filter(run=run, decision=Decision.PENDING).select_related(
            "run", "commissioner", "enterprise"
        )
    )
    for pair in pending:
        pair_decide(actor=actor, pair=pair, accept=True, note=note)
    record_event(instance=run, event="accepted", data={"pairs": len(pending)})
    return len(pending)
