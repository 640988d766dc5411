"""The payment of an approved tranche in as few statements as the rules allow (issue 10).

`services.tranche_disburse` tries `pay_approved_tranche` first. It pays only the common case:
an approved tranche (four eyes: approved by someone other than its creator) with no payment
under way, to a firm on no hold list, in an open month, with room on the commitment's
account. Anything else (a payment prepared in a run, a held firm, a closed month, a retried
idempotency key, over budget, not approved, already paid) is *declined*: everything written
is rolled back and the general path in `services` runs instead, under its own locks, and
pays, holds or refuses with its one-line reason. So every refusal and every unusual case
keeps one implementation; this module adds speed, not rules.

The same guarantees, from the same mechanisms:

- idempotency key: claimed first, with INSERT … ON CONFLICT DO NOTHING on its unique index (a
  concurrent duplicate waits there for the first to commit, then finds the key taken and is
  declined: the general path returns the first result or refuses a different command), in
  the same order as the general path (key, then tranche), so the two never deadlock;
- tranche paid once: its row is locked (FOR UPDATE; SQLite's IMMEDIATE transactions serialise
  writers) and PostgreSQL re-checks `status = 'approved'` on the row it waited for; a live
  disbursement of the tranche is excluded by the partial unique index either way;
- floors: the cached sums are updated with the floor in the UPDATE's WHERE, which PostgreSQL
  re-evaluates on the locked row (and the account's CHECK constraint backs it);
- closed periods and holds: read in the statement that locks the tranche, as the general path
  reads them;
- audit: one business event "paid" through the audit app (the entry `record_event` writes,
  sealed by `audit.services.event_values_sealed_as`/`record_event_sealed`), the last write before
  the commit; the audit chain links it after the commit (on SQLite, in the same transaction).

On PostgreSQL a payment is one statement: `funds_pay_tranche` (migration funds.0004), a
PL/pgSQL function running the same steps in the same order, each with a fresh snapshot, and
raising CL001 to undo the claim when a check after it fails. The audit entry is sealed in
Python first, so the payment's and entry's ids are drawn from their sequences ahead (a block per
connection while payments follow each other, `_draw_ids`). Outside a transaction it runs inside
one CALL of the procedure `funds_pay_and_link` (migration funds.0007): the payment, its COMMIT
(the WAL flush waited for), the audit linker's first pass (`audit_link_committed`, its own
transaction after the commit, as `link_after_commit` runs it) and, when that pass linked, its
COMMIT and the look for entries committed meanwhile: one statement and one reply, on a driver
cursor kept with the connection (Django's wrapped cursor only when something logs or wraps the
queries). When the pass finds another writer linking (most payments under load), nothing more
is done here: that writer looks again after it lets go; when the look finds entries waiting,
the gathering passes run as after any commit (`audit.chain.link_after_looked_pass`). Before
(ninth session), the statement, a Sync and the pass went in psycopg's pipeline mode, which
costs the client about twice the Python of two plain statements, and the look took a round trip
of its own: a payment's CPU under 16 writers is about a sixth less with the CALL (docs/funds.md,
tenth session). The audit entry's values are sealed from its fields directly
(`event_values_sealed_as`, no `AuditEntry` built) and the disbursement is built positionally,
both by `pay_arguments`, which the batcher shares.
Inside a caller's transaction (a procedure that commits cannot run there) the function is called
in a savepoint and the entry is linked after the caller's commit.

With a payment batcher configured (`funds/batcher.py`), a payment outside a transaction is sent
to it instead (`_pay_through_batcher`): the batcher builds the same arguments
(`batch_arguments`) and pays many in one transaction; declined there, the general path decides;
not reached or its answer lost, this process pays as above under the same key.

Not done, measured: linking the entry inside `funds_pay_tranche` (inserted linked, the chain
head locked with FOR UPDATE until the payment's commit) takes the separate linker's work off a
payment (CPU per payment about a quarter less under 16 writers) but serialises every payment's
commit, WAL flush included, behind the head: payments per second fell (wall ratio 0.111-0.118
against 0.124-0.164 in the same session), so the gathering linker after the commit stays
(docs/funds.md). On SQLite the claim, the locked read and the six
writes are separate statements, serialised by the write lock, and the audit entry is inserted
already linked in the payment's transaction (`audit.chain.links_in_writer_transaction`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sys
import time
import weakref
from contextlib import nullcontext
from decimal import Decimal
from typing import Any, cast

from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    connection,
    connections,
    transaction,
)
from django.db.backends.utils import CursorDebugWrapper
from django.utils import timezone

from chainlead.accounts.types import Actor, acting_user
from chainlead.audit.chain import first_pass_arguments, link_after_commit, link_after_looked_pass
from chainlead.audit.services import (
    audit_context_fields,
    event_values_sealed_as,
    record_event_sealed,
)
from chainlead.funds import batcher
from chainlead.funds.choices import (
    LIVE_DISBURSEMENT_STATUSES,
    DisbursementStatus,
    EntryKind,
    TrancheStatus,
)
from chainlead.funds.constants import CENT, SLEEP_BEFORE_COMMIT_ENV
from chainlead.funds.models import Disbursement, Tranche, month_of

COMMAND = "tranche_disburse"


class _DeclinedError(Exception):
    """Not the common case: roll back what was written and take the general path."""


def fault_point() -> None:
    """The fault test kills the process here: the payment rows are written, not committed."""
    delay = os.environ.get(SLEEP_BEFORE_COMMIT_ENV)
    if delay:
        sys.stdout.write("FUNDS-FAULT-POINT\n")  # the test waits for this line
        sys.stdout.flush()
        time.sleep(float(delay))


def command_fingerprint(command: str, *parts: object) -> str:
    """What an idempotency key is bound to (the general path's `_idempotent` computes the
    same): a retry with the key for another command or other arguments is refused."""
    return hashlib.sha256(repr((command, *parts)).encode()).hexdigest()


def _live_statuses() -> str:
    return ", ".join(f"'{status.value}'" for status in LIVE_DISBURSEMENT_STATUSES)


# The tranche's row and what paying it depends on besides the accounts, in one statement. The
# conditions left out of the WHERE are the general path's: a row comes back only when the
# common case holds. Literals are the choices' values (no user input).
_PAYABLE_COLUMNS = """t.amount, t.created_by_id, t.approved_by_id,
       c.id, c.fund_id, c.account_id, c.paid_account_id"""
_PAYABLE_WHERE = f"""
FROM funds_tranche t JOIN funds_commitment c ON c.id = t.commitment_id
WHERE t.id = %s
  AND t.status = '{TrancheStatus.APPROVED.value}'
  AND t.approved_by_id IS NOT NULL AND t.approved_by_id <> t.created_by_id
  AND NOT EXISTS (SELECT 1 FROM funds_disbursement d
                  WHERE d.tranche_id = t.id AND d.status IN ({_live_statuses()}))
  AND NOT EXISTS (SELECT 1 FROM funds_recipienthold h
                  WHERE h.enterprise_id = c.recipient_id AND h.active)
  AND NOT EXISTS (SELECT 1 FROM funds_period p WHERE p.fund_id = c.fund_id AND p.month = %s)"""  # noqa: S608 (constants only)
_PAYABLE_SQL = f"SELECT {_PAYABLE_COLUMNS}{_PAYABLE_WHERE}"

_CLAIM_SQL = """
INSERT INTO funds_commandrecord (key, command, fingerprint, result_id, actor_id, created_at)
VALUES (%s, %s, %s, 0, %s, %s)
ON CONFLICT (key) DO NOTHING
RETURNING id"""


def _claim_args(key: str, tranche_id: int, actor_id: int, created_at: Any) -> list[Any]:
    return [key, COMMAND, command_fingerprint(COMMAND, tranche_id), actor_id, created_at]


def _claim_and_lock(
    cursor: Any, *, tranche_id: int, period: Any, claim: list[Any] | None
) -> tuple[int, tuple[Any, ...]]:
    """Claim the idempotency key (when `claim` gives its values), then lock the tranche and
    read it with its commitment when it is payable by this path: (the key's record id or 0,
    the row). Declined when the key is taken (a retry, or a key reused) or the tranche is not
    the common case.

    The claim first, then the read (PostgreSQL does both in `funds_pay_tranche`)."""
    sql = _PAYABLE_SQL
    params: list[Any] = [tranche_id, period]
    claim_id = 0
    if claim is not None:
        cursor.execute(_CLAIM_SQL, claim)
        claimed = cursor.fetchone()
        if claimed is None:
            raise _DeclinedError
        claim_id = int(claimed[0])
    if connection.features.has_select_for_update:
        sql += " " + connection.ops.for_update_sql(of=("t",))
    cursor.execute(sql, params)
    row = cursor.fetchone()
    if row is None:
        raise _DeclinedError
    return claim_id, tuple(row)


def _write_sqlite(cursor: Any, values: dict[str, Any]) -> tuple[int, int]:
    """The same writes as `_write_postgresql`, one statement each (SQLite has no data-modifying
    CTEs; its IMMEDIATE transaction holds the write lock already). Amounts are cast to NUMERIC
    as Django casts them: an expression has no affinity, so text would not compare as a
    number."""
    cursor.execute(
        "UPDATE funds_account SET debits_posted = debits_posted + CAST(%s AS NUMERIC) "
        "WHERE id = %s AND credits_posted - debits_posted >= CAST(%s AS NUMERIC)",
        [values["amount"], values["debit"], values["amount"]],
    )
    if cursor.rowcount != 1:
        raise _DeclinedError
    cursor.execute(
        "UPDATE funds_account SET credits_posted = credits_posted + CAST(%s AS NUMERIC) "
        "WHERE id = %s",
        [values["amount"], values["credit"]],
    )
    cursor.execute(
        "INSERT INTO funds_disbursement (tranche_id, run_id, amount, status, hold_reason, "
        "prepared_by_id, approved_by_id, executed_by_id, created_at, paid_at) "
        "VALUES (%s, NULL, %s, %s, '', %s, %s, %s, %s, %s) RETURNING id",
        [
            values["tranche"],
            values["amount"],
            DisbursementStatus.PAID.value,
            values["prepared_by"],
            values["approved_by"],
            values["actor"],
            values["created_at"],
            values["paid_at"],
        ],
    )
    disbursement_id = int(cursor.fetchone()[0])
    cursor.execute(
        "INSERT INTO funds_entry (fund_id, kind, debit_account_id, credit_account_id, amount, "
        "period, memo, commitment_id, disbursement_id, reverses_id, created_by_id, created_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, NULL, %s, %s) RETURNING id",
        [
            values["fund"],
            EntryKind.DISBURSEMENT.value,
            values["debit"],
            values["credit"],
            values["amount"],
            values["period"],
            values["memo"],
            values["commitment"],
            disbursement_id,
            values["actor"],
            values["created_at"],
        ],
    )
    entry_id = int(cursor.fetchone()[0])
    cursor.execute(
        "UPDATE funds_tranche SET status = %s WHERE id = %s",
        [TrancheStatus.PAID.value, values["tranche"]],
    )
    if values["claim"]:
        cursor.execute(
            "UPDATE funds_commandrecord SET result_id = %s WHERE id = %s",
            [disbursement_id, values["claim"]],
        )
    return disbursement_id, entry_id


def _cursor() -> Any:
    """The fast path's cursor. On PostgreSQL one that binds parameters on the server, with
    psycopg preparing each statement the first time this connection runs it: the two long
    statements above are then parsed and planned once per connection, not once per payment
    (issue 10). Django's own cursors bind on the client and never prepare, so enabling
    preparation on the connection changes nothing else. Not behind a transaction-pooling
    pooler (`DISABLE_SERVER_SIDE_CURSORS`, Django's setting for one), where a prepared
    statement may be missing on the next transaction's server connection."""
    if connection.vendor != "postgresql" or connection.settings_dict.get(
        "DISABLE_SERVER_SIDE_CURSORS"
    ):
        return connection.cursor()
    import psycopg

    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:  # Django's default: preparation off
        raw.prepare_threshold = 0
    cursor: Any = psycopg.Cursor(raw)
    # Wrapped as `connection.cursor()` wraps its cursors (query logging when on).
    if connection.queries_logged:
        return _LoggedCursor(cursor, connection)
    return connection.make_cursor(cursor)


class _LoggedCursor(CursorDebugWrapper):
    """Logs a statement as written, placeholders included: Django's logging reads the client
    cursor's composed query, which a server-binding cursor does not have."""

    def execute(self, sql: Any, params: Any = None) -> Any:
        with self.debug_sql(sql, params):
            return self._execute_with_wrappers(sql, params, many=False, executor=self._execute)


def pay_approved_tranche(
    *,
    actor: Actor,
    tranche: Tranche,
    idempotency_key: str | None,
    today: dt.date,
    now: dt.datetime,
) -> Disbursement | None:
    """Pay the tranche when it is the common case (see the module's docstring); None, having
    written nothing, when it is not. The caller has checked that `actor` manages the fund."""
    if connection.vendor == "postgresql":
        return _pay_postgresql(
            actor=actor, tranche=tranche, idempotency_key=idempotency_key, today=today, now=now
        )
    tranche_id = tranche.pk
    user = acting_user(actor)
    ops = connection.ops
    created_at = timezone.now()
    period = month_of(today)
    try:
        with transaction.atomic(), _cursor() as cursor:
            claim, row = _claim_and_lock(
                cursor,
                tranche_id=tranche_id,
                period=ops.adapt_datefield_value(period),
                claim=(
                    _claim_args(
                        idempotency_key,
                        tranche_id,
                        user.pk,
                        ops.adapt_datetimefield_value(created_at),
                    )
                    if idempotency_key
                    else None
                ),
            )
            amount_raw, created_by, approved_by, commitment, fund, debit, credit = row
            amount = Decimal(str(amount_raw)).quantize(CENT)  # SQLite may give a float
            memo = f"T{tranche_id:06d}"
            values = {
                "amount": amount,
                "debit": debit,
                "credit": credit,
                "tranche": tranche_id,
                "prepared_by": created_by,
                "approved_by": approved_by,
                "actor": user.pk,
                "created_at": ops.adapt_datetimefield_value(created_at),
                "paid_at": ops.adapt_datetimefield_value(now),
                "fund": fund,
                "period": ops.adapt_datefield_value(period),
                "memo": memo,
                "commitment": commitment,
                "claim": claim,
            }
            disbursement_id, entry_id = _write_sqlite(cursor, values)
            disbursement = Disbursement(
                pk=disbursement_id,
                tranche_id=tranche_id,
                run=None,
                amount=amount,
                status=DisbursementStatus.PAID,
                hold_reason="",
                prepared_by_id=created_by,
                approved_by_id=approved_by,
                executed_by_id=user.pk,
                created_at=created_at,
                paid_at=now,
            )
            disbursement._state.adding = False
            disbursement._state.db = connection.alias
            # Last write before the commit, as in the general path.
            record_event_sealed(
                instance=disbursement,
                event="paid",
                data={"amount": amount, "tranche": memo, "entry": entry_id},
                cursor=cursor,  # prepared on PostgreSQL, as the payment's statements
            )
            fault_point()
    except (_DeclinedError, IntegrityError):
        # IntegrityError: a payment prepared by a transaction that committed while this one
        # waited for the tranche (the unique index refused a second live one). Either way
        # nothing was written; the general path decides.
        return None
    return disbursement


# PostgreSQL: the payment in one statement (migration funds.0004), the ids drawn ahead; outside
# a transaction, with its commit and the audit linker's first pass and look in one CALL
# (migration funds.0007).
_PAY_SQL = f"SELECT prepared_by, approved_by FROM funds_pay_tranche({', '.join(['%s'] * 28)})"  # noqa: S608
_PAY_AND_LINK_SQL = f"CALL funds_pay_and_link({', '.join(['%s'] * 30)}, NULL, NULL, NULL, NULL)"
_DECLINED = "CL001"  # the SQLSTATE `funds_pay_tranche` raises when it is not the common case
# Ids drawn ahead per connection: a block grows (to `_MAX_BLOCK`) while payments follow each
# other within `_FRESH_SECONDS`, and ids older than that are dropped (a gap, as a rolled-back
# insert leaves), so a payment's id stays close to its time and the ids of one process's
# payments increase.
_MAX_BLOCK = 16
_FRESH_SECONDS = 1.0


class _DrawnIds:
    """Per connection: the ids drawn ahead, and the hot path's driver cursor (reused: a psycopg
    cursor is built and wrapped per call otherwise)."""

    def __init__(self) -> None:
        self.pairs: list[tuple[int, int]] = []
        self.block = 1
        self.drawn_at = 0.0
        self.cursor: Any = None


_drawn: weakref.WeakKeyDictionary[Any, _DrawnIds] = weakref.WeakKeyDictionary()


def _hot_cursor(db: Any) -> Any:
    """The payment's cursor on the hot path, the driver's own (server-binding, prepared as
    `_cursor` prepares), kept with the connection. Only when nothing watches the queries
    (`_watched`): Django's wrapper is what logs them."""
    import psycopg

    db.ensure_connection()
    raw = db.connection
    if raw.prepare_threshold is None:  # Django's default: preparation off
        raw.prepare_threshold = 0
    state = _drawn.get(raw)
    if state is None:
        state = _drawn[raw] = _DrawnIds()
    if state.cursor is None:
        state.cursor = psycopg.Cursor(raw)
    return state.cursor


def _watched(db: Any) -> bool:
    """Whether Django logs this connection's queries or wraps their execution (a test's
    CaptureQueriesContext, `connection.execute_wrapper`): then every statement goes through
    Django's cursor."""
    return bool(db.queries_logged or db.execute_wrappers)


def _draw_ids(cursor: Any, db: Any) -> tuple[int, int]:
    """The next (disbursement id, entry id) for this connection, from its sequences."""
    raw = db.connection
    drawn = _drawn.get(raw)
    if drawn is None:
        drawn = _drawn[raw] = _DrawnIds()
    moment = time.monotonic()
    if drawn.pairs and moment - drawn.drawn_at > _FRESH_SECONDS:
        drawn.pairs.clear()
        drawn.block = 1
    if not drawn.pairs:
        if moment - drawn.drawn_at <= _FRESH_SECONDS:
            drawn.block = min(2 * drawn.block, _MAX_BLOCK)
        else:
            drawn.block = 1
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('funds_disbursement', 'id')), "
            "nextval(pg_get_serial_sequence('funds_entry', 'id')) "
            "FROM generate_series(1, %s)",
            [drawn.block],
        )
        drawn.pairs = [(int(d), int(e)) for d, e in reversed(cursor.fetchall())]
        drawn.drawn_at = moment
    return drawn.pairs.pop()


