"""Archiving old audit entries to signed files (MLPS 2.0 8.1.4.3 d: audit records backed up and
kept; the Cybersecurity Law art. 21 asks for at least six months of logs, so at least
`CHAINLEAD_AUDIT_ONLINE_DAYS` ≥ 183 days stay online).

An archive is two files: `audit-<first>-<last>.jsonl`, one entry per line in chain order (its
id, the hashed fields, `prev_hash` and `hash`), and `<that name>.sig`, a JSON object naming the
file's sha256, its first and last entries and tail hash, signed with HMAC-SHA256. The key is
`settings.CHAINLEAD_AUDIT_KEY` when set, else derived from SECRET_KEY; it is read at call time.
An `AuditArchive` row anchors the online chain: its first entry links to the archive's tail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from chainlead.audit.chain import (
    CHAINED_FIELDS,
    GENESIS_HASH,
    ROW_COLUMNS,
    ChainWalk,
    Verdict,
    canonical_json,
    content_type_labels,
    locked_head,
    row_fields,
    verify,
)
from chainlead.audit.models import AuditArchive, AuditEntry

FORMAT = "chainlead-audit-archive/1"
MINIMUM_ONLINE_DAYS = 183  # six months (Cybersecurity Law art. 21 (3))


class ArchiveError(Exception):
    """The archive cannot be written (chain broken, cut-off too recent)."""


def online_days() -> int:
    configured = int(getattr(settings, "CHAINLEAD_AUDIT_ONLINE_DAYS", MINIMUM_ONLINE_DAYS))
    return max(configured, MINIMUM_ONLINE_DAYS)


def archive_key() -> bytes:
    """The signing key, read now (not at import) so that a changed setting applies."""
    dedicated = getattr(settings, "CHAINLEAD_AUDIT_KEY", "")
    if dedicated:
        return str(dedicated).encode()
    return hmac.new(
        str(settings.SECRET_KEY).encode(), b"chainlead.audit.archive", hashlib.sha256
    ).digest()


def _signature(metadata: dict[str, Any], key: bytes) -> str:
    return hmac.new(key, canonical_json(metadata), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Archived:
    path: Path
    signature_path: Path
    entries: int
    first_seq: int
    through_seq: int
    tail_hash: str


def archive(*, before: dt.datetime, out_dir: Path, now: dt.datetime) -> Archived | None:
    """Move the entries older than `before` (a prefix of the chain) to a signed file in
    `out_dir`; None when there is nothing to archive. Refuses a `before` later than `now` minus
    the online period, and a chain that does not verify."""
    if before > now - dt.timedelta(days=online_days()):
        raise ArchiveError(
            f"Entries of the last {online_days()} days stay online: "
            f"--before must be on or before {(now - dt.timedelta(days=online_days())).date()}."
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    with transaction.atomic():
        head_seq, _ = locked_head()  # no entry is appended while the archive is cut
        verdict = verify()
        if not verdict.ok:
            raise ArchiveError(f"The chain does not verify: entry {verdict.bad_entry_id}.")
        anchor = AuditArchive.objects.order_by("-through_seq").first()
        first_seq = anchor.through_seq + 1 if anchor else 1
        first_prev_hash = anchor.tail_hash if anchor else GENESIS_HASH
        # A prefix of the chain: up to the first entry that is recent enough to keep.
        first_kept = (
            AuditEntry.objects.filter(seq__gte=first_seq, timestamp__gte=before)
            .order_by("seq")
            .values_list("seq", flat=True)
            .first()
        )
        through_seq = first_kept - 1 if first_kept is not None else head_seq
        if through_seq < first_seq:
            return None
        name = f"audit-{first_seq:012d}-{through_seq:012d}.jsonl"
        path = out_dir / name
        digest, tail_hash, count = _write_entries(path, first_seq, through_seq)
        metadata: dict[str, Any] = {
            "format": FORMAT,
            "file": name,
            "sha256": digest,
            "entries": count,
            "first_seq": first_seq,
            "through_seq": through_seq,
            "first_prev_hash": first_prev_hash,
            "tail_hash": tail_hash,
            "before": before.isoformat(),
            "created_at": now.isoformat(),
        }
        signature_path = out_dir / f"{name}.sig"
        signed = {**metadata, "hmac_sha256": _signature(metadata, archive_key())}
        _write_durably(signature_path, json.dumps(signed, indent=2, sort_keys=True).encode())
        AuditArchive.objects.create(
            created_at=now,
            before=before,
            first_seq=first_seq,
            through_seq=through_seq,
            first_prev_hash=first_prev_hash,
            tail_hash=tail_hash,
            entries=count,
            file_name=name,
            file_sha256=digest,
        )
        # The one deletion of audit rows there is: the queryset's delete() refuses.
        archived = AuditEntry.objects.filter(seq__gte=first_seq, seq__lte=through_seq)
        archived._raw_delete(archived.db)
    return Archived(path, signature_path, count, first_seq, through_seq, tail_hash)


def _write_entries(path: Path, first_seq: int, through_seq: int) -> tuple[str, str, int]:
    labels = content_type_labels()
    rows = (
        AuditEntry.objects.filter(seq__gte=first_seq, seq__lte=through_seq)
        .order_by("seq")
        .values_list(*ROW_COLUMNS)
    )
    digest = hashlib.sha256()
    tail_hash = ""
    count = 0
    temporary = path.with_suffix(".jsonl.part")
    with temporary.open("wb") as out:
        for row in rows.iterator(chunk_size=5000):
            line = {"id": row[0], **row_fields(row, labels), "prev_hash": row[1], "hash": row[2]}
            data = canonical_json(line) + b"\n"
            out.write(data)
            digest.update(data)
            tail_hash = row[2]
            count += 1
        out.flush()
        os.fsync(out.fileno())
    temporary.replace(path)
    return digest.hexdigest(), tail_hash, count


def _write_durably(path: Path, data: bytes) -> None:
    with path.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def verify_archive(path: Path, *, key: bytes | None = None) -> Verdict:
    """Check an archive file against its signature and its own hash chain."""
    signature_path = path.with_name(f"{path.name}.sig")
    signed = json.loads(signature_path.read_bytes())
    claimed = signed.pop("hmac_sha256", "")
    expected = _signature(signed, key if key is not None else archive_key())
    walk = ChainWalk(seq=int(signed["first_seq"]) - 1, prev_hash=str(signed["first_prev_hash"]))
    if not hmac.compare_digest(str(claimed), expected):
        walk.bad = (None, "the signature file is not signed with this key (or was altered)")
        return walk.verdict()
    digest = hashlib.sha256()
    with path.open("rb") as lines:
        for data in lines:
            digest.update(data)
            line = json.loads(data)
            fields = {name: line[name] for name in CHAINED_FIELDS}
            if not walk.check(int(line["id"]), fields, line["prev_hash"], line["hash"]):
                return walk.verdict()
    if digest.hexdigest() != signed["sha256"]:
        walk.bad = (walk.last_id, "the file's sha256 differs from the signed one")
    elif (walk.expected_seq - 1, walk.prev_hash) != (signed["through_seq"], signed["tail_hash"]):
        walk.bad = (walk.last_id, f"the file ends before #{signed['through_seq']}")
    return walk.verdict()
