"""Every write to the support fund (docs/funds.md lists them for other organs).

The rules that cannot be broken are enforced here, under row locks taken in one order (the
document first — tranche, disbursement, commitment — then accounts by primary key) so two
officials pressing the same button serialise instead of both passing the check; SQLite's
`transaction_mode=IMMEDIATE` (config/settings.py) serialises whole transactions there:

- no account with a floor goes below zero (`_post`): a line is never committed beyond its
  amount, a commitment never paid beyond its award;
- a tranche is paid at most once (its row lock, its status, and a partial unique index on live
  disbursements);
- a disbursement is approved by someone other than its preparer (four eyes);
- a closed month takes no entries; a correction goes to the next open month;
- commands with an idempotency key run once; a retry gets the first result back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Case, Exists, F, OuterRef, Subquery, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _

from chainlead.accounts.access import access_for
from chainlead.accounts.types import Actor, acting_user
from chainlead.audit.services import record_event
from chainlead.core.exceptions import PermissionDenied
from chainlead.funds import batcher
from chainlead.funds.choices import (
    LIVE_DISBURSEMENT_STATUSES,
    AccountKind,
    DisbursementStatus,
    EntryKind,
    Provenance,
    RunStatus,
    TrancheStatus,
)
from chainlead.funds.constants import CENT
from chainlead.funds.models import (
    Account,
    CommandRecord,
    Commitment,
    Disbursement,
    Entry,
    FiscalExpenditure,
    Fund,
    PaymentRun,
    Period,
    RecipientHold,
    Tranche,
    month_of,
)
from chainlead.funds.payments import fault_point as _fault_point
from chainlead.funds.payments import pay_approved_tranche
from chainlead.funds.permissions import manages_fund
from chainlead.registry.models import District, Enterprise

T = TypeVar("T", bound=models.Model)


class FundRuleError(ValidationError):
    """A command refused by a rule of the ledger. `code` is one of RULE_CODES; the message is
    one line (the CLI prints it)."""


RULE_CODES = (
    "already_paid",
    "not_approved",
    "over_budget",
    "period_closed",
    "four_eyes",
    "held",
    "idempotency_conflict",
    "invalid",
)


def _refuse(code: str, message: str) -> FundRuleError:
    return FundRuleError(message, code=code)


def _require_manager(actor: Actor) -> None:
    if not manages_fund(access_for(actor)):
        raise PermissionDenied(_("Only finance officers may change the fund."))


def to_money(amount: Decimal | int | str) -> Decimal:
    """An amount in CNY with two places; floats are refused (they cannot hold fen exactly)."""
    if isinstance(amount, float):
        raise TypeError("money is never a float")
    value = Decimal(amount)
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise _refuse("invalid", _("Amounts have at most two decimal places (fen)."))
    return value.quantize(CENT)


def _today(today: dt.date | None) -> dt.date:
    return today if today is not None else timezone.localdate()


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else timezone.now()


# --- idempotency ---------------------------------------------------------------------------


def _idempotent(
    *,
    command: str,
    key: str | None,
    actor: Actor,
    parts: Iterable[object],
    model: type[T],
    run: Callable[[], T],
) -> T:
    """Run `run` once per key. The key is claimed first, inside the command's transaction: a
    concurrent duplicate waits on the unique index (PostgreSQL) or on the write lock (SQLite)
    and then gets the first command's result. `run` is called inside this function's
    transaction (a savepoint when the caller has one), so it needs none of its own."""
    if not key:
        with transaction.atomic():
            return run()
    fingerprint = hashlib.sha256(repr((command, *parts)).encode()).hexdigest()
    try:
        with transaction.atomic():
            record = CommandRecord.objects.create(
                key=key,
                command=command,
                fingerprint=fingerprint,
                result_id=0,
                actor=acting_user(actor),
            )
            result = run()
            CommandRecord.objects.filter(pk=record.pk).update(result_id=result.pk)
            return result
    except IntegrityError:
        existing = CommandRecord.objects.filter(key=key).first()
        if existing is None:
            raise
    if existing.command != command or existing.fingerprint != fingerprint:
        raise _refuse(
            "idempotency_conflict",
            _("This idempotency key was already used for a different command."),
        )
    return model._default_manager.get(pk=existing.result_id)


# --- posting -------------------------------------------------------------------------------


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def booking_period(fund_id: int, today: dt.date, *, correction: bool = False) -> dt.date:
    """The month an entry posted `today` is booked in: today's, or for a correction the next
    open month when today's is closed."""
    month = month_of(today)
    closed = set(
        Period.objects.filter(fund_id=fund_id, month__gte=month).values_list("month", flat=True)
    )
    if month not in closed:
        return month
    if not correction:
        raise _refuse(
            "period_closed", _("The period %(month)s is closed.") % {"month": f"{month:%Y-%m}"}
        )
    while month in closed:
        month = _next_month(month)
    return month