# The disbursement's columns in the model's field order (`_pay_postgresql` builds it so).
_DISBURSEMENT_FIELDS = (
    "id",
    "tranche_id",
    "run_id",
    "amount",
    "status",
    "hold_reason",
    "prepared_by_id",
    "approved_by_id",
    "executed_by_id",
    "created_at",
    "paid_at",
)


def _paid(
    alias: str,
    disbursement_id: int,
    *,
    tranche_id: int,
    amount: Decimal,
    actor_id: int,
    created_at: dt.datetime,
    paid_at: dt.datetime,
    prepared_by: int | None = None,
    approved_by: int | None = None,
) -> Disbursement:
    """The paid disbursement as `Model.from_db` builds a row read back (positional, in the
    model's field order: a third of the cost of keyword arguments)."""
    return Disbursement.from_db(
        alias,
        _DISBURSEMENT_FIELDS,
        (
            disbursement_id,
            tranche_id,
            None,  # run
            amount,
            DisbursementStatus.PAID,
            "",  # hold_reason
            prepared_by,
            approved_by,
            actor_id,  # executed_by
            created_at,
            paid_at,
        ),
    )


def _pay_postgresql(
    *,
    actor: Actor,
    tranche: Tranche,
    idempotency_key: str | None,
    today: dt.date,
    now: dt.datetime,
) -> Disbursement | None:
    """`pay_approved_tranche` on PostgreSQL. Outside a transaction, one CALL of
    `funds_pay_and_link` (migration funds.0007: the payment's statement, its COMMIT, the audit
    linker's first pass and, when it linked, the look after it; one round trip); inside the
    caller's, one call of `funds_pay_tranche` in a savepoint, linked after the caller's commit.
    The audit entry is sealed here first, so the payment's ids are drawn ahead."""
    db = connections[DEFAULT_DB_ALIAS]  # the proxy `connection` costs a lookup per attribute
    user = acting_user(actor)
    created_at = timezone.now()
    period = month_of(today)
    amount = Decimal(tranche.amount).quantize(CENT)
    # A transaction of our own only for the fault test, which needs a moment before the commit.
    atomic = db.in_atomic_block or bool(os.environ.get(SLEEP_BEFORE_COMMIT_ENV))
    if not atomic and idempotency_key:
        batched = _pay_through_batcher(
            tranche=tranche,
            amount=amount,
            period=period,
            key=idempotency_key,
            actor_id=user.pk,
            created_at=created_at,
            now=now,
            db=db,
        )
        if batched is not _PAY_HERE:
            # Paid there, or None: declined there, and the general path decides.
            return cast("Disbursement | None", batched)
    hot = (
        not atomic and not db.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS") and not _watched(db)
    )
    try:
        with (
            transaction.atomic() if atomic else nullcontext(),
            db.wrap_database_errors if hot else nullcontext(),
            nullcontext(_hot_cursor(db)) if hot else _cursor() as cursor,
        ):
            # Its preparer and approver come back from the call.
            disbursement, params = pay_arguments(
                tranche_id=tranche.pk,
                amount=amount,
                period=period,
                key=idempotency_key,
                actor_id=user.pk,
                created_at=created_at,
                paid_at=now,
                ids=_draw_ids(cursor, db),
                context=audit_context_fields(),
                alias=db.alias,
            )
            row: tuple[Any, Any] | None
            if atomic:
                cursor.execute(_PAY_SQL, params)
                row = cursor.fetchone()
                answer = None
            else:
                cursor.execute(_PAY_AND_LINK_SQL, [*params, *first_pass_arguments()])
                prepared_by, approved_by, linked, waiting = cursor.fetchone()
                row = None if prepared_by is None else (prepared_by, approved_by)
                answer = (linked, waiting)
            if row is None:
                raise _DeclinedError  # the key is taken
            fault_point()
    except (_DeclinedError, IntegrityError):
        # Nothing was committed, and no pass ran: the linker owes nothing.
        return None
    except DatabaseError as error:
        if getattr(error.__cause__, "sqlstate", None) == _DECLINED:
            return None
        raise
    disbursement.prepared_by_id, disbursement.approved_by_id = row
    disbursement._state.adding = False
    disbursement._state.db = db.alias
    if answer is None:
        link_after_commit()
    else:
        link_after_looked_pass(*answer)
    return disbursement


