"""`fund check`: recompute every balance from the entries and verify every rule.

All in SQL aggregates (GROUP BY over the entries), so memory stays flat however many entries
there are; the rows returned are per account or per offending tranche, never per entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db import connection

from chainlead.funds.choices import AccountKind, DisbursementStatus, EntryKind

ZERO = Decimal("0.00")


def _cny(fen: Any) -> Decimal:
    # Sums are taken in integer fen (CAST(ROUND(amount * 100) AS BIGINT)): exact on SQLite
    # too, which stores decimals as floating point.
    return (Decimal(int(fen)) / 100).quantize(Decimal("0.01"))


def _rows(sql: str, params: tuple[int | str | Decimal, ...] = ()) -> Iterator[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        yield from cursor.fetchall()


def ledger_violations() -> list[str]:
    """Every broken rule, one line each; empty when the ledger holds."""
    problems: list[str] = []
    debits = {
        int(pk): _cny(s)
        for pk, s in _rows(
            "SELECT debit_account_id, SUM(CAST(ROUND(amount * 100) AS BIGINT)) "
            "FROM funds_entry GROUP BY debit_account_id"
        )
    }
    credits = {
        int(pk): _cny(s)
        for pk, s in _rows(
            "SELECT credit_account_id, SUM(CAST(ROUND(amount * 100) AS BIGINT)) "
            "FROM funds_entry GROUP BY credit_account_id"
        )
    }
    total_debits = ZERO
    total_credits = ZERO
    for pk, kind, name, cached_debits, cached_credits in _rows(
        "SELECT id, kind, name, CAST(ROUND(debits_posted * 100) AS BIGINT), "
        "CAST(ROUND(credits_posted * 100) AS BIGINT) FROM funds_account ORDER BY id"
    ):
        account_id = int(pk)
        derived_debits = debits.get(account_id, ZERO)
        derived_credits = credits.get(account_id, ZERO)
        total_debits += derived_debits
        total_credits += derived_credits
        cached_debits, cached_credits = _cny(cached_debits), _cny(cached_credits)
        if (cached_debits, cached_credits) != (
            derived_debits,
            derived_credits,
        ):
            problems.append(
                f"account {account_id} ({name}): cached debits/credits {cached_debits}/"
                f"{cached_credits}, entries say {derived_debits}/{derived_credits}"
            )
        if kind != AccountKind.TREASURY and derived_credits < derived_debits:
            problems.append(
                f"account {account_id} ({name}): below its floor, balance "
                f"{derived_credits - derived_debits}"
            )
    if total_debits != total_credits:
        problems.append(f"debits {total_debits} ≠ credits {total_credits}")
    # A tranche is paid at most once: payment entries net of their reversals.
    for tranche_id, payments in _rows(
        """
        SELECT d.tranche_id,
               SUM(CASE WHEN e.kind = %s THEN 1 ELSE -1 END)
        FROM funds_entry e JOIN funds_disbursement d ON d.id = e.disbursement_id
        WHERE e.kind = %s OR (e.kind = %s AND e.reverses_id IN (
            SELECT id FROM funds_entry WHERE kind = %s))
        GROUP BY d.tranche_id
        HAVING SUM(CASE WHEN e.kind = %s THEN 1 ELSE -1 END) > 1
        """,
        (
            EntryKind.DISBURSEMENT,
            EntryKind.DISBURSEMENT,
            EntryKind.REVERSAL,
            EntryKind.DISBURSEMENT,
            EntryKind.DISBURSEMENT,
        ),
    ):
        problems.append(f"tranche T{int(tranche_id):06d} paid {payments} times")
    for tranche_id, count in _rows(
        "SELECT tranche_id, COUNT(*) FROM funds_disbursement WHERE status = %s "
        "GROUP BY tranche_id HAVING COUNT(*) > 1",
        (DisbursementStatus.PAID,),
    ):
        problems.append(f"tranche T{int(tranche_id):06d} has {count} paid disbursements")
    # Four eyes on every payment.
    for (ref,) in _rows(
        "SELECT id FROM funds_disbursement WHERE status = %s AND "
        "(approved_by_id IS NULL OR approved_by_id = prepared_by_id)",
        (DisbursementStatus.PAID,),
    ):
        problems.append(f"payment D{int(ref):06d} was not approved by a second person")
    # Both accounts of an entry belong to the entry's fund.
    for (entry_id,) in _rows(
        """
        SELECT e.id FROM funds_entry e
        JOIN funds_account d ON d.id = e.debit_account_id
        JOIN funds_account c ON c.id = e.credit_account_id
        WHERE d.fund_id <> e.fund_id OR c.fund_id <> e.fund_id
        """
    ):
        problems.append(f"entry E{entry_id} moves money between funds")
    # A closed month takes no entry after its closing.
    for entry_id, month in _rows(
        """
        SELECT e.id, p.month FROM funds_entry e
        JOIN funds_period p ON p.fund_id = e.fund_id AND p.month = e.period
        WHERE e.created_at > p.closed_at
        """
    ):
        problems.append(f"entry E{entry_id} was booked in {month} after it closed")
    return problems