def _lock_accounts(*pks: int) -> dict[int, Account]:
    # One order for every transaction, so two of them never wait on each other in a cycle.
    return {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=pks).order_by("pk")}


def _post(
    *,
    actor: Actor,
    kind: str,
    debit: Account,
    credit: Account,
    amount: Decimal,
    today: dt.date,
    memo: str = "",
    commitment: Commitment | None = None,
    disbursement: Disbursement | None = None,
    reverses: Entry | None = None,
    correction: bool = False,
    open_period: dt.date | None = None,
) -> Entry:
    """Move `amount` from `debit` to `credit`: lock both, check the floor, append the entry,
    update the cached sums. `open_period`: the caller already read that today's month is open
    (a payment reads it with the tranche's row, one statement fewer)."""
    amount = to_money(amount)
    if amount <= 0:
        raise _refuse("invalid", _("Amounts must be positive."))
    if debit.fund_id != credit.fund_id:
        raise _refuse("invalid", _("Both accounts must belong to the same fund."))
    period = (
        open_period
        if open_period is not None
        else booking_period(debit.fund_id, today, correction=correction)
    )
    locked = _lock_accounts(debit.pk, credit.pk)
    source = locked[debit.pk]
    if source.has_floor and source.balance < amount:
        raise _refuse(
            "over_budget",
            _("Over budget: %(account)s has %(balance)s CNY, %(amount)s CNY asked.")
            % {"account": source.name, "balance": source.balance, "amount": amount},
        )
    entry = Entry(
        fund_id=debit.fund_id,
        kind=kind,
        debit_account=source,
        credit_account=locked[credit.pk],
        amount=amount,
        period=period,
        memo=memo[:300],
        commitment=commitment,
        disbursement=disbursement,
        reverses=reverses,
        created_by=acting_user(actor),
    )
    # The service built every field itself; full_clean() would add one SELECT per foreign key
    # to the hottest path (the database's constraints and foreign keys check the same).
    entry.clean_fields(
        exclude=[
            "fund",
            "debit_account",
            "credit_account",
            "commitment",
            "disbursement",
            "reverses",
            "created_by",
        ]
    )
    entry.save()
    # Both cached sums in one statement (the rows are locked above).
    money = Account._meta.get_field("debits_posted")
    Account.objects.filter(pk__in=[source.pk, credit.pk]).update(
        debits_posted=Case(
            When(pk=source.pk, then=F("debits_posted") + amount),
            default=F("debits_posted"),
            output_field=money,
        ),
        credits_posted=Case(
            When(pk=credit.pk, then=F("credits_posted") + amount),
            default=F("credits_posted"),
            output_field=money,
        ),
    )
    return entry


def _system_account(fund: Fund, kind: str) -> Account:
    return Account.objects.get(fund=fund, kind=kind)


# --- funds, lines ---------------------------------------------------------------------------


@transaction.atomic
def fund_create(
    *,
    actor: Actor,
    name: str,
    district: District | None,
    fiscal_year: int,
    appropriation: Decimal | int | str,
    provenance: str = Provenance.ENTERED,
    source_note: str = "",
    today: dt.date | None = None,
) -> Fund:
    """A fund with its chart of accounts, funded from the treasury with `appropriation`."""
    _require_manager(actor)
    fund = Fund(
        name=name,
        district=district,
        fiscal_year=fiscal_year,
        provenance=provenance,
        source_note=source_note,
    )
    fund.full_clean()
    fund.save()
    accounts = {}
    for kind in (
        AccountKind.TREASURY,
        AccountKind.APPROPRIATION,
        AccountKind.CLAWBACK,
        AccountKind.RETURNED,
    ):
        accounts[kind] = Account.objects.create(
            fund=fund, kind=kind, name=f"{fund} · {AccountKind(kind).label}", provenance=provenance
        )
    if to_money(appropriation) > 0:
        _post(
            actor=actor,
            kind=EntryKind.FUNDING,
            debit=accounts[AccountKind.TREASURY],
            credit=accounts[AccountKind.APPROPRIATION],
            amount=to_money(appropriation),
            today=_today(today),
            memo=source_note,
        )
    record_event(instance=fund, event="fund_created", data={"appropriation": appropriation})
    return fund


