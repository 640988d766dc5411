"""The payment fast path (funds/payments.py): the common case in a few statements, every other
case declined with nothing written and decided by the general path."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chainlead.audit.models import AuditEntry
from chainlead.funds import payments, services
from chainlead.funds.checks import ledger_violations
from chainlead.funds.choices import DisbursementStatus, EntryKind, TrancheStatus
from chainlead.funds.models import Account, CommandRecord, Disbursement, Entry, Tranche
from chainlead.funds.tests.conftest import TODAY

NOW = dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.UTC)


def _approved_tranche(finance, finance2, line, firm, amount="100.00", reference="p:1"):
    commitment = services.commitment_create(
        actor=finance,
        line=line,
        recipient_enterprise=firm,
        amount=amount,
        reference=reference,
        today=TODAY,
    )
    tranche = services.tranche_create(
        actor=finance, commitment=commitment, amount=amount, due_on=TODAY
    )
    return services.tranche_approve(actor=finance2, tranche=tranche)


def _counts():
    return (
        Entry.objects.count(),
        Disbursement.objects.count(),
        CommandRecord.objects.count(),
        AuditEntry.objects.count(),
        list(Account.objects.order_by("pk").values_list("debits_posted", "credits_posted")),
    )


def _payment_statements(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT"))
    ]


def test_the_common_case_writes_what_the_general_path_writes(finance, finance2, line, firm):
    warm = _approved_tranche(finance, finance2, line, firm, reference="warm")
    services.tranche_disburse(actor=finance, tranche=warm, today=TODAY)  # content types cached
    tranche = _approved_tranche(finance, finance2, line, firm, amount="1234.56")
    commitment = tranche.commitment
    with CaptureQueriesContext(connection) as queries:
        paid = services.tranche_disburse(
            actor=finance, tranche=tranche, idempotency_key="fast-1", today=TODAY, now=NOW
        )
    # PostgreSQL: one call of funds_pay_tranche (claim, lock, writes, the audit event), after
    # the ids it needs, drawn a block at a time per connection; the chain is linked after the
    # commit. SQLite: the claim apart, six writes, the audit event inserted linked in the same
    # transaction (the chain head read and moved: SQLite's writers are serialised anyway).
    statements = _payment_statements(queries)
    if connection.vendor == "postgresql":
        drawn = [s for s in statements if "nextval" in s]
        assert len(drawn) <= 1, statements
        assert len(statements) == 1 + len(drawn), statements
        assert "funds_pay_tranche" in statements[-1]
    else:
        assert len(statements) == 11, statements
        assert AuditEntry.objects.get(event="paid", object_id=str(paid.pk)).seq is not None
    stored = Disbursement.objects.get(pk=paid.pk)
    assert (stored.status, stored.amount, stored.paid_at) == (
        DisbursementStatus.PAID,
        Decimal("1234.56"),
        NOW,
    )
    assert (stored.prepared_by_id, stored.approved_by_id, stored.executed_by_id) == (
        finance.pk,
        finance2.pk,
        finance.pk,
    )
    assert (paid.ref, paid.amount, paid.status) == (stored.ref, stored.amount, stored.status)
    entry = Entry.objects.get(disbursement=stored)
    assert (entry.kind, entry.amount, entry.period, entry.memo) == (
        EntryKind.DISBURSEMENT,
        Decimal("1234.56"),
        dt.date(2026, 3, 1),
        tranche.ref,
    )
    assert (entry.debit_account_id, entry.credit_account_id, entry.commitment_id) == (
        commitment.account_id,
        commitment.paid_account_id,
        commitment.pk,
    )
    assert Account.objects.get(pk=commitment.account_id).balance == Decimal("0.00")
    assert Account.objects.get(pk=commitment.paid_account_id).balance == Decimal("1234.56")
    assert Tranche.objects.get(pk=tranche.pk).status == TrancheStatus.PAID
    assert CommandRecord.objects.get(key="fast-1").result_id == stored.pk
    event = AuditEntry.objects.get(event="paid", object_id=str(stored.pk))
    assert event.after == {"amount": "1234.56", "tranche": tranche.ref, "entry": entry.pk}
    assert ledger_violations() == []


def test_a_retry_and_a_reused_key_are_declined_to_the_general_path(finance, finance2, line, firm):
    first = _approved_tranche(finance, finance2, line, firm, reference="a")
    other = _approved_tranche(finance, finance2, line, firm, reference="b")
    paid = services.tranche_disburse(actor=finance, tranche=first, idempotency_key="k", today=TODAY)
    before = _counts()
    # The key is taken: nothing written, the general path returns the first payment.
    declined = payments.pay_approved_tranche(
        actor=finance, tranche=first, idempotency_key="k", today=TODAY, now=NOW
    )
    assert declined is None
    assert _counts() == before
    again = services.tranche_disburse(
        actor=finance, tranche=first, idempotency_key="k", today=TODAY
    )
    assert again.pk == paid.pk
    with pytest.raises(ValidationError) as refused:
        services.tranche_disburse(actor=finance, tranche=other, idempotency_key="k", today=TODAY)
    assert refused.value.code == "idempotency_conflict"
    assert _counts() == before


def test_a_held_firm_is_declined_with_nothing_written(finance, finance2, line, firm):
    tranche = _approved_tranche(finance, finance2, line, firm)
    services.recipient_hold_create(actor=finance, enterprise=firm, reason="deregistered")
    before = _counts()
    declined = payments.pay_approved_tranche(
        actor=finance, tranche=tranche, idempotency_key="h", today=TODAY, now=NOW
    )
    assert declined is None
    assert _counts() == before  # the key's claim is rolled back too
    held = services.tranche_disburse(actor=finance, tranche=tranche, today=TODAY)
    assert held.status == DisbursementStatus.HELD


def test_over_the_floor_is_declined_and_refused_by_the_general_path(finance, finance2, line, firm):
    tranche = _approved_tranche(finance, finance2, line, firm)
    # Reverse the commitment's entry: the commitment's account is empty, the tranche approved.
    committed = Entry.objects.get(commitment=tranche.commitment, kind=EntryKind.COMMITMENT)
    services.entry_reverse(actor=finance, entry=committed, reason="test", today=TODAY)
    before = _counts()
    assert (
        payments.pay_approved_tranche(
            actor=finance, tranche=tranche, idempotency_key=None, today=TODAY, now=NOW
        )
        is None
    )
    assert _counts() == before
    with pytest.raises(ValidationError) as refused:
        services.tranche_disburse(actor=finance, tranche=tranche, today=TODAY)
    assert refused.value.code == "over_budget"
    assert _counts()[:2] == before[:2]
    assert ledger_violations() == []


def test_a_tranche_its_creator_approved_is_declined(finance, finance2, line, firm):
    tranche = _approved_tranche(finance, finance2, line, firm)
    # A row the services would never write (tranche_approve refuses it): four eyes still hold.
    Tranche.objects.filter(pk=tranche.pk).update(approved_by=finance)
    before = _counts()
    assert (
        payments.pay_approved_tranche(
            actor=finance, tranche=tranche, idempotency_key=None, today=TODAY, now=NOW
        )
        is None
    )
    assert _counts() == before
    with pytest.raises(ValidationError) as refused:
        services.tranche_disburse(actor=finance, tranche=tranche, today=TODAY)
    assert refused.value.code == "four_eyes"


@pytest.mark.django_db(transaction=True)
def test_a_payment_outside_a_transaction_is_linked_right_after_its_commit(
    finance, finance2, line, firm
):
    # PostgreSQL runs the payment, its commit and the audit linker's first pass in one CALL (the
    # pass after the payment's commit, in its own transaction); SQLite links in the payment's
    # transaction. Either way the entry is linked when the call returns, and a declined payment
    # (a reused key) leaves nothing pending either.
    from chainlead.audit.chain import verify

    tranche = _approved_tranche(finance, finance2, line, firm, reference="rt")
    paid = services.tranche_disburse(
        actor=finance, tranche=tranche, idempotency_key="rt", today=TODAY
    )
    event = AuditEntry.objects.get(event="paid", object_id=str(paid.pk))
    assert event.seq is not None
    other = _approved_tranche(finance, finance2, line, firm, reference="rt2")
    declined = payments.pay_approved_tranche(
        actor=finance, tranche=other, idempotency_key="rt", today=TODAY, now=NOW
    )
    assert declined is None
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    verdict = verify()
    assert (verdict.ok, verdict.pending) == (True, 0), verdict


@pytest.mark.django_db(transaction=True)
def test_payments_in_a_row_each_linked_a_declined_one_between(finance, finance2, line, firm):
    # On PostgreSQL the payments reuse the connection's driver cursor (nothing logs the queries
    # here): a payment after a declined one (an error raised inside the CALL) still pays, and
    # every entry is linked when its call returns; the chain verifies.
    from chainlead.audit.chain import verify

    paid = []
    for n in range(4):
        tranche = _approved_tranche(finance, finance2, line, firm, reference=f"row{n}")
        if n == 2:
            # Over its commitment's floor: the function raises CL001 inside the CALL.
            Tranche.objects.filter(pk=tranche.pk).update(amount=Decimal("999.00"))
            tranche.amount = Decimal("999.00")
            assert (
                payments.pay_approved_tranche(
                    actor=finance, tranche=tranche, idempotency_key=f"row{n}", today=TODAY, now=NOW
                )
                is None
            )
            continue
        paid.append(
            services.tranche_disburse(
                actor=finance, tranche=tranche, idempotency_key=f"row{n}", today=TODAY
            )
        )
    assert [d.status for d in paid] == [DisbursementStatus.PAID] * 3
    events = AuditEntry.objects.filter(event="paid", object_id__in=[str(d.pk) for d in paid])
    assert sorted(e.seq is not None for e in events) == [True] * 3
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    verdict = verify()
    assert (verdict.ok, verdict.pending) == (True, 0), verdict
    assert ledger_violations() == []


def test_the_fast_path_builds_the_disbursement_in_the_models_field_order():
    # `_pay_postgresql` builds the instance positionally, as `Model.from_db` does.
    assert (
        tuple(f.attname for f in Disbursement._meta.concrete_fields)
        == payments._DISBURSEMENT_FIELDS
    )


@pytest.mark.django_db(transaction=True)
def test_a_payment_while_another_writer_links_leaves_its_entry_to_that_linker(
    finance, finance2, line, firm
):
    # PostgreSQL (funds.0007): the payment commits inside its CALL, then its pass finds the
    # linker's lock taken by a gathering linker and leaves its entry to it: the payment is paid
    # and returned at once, its entry pending until that linker's pass, which links it.
    if connection.vendor != "postgresql":
        pytest.skip("SQLite links in the payment's transaction")
    from chainlead.audit import chain
    from chainlead.audit.testing import linker_holding_its_lock

    tranche = _approved_tranche(finance, finance2, line, firm, reference="held")
    chain.link_sealed()
    holder, outcome = linker_holding_its_lock(gather=1.5)
    paid = services.tranche_disburse(
        actor=finance, tranche=tranche, idempotency_key="held", today=TODAY
    )
    assert paid.status == DisbursementStatus.PAID
    assert Tranche.objects.get(pk=tranche.pk).status == TrancheStatus.PAID  # committed
    event = AuditEntry.objects.get(event="paid", object_id=str(paid.pk))
    assert event.seq is None  # left to the linker holding the lock
    holder.join(timeout=30)
    assert outcome == [1]
    event.refresh_from_db()
    assert event.seq is not None
    verdict = chain.verify()
    assert (verdict.ok, verdict.pending) == (True, 0), verdict
    assert ledger_violations() == []


@pytest.mark.django_db(transaction=True)
def test_a_payment_links_an_entry_another_writer_left_and_looks_after(
    finance, finance2, line, firm
):
    # PostgreSQL: an entry another writer committed and left (the linker's lock was taken by a
    # session that has since let go without looking, as after a crash) is linked by the next
    # payment's own pass, in id order before the payment's, and the look after that pass finds
    # nothing waiting: nothing pending when the payment returns.
    if connection.vendor != "postgresql":
        pytest.skip("SQLite links in the payment's transaction")
    from chainlead.audit import chain
    from chainlead.audit.services import record_event
    from chainlead.audit.testing import linker_lock_held_elsewhere

    tranche = _approved_tranche(finance, finance2, line, firm, reference="after")
    with linker_lock_held_elsewhere():
        record_event(instance=finance, event="test.left")  # its pass finds the lock taken
    left = AuditEntry.objects.get(event="test.left")
    assert left.seq is None
    paid = services.tranche_disburse(actor=finance, tranche=tranche, today=TODAY)
    event = AuditEntry.objects.get(event="paid", object_id=str(paid.pk))
    left.refresh_from_db()
    assert left.seq is not None and event.seq == left.seq + 1
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    verdict = chain.verify()
    assert (verdict.ok, verdict.pending) == (True, 0), verdict