# -- through the payment batcher (funds/batcher.py) ---------------------------------------------

_PAY_HERE: Any = object()  # no batcher answered: this process pays (under the same key)


def _pay_through_batcher(
    *,
    tranche: Tranche,
    amount: Decimal,
    period: dt.date,
    key: str,
    actor_id: int,
    created_at: dt.datetime,
    now: dt.datetime,
    db: Any,
) -> Any:
    """The payment sent to the payment batcher when one is configured: the Disbursement when it
    paid, None when it declined (the general path decides), `_PAY_HERE` when none was reached or
    its answer was lost (this process then pays under the same key, which finds the batch's
    payment if it committed). The batcher draws the ids and seals the audit event
    (`batch_arguments`); the client sends what only it knows."""
    path = batcher.socket_path()
    if path is None:
        return _PAY_HERE
    request = [
        tranche.pk,
        str(amount),
        period.isoformat(),
        key,
        actor_id,
        created_at.isoformat(),
        now.isoformat(),
        *audit_context_fields(),
    ]
    try:
        answer = batcher.pay(path, shard=tranche.commitment_id, request=request)
    except (batcher.UnreachedError, batcher.AnswerLostError):
        return _PAY_HERE
    if answer is None:
        return None
    prepared_by, approved_by, disbursement_id = answer
    disbursement = _paid(
        db.alias,
        disbursement_id,
        tranche_id=tranche.pk,
        amount=amount,
        actor_id=actor_id,
        created_at=created_at,
        paid_at=now,
        prepared_by=prepared_by,
        approved_by=approved_by,
    )
    disbursement._state.adding = False
    return disbursement