@transaction.atomic
def fund_appropriate(
    *,
    actor: Actor,
    fund: Fund,
    amount: Decimal | int | str,
    memo: str = "",
    today: dt.date | None = None,
) -> Entry:
    """Add to the fund's appropriation (a supplementary budget)."""
    _require_manager(actor)
    entry = _post(
        actor=actor,
        kind=EntryKind.FUNDING,
        debit=_system_account(fund, AccountKind.TREASURY),
        credit=_system_account(fund, AccountKind.APPROPRIATION),
        amount=to_money(amount),
        today=_today(today),
        memo=memo,
    )
    record_event(instance=fund, event="appropriated", data={"amount": entry.amount})
    return entry


@transaction.atomic
def budget_line_create(
    *,
    actor: Actor,
    fund: Fund,
    name: str,
    amount: Decimal | int | str,
    reference: str = "",
    policy_source: str = "",
    provenance: str = Provenance.ENTERED,
    today: dt.date | None = None,
) -> Account:
    """A budget line allocated `amount` from the fund's appropriation (never beyond it)."""
    _require_manager(actor)
    line = Account(
        fund=fund,
        kind=AccountKind.BUDGET_LINE,
        name=name,
        reference=reference,
        policy_source=policy_source,
        provenance=provenance,
    )
    line.full_clean()
    line.save()
    _post(
        actor=actor,
        kind=EntryKind.ALLOCATION,
        debit=_system_account(fund, AccountKind.APPROPRIATION),
        credit=line,
        amount=to_money(amount),
        today=_today(today),
        memo=name,
    )
    line.refresh_from_db()
    return line


def budget_line_for(
    *, reference: str, fiscal_year: int, district: District | None = None
) -> Account | None:
    """The budget line paying for `reference` (e.g. "programs.Program:3", "poc.stage:2") in the
    fund of `district` (None: the city) for `fiscal_year`; None when there is none."""
    return (
        Account.objects.filter(
            kind=AccountKind.BUDGET_LINE,
            reference=reference,
            fund__fiscal_year=fiscal_year,
            fund__district=district,
        )
        .order_by("pk")
        .first()
    )


# --- commitments ------------------------------------------------------------------------------


def commitment_create(
    *,
    actor: Actor,
    line: Account,
    recipient_enterprise: Enterprise,
    amount: Decimal | int | str,
    reference: str,
    idempotency_key: str | None = None,
    today: dt.date | None = None,
) -> Commitment:
    """Commit `amount` of `line` to a firm (an award). Refused with code "over_budget" when the
    line has less left; with an idempotency key, a retry returns the first commitment."""
    _require_manager(actor)
    money = to_money(amount)

    @transaction.atomic(savepoint=False)  # inside _idempotent's transaction
    def run() -> Commitment:
        if line.kind != AccountKind.BUDGET_LINE:
            raise _refuse("invalid", _("Commitments are drawn on budget lines."))
        fund = line.fund
        label = f"{recipient_enterprise.name} · {reference}"[:300]
        account = Account.objects.create(fund=fund, kind=AccountKind.COMMITMENT, name=label)
        paid = Account.objects.create(fund=fund, kind=AccountKind.DISBURSED, name=label)
        commitment = Commitment(
            fund=fund,
            line=line,
            account=account,
            paid_account=paid,
            recipient=recipient_enterprise,
            amount=money,
            reference=reference,
            created_by=acting_user(actor),
        )
        commitment.full_clean()
        commitment.save()
        _post(
            actor=actor,
            kind=EntryKind.COMMITMENT,
            debit=line,
            credit=account,
            amount=money,
            today=_today(today),
            commitment=commitment,
            memo=reference,
        )
        record_event(instance=commitment, event="committed", data={"amount": money})
        return commitment

    return _idempotent(
        command="commitment_create",
        key=idempotency_key,
        actor=actor,
        parts=(line.pk, recipient_enterprise.pk, money, reference),
        model=Commitment,
        run=run,
    )


