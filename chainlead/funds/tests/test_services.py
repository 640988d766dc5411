import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from chainlead.core.exceptions import PermissionDenied
from chainlead.funds import services
from chainlead.funds.checks import ledger_violations
from chainlead.funds.choices import DisbursementStatus, EntryKind, TrancheStatus
from chainlead.funds.models import Entry
from chainlead.funds.selectors import fund_position
from chainlead.funds.tests.conftest import TODAY


def _approved_tranche(finance, finance2, line, firm, amount="100000.00"):
    commitment = services.commitment_create(
        actor=finance,
        line=line,
        recipient_enterprise=firm,
        amount=amount,
        reference="a:1",
        today=TODAY,
    )
    tranche = services.tranche_create(
        actor=finance, commitment=commitment, amount=amount, due_on=TODAY
    )
    return services.tranche_approve(actor=finance2, tranche=tranche)


def test_position_follows_the_money(finance, finance2, fund, line, firm):
    tranche = _approved_tranche(finance, finance2, line, firm, "120000.00")
    services.tranche_disburse(actor=finance, tranche=tranche, today=TODAY)
    p = fund_position(fund)
    assert p.appropriated == Decimal("1000000.00")
    assert p.committed == Decimal("120000.00")
    assert p.paid == Decimal("120000.00")
    assert p.available == Decimal("880000.00")
    assert p.lines[0].available == Decimal("380000.00")
    assert ledger_violations() == []


def test_a_line_is_never_committed_beyond_its_amount(finance, line, firm):
    services.commitment_create(
        actor=finance,
        line=line,
        recipient_enterprise=firm,
        amount="400000",
        reference="a",
        today=TODAY,
    )
    with pytest.raises(ValidationError) as refused:
        services.commitment_create(
            actor=finance,
            line=line,
            recipient_enterprise=firm,
            amount="100000.01",
            reference="b",
            today=TODAY,
        )
    assert refused.value.code == "over_budget"
    line.refresh_from_db()
    assert line.balance == Decimal("100000.00")


def test_floats_are_refused(finance, line, firm):
    with pytest.raises(TypeError):
        services.commitment_create(
            actor=finance,
            line=line,
            recipient_enterprise=firm,
            amount=0.1,
            reference="f",
            today=TODAY,
        )


def test_a_tranche_is_paid_once(finance, finance2, line, firm):
    tranche = _approved_tranche(finance, finance2, line, firm)
    services.tranche_disburse(actor=finance, tranche=tranche, today=TODAY)
    with pytest.raises(ValidationError) as refused:
        services.tranche_disburse(actor=finance, tranche=tranche, today=TODAY)
    assert refused.value.code == "already_paid"
    assert Entry.objects.filter(kind=EntryKind.DISBURSEMENT).count() == 1


def test_a_retry_with_the_same_key_returns_the_first_payment(finance, finance2, line, firm):
    tranche = _approved_tranche(finance, finance2, line, firm)
    first = services.tranche_disburse(
        actor=finance, tranche=tranche, idempotency_key="k1", today=TODAY
    )
    again = services.tranche_disburse(
        actor=finance, tranche=tranche, idempotency_key="k1", today=TODAY
    )
    assert again.pk == first.pk
    assert Entry.objects.filter(kind=EntryKind.DISBURSEMENT).count() == 1


def test_the_creator_cannot_approve_a_tranche(finance, line, firm):
    commitment = services.commitment_create(
        actor=finance,
        line=line,
        recipient_enterprise=firm,
        amount="10",
        reference="x",
        today=TODAY,
    )
    tranche = services.tranche_create(
        actor=finance, commitment=commitment, amount="10", due_on=TODAY
    )
    with pytest.raises(ValidationError) as refused:
        services.tranche_approve(actor=finance, tranche=tranche)
    assert refused.value.code == "four_eyes"


def test_an_unapproved_tranche_is_not_paid(finance, line, firm):
    commitment = services.commitment_create(
        actor=finance,
        line=line,
        recipient_enterprise=firm,
        amount="10",
        reference="x",
        today=TODAY,
    )
    tranche = services.tranche_create(
        actor=finance, commitment=commitment, amount="10", due_on=TODAY
    )
    with pytest.raises(ValidationError) as refused:
        services.tranche_disburse(actor=finance, tranche=tranche, today=TODAY)
    assert refused.value.code == "not_approved"


def test_a_run_needs_a_second_officer(finance, finance2, fund, line, firm):
    tranche = _approved_tranche(finance, finance2, line, firm)
    run = services.payment_run_prepare(actor=finance, fund=fund, tranches=[tranche])
    with pytest.raises(ValidationError) as refused:
        services.payment_run_approve(actor=finance, run=run, today=TODAY)
    assert refused.value.code == "four_eyes"
    services.payment_run_approve(actor=finance2, run=run, today=TODAY)
    tranche.refresh_from_db()
    assert tranche.status == TrancheStatus.PAID
    assert run.disbursements.get().approved_by == finance2


def test_a_held_firm_is_not_paid_and_says_why(finance, finance2, line, firm):
    services.recipient_hold_create(actor=finance, enterprise=firm, reason="deregistered 2026-02")
    tranche = _approved_tranche(finance, finance2, line, firm)
    paid = services.tranche_disburse(actor=finance, tranche=tranche, today=TODAY)
    assert paid.status == DisbursementStatus.HELD
    assert paid.hold_reason == "deregistered 2026-02"
    assert not Entry.objects.filter(kind=EntryKind.DISBURSEMENT).exists()