REQUEST_FIELDS = 12  # what `_pay_through_batcher` sends


def batch_arguments(request: list[Any], ids: tuple[int, int]) -> list[Any]:
    """In the batcher: one client's request and the (disbursement id, entry id) drawn for it
    as the arguments of `funds_pay_tranche` (what `_pay_postgresql` builds in the client: the
    same ids' roles, the same sealed audit event, attributed to the client's context). Raises
    ValueError or TypeError on a request that is not one."""
    if len(request) != REQUEST_FIELDS:
        raise ValueError("not a payment request")
    tranche_id, amount_text, period, key, actor_id, created_at, paid_at, *context = request
    _disbursement, arguments = pay_arguments(
        tranche_id=int(tranche_id),
        amount=Decimal(amount_text).quantize(CENT),
        period=dt.date.fromisoformat(period),
        key=str(key),
        actor_id=int(actor_id),
        created_at=dt.datetime.fromisoformat(created_at),
        paid_at=dt.datetime.fromisoformat(paid_at),
        ids=ids,
        context=[context[0], *(str(value) for value in context[1:])],
    )
    return arguments


def pay_arguments(
    *,
    tranche_id: int,
    amount: Decimal,
    period: dt.date,
    key: str | None,
    actor_id: int,
    created_at: dt.datetime,
    paid_at: dt.datetime,
    ids: tuple[int, int],
    context: list[Any],
    alias: str = DEFAULT_DB_ALIAS,
) -> tuple[Disbursement, list[Any]]:
    """The paid disbursement (its preparer and approver not yet known) and the arguments of
    `funds_pay_tranche` for it, in the function's order, its audit event sealed for `context`
    (`audit_context_fields`' shape). The one builder for this process's payment and the
    batcher's."""
    disbursement_id, entry_id = ids
    memo = f"T{tranche_id:06d}"
    disbursement = _paid(
        alias,
        disbursement_id,
        tranche_id=tranche_id,
        amount=amount,
        actor_id=actor_id,
        created_at=created_at,
        paid_at=paid_at,
    )
    actor, label, source, remote_addr, request_id = context
    audit = event_values_sealed_as(
        instance=disbursement,
        event="paid",
        data={"amount": amount, "tranche": memo, "entry": entry_id},
        actor_id=actor,
        actor_label=label,
        source=source,
        remote_addr=remote_addr,
        request_id=request_id,
    )
    claim = [key, COMMAND, command_fingerprint(COMMAND, tranche_id)] if key else [None] * 3
    return disbursement, [
        tranche_id,
        amount,
        period,
        *claim,
        actor_id,
        created_at,
        paid_at,
        disbursement_id,
        entry_id,
        memo,
        *audit,
    ]