def _unpaid_tranche_total(commitment: Commitment) -> Decimal:
    total = commitment.tranches.filter(
        status__in=[TrancheStatus.PLANNED, TrancheStatus.APPROVED]
    ).aggregate(s=Sum("amount"))["s"]
    return total or Decimal("0.00")


@transaction.atomic
def commitment_release(
    *,
    actor: Actor,
    commitment: Commitment,
    amount: Decimal | int | str | None = None,
    reason: str = "",
    today: dt.date | None = None,
) -> Entry | None:
    """Return what will not be paid to the line: `amount`, or by default everything not
    already scheduled in a planned or approved tranche. None when nothing is left."""
    _require_manager(actor)
    locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
    account = Account.objects.get(pk=locked.account_id)
    free = account.balance - _unpaid_tranche_total(locked)
    money = to_money(amount) if amount is not None else free
    if money <= 0:
        return None
    if money > free:
        raise _refuse(
            "over_budget",
            _("Only %(free)s CNY of this commitment is not scheduled in tranches.")
            % {"free": free},
        )
    entry = _post(
        actor=actor,
        kind=EntryKind.RELEASE,
        debit=account,
        credit=locked.line,
        amount=money,
        today=_today(today),
        commitment=locked,
        memo=reason,
    )
    record_event(instance=locked, event="released", message=reason, data={"amount": money})
    return entry


# --- tranches and disbursements --------------------------------------------------------------


@transaction.atomic
def tranche_create(
    *,
    actor: Actor,
    commitment: Commitment,
    amount: Decimal | int | str,
    due_on: dt.date,
    condition_text: str = "",
) -> Tranche:
    """A scheduled part of a commitment; the tranches never add up to more than the award left."""
    _require_manager(actor)
    locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
    money = to_money(amount)
    room = Account.objects.get(pk=locked.account_id).balance - _unpaid_tranche_total(locked)
    if money > room:
        raise _refuse(
            "over_budget",
            _("The commitment has %(room)s CNY left to schedule.") % {"room": room},
        )
    tranche = Tranche(
        commitment=locked,
        amount=money,
        due_on=due_on,
        condition_text=condition_text,
        created_by=acting_user(actor),
    )
    tranche.full_clean()
    tranche.save()
    record_event(instance=tranche, event="scheduled", data={"amount": money, "due_on": due_on})
    return tranche


@transaction.atomic
def tranche_approve(*, actor: Actor, tranche: Tranche, now: dt.datetime | None = None) -> Tranche:
    """Its condition is met: approve it for payment. The one who created it cannot."""
    _require_manager(actor)
    locked = Tranche.objects.select_for_update().get(pk=tranche.pk)
    if locked.status != TrancheStatus.PLANNED:
        raise _refuse("invalid", _("Only a planned tranche can be approved."))
    if locked.created_by_id == acting_user(actor).pk:
        raise _refuse("four_eyes", _("Four eyes: you created this tranche; another must approve."))
    locked.status = TrancheStatus.APPROVED
    locked.approved_by = acting_user(actor)
    locked.approved_at = _now(now)
    locked.save(update_fields=["status", "approved_by", "approved_at"])
    record_event(instance=locked, event="approved")
    return locked


def hold_reason(enterprise: Enterprise) -> str:
    """Why payments to `enterprise` are held, or "" (the registry has no status field, so the
    fund's own list, `RecipientHold`, is the source)."""
    reasons = RecipientHold.objects.filter(enterprise=enterprise, active=True).values_list(
        "reason", flat=True
    )
    return "; ".join(reasons)


def _check_payable(tranche: Tranche) -> None:
    if tranche.status == TrancheStatus.PAID:
        raise _refuse("already_paid", _("Tranche %(ref)s is already paid.") % {"ref": tranche.ref})
    if tranche.status != TrancheStatus.APPROVED:
        raise _refuse("not_approved", _("Tranche %(ref)s is not approved.") % {"ref": tranche.ref})


