"""Backup and restore of the whole platform: every table and the attachments (MLPS 2.0 level 3,
8.1.4.9 / 8.1.10.11: local data backup and recovery).

A backup is one tar.gz holding, in this order:

- `manifest.json`: format, time, database engine, the applied migrations, and per table its row
  count and the sha256 of its data file; per attachment its size and sha256; the audit chain's
  head (seq and hash);
- `data/<app_label>.<model>.jsonl`: the table's rows in primary-key order, one JSON array of
  column values a line (dates as ISO text, decimals as text, binary as base64: what each
  field's `to_python` reads back), streamed from a cursor, so memory does not grow with the table;
- `media/…`: the files under MEDIA_ROOT.

The format is the same on SQLite and PostgreSQL, so a backup of one restores into the other.
A restore goes into an empty database only (migrated by the restore itself if it has no tables):
no user accounts, no audit entries. It loads every table in one transaction, checks each data
file's sha256 and row count against the manifest, resets the id sequences, verifies the audit
hash chain and compares its head with the manifest's; any difference rolls everything back.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import io
import json
import shutil
import tarfile
import tempfile
import uuid
from base64 import b64encode
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypedDict

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_iso_string

FORMAT = "chainlead-backup/1"
MANIFEST = "manifest.json"
BATCH_SIZE = 2000


class BackupError(Exception):
    """The backup cannot be restored here (target not empty, file damaged, versions differ)."""


def dumped_models() -> list[type[models.Model]]:
    """Every table Django manages (many-to-many tables included), one model per table; an
    app without migrations yet has no table and nothing to back up."""
    existing = set(connection.introspection.table_names())
    tables = (m._meta.db_table for m in apps.get_models(include_auto_created=True))
    seen: set[str] = {t for t in tables if t not in existing}
    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.db_table in seen:
            continue
        seen.add(meta.db_table)
        found.append(model)
    return sorted(found, key=lambda m: m._meta.label)


def _plain(value: Any) -> Any:
    """A column value as JSON that the field's `to_python` reads back."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, bytes | memoryview):
        return b64encode(bytes(value)).decode()
    return value


def _applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connection)
    return sorted([app, name] for app, name in recorder.applied_migrations())


class ChainHead(TypedDict):
    seq: int
    last_hash: str


def _chain_head() -> ChainHead:
    from chainlead.audit.models import AuditChainHead

    head = AuditChainHead.objects.filter(pk=1).values("seq", "last_hash").first()
    return head or {"seq": 0, "last_hash": ""}


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Summary:
    tables: int
    rows: int
    files: int
    audit_seq: int


def backup(path: Path, *, now: dt.datetime | None = None) -> Summary:
    """Write the database and MEDIA_ROOT to the tar.gz at `path`."""
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_at": (now or timezone.now()).isoformat(),
        "engine": connection.vendor,
        "migrations": _applied_migrations(),
        "tables": {},
        "media": {},
    }
    with tempfile.TemporaryDirectory(prefix="chainlead-backup-") as work:
        data_dir = Path(work) / "data"
        data_dir.mkdir()
        outer = connection.in_atomic_block  # then the snapshot is the caller's transaction
        # Audit entries are linked into the chain after their commit: link any still pending, so
        # the backup's chain head covers every entry it holds.
        from chainlead.audit.chain import link_pending

        link_pending()
        with transaction.atomic():
            if connection.vendor == "postgresql" and not outer:
                # One snapshot for every table: rows written meanwhile are all in or all out.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            for model in dumped_models():
                file = data_dir / f"{model._meta.label_lower}.jsonl"
                rows = _dump_table(model, file)
                manifest["tables"][model._meta.label_lower] = {
                    "table": model._meta.db_table,
                    "rows": rows,
                    "sha256": _file_sha256(file),
                }
            manifest["audit"] = _chain_head()
        media_root = Path(settings.MEDIA_ROOT)
        media_files = sorted(p for p in media_root.rglob("*") if p.is_file())
        for file in media_files:
            name = file.relative_to(media_root).as_posix()
            manifest["media"][name] = {"size": file.stat().st_size, "sha256": _file_sha256(file)}
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        with tarfile.open(partial, "w:gz") as archive:
            encoded = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(encoded)
            archive.addfile(info, io.BytesIO(encoded))
            for label in manifest["tables"]:
                archive.add(data_dir / f"{label}.jsonl", arcname=f"data/{label}.jsonl")
            for file in media_files:
                archive.add(file, arcname=f"media/{file.relative_to(media_root).as_posix()}")
        partial.replace(path)
    tables = manifest["tables"]
    return Summary(
        tables=len(tables),
        rows=sum(t["rows"] for t in tables.values()),
        files=len(media_files),
        audit_seq=int(manifest["audit"]["seq"]),
    )


def _dump_table(model: type[models.Model], file: Path) -> int:
    columns = [f.attname for f in model._meta.concrete_fields]
    rows = model._base_manager.order_by("pk").values_list(*columns)
    count = 0
    with file.open("w", encoding="utf-8") as out:
        for row in rows.iterator(chunk_size=BATCH_SIZE):
            out.write(json.dumps([_plain(v) for v in row], ensure_ascii=False))
            out.write("\n")
            count += 1
    return count


# --- restore --------------------------------------------------------------------------------


def _has_tables() -> bool:
    return MigrationRecorder.Migration._meta.db_table in connection.introspection.table_names()


def refuse_unless_empty() -> None:
    """A database in use has accounts and audit entries; a fresh one only reference data."""
    from chainlead.audit.models import AuditEntry

    users = get_user_model()._default_manager.count()
    entries = AuditEntry.objects.count()
    if users or entries:
        raise BackupError(
            f"The database is not empty ({users} user accounts, {entries} audit entries): "
            "restore into a new, empty database."
        )


