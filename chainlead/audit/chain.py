"""The audit log's hash chain (MLPS 2.0 level 3, 8.1.4.3 c: audit records protected from
unexpected deletion, modification or overwriting).

Every entry carries `seq` (its place in the chain), `prev_hash` (the hash of entry `seq - 1`, or of
the last archived entry, or "" for the first one) and `hash` = sha256 over the canonical JSON of
its fields and `prev_hash` (`entry_digest`). Appending locks the one `AuditChainHead` row
(select_for_update), so two writers never link to the same previous entry. `verify()` walks the
chain and names the first entry that was altered, removed or reordered.

Ways in: `AuditEntry.save()` and `AuditEntry.objects.bulk_create()` both go through `append`;
code that inserts audit rows with SQL (set-based imports) calls `link_pending()` in the same
transaction, which links the rows it finds without a `seq`, in id order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

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


def canonical_json(payload: Mapping[str, Any]) -> bytes:
    text = json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode()


def entry_digest(fields: Mapping[str, Any], prev_hash: str) -> str:
    """sha256 over the canonical JSON of `fields` (CHAINED_FIELDS, timestamp as text, content
    type as "app_label.model") with `prev_hash`."""
    payload = {name: fields[name] for name in CHAINED_FIELDS}
    # Only the JSON columns can hold floats that the database may give back changed.
    payload["before"] = _normalise(payload["before"])
    payload["after"] = _normalise(payload["after"])
    payload["prev_hash"] = prev_hash
    return hashlib.sha256(canonical_json(payload)).hexdigest()


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
    values["content_type"] = labels.get(values.pop("content_type_id"), "?")
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


def _lock_head_row() -> tuple[int, str] | None:
    # Raw SQL: this runs on every audited save, and the ORM's query compilation doubled its cost.
    locks = connection.features.has_select_for_update
    lock = " " + connection.ops.for_update_sql() if locks else ""
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


def locked_head() -> tuple[int, str]:
    """The chain head's (seq, last hash), locked until the caller's transaction ends (SQLite
    has no row locks; its writers are serialised by BEGIN IMMEDIATE). Call inside atomic()."""
    head = _lock_head_row()
    if head is not None:
        return head
    # No head row: a database flushed by a test, or restored rows without it. Rebuild it from the
    # tail; of two writers doing so at once, one insert fails and both then lock the row.
    seq, last_hash = _tail()
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(pk=HEAD_PK, seq=seq, last_hash=last_hash)
    except IntegrityError:
        pass
    head = _lock_head_row()
    assert head is not None  # noqa: S101 (created above, by us or by the writer we raced)
    return head


def _batches(items: Iterable[AuditEntry], size: int) -> Iterator[list[AuditEntry]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def append_many(entries: Iterable[AuditEntry], *, batch_size: int = BATCH_SIZE) -> int:
    """Link and insert `entries` (unsaved) in order, holding the chain head. Returns the count."""
    count = 0
    with transaction.atomic():
        seq, prev_hash = locked_head()
        for batch in _batches(entries, batch_size):
            for entry in batch:
                if entry.pk is not None:
                    raise ValueError("Only new audit entries can be appended.")
                seq += 1
                entry.seq = seq
                entry.prev_hash = prev_hash
                if entry.timestamp is None:
                    entry.timestamp = timezone.now()
                entry.hash = entry_digest(chained_fields(entry), prev_hash)
                prev_hash = entry.hash
            AuditEntry.objects.all()._insert_linked(batch)
            count += len(batch)
        if count:
            _move_head(seq, prev_hash)
    return count


def append(entries: list[AuditEntry], *, batch_size: int = BATCH_SIZE) -> list[AuditEntry]:
    append_many(entries, batch_size=batch_size)
    return entries


def _write_links(links: list[tuple[int, int, str, str]]) -> None:
    """Set (seq, prev_hash, hash) of rows by id (raw SQL: the queryset's update() refuses)."""
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",  # noqa: S608
            [(seq, prev_hash, digest, pk) for pk, seq, prev_hash, digest in links],
        )


def link_pending(*, batch_size: int = BATCH_SIZE) -> int:
    """Link the audit rows inserted with SQL (no `seq` yet), in id order. Call it in the
    transaction that inserted them: rows another transaction has not committed stay unseen."""
    count = 0
    labels = content_type_labels()
    with transaction.atomic():
        seq, prev_hash = locked_head()
        while True:
            rows = list(
                AuditEntry.objects.filter(seq__isnull=True)
                .order_by("id")
                .values_list(*ROW_COLUMNS)[:batch_size]
            )
            if not rows:
                break
            links = []
            for row in rows:
                seq += 1
                fields = row_fields(row, labels)
                fields["seq"] = seq
                digest = entry_digest(fields, prev_hash)
                links.append((row[0], seq, prev_hash, digest))
                prev_hash = digest
            _write_links(links)
            count += len(rows)
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


class ChainWalk:
    """Checks entries one by one, in chain order; the first bad one stops the walk."""

    def __init__(self, *, seq: int, prev_hash: str) -> None:
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
        elif entry_digest(fields, prev_hash) != digest:
            self.bad = (entry_id, "was altered: its hash does not match its content")
        if self.bad is not None:
            return False
        self.prev_hash = digest
        self.expected_seq += 1
        self.checked += 1
        self.last_id = entry_id
        return True

    def verdict(self) -> Verdict:
        bad_id, reason = self.bad if self.bad is not None else (None, "")
        return Verdict(
            ok=self.bad is None,
            checked=self.checked,
            last_seq=self.expected_seq - 1,
            last_hash=self.prev_hash,
            bad_entry_id=bad_id,
            reason=reason,
        )


def verify(*, chunk_size: int = 5000) -> Verdict:
    """Walk the online chain from the last archive's tail (or the genesis) to the head."""
    # The head first: entries committed after this read have a larger seq and are left for the
    # next run, so a busy log never looks broken.
    head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
    anchor = AuditArchive.objects.order_by("-through_seq").first()
    walk = ChainWalk(
        seq=anchor.through_seq if anchor else 0,
        prev_hash=anchor.tail_hash if anchor else GENESIS_HASH,
    )
    unlinked = (
        AuditEntry.objects.filter(seq__isnull=True).order_by("id").values_list("id", flat=True)
    ).first()
    if unlinked is not None:
        walk.bad = (unlinked, "is not linked into the chain (inserted around it)")
        return walk.verdict()
    labels = content_type_labels()
    rows = AuditEntry.objects.filter(seq__isnull=False).order_by("seq")
    if head is not None:
        rows = rows.filter(seq__lte=head.seq)
    for row in rows.values_list(*ROW_COLUMNS).iterator(chunk_size=chunk_size):
        if not walk.check(row[0], row_fields(row, labels), row[1], row[2]):
            return walk.verdict()
    if head is not None and (head.seq, head.last_hash) != (walk.expected_seq - 1, walk.prev_hash):
        walk.bad = (
            walk.last_id,
            f"is the last entry found, but the head names #{head.seq}: later entries removed",
        )
    return walk.verdict()