def disbursement_prepare(
    *,
    actor: Actor,
    tranche: Tranche,
    run: PaymentRun | None = None,
    idempotency_key: str | None = None,
) -> Disbursement:
    """Prepare the payment of an approved tranche; someone else approves it."""
    _require_manager(actor)

    @transaction.atomic(savepoint=False)  # inside _idempotent's transaction
    def do() -> Disbursement:
        locked = Tranche.objects.select_for_update().get(pk=tranche.pk)
        _check_payable(locked)
        if locked.disbursements.filter(status__in=LIVE_DISBURSEMENT_STATUSES).exists():
            raise _refuse(
                "already_paid",
                _("Tranche %(ref)s already has a payment under way.") % {"ref": locked.ref},
            )
        disbursement = Disbursement(
            tranche=locked, run=run, amount=locked.amount, prepared_by=acting_user(actor)
        )
        disbursement.full_clean(validate_constraints=False)
        disbursement.save()
        record_event(instance=disbursement, event="prepared")
        return disbursement

    return _idempotent(
        command="disbursement_prepare",
        key=idempotency_key,
        actor=actor,
        parts=(tranche.pk,),
        model=Disbursement,
        run=do,
    )


@transaction.atomic
def disbursement_approve(
    *, actor: Actor, disbursement: Disbursement, now: dt.datetime | None = None
) -> Disbursement:
    """Approve a prepared payment: four eyes, so not by the one who prepared it."""
    _require_manager(actor)
    locked = Disbursement.objects.select_for_update().get(pk=disbursement.pk)
    if locked.status != DisbursementStatus.PREPARED:
        raise _refuse("invalid", _("Only a prepared payment can be approved."))
    if locked.prepared_by_id == acting_user(actor).pk:
        raise _refuse("four_eyes", _("Four eyes: you prepared this payment; another must approve."))
    locked.status = DisbursementStatus.APPROVED
    locked.approved_by = acting_user(actor)
    locked.save(update_fields=["status", "approved_by"])
    record_event(instance=locked, event="approved")
    return locked


def _execute_locked(
    *, actor: Actor, disbursement: Disbursement, tranche: Tranche, today: dt.date, now: dt.datetime
) -> Disbursement:
    """Pay a locked, approved disbursement of a locked tranche, or hold it with the reason."""
    _check_payable(tranche)
    if disbursement.status == DisbursementStatus.PAID:
        raise _refuse(
            "already_paid", _("Payment %(ref)s is already paid.") % {"ref": disbursement.ref}
        )
    if disbursement.status not in (DisbursementStatus.APPROVED, DisbursementStatus.HELD):
        raise _refuse(
            "not_approved", _("Payment %(ref)s is not approved.") % {"ref": disbursement.ref}
        )
    if (
        disbursement.approved_by_id is None
        or disbursement.approved_by_id == disbursement.prepared_by_id
    ):
        raise _refuse("four_eyes", _("A payment needs a second person's approval."))
    commitment = tranche.commitment
    reason = hold_reason(commitment.recipient)
    if reason:
        disbursement.status = DisbursementStatus.HELD
        disbursement.hold_reason = reason[:500]
        disbursement.save(update_fields=["status", "hold_reason"])
        record_event(instance=disbursement, event="held", message=reason)
        return disbursement
    entry = _post(
        actor=actor,
        kind=EntryKind.DISBURSEMENT,
        # _post locks and reads both rows itself: no need to fetch them first.
        debit=Account(pk=commitment.account_id, fund_id=commitment.fund_id),
        credit=Account(pk=commitment.paid_account_id, fund_id=commitment.fund_id),
        amount=disbursement.amount,
        today=today,
        commitment=commitment,
        disbursement=disbursement,
        memo=tranche.ref,
    )
    disbursement.status = DisbursementStatus.PAID
    disbursement.hold_reason = ""
    disbursement.executed_by = acting_user(actor)
    disbursement.paid_at = now
    disbursement.save(update_fields=["status", "hold_reason", "executed_by", "paid_at"])
    tranche.status = TrancheStatus.PAID
    tranche.save(update_fields=["status"])
    # Last write before the commit: the audit chain's lock is held only from here.
    record_event(
        instance=disbursement,
        event="paid",
        data={"amount": disbursement.amount, "tranche": tranche.ref, "entry": entry.pk},
    )
    _fault_point()
    return disbursement


