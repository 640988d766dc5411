"""The audit log's hash chain (MLPS 2.0 level 3, 8.1.4.3 c: audit records protected from
unexpected deletion, modification or overwriting).

A linked entry carries `seq` (its place in the chain), `prev_hash` (the hash of entry `seq - 1`,
or of the last archived entry, or "" for the first one) and `hash` (`entry_digest`), a two-level
digest: the *seal* = sha256 over the canonical JSON of its content (`seal_digest`), then the
*link* = sha256 of "prev_hash:seq:seal" (`link_digest`). `verify()` walks the chain, recomputing
each seal from the content and each link from the seal, and names the first entry that was
altered, removed or reordered. Linking needs only each entry's (id, seal), so on PostgreSQL it
is one SQL function (`audit_link_committed`, migrations audit.0006 and 0007) with no row read
into Python.

Entries linked before the two-level digest (issue 10, 2026-12) carry the first formula, sha256
over the canonical JSON of the content with `seq` and `prev_hash` (`entry_digest_v1`; migration
audit.0003 writes it too). They are not re-linked: `verify` accepts either formula for an entry
(trying the one that matched last first), so a chain switches formula once without a migration
rewriting every hash, archives keep verifying, and a process of the previous release still
linking during a deploy breaks nothing. Either formula commits to the content, `seq` and the
previous hash, and the two cannot be confused (JSON against "hash:seq:hash"), so accepting both
weakens nothing: an altered entry matches neither.

Two steps, so that no business transaction holds the chain (issue 10: a lock held until each
writer's commit serialised every audited write of the platform):

1. `append_many` (every way in: `AuditEntry.save()`, `bulk_create()`, the services) inserts the
   entries *sealed* inside the writer's transaction: no `seq`, `prev_hash` "", and `hash` = the
   digest of their fields with `seq` None (`seal_digest`). No shared row is touched.
2. Right after that transaction commits (`transaction.on_commit`), the writer links unless
   another writer is linking at that moment (on PostgreSQL a transaction-level advisory lock,
   tried in the one statement that links; that linker looks again when done, so linking is
   amortised over the writers of a busy moment): it locks the one `AuditChainHead` row in a
   short transaction of its own and links every committed sealed entry, in id order: each gets
   the next `seq`, its `prev_hash` and its chained `hash`. Two linkers never link to the same
   previous entry (the head lock); a linker finds the entries of transactions that committed
   before it took the lock, its own included. When its look after a pass finds entries
   committed meanwhile (writers linking concurrently), its next passes first pause a few
   milliseconds holding the advisory lock (`LINK_GATHER_SECONDS`, migration audit.0007), so
   the writers committing during the pause leave their entries to it and one pass links many:
   one head update and one commit for a batch instead of one per writer (issue 10).

On SQLite, whose writers are serialised anyway (IMMEDIATE transactions), the two steps are one:
`append_many` and `insert_sealed` insert the entries already linked, inside the writer's
transaction, with the head moved in it too (`links_in_writer_transaction`): one commit per
audited write instead of two, and no entry is ever pending after its commit. A rollback takes
the links and the head's move back with the entries.

Ordering. Ids are drawn when a row is inserted, not when its transaction commits, so an entry
with a lower id can commit (and be linked) after one with a higher id: the chain's order is the
order of linking, and `seq`, not the id, is what the hash covers. Nothing is ever linked before
its transaction commits (uncommitted rows are invisible to the linker), and nothing is linked
twice (the linker reads the pending rows after taking the lock, so it sees its predecessor's
links). A crash between the commit and the link leaves sealed entries pending: the next writer's
linker, `chainlead audit verify` and `archive` link them. `verify()` counts them as pending when
their seal matches; a pending row with no seal (inserted around the chain) or a wrong one
(altered) is named as before. `link_sealed` (verify, archive) checks each seal before linking
and leaves an altered entry pending; the after-commit linker on PostgreSQL does not read the
content, so it links such an entry, and `verify` names it as altered (its link covers a seal
that its content no longer gives).

Code that inserts audit rows with SQL calls `link_pending()` in the same transaction: it links
the pending rows, adopting unsealed ones too, in id order. A set-based writer of many rows (the
enterprise import) gives its SELECT to `insert_linked()` instead, which inserts them linked:
each row written once, not inserted pending and then updated.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from functools import partial
from itertools import islice
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from chainlead.audit.models import AuditArchive, AuditChainHead, AuditEntry

HEAD_PK = 1
GENESIS_HASH = ""
BATCH_SIZE = 2000

# The fields an entry's hash covers, besides `prev_hash`. `id` is left out: the chain's order
# is `seq`, and a restore or an archive keeps the entries whatever ids they get.
CHAINED_FIELDS = (
    "seq",
    "timestamp",
    "actor_id",
    "actor_label",
    "source",
    "remote_addr",
    "request_id",
    "action",
    "event",
    "content_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "message",
)
# What `verify` reads of each row: the chained fields with the content type as its id.
ROW_COLUMNS = (
    "id",
    "prev_hash",
    "hash",
    *CHAINED_FIELDS[:9],
    "content_type_id",
    *CHAINED_FIELDS[10:],
)


def _normalise(value: Any) -> Any:
    """JSON as the database gives it back: PostgreSQL's jsonb reads 2.0 back as 2."""
    if value is None or type(value) in (str, int, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list | tuple):
        return [_normalise(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _normalise(v) for k, v in value.items()}
    return value


def timestamp_text(value: dt.datetime) -> str:
    """The timestamp as hashed: UTC, microseconds (what both databases store)."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# One encoder for every digest (json.dumps builds a new one per call); the same output.
_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def canonical_json(payload: Mapping[str, Any]) -> bytes:
    return _CANONICAL.encode(payload).encode()


def _normalised(fields: Mapping[str, Any]) -> dict[str, Any]:
    """CHAINED_FIELDS of `fields`, the JSON ones as the database gives them back (only they can
    hold floats that the database may give back changed)."""
    payload = {name: fields[name] for name in CHAINED_FIELDS}
    payload["before"] = _normalise(payload["before"])
    payload["after"] = _normalise(payload["after"])
    return payload


def link_digest(prev_hash: str, seq: int, seal: str) -> str:
    """An entry's link: sha256 of "prev_hash:seq:seal" (ASCII). PostgreSQL computes the same
    with `encode(sha256(convert_to(prev_hash || ':' || seq || ':' || seal, 'UTF8')), 'hex')`
    (the after-commit linker, `audit_link_committed`)."""
    return hashlib.sha256(f"{prev_hash}:{seq}:{seal}".encode()).hexdigest()


def entry_digest(fields: Mapping[str, Any], prev_hash: str) -> str:
    """An entry's `hash`: `link_digest(prev_hash, seq, seal)`, the seal being sha256 over the
    canonical JSON of its content (`seal_digest`: CHAINED_FIELDS with `seq` None, timestamp as
    text, content type as "app_label.model")."""
    return _digest(_normalised(fields), prev_hash)


def entry_digest_v1(fields: Mapping[str, Any], prev_hash: str) -> str:
    """The first formula, which entries linked before the two-level digest carry (and
    migration audit.0003 writes): sha256 over the canonical JSON of `fields` with `prev_hash`.
    `verify` accepts it as well (see the module's docstring)."""
    return _digest_v1(_normalised(fields), prev_hash)


def _json_number(text: str) -> int | float:
    """A JSON number with a fraction or an exponent as `_normalise` leaves it (2.0 → 2)."""
    value = float(text)
    return int(value) if value.is_integer() else value


# One decoder: `json.loads` with `parse_float` builds a new one per call; the same result.
_JSON_DECODER = json.JSONDecoder(parse_float=_json_number)


def _load_json(value: Any) -> Any:
    """A JSON column read with raw SQL (Django reads jsonb as text too), decoded as the ORM's
    JSONField decodes it and normalised in the same pass: `_normalise(json.loads(value))`."""
    if not isinstance(value, str):
        return value
    try:
        return _JSON_DECODER.decode(value)
    except json.JSONDecodeError:
        return value  # what the ORM gives for text that is not JSON


def _seal(fields: Mapping[str, Any]) -> str:
    """`seal_digest` of normalised fields (`_RowReader`'s): the content's digest, whatever
    `seq` they carry."""
    return hashlib.sha256(
        _CANONICAL.encode({**fields, "seq": None, "prev_hash": GENESIS_HASH}).encode()
    ).hexdigest()


def _digest(fields: Mapping[str, Any], prev_hash: str) -> str:
    """`entry_digest` of `_RowReader` fields (JSON already normalised, `seq` set)."""
    return link_digest(prev_hash, fields["seq"], _seal(fields))


def _digest_v1(fields: Mapping[str, Any], prev_hash: str) -> str:
    """`entry_digest_v1` of `_RowReader` fields."""
    return hashlib.sha256(
        _CANONICAL.encode({**fields, "prev_hash": prev_hash}).encode()
    ).hexdigest()


def content_type_labels() -> dict[int, str]:
    return {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}


def chained_fields(entry: AuditEntry) -> dict[str, Any]:
    """The hashed fields of an entry about to be inserted."""
    content_type = ContentType.objects.get_for_id(entry.content_type_id)
    return {
        "seq": entry.seq,
        "timestamp": timestamp_text(entry.timestamp),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "source": entry.source,
        "remote_addr": entry.remote_addr,
        "request_id": entry.request_id,
        "action": entry.action,
        "event": entry.event,
        "content_type": f"{content_type.app_label}.{content_type.model}",
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "before": entry.before,
        "after": entry.after,
        "message": entry.message,
    }


def row_fields(row: tuple[Any, ...], labels: Mapping[int, str]) -> dict[str, Any]:
    """The hashed fields of a row read with `ROW_COLUMNS`."""
    values = dict(zip(ROW_COLUMNS, row, strict=True))
    values["timestamp"] = timestamp_text(values["timestamp"])
    content_type_id = values.pop("content_type_id")
    try:
        values["content_type"] = labels[content_type_id]
    except KeyError:
        values["content_type"] = "?"
    return {name: values[name] for name in CHAINED_FIELDS}


def _tail() -> tuple[int, str]:
    """The last linked entry's (seq, hash), else the last archive's, else the genesis."""
    last = (
        AuditEntry.objects.filter(seq__isnull=False)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    if last is not None:
        seq, tail_hash = last
        if seq is not None:  # always, by the filter: this narrows the nullable column's type
            return seq, tail_hash
    anchor = AuditArchive.objects.order_by("-through_seq").first()
    if anchor is not None:
        return anchor.through_seq, anchor.tail_hash
    return 0, GENESIS_HASH


def _head_table() -> str:
    return connection.ops.quote_name(AuditChainHead._meta.db_table)


def _lock_head_row(*, skip_locked: bool = False) -> tuple[int, str] | None:
    # Raw SQL: this runs after every audited transaction; the ORM's compilation doubled its cost.
    locks = connection.features.has_select_for_update
    skip = skip_locked and connection.features.has_select_for_update_skip_locked
    lock = " " + connection.ops.for_update_sql(skip_locked=skip) if locks else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT seq, last_hash FROM {_head_table()} WHERE id = %s{lock}",  # noqa: S608
            [HEAD_PK],
        )
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row is not None else None


def _move_head(seq: int, last_hash: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_head_table()} SET seq = %s, last_hash = %s WHERE id = %s",  # noqa: S608
            [seq, last_hash, HEAD_PK],
        )


def _head_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {_head_table()} WHERE id = %s", [HEAD_PK])  # noqa: S608
        return cursor.fetchone() is not None


def locked_head() -> tuple[int, str]:
    """The chain head's (seq, last hash), locked until the caller's transaction ends (SQLite
    has no row locks; its writers are serialised by BEGIN IMMEDIATE). Call inside atomic()."""
    head = _locked_head(skip_locked=False)
    assert head is not None  # noqa: S101 (waits for the lock: never skipped)
    return head


def _locked_head(*, skip_locked: bool) -> tuple[int, str] | None:
    """`locked_head()`; with `skip_locked`, None when another transaction holds the head."""
    head = _lock_head_row(skip_locked=skip_locked)
    if head is not None:
        return head
    if skip_locked and _head_exists():
        return None
    # No head row: a database flushed by a test, or restored rows without it. Rebuild it from the
    # tail; of two writers doing so at once, one insert fails and both then lock the row.
    seq, last_hash = _tail()
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(pk=HEAD_PK, seq=seq, last_hash=last_hash)
    except IntegrityError:
        pass
    head = _lock_head_row(skip_locked=skip_locked)
    assert head is not None or skip_locked  # noqa: S101 (created above, by us or a racer)
    return head


def _batches(items: Iterable[AuditEntry], size: int) -> Iterator[list[AuditEntry]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def seal_digest(fields: Mapping[str, Any]) -> str:
    """The seal: sha256 over the canonical JSON of the entry's content (its fields with `seq`
    None and `prev_hash` ""). A pending entry carries it in `hash` until it is linked, and its
    link covers it (`link_digest`); `verify` recomputes it from the content. It lets `verify`
    tell a pending entry written by `append_many` from a row inserted around the chain, and an
    altered entry from an intact one."""
    return _seal(_normalised(fields))


def links_in_writer_transaction() -> bool:
    """Whether entries are linked inside their writer's transaction, inserted already linked,
    instead of sealed and linked after the commit: on SQLite, whose writers are serialised
    anyway (IMMEDIATE transactions take the write lock at BEGIN), so holding the head until
    the commit costs no concurrency, and a second transaction (a second commit) per audited
    write is saved. On PostgreSQL the head is taken only after the commit (see above)."""
    return connection.vendor == "sqlite"


class _InlineLinker:
    """Links entries as they are inserted, inside the writer's transaction (SQLite): the head
    read when the first entry comes (the writer holds the database's write lock), each entry
    given the next `seq`, the previous hash and its link over its seal, the head moved once at
    the end. Entries left pending by an earlier release (sealed, committed) are linked by
    `chainlead audit verify`, `archive` and `link_pending`."""

    def __init__(self) -> None:
        self.head: tuple[int, str] | None = None

    def link(self, entry: AuditEntry, seal: str) -> None:
        if self.head is None:
            self.head = locked_head()
        seq, prev_hash = self.head
        seq += 1
        entry.seq = seq
        entry.prev_hash = prev_hash
        entry.hash = link_digest(prev_hash, seq, seal)
        self.head = (seq, entry.hash)

    def finish(self) -> None:
        if self.head is not None:
            _move_head(*self.head)


def append_many(entries: Iterable[AuditEntry], *, batch_size: int = BATCH_SIZE) -> int:
    """Insert `entries` (unsaved) sealed, in order, and link them right after the caller's
    transaction commits (at once outside a transaction). Returns the count. Takes no lock: the
    chain head is held only by the short linking step. On SQLite they are inserted linked
    instead, in the caller's transaction (`links_in_writer_transaction`)."""
    count = 0
    inline = _InlineLinker() if links_in_writer_transaction() else None
    # No savepoint: an insert that fails aborts the caller's transaction anyway.
    with transaction.atomic(savepoint=False):
        for batch in _batches(entries, batch_size):
            for entry in batch:
                if entry.pk is not None:
                    raise ValueError("Only new audit entries can be appended.")
                if entry.timestamp is None:
                    entry.timestamp = timezone.now()
                entry.seq = None
                entry.prev_hash = GENESIS_HASH
                entry.hash = seal_digest(chained_fields(entry))
                if inline is not None:
                    inline.link(entry, entry.hash)
            AuditEntry.objects.all()._insert_sealed(batch)
            count += len(batch)
        if inline is not None:
            inline.finish()
    if count and inline is None:
        _link_after_commit()
    return count


def append(entries: list[AuditEntry], *, batch_size: int = BATCH_SIZE) -> list[AuditEntry]:
    append_many(entries, batch_size=batch_size)
    return entries


# `insert_sealed`'s columns: the chained fields as stored (the content type by its id), `seq`
# left NULL (pending), then the seal; derived so that the two lists cannot drift apart.
_SEALED_COLUMNS = (
    *("content_type_id" if f == "content_type" else f for f in CHAINED_FIELDS if f != "seq"),
    "prev_hash",
    "hash",
)


def sealed_values(entry: AuditEntry) -> list[Any]:
    """Seal one unsaved entry as `append_many` does and give its `_SEALED_COLUMNS` values ready
    to bind, for a writer that inserts it itself (`insert_sealed`; the payment's SQL function)
    and then calls `link_after_commit()`."""
    if entry.pk is not None:
        raise ValueError("Only new audit entries can be appended.")
    if entry.timestamp is None:
        entry.timestamp = timezone.now()
    entry.seq = None
    entry.prev_hash = GENESIS_HASH
    entry.hash = seal_digest(chained_fields(entry))
    json_field = AuditEntry._meta.get_field("after")
    values = [getattr(entry, name) for name in _SEALED_COLUMNS]
    values[0] = connection.ops.adapt_datetimefield_value(entry.timestamp)
    for i in (11, 12):  # before, after
        values[i] = json_field.get_db_prep_save(values[i], connection)
    return values


def sealed_row(
    fields: Mapping[str, Any], *, timestamp: dt.datetime, content_type_id: int
) -> list[Any]:
    """`sealed_values` of an entry given as its hashed fields (`chained_fields`' shape, `seq`
    None, the content type as its label) with its timestamp and content type id: the same
    values, without building an `AuditEntry` (issue 10: the payment's hot path)."""
    if fields["seq"] is not None:
        raise ValueError("Only new audit entries can be appended.")
    json_field = AuditEntry._meta.get_field("after")
    return [
        connection.ops.adapt_datetimefield_value(timestamp),
        fields["actor_id"],
        fields["actor_label"],
        fields["source"],
        fields["remote_addr"],
        fields["request_id"],
        fields["action"],
        fields["event"],
        content_type_id,
        fields["object_id"],
        fields["object_repr"],
        json_field.get_db_prep_save(fields["before"], connection),
        json_field.get_db_prep_save(fields["after"], connection),
        fields["message"],
        GENESIS_HASH,
        seal_digest(fields),
    ]


def insert_sealed(entry: AuditEntry, *, cursor: Any = None) -> None:
    """`append_many` for one unsaved entry in one raw INSERT: sealed the same way, linked after
    the caller's commit the same way (on SQLite inserted linked, in the caller's transaction),
    without the ORM's compilation (issue 10: the payment's hot path; half a millisecond per
    entry). `entry.pk` stays unset. `cursor`: the caller's (the payment's prepares its
    statements), inside the caller's transaction."""
    values = sealed_values(entry)
    names = _SEALED_COLUMNS
    inline = _InlineLinker() if links_in_writer_transaction() else None
    own_cursor = connection.cursor() if cursor is None else nullcontext(cursor)
    with transaction.atomic(savepoint=False), own_cursor as own:
        if inline is not None:
            inline.link(entry, entry.hash)
            names = (*_SEALED_COLUMNS, "seq")
            values = [*values[:-2], entry.prev_hash, entry.hash, entry.seq]
        columns = ", ".join(connection.ops.quote_name(c) for c in names)
        placeholders = ", ".join(["%s"] * len(values))
        sql = f"INSERT INTO {_entry_table()} ({columns}) VALUES ({placeholders})"  # noqa: S608
        own.execute(sql, values)
        if inline is not None:
            inline.finish()
    if inline is None:
        _link_after_commit()


# Passes one linker makes after its commit before leaving the rest to the next linker.
MAX_LINK_PASSES = 50
# PostgreSQL: the transaction-level advisory lock held by the one writer linking after its
# commit (an arbitrary constant, "chai" in ASCII; no other code takes it).
LINKER_LOCK_KEY = 0x63686169


# PostgreSQL: how long a linker that found writers linking concurrently pauses, holding the
# linker's lock, before its next pass reads the pending entries (migration audit.0007): the
# writers committing meanwhile leave their entries to it, so one pass links many instead of each
# writer linking its own (issue 10). A writer alone never pauses. 20 ms: with 16 writers paying
# at once, 5 ms linked about three entries a pass and linking cost a third of a payment's CPU;
# 20 ms takes about 15% off a payment's CPU (benchmarks/ledger.py, docs/funds.md), 50 ms no more.
LINK_GATHER_SECONDS = 0.02
# The pauses one linker makes in all before it leaves the rest to the next writer's linker, so
# that the writer whose commit found the linker's lock free waits at most about this long.
LINK_GATHER_BUDGET_SECONDS = 0.25


# How many times a gathering linker pauses within one transaction (migration audit.0008): its
# pauses in all stay within `LINK_GATHER_BUDGET_SECONDS`, split over `LINK_GATHER_SESSIONS`.
LINK_GATHER_SESSIONS = 2

# One pass of the after-commit linker on PostgreSQL (migration audit.0007), and its arguments;
# a gathering one (audit.0008: several pauses and links, one transaction).
_LINKER_STATEMENT = "SELECT audit_link_committed(%s, %s, %s)"
_GATHERING_STATEMENT = "SELECT audit_link_gathered(%s, %s, %s, %s)"


def _gather_rounds() -> int:
    return max(1, int(LINK_GATHER_BUDGET_SECONDS / LINK_GATHER_SECONDS / LINK_GATHER_SESSIONS))


def _link_in_sql(*, gather: float = 0.0) -> int | None:
    """PostgreSQL: one pass of the after-commit linker in one statement: the count linked, or
    None when another writer holds the linker's lock (it looks again after it lets go). With
    `gather`, audit.0008's `audit_link_gathered`: up to `_gather_rounds()` pauses of `gather`
    seconds, each followed by linking what committed meanwhile, in one transaction holding the
    lock throughout (ending at the first round that finds nothing); without, audit.0007's
    single pass. Falls back to `_link` when the head is held by `link_sealed`/`link_pending`
    or missing."""
    with connection.cursor() as cursor:
        if gather > 0:
            cursor.execute(
                _GATHERING_STATEMENT, [LINKER_LOCK_KEY, BATCH_SIZE, gather, _gather_rounds()]
            )
        else:
            cursor.execute(_LINKER_STATEMENT, [LINKER_LOCK_KEY, BATCH_SIZE, 0.0])
        return _after_sql_pass(int(cursor.fetchone()[0]))


def _after_sql_pass(linked: int) -> int | None:
    """What `audit_link_committed` answered, as `_link_in_sql` returns it."""
    if linked == -1:
        return None
    if linked == -2:
        outcome = _link(adopt_unsealed=False, batch_size=BATCH_SIZE, skip_locked=True)
        return None if outcome is None else outcome[0]
    return linked


def first_pass_arguments() -> list[Any]:
    """PostgreSQL: the arguments of the after-commit linker's first pass (`audit_link_committed`'s
    lock key and batch), for a writer whose own SQL runs that pass right after its commit (the
    payment's procedure, funds.0007, which also makes the look after a pass that linked). The
    writer then calls `link_after_looked_pass(linked, waiting)` with the answers."""
    return [LINKER_LOCK_KEY, BATCH_SIZE]


def link_after_looked_pass(linked: int | None, waiting: bool | None) -> None:
    """What `link_after_commit()` would still do after a first pass (and, when it linked, the look
    after its commit) that the writer's own SQL ran (`first_pass_arguments`): `linked` is the
    pass's answer (None: the pass failed, and the full after-commit linker runs), `waiting` the
    look's. Robust as the after-commit linker (`_link_after_commit`): the writer's transaction
    has committed, so a failure is logged and leaves the entries pending for the next linker."""
    if linked is None:
        _link_after_commit()
        return
    if linked == -1 or (linked >= 0 and not waiting):
        # -1: another writer is linking, and looks again after it lets go (`_link_committed`
        # would return at once): the common case under many writers. Or the look after this
        # writer's own pass found nothing waiting. Nothing more to do either way.
        return

    def finish() -> None:
        _link_committed(first=linked, waiting=True if linked >= 0 else None)

    transaction.on_commit(finish, robust=True)  # outside a transaction: runs now


def _link_committed(first: int | None = None, waiting: bool | None = None) -> None:
    """Link after a commit without queueing: when another writer is linking, leave it to that
    one. Nothing is stranded by leaving: every linker, after it releases the linker lock (and
    the head), looks again for pending entries (without a lock) and makes another pass when it
    finds one. An entry whose writer left was committed before it tried the lock, so before
    the holder's release and its look; the holder links it, or leaves because a later holder
    took the lock, whose read (after taking the head) sees the entry. The head row is still
    taken without waiting: `link_sealed` and `link_pending` hold it without the linker lock.

    On PostgreSQL a pass is one statement (`_link_in_sql`; the lock is transaction-level, so
    released by the pass's commit, before the look); `first`: the answer of a first pass the
    writer already ran (`first_pass_arguments`); `waiting`: the answer of the look its SQL made
    after that pass, when it did. When the look finds entries committed during the
    pass, writers are linking concurrently: the next passes (`LINK_GATHER_SESSIONS` of them)
    each pause several times for `LINK_GATHER_SECONDS` holding the lock in one transaction
    (audit.0008), so that the writers committing meanwhile leave their entries to it (one head
    update, one commit, one look for many rounds) instead of each linking its own; after
    `LINK_GATHER_BUDGET_SECONDS` of pauses it leaves the rest to the next writer's linker (as
    after `MAX_LINK_PASSES`). Other databases serialise their writers: a pass is `_link`, which
    checks each seal against the entry's content."""
    unlinkable: set[int] = set()
    gather = 0.0
    passes = MAX_LINK_PASSES
    if connection.vendor == "postgresql" and LINK_GATHER_SECONDS > 0:
        # The first pass, then gathering ones (each several pauses in one transaction).
        passes = min(passes, 1 + LINK_GATHER_SESSIONS)
    for n in range(passes):
        if connection.vendor == "postgresql":
            # Seals are not checked here (a tiny hash per entry, in SQL): an entry altered while
            # pending is linked, and `verify` names it, its seal no longer matching its content.
            if first is not None and n == 0:
                linked = _after_sql_pass(first)
            else:
                linked = _link_in_sql(gather=gather)
            if linked is None:
                return  # another writer is linking, and will look again after it
            gather = LINK_GATHER_SECONDS
        else:
            outcome = _link(adopt_unsealed=False, batch_size=BATCH_SIZE, skip_locked=True)
            if outcome is None:
                return  # another linker holds the head, and will look again after it
            unlinkable |= outcome[1]
        if n == 0 and waiting is not None:
            if not waiting:  # the writer's SQL looked after its first pass (funds.0007)
                return
        elif not _waiting(unlinkable):
            return


def link_after_commit() -> None:
    """Link the entries a writer inserted with `sealed_values` after its transaction commits
    (at once outside a transaction)."""
    _link_after_commit()


def _link_after_commit() -> None:
    """Link once per transaction, whatever the number of audited writes in it. `robust`: the
    business transaction has committed; a linker that fails (SQLite busy, a lost connection)
    is logged and leaves the entries pending for the next linker."""
    if not connection.in_atomic_block:
        transaction.on_commit(_link_committed, robust=True)  # runs now
        return
    # django-stubs types run_on_commit's entries as pairs; Django 5 stores (sids, func, robust).
    pending = connection.run_on_commit
    if any(entry[1] is _link_committed for entry in pending):
        return
    transaction.on_commit(_link_committed, robust=True)


def _write_links(links: list[tuple[int, int, str, str]]) -> None:
    """Set (seq, prev_hash, hash) of rows by id (raw SQL: the queryset's update() refuses). On
    PostgreSQL one UPDATE … FROM (VALUES …) per batch: executemany's row-by-row UPDATEs were
    half the linker's time there; SQLite updates by rowid as fast one by one."""
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            rows = ", ".join(["(%s::bigint, %s::bigint, %s, %s)"] * len(links))
            cursor.execute(
                f"UPDATE {table} AS e SET seq = v.seq, prev_hash = v.prev_hash, "  # noqa: S608
                f"hash = v.hash FROM (VALUES {rows}) AS v (id, seq, prev_hash, hash) "
                "WHERE e.id = v.id",
                [value for link in links for value in link],
            )
            return
        cursor.executemany(
            f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",  # noqa: S608
            [(seq, prev_hash, digest, pk) for pk, seq, prev_hash, digest in links],
        )


def _label(content_type_id: int) -> str:
    # The content type cache: the linker runs after every audited transaction.
    try:
        content_type = ContentType.objects.get_for_id(content_type_id)
    except ContentType.DoesNotExist:
        return "?"
    return f"{content_type.app_label}.{content_type.model}"


class _Labels(dict[int, str]):
    def __missing__(self, key: int) -> str:
        self[key] = label = _label(key)
        return label


def _entry_table() -> str:
    return connection.ops.quote_name(AuditEntry._meta.db_table)


class _RowReader:
    """The hashed fields of `ROW_COLUMNS` rows read with raw SQL, as `row_fields` gives them
    from the ORM's rows, at a fraction of the cost (the ORM's converters, `_normalise`'s walk
    and the timestamp's formatting were most of the linker's time on a million-row import):
    JSON decoded and normalised in one pass, each distinct timestamp formatted once (a
    set-based writer's entries share one)."""

    def __init__(self) -> None:
        self.labels = _Labels()
        self.stamps: dict[Any, str] = {}

    def _stamp(self, raw: Any) -> str:
        text = self.stamps.get(raw)
        if text is None:
            stamp = raw if isinstance(raw, dt.datetime) else parse_datetime(raw)
            if stamp is None:
                raise ValueError(f"Unreadable audit timestamp {raw!r}.")
            if timezone.is_naive(stamp):
                stamp = stamp.replace(tzinfo=dt.UTC)  # SQLite's text: both databases store UTC
            if len(self.stamps) >= 4096:
                self.stamps.clear()  # flat memory over any number of distinct timestamps
            text = self.stamps[raw] = timestamp_text(stamp)
        return text

    def fields(self, row: tuple[Any, ...]) -> dict[str, Any]:
        (
            seq,
            stamp,
            actor_id,
            actor_label,
            source,
            remote_addr,
            request_id,
            action,
            event,
            content_type_id,
            object_id,
            object_repr,
            before,
            after,
            message,
        ) = row[3:]
        return {
            "seq": seq,
            "timestamp": self._stamp(stamp),
            "actor_id": actor_id,
            "actor_label": actor_label,
            "source": source,
            "remote_addr": remote_addr,
            "request_id": request_id,
            "action": action,
            "event": event,
            "content_type": self.labels[content_type_id],
            "object_id": object_id,
            "object_repr": object_repr,
            "before": _load_json(before),
            "after": _load_json(after),
            "message": message,
        }


def _pending_rows(batch_size: int, after_id: int) -> list[tuple[Any, ...]]:
    # The partial index `audit_entry_pending` serves this: pending rows are few. Raw SQL: it
    # runs after every audited commit, and the ORM's compilation was most of its cost.
    columns = ", ".join(connection.ops.quote_name(c) for c in ROW_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {_entry_table()} "  # noqa: S608 (constants only)
            "WHERE seq IS NULL AND id > %s ORDER BY id LIMIT %s",
            [after_id, batch_size],
        )
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def _waiting(unlinkable: set[int]) -> bool:
    """Whether a committed sealed entry waits to be linked (besides `unlinkable`): raw SQL, as
    above. Rows with no seal (inserted around the chain) wait for `link_pending`."""
    sql = f"SELECT id FROM {_entry_table()} WHERE seq IS NULL AND hash <> ''"  # noqa: S608
    if unlinkable:
        sql += f" AND id NOT IN ({', '.join(['%s'] * len(unlinkable))})"
    with connection.cursor() as cursor:
        cursor.execute(sql + " LIMIT 1", list(unlinkable))
        return cursor.fetchone() is not None


def _link(
    *, adopt_unsealed: bool, batch_size: int, skip_locked: bool = False
) -> tuple[int, set[int]] | None:
    """Link the pending rows in id order: (count linked, ids left unlinked because their seal
    is wrong or, unless `adopt_unsealed`, missing); None when `skip_locked` and the head is
    held by another transaction."""
    count = 0
    unlinkable: set[int] = set()
    reader = _RowReader()
    own_transaction = not connection.in_atomic_block
    with transaction.atomic():
        head = _locked_head(skip_locked=skip_locked)
        if head is None:
            return None
        seq, prev_hash = head
        if own_transaction and connection.vendor == "postgresql":
            # The links are derived from committed rows: a link lost in a crash is made again by
            # the next linker, so this transaction need not wait for its WAL flush while it
            # holds the head. Never inside a caller's transaction (link_pending): SET LOCAL
            # would last to its commit and make the caller's own writes lose durability.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        after_id = 0
        while rows := _pending_rows(batch_size, after_id):
            links = []
            for row in rows:
                after_id = row[0]
                sealed = row[2] != ""
                seal = _seal(reader.fields(row)) if sealed or adopt_unsealed else ""
                if (sealed and row[2] != seal) or not seal:
                    # Altered while pending, or inserted around the chain: verify names it.
                    unlinkable.add(row[0])
                    continue
                seq += 1
                digest = link_digest(prev_hash, seq, seal)
                links.append((row[0], seq, prev_hash, digest))
                prev_hash = digest
            if links:
                _write_links(links)
                count += len(links)
            if len(rows) < batch_size:
                # The last batch: rows committed since the read are left to their writers'
                # linkers (or the next linker, as after a crash), not read for again here.
                break
        if count:
            _move_head(seq, prev_hash)
    return count, unlinkable


def link_sealed(*, batch_size: int = BATCH_SIZE) -> int:
    """Link the committed entries `append_many` sealed, in id order; returns the count. Runs
    after each audited transaction commits; `audit verify` and `archive` run it too, so entries
    a crash left pending are linked."""
    outcome = _link(adopt_unsealed=False, batch_size=batch_size)
    assert outcome is not None  # noqa: S101 (waits for the head: never skipped)
    return outcome[0]


def link_pending(*, batch_size: int = BATCH_SIZE) -> int:
    """Link the audit rows inserted with SQL (no `seq`, no seal), with any sealed pending ones,
    in id order. Call it in the transaction that inserted them: rows another transaction has not
    committed stay unseen."""
    outcome = _link(adopt_unsealed=True, batch_size=batch_size)
    assert outcome is not None  # noqa: S101 (waits for the head: never skipped)
    return outcome[0]


# The columns a set-based writer gives `insert_linked`: every stored field but the chain's.
INSERT_COLUMNS = tuple(c for c in ROW_COLUMNS if c not in ("id", "prev_hash", "hash", "seq"))
# Rows read, hashed and written at a time by `insert_linked` (memory stays flat).
LINK_PAGE = 10_000
# What each column of an `insert_linked` row must be as the database gives it, so that the
# entry stores exactly what was hashed: text as text, JSON as its text (Django reads jsonb as
# text), ids as integers; the timestamp as the database gives it (a datetime, SQLite's text).
_INT_COLUMNS = frozenset({"actor_id", "content_type_id"})
_JSON_COLUMNS = frozenset({"before", "after"})


def _check_row_types(row: Sequence[Any]) -> None:
    """Refuse a row whose value would be stored as something else than what is hashed (an
    integer object id stored as text, a decoded JSON object); one row tells for the whole
    result: a SQL result's columns have one type."""
    if len(row) != len(INSERT_COLUMNS):
        raise ValueError(f"insert_linked rows have {len(INSERT_COLUMNS)} columns, not {len(row)}.")
    for name, value in zip(INSERT_COLUMNS, row, strict=True):
        if value is None or name == "timestamp":
            continue
        expected: type = int if name in _INT_COLUMNS else str
        if not isinstance(value, expected) or isinstance(value, bool):
            kind = "JSON text" if name in _JSON_COLUMNS else expected.__name__
            raise TypeError(f"insert_linked: {name} must be {kind}, not {type(value).__name__}.")


def _store_links(cursor: Any) -> Callable[[list[tuple[Any, ...]]], None]:
    """A writer of linked entries (`INSERT_COLUMNS`, then seq, prev_hash, hash) into the audit
    table with the driver's own `cursor`, for `insert_linked`'s database thread (the statement
    is built here, in the caller's thread, which owns the Django connection): COPY on
    PostgreSQL, one executemany on SQLite. The values go in as the database gave them, so the
    stored row reads back as it was hashed."""
    columns = (*INSERT_COLUMNS, "seq", "prev_hash", "hash")
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "postgresql":
        copy_sql = f"COPY {_entry_table()} ({names}) FROM STDIN"

        def copy(rows: list[tuple[Any, ...]]) -> None:
            with cursor.copy(copy_sql) as stream:
                for row in rows:
                    stream.write_row(row)

        return copy
    marks = ", ".join(["%s"] * len(columns))
    insert = f"INSERT INTO {_entry_table()} ({names}) VALUES ({marks})"  # noqa: S608

    def execute(rows: list[tuple[Any, ...]]) -> None:
        cursor.executemany(insert, rows)

    return execute


def insert_linked(select: str, params: Sequence[Any], *, page_size: int = LINK_PAGE) -> int:
    """Insert the rows of `select` (SQL giving the `INSERT_COLUMNS` of new entries, in the
    order they are to be chained; it must not read the audit table itself) into the audit log
    already linked, in the caller's transaction; returns the count.

    For set-based writers (the enterprise import's create entries, one per firm). The rows are
    read a page at a time (a server-side cursor on PostgreSQL), hashed as `verify` will hash
    them from the stored rows (JSON decoded from the text the database gave, the timestamp as
    stored) and written once, already linked (COPY on PostgreSQL): no pending insert then
    update, no temporary table. While a page is hashed here, one thread reads the next page
    and writes the previous one, so that the database's work and Python's overlap (the
    connection is used by that thread alone until it is done). Entries waiting to be linked
    are linked first (sealed ones only: nothing inserted around the chain is adopted). As with
    `link_pending`, the head stays locked until the caller's transaction ends, so nothing is
    linked to an entry that is not committed with it or before it."""
    if AuditEntry._meta.db_table in select:
        # Rows written while the select is read would be read again (SQLite reads as it goes).
        raise ValueError("insert_linked's select must not read the audit table.")
    count = 0
    reader = _RowReader()
    with transaction.atomic(savepoint=False):
        link_sealed()  # takes the head (held to the caller's commit) and links what waits
        seq, prev_hash = locked_head()
        with connection.chunked_cursor() as source, connection.cursor() as target:
            if connection.vendor == "postgresql":
                from psycopg.types.string import TextLoader

                # The timestamp as PostgreSQL prints it, parsed once (`_RowReader` caches it)
                # and written back as read, instead of one datetime built per row.
                source.cursor.adapters.register_loader("timestamptz", TextLoader)
            source.execute(select, params)
            fetch = partial(source.cursor.fetchmany, page_size)
            store = _store_links(target.cursor)
            # The driver's errors as Django's (IntegrityError…), as any query of the caller's.
            with (
                connection.wrap_database_errors,
                ThreadPoolExecutor(max_workers=1, thread_name_prefix="audit-link") as db,
            ):
                next_page, written = db.submit(fetch), None
                while rows := next_page.result():
                    next_page = db.submit(fetch)  # read while this page is hashed
                    if count == 0:
                        _check_row_types(rows[0])
                    linked = []
                    for row in rows:
                        # `reader.fields` reads the shape of `ROW_COLUMNS`: no id, no link yet.
                        fields = reader.fields((None, "", "", None, *row))
                        seq += 1
                        fields["seq"] = seq
                        digest = _digest(fields, prev_hash)
                        linked.append((*row, seq, prev_hash, digest))
                        prev_hash = digest
                    if written is not None:
                        written.result()  # the previous page's error, if any, stops here
                    written = db.submit(store, linked)  # written while the next is hashed
                    count += len(linked)
                if written is not None:
                    written.result()
        if count:
            _move_head(seq, prev_hash)
    return count


# --- verification -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """The outcome of a verification: `bad_entry_id` names the first bad entry."""

    ok: bool
    checked: int
    last_seq: int
    last_hash: str
    bad_entry_id: int | None = None
    reason: str = ""
    pending: int = 0  # committed entries not linked yet (sealed, intact)


class ChainWalk:
    """Checks entries one by one, in chain order; the first bad one stops the walk."""

    def __init__(
        self,
        *,
        seq: int,
        prev_hash: str,
        digest: Callable[[Mapping[str, Any], str], str] = entry_digest,
        legacy: Callable[[Mapping[str, Any], str], str] = entry_digest_v1,
    ) -> None:
        # `_digest` and `_digest_v1` for fields from a `_RowReader` (JSON normalised). The
        # formula that matched last is tried first: a chain changes formula once.
        self.formulas = (digest, legacy)
        self.expected_seq = seq + 1
        self.prev_hash = prev_hash
        self.checked = 0
        self.last_id: int | None = None
        self.bad: tuple[int | None, str] | None = None

    def check(self, entry_id: int, fields: Mapping[str, Any], prev_hash: str, digest: str) -> bool:
        seq = fields["seq"]
        if seq != self.expected_seq:
            what = "removed" if seq > self.expected_seq else "reordered or duplicated"
            self.bad = (entry_id, f"is #{seq} where #{self.expected_seq} was due: entries {what}")
        elif prev_hash != self.prev_hash:
            self.bad = (entry_id, "does not link to the entry before it (reordered or replaced)")
        elif not self._matches(fields, prev_hash, digest):
            self.bad = (entry_id, "was altered: its hash does not match its content")
        if self.bad is not None:
            return False
        self.prev_hash = digest
        self.expected_seq += 1
        self.checked += 1
        self.last_id = entry_id
        return True

    def _matches(self, fields: Mapping[str, Any], prev_hash: str, digest: str) -> bool:
        first, second = self.formulas
        if first(fields, prev_hash) == digest:
            return True
        if second(fields, prev_hash) == digest:
            self.formulas = (second, first)
            return True
        return False

    def verdict(self, *, pending: int = 0) -> Verdict:
        bad_id, reason = self.bad if self.bad is not None else (None, "")
        return Verdict(
            ok=self.bad is None,
            checked=self.checked,
            last_seq=self.expected_seq - 1,
            last_hash=self.prev_hash,
            bad_entry_id=bad_id,
            reason=reason,
            pending=pending,
        )


def _rows_in_pages(
    where: str, order: str, after: int | None, chunk_size: int, bound: list[Any]
) -> Iterator[tuple[Any, ...]]:
    """`ROW_COLUMNS` rows matching `where`, in `order` (a unique column), read with raw SQL a
    page at a time past the last one's key: flat memory, no server-side cursor, none of the
    ORM's converters (`_RowReader` reads the rows)."""
    columns = ", ".join(connection.ops.quote_name(c) for c in ROW_COLUMNS)
    at = ROW_COLUMNS.index(order)
    while True:
        sql = f"SELECT {columns} FROM {_entry_table()} WHERE {where}"  # noqa: S608 (constants)
        params = list(bound)
        if after is not None:
            sql += f" AND {order} > %s"
            params.append(after)
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} ORDER BY {order} LIMIT %s", [*params, chunk_size])
            rows = cursor.fetchall()
        yield from rows
        if len(rows) < chunk_size:
            return
        after = rows[-1][at]


def _check_pending(walk: ChainWalk, reader: _RowReader, chunk_size: int) -> int:
    """Count the pending entries whose seal matches; name the first that was inserted around
    the chain (no seal) or altered while pending (a wrong one)."""
    pending = 0
    for row in _rows_in_pages("seq IS NULL", "id", None, chunk_size, []):
        if row[2] == "":
            walk.bad = (row[0], "is not linked into the chain (inserted around it)")
            return pending
        if row[2] != _seal(reader.fields(row)):
            walk.bad = (row[0], "was altered while waiting to be linked: its seal does not match")
            return pending
        pending += 1
    return pending


def verify(*, chunk_size: int = 5000) -> Verdict:
    """Walk the online chain from the last archive's tail (or the genesis) to the head, and
    check the entries still waiting to be linked (reported as `pending`, not as faults). Reads
    only: `chainlead audit verify` links the pending entries first."""
    # The head first: entries linked after this read have a larger seq and are left for the
    # next run, so a busy log never looks broken.
    head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
    anchor = AuditArchive.objects.order_by("-through_seq").first()
    walk = ChainWalk(
        seq=anchor.through_seq if anchor else 0,
        prev_hash=anchor.tail_hash if anchor else GENESIS_HASH,
        digest=_digest,
        legacy=_digest_v1,
    )
    reader = _RowReader()
    pending = _check_pending(walk, reader, chunk_size)
    if walk.bad is not None:
        return walk.verdict()
    where, bound = "seq IS NOT NULL", []
    if head is not None:
        where, bound = "seq <= %s", [head.seq]
    for row in _rows_in_pages(where, "seq", None, chunk_size, bound):
        if not walk.check(row[0], reader.fields(row), row[1], row[2]):
            return walk.verdict()
    if head is not None and (head.seq, head.last_hash) != (walk.expected_seq - 1, walk.prev_hash):
        walk.bad = (
            walk.last_id,
            f"is the last entry found, but the head names #{head.seq}: later entries removed",
        )
    return walk.verdict(pending=pending)