def restore(path: Path) -> Summary:
    """Load the backup at `path` into this (empty) database and MEDIA_ROOT (empty or absent)."""
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"MEDIA_ROOT ({media_root}) is not empty.")
    if not _has_tables():
        call_command("migrate", interactive=False, verbosity=0)
    refuse_unless_empty()
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=media_root.parent))
    try:
        with tarfile.open(path, "r|gz") as archive:
            manifest = _read_manifest(next(_members(archive)), archive)
            with transaction.atomic():
                models_by_label = {m._meta.label_lower: m for m in dumped_models()}
                _check_versions(manifest, models_by_label)
                for model in models_by_label.values():
                    model._base_manager.all()._raw_delete(connection.alias)
                seen = set()
                for member in _members(archive):
                    source = archive.extractfile(member)
                    if source is None:
                        continue
                    if member.name.startswith("data/"):
                        label = member.name.removeprefix("data/").removesuffix(".jsonl")
                        _load_table(models_by_label[label], source, manifest["tables"][label])
                        seen.add(label)
                    elif member.name.startswith("media/"):
                        _stage_media(member, source, staging, manifest["media"])
                missing = set(manifest["tables"]) - seen
                if missing:
                    raise BackupError(f"The backup lacks the data of {sorted(missing)}.")
                _reset_sequences(list(models_by_label.values()))
                _check_counts(manifest, models_by_label)
                _check_audit_chain(manifest)
                _check_media(staging, manifest["media"])
                if media_root.exists():
                    media_root.rmdir()
                staging.replace(media_root)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    tables = manifest["tables"]
    return Summary(
        tables=len(tables),
        rows=sum(t["rows"] for t in tables.values()),
        files=len(manifest["media"]),
        audit_seq=int(manifest["audit"]["seq"]),
    )


def _members(archive: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    while (member := archive.next()) is not None:
        yield member


def _read_manifest(member: tarfile.TarInfo, archive: tarfile.TarFile) -> dict[str, Any]:
    source = archive.extractfile(member) if member.name == MANIFEST else None
    if source is None:
        raise BackupError("Not a chainlead backup: it does not start with manifest.json.")
    manifest: dict[str, Any] = json.load(source)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def _check_versions(manifest: dict[str, Any], models_by_label: dict[str, Any]) -> None:
    if manifest["migrations"] != _applied_migrations():
        raise BackupError(
            "The backup was made by another release (its migrations differ from this "
            "database's): restore it with the release that made it, then upgrade."
        )
    unknown = set(manifest["tables"]) - set(models_by_label)
    if unknown:
        raise BackupError(f"The backup holds tables this release lacks: {sorted(unknown)}.")


def _column(field: models.Field[Any, Any]) -> str:
    """A concrete field's column (only non-concrete fields have none)."""
    if field.column is None:
        raise BackupError(f"{field} has no database column.")
    return field.column


def _load_table(model: type[models.Model], source: IO[bytes], expected: dict[str, Any]) -> None:
    fields = list(model._meta.concrete_fields)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(_column(f)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    statement = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
    digest = hashlib.sha256()
    count = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for line in source:
            digest.update(line)
            values = json.loads(line)
            batch.append([_db_value(f, v) for f, v in zip(fields, values, strict=True)])
            count += 1
            if len(batch) >= BATCH_SIZE:
                cursor.executemany(statement, batch)
                batch = []
        if batch:
            cursor.executemany(statement, batch)
    label = model._meta.label_lower
    if digest.hexdigest() != expected["sha256"] or count != expected["rows"]:
        raise BackupError(f"The data of {label} is damaged (sha256 or row count differs).")


def _db_value(field: models.Field[Any, Any], value: Any) -> Any:
    if value is not None and not isinstance(field, models.JSONField):
        value = field.to_python(value)
    return field.get_db_prep_save(value, connection)


def _reset_sequences(all_models: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), all_models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _check_counts(manifest: dict[str, Any], models_by_label: dict[str, Any]) -> None:
    for label, expected in manifest["tables"].items():
        found = models_by_label[label]._base_manager.count()
        if found != expected["rows"]:
            raise BackupError(f"{label}: {found} rows restored, {expected['rows']} backed up.")


def _check_audit_chain(manifest: dict[str, Any]) -> None:
    from chainlead.audit.chain import verify

    verdict = verify()
    if not verdict.ok:
        raise BackupError(f"The restored audit chain breaks at entry {verdict.bad_entry_id}.")
    if _chain_head() != manifest["audit"]:
        raise BackupError("The restored audit chain's head differs from the backup's.")


def _safe_name(name: str) -> str:
    relative = Path(name.removeprefix("media/"))
    if relative.is_absolute() or ".." in relative.parts:
        raise BackupError(f"Refusing the attachment path {name!r}.")
    return relative.as_posix()


def _stage_media(
    member: tarfile.TarInfo, source: IO[bytes], staging: Path, expected: dict[str, Any]
) -> None:
    name = _safe_name(member.name)
    if name not in expected or not member.isfile():
        raise BackupError(f"The attachment {name!r} is not in the manifest.")
    target = staging / name
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with target.open("wb") as out:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
            out.write(block)
    if digest.hexdigest() != expected[name]["sha256"]:
        raise BackupError(f"The attachment {name!r} is damaged.")


def _check_media(staging: Path, expected: dict[str, Any]) -> None:
    found = {p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()}
    if found != set(expected):
        raise BackupError(f"Attachments missing from the backup: {sorted(set(expected) - found)}.")