def test_a_closed_period_takes_no_entry_and_a_correction_goes_to_the_next(
    finance, finance2, fund, line, firm
):
    tranche = _approved_tranche(finance, finance2, line, firm)
    payment = services.tranche_disburse(actor=finance, tranche=tranche, today=TODAY)
    services.period_close(actor=finance, fund=fund, month=TODAY)
    with pytest.raises(ValidationError) as refused:
        services.commitment_create(
            actor=finance,
            line=line,
            recipient_enterprise=firm,
            amount="1",
            reference="late",
            today=TODAY,
        )
    assert refused.value.code == "period_closed"
    mirror = services.entry_reverse(
        actor=finance, entry=payment.entries.get(), reason="bank returned it", today=TODAY
    )
    assert mirror.period == dt.date(2026, 4, 1)
    tranche.refresh_from_db()
    assert tranche.status == TrancheStatus.APPROVED  # payable again
    assert ledger_violations() == []


def test_release_returns_unscheduled_money_to_the_line(finance, line, firm):
    commitment = services.commitment_create(
        actor=finance,
        line=line,
        recipient_enterprise=firm,
        amount="300",
        reference="r",
        today=TODAY,
    )
    services.tranche_create(actor=finance, commitment=commitment, amount="100", due_on=TODAY)
    entry = services.commitment_release(actor=finance, commitment=commitment, today=TODAY)
    assert entry is not None and entry.amount == Decimal("200.00")
    line.refresh_from_db()
    assert line.balance == Decimal("499900.00")


def test_entries_are_append_only_everywhere(finance, line):
    entry = Entry.objects.first()
    assert entry is not None
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    with pytest.raises(ValidationError):
        Entry.objects.filter(pk=entry.pk).update(amount=1)
    with pytest.raises(ValidationError):
        Entry.objects.all().delete()
    # And in the database, whoever connects.
    with pytest.raises(Exception) as trigger, transaction.atomic(), connection.cursor() as c:
        c.execute("UPDATE funds_entry SET amount = 1 WHERE id = %s", [entry.pk])
    assert "append-only" in str(trigger.value)


def test_a_reader_cannot_write(db, firm, line):
    from chainlead.accounts.choices import Role
    from chainlead.accounts.models import RoleGrant, User

    auditor = User.objects.create_user(username="aud", password=None)
    RoleGrant.objects.create(user=auditor, role=Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        services.commitment_create(
            actor=auditor,
            line=line,
            recipient_enterprise=firm,
            amount="1",
            reference="x",
            today=TODAY,
        )


def test_the_database_refuses_two_live_payments_of_a_tranche(finance, finance2, line, firm):
    from chainlead.funds.models import Disbursement

    tranche = _approved_tranche(finance, finance2, line, firm)
    Disbursement.objects.create(tranche=tranche, amount=1, prepared_by=finance)
    with pytest.raises(IntegrityError), transaction.atomic():
        Disbursement.objects.create(tranche=tranche, amount=1, prepared_by=finance)


def test_a_tranche_is_not_paid_in_a_closed_month(finance, finance2, fund, line, firm):
    tranche = _approved_tranche(finance, finance2, line, firm)
    services.period_close(actor=finance, fund=fund, month=TODAY)
    with pytest.raises(ValidationError) as refused:
        services.tranche_disburse(actor=finance, tranche=tranche, today=TODAY)
    assert refused.value.code == "period_closed"
    tranche.refresh_from_db()
    assert tranche.status == TrancheStatus.APPROVED
    assert not Entry.objects.filter(kind=EntryKind.DISBURSEMENT).exists()


def test_a_payment_prepared_in_a_run_is_executed_by_tranche_disburse(
    finance, finance2, fund, line, firm
):
    tranche = _approved_tranche(finance, finance2, line, firm)
    prepared = services.disbursement_prepare(actor=finance, tranche=tranche)
    with pytest.raises(ValidationError) as refused:
        services.tranche_disburse(actor=finance2, tranche=tranche, today=TODAY)
    assert refused.value.code == "not_approved"
    services.disbursement_approve(actor=finance2, disbursement=prepared)
    paid = services.tranche_disburse(actor=finance2, tranche=tranche, today=TODAY)
    assert paid.pk == prepared.pk
    assert paid.status == DisbursementStatus.PAID
    assert ledger_violations() == []


def test_a_supplementary_appropriation_adds_to_the_fund(finance, fund):
    before = fund_position(fund).appropriated
    entry = services.fund_appropriate(
        actor=finance, fund=fund, amount="250000.00", memo="年中追加", today=TODAY
    )
    assert entry.kind == EntryKind.FUNDING
    assert fund_position(fund).appropriated == before + Decimal("250000.00")
    assert ledger_violations() == []


def test_a_lifted_hold_lets_the_firm_be_paid(finance, finance2, line, firm):
    hold = services.recipient_hold_create(actor=finance, enterprise=firm, reason="核查中")
    services.recipient_hold_lift(actor=finance, hold=hold)
    hold.refresh_from_db()
    assert hold.active is False
    tranche = _approved_tranche(finance, finance2, line, firm)
    paid = services.tranche_disburse(actor=finance, tranche=tranche, today=TODAY)
    assert paid.status == DisbursementStatus.PAID


def test_an_approved_disbursement_is_executed_once(finance, finance2, line, firm):
    tranche = _approved_tranche(finance, finance2, line, firm)
    prepared = services.disbursement_prepare(actor=finance, tranche=tranche)
    services.disbursement_approve(actor=finance2, disbursement=prepared)
    paid = services.disbursement_execute(
        actor=finance2, disbursement=prepared, idempotency_key="exec-1", today=TODAY
    )
    again = services.disbursement_execute(
        actor=finance2, disbursement=prepared, idempotency_key="exec-1", today=TODAY
    )
    assert paid.status == DisbursementStatus.PAID and again.pk == paid.pk
    assert Entry.objects.filter(kind=EntryKind.DISBURSEMENT).count() == 1
    assert ledger_violations() == []