def disbursement_execute(
    *,
    actor: Actor,
    disbursement: Disbursement,
    idempotency_key: str | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Disbursement:
    """Pay an approved disbursement (or hold it when the firm is on the hold list)."""
    _require_manager(actor)

    @transaction.atomic(savepoint=False)  # inside _idempotent's transaction
    def do() -> Disbursement:
        tranche = (
            Tranche.objects.select_for_update(of=("self",))
            .select_related("commitment__recipient")
            .get(pk=disbursement.tranche_id)
        )
        locked = Disbursement.objects.select_for_update().get(pk=disbursement.pk)
        return _execute_locked(
            actor=actor, disbursement=locked, tranche=tranche, today=_today(today), now=_now(now)
        )

    return _idempotent(
        command="disbursement_execute",
        key=idempotency_key,
        actor=actor,
        parts=(disbursement.pk,),
        model=Disbursement,
        run=do,
    )


def _pay_approved_tranche(
    *, actor: Actor, tranche: Tranche, today: dt.date, now: dt.datetime
) -> Disbursement:
    """Pay a locked, approved tranche with no payment under way, to a firm not on hold, in an
    open month: the payment is written paid at once (one INSERT, where the general path inserts
    it approved and then updates it)."""
    if tranche.approved_by_id is None or tranche.approved_by_id == tranche.created_by_id:
        raise _refuse("four_eyes", _("A payment needs a second person's approval."))
    commitment = tranche.commitment
    disbursement = Disbursement(
        tranche=tranche,
        amount=tranche.amount,
        prepared_by_id=tranche.created_by_id,
        approved_by_id=tranche.approved_by_id,
        executed_by=acting_user(actor),
        paid_at=now,
        status=DisbursementStatus.PAID,
    )
    disbursement.clean_fields(
        exclude=["tranche", "run", "prepared_by", "approved_by", "executed_by"]
    )
    disbursement.save()
    entry = _post(
        actor=actor,
        kind=EntryKind.DISBURSEMENT,
        # _post locks and reads both rows itself: no need to fetch them first.
        debit=Account(pk=commitment.account_id, fund_id=commitment.fund_id),
        credit=Account(pk=commitment.paid_account_id, fund_id=commitment.fund_id),
        amount=disbursement.amount,
        today=today,
        commitment=commitment,
        disbursement=disbursement,
        memo=tranche.ref,
        open_period=month_of(today),
    )
    tranche.status = TrancheStatus.PAID
    tranche.save(update_fields=["status"])
    record_event(
        instance=disbursement,
        event="paid",
        data={"amount": disbursement.amount, "tranche": tranche.ref, "entry": entry.pk},
    )
    _fault_point()
    return disbursement


def tranche_disburse(
    *,
    actor: Actor,
    tranche: Tranche,
    idempotency_key: str | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Disbursement:
    """Pay one approved tranche now (the CLI's `fund disburse`). The four eyes are the
    tranche's: created by one official, approved by another. A payment already prepared in a
    run is executed if approved, refused otherwise."""
    _require_manager(actor)
    if not idempotency_key and batcher.socket_path() and connection.vendor == "postgresql":
        # Through the payment batcher every payment has a key: an answer it loses is then
        # paid again under the same key, which finds the batch's payment if it committed.
        idempotency_key = f"batched:{uuid.uuid4().hex}"
    # The common case in a few statements (funds/payments.py); any other goes on below.
    paid = pay_approved_tranche(
        actor=actor,
        tranche=tranche,
        idempotency_key=idempotency_key,
        today=_today(today),
        now=_now(now),
    )
    if paid is not None:
        return paid

    @transaction.atomic(savepoint=False)  # inside _idempotent's transaction
    def do() -> Disbursement:
        day = _today(today)
        month = month_of(day)
        # One statement reads what the payment depends on besides the accounts: the tranche
        # (locked), its commitment, a payment already under way, a hold on the firm, and
        # whether this month is closed.
        locked = (
            Tranche.objects.select_for_update(of=("self",))
            .select_related("commitment")
            .annotate(
                live_id=Subquery(
                    Disbursement.objects.filter(
                        tranche=OuterRef("pk"), status__in=LIVE_DISBURSEMENT_STATUSES
                    )
                    .order_by()
                    .values("pk")[:1]
                ),
                held=Exists(
                    RecipientHold.objects.filter(
                        enterprise=OuterRef("commitment__recipient"), active=True
                    )
                ),
                closed=Exists(
                    Period.objects.filter(fund=OuterRef("commitment__fund"), month=month)
                ),
            )
            .get(pk=tranche.pk)
        )
        _check_payable(locked)
        if locked.live_id is None and not locked.held and not locked.closed:
            return _pay_approved_tranche(actor=actor, tranche=locked, today=day, now=_now(now))
        # A payment prepared in a run, a held firm or a closed month: the general path.
        if locked.live_id is None:
            live = Disbursement(
                tranche=locked,
                amount=locked.amount,
                prepared_by_id=locked.created_by_id,
                approved_by_id=locked.approved_by_id,
                status=DisbursementStatus.APPROVED,
            )
            # Built from the locked tranche; the foreign keys need no SELECT each.
            live.clean_fields(exclude=["tranche", "run", "prepared_by", "approved_by"])
            live.save()
        else:
            live = Disbursement.objects.select_for_update().get(pk=locked.live_id)
        return _execute_locked(
            actor=actor, disbursement=live, tranche=locked, today=day, now=_now(now)
        )

    return _idempotent(
        command="tranche_disburse",
        key=idempotency_key,
        actor=actor,
        parts=(tranche.pk,),
        model=Disbursement,
        run=do,
    )


# --- payment runs ---------------------------------------------------------------------------


@transaction.atomic
def payment_run_prepare(*, actor: Actor, fund: Fund, tranches: Iterable[Tranche]) -> PaymentRun:
    """A batch of payments of approved tranches, for another official to approve."""
    _require_manager(actor)
    run = PaymentRun.objects.create(fund=fund, prepared_by=acting_user(actor))
    count = 0
    for tranche in sorted(tranches, key=lambda t: t.pk):
        if tranche.commitment.fund_id != fund.pk:
            raise _refuse("invalid", _("Every tranche of a run belongs to its fund."))
        disbursement_prepare(actor=actor, tranche=tranche, run=run)
        count += 1
    if count == 0:
        raise _refuse("invalid", _("A payment run needs at least one approved tranche."))
    record_event(instance=run, event="run_prepared", data={"payments": count})
    return run


@transaction.atomic
def payment_run_approve(
    *,
    actor: Actor,
    run: PaymentRun,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> PaymentRun:
    """Approve a run (four eyes) and execute its payments; firms on hold are held."""
    _require_manager(actor)
    locked = PaymentRun.objects.select_for_update().get(pk=run.pk)
    if locked.status != RunStatus.PREPARED:
        raise _refuse("invalid", _("Only a prepared run can be approved."))
    if locked.prepared_by_id == acting_user(actor).pk:
        raise _refuse("four_eyes", _("Four eyes: you prepared this run; another must approve."))
    moment = _now(now)
    for disbursement in locked.disbursements.filter(status=DisbursementStatus.PREPARED).order_by(
        "tranche_id"
    ):
        approved = disbursement_approve(actor=actor, disbursement=disbursement, now=moment)
        tranche = Tranche.objects.select_for_update().get(pk=approved.tranche_id)
        _execute_locked(
            actor=actor, disbursement=approved, tranche=tranche, today=_today(today), now=moment
        )
    locked.status = RunStatus.EXECUTED
    locked.approved_by = acting_user(actor)
    locked.approved_at = moment
    locked.save(update_fields=["status", "approved_by", "approved_at"])
    record_event(instance=locked, event="run_approved")
    return locked


# --- corrections ----------------------------------------------------------------------------


def entry_reverse(
    *,
    actor: Actor,
    entry: Entry,
    reason: str,
    idempotency_key: str | None = None,
    today: dt.date | None = None,
) -> Entry:
    """Correct an entry by posting its mirror (booked in the next open month if today's is
    closed). A reversed payment makes its tranche payable again."""
    _require_manager(actor)
    if not reason.strip():
        raise _refuse("invalid", _("Say why the entry is reversed."))

    @transaction.atomic(savepoint=False)  # inside _idempotent's transaction
    def do() -> Entry:
        disbursement = None
        tranche = None
        if entry.disbursement_id is not None:
            disbursement = Disbursement.objects.select_for_update().get(pk=entry.disbursement_id)
            tranche = (
                Tranche.objects.select_for_update(of=("self",))
                .select_related("commitment__recipient")
                .get(pk=disbursement.tranche_id)
            )
        original = Entry.objects.get(pk=entry.pk)
        if original.kind == EntryKind.REVERSAL:
            raise _refuse("invalid", _("A reversal is not reversed; post the entry again."))
        if Entry.objects.filter(reverses=original).exists():
            raise _refuse("invalid", _("This entry is already reversed."))
        mirror = _post(
            actor=actor,
            kind=EntryKind.REVERSAL,
            debit=original.credit_account,
            credit=original.debit_account,
            amount=original.amount,
            today=_today(today),
            commitment=original.commitment,
            disbursement=disbursement,
            reverses=original,
            memo=reason,
            correction=True,
        )
        if (
            disbursement is not None
            and tranche is not None
            and original.kind == EntryKind.DISBURSEMENT
        ):
            disbursement.status = DisbursementStatus.REVERSED
            disbursement.save(update_fields=["status"])
            tranche.status = TrancheStatus.APPROVED
            tranche.save(update_fields=["status"])
        record_event(
            instance=original, event="reversed", message=reason, data={"mirror": mirror.pk}
        )
        return mirror

    return _idempotent(
        command="entry_reverse",
        key=idempotency_key,
        actor=actor,
        parts=(entry.pk,),
        model=Entry,
        run=do,
    )


@transaction.atomic
def clawback_record(
    *,
    actor: Actor,
    commitment: Commitment,
    amount: Decimal | int | str,
    reason: str,
    today: dt.date | None = None,
) -> Entry:
    """Record money recovered from a firm (never more than it was paid)."""
    _require_manager(actor)
    locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
    entry = _post(
        actor=actor,
        kind=EntryKind.CLAWBACK,
        debit=locked.paid_account,
        credit=_system_account(locked.fund, AccountKind.CLAWBACK),
        amount=to_money(amount),
        today=_today(today),
        commitment=locked,
        memo=reason,
    )
    record_event(instance=locked, event="clawed_back", message=reason)
    return entry


@transaction.atomic
def period_close(
    *, actor: Actor, fund: Fund, month: dt.date, now: dt.datetime | None = None
) -> Period:
    """Close a month of the fund's books."""
    _require_manager(actor)
    # Lock the fund's appropriation so a close and a posting to it do not interleave.
    _lock_accounts(_system_account(fund, AccountKind.APPROPRIATION).pk)
    period = Period(
        fund=fund, month=month_of(month), closed_at=_now(now), closed_by=acting_user(actor)
    )
    period.full_clean()
    period.save()
    record_event(instance=period, event="period_closed")
    return period


# --- holds, expenditure ---------------------------------------------------------------------


@transaction.atomic
def recipient_hold_create(*, actor: Actor, enterprise: Enterprise, reason: str) -> RecipientHold:
    """Hold payments to a firm (deregistered, flagged), with the reason."""
    _require_manager(actor)
    hold = RecipientHold(enterprise=enterprise, reason=reason, created_by=acting_user(actor))
    hold.full_clean()
    hold.save()
    return hold


@transaction.atomic
def recipient_hold_lift(*, actor: Actor, hold: RecipientHold) -> RecipientHold:
    _require_manager(actor)
    hold.active = False
    hold.save(update_fields=["active"])
    return hold


@transaction.atomic
def fiscal_expenditure_set(
    *,
    actor: Actor,
    district: District | None,
    fiscal_year: int,
    amount: Decimal | int | str,
    source: str,
    provenance: str = Provenance.ENTERED,
) -> FiscalExpenditure:
    """A district's fiscal expenditure for a year, with its source (the ≥15% denominator)."""
    _require_manager(actor)
    row = FiscalExpenditure.objects.filter(district=district, fiscal_year=fiscal_year).first()
    if row is None:
        row = FiscalExpenditure(district=district, fiscal_year=fiscal_year)
    row.amount = to_money(amount)
    row.source = source
    row.provenance = provenance
    row.full_clean()
    row.save()
    return row
