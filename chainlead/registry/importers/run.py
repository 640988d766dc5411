"""The import itself, in two phases so that memory stays constant however large the file is:

1. *Validate and stage.* Rows are streamed from the file, checked in Python against reference
   tables loaded once into dicts (districts, industry codes), and written in batches into a
   temporary staging table (COPY on PostgreSQL, executemany on SQLite). Duplicate credit codes
   inside the file and the firms that already exist are then found with SQL over that table,
   so no set of all codes is ever held in Python.
2. *Write.* Only when no row has an error: in one transaction, set-based INSERT ... SELECT of
   the new firms, UPDATE ... FROM of the changed ones (unchanged rows are not touched), and
   their audit entries; the registry's data version is bumped once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from chainlead.audit.services import record_event
from chainlead.core.db import refresh_planner_statistics
from chainlead.core.models import DataVersion
from chainlead.core.reasons import Reason, reason_of
from chainlead.registry.importers.cells import _EMPTY, References, _parser
from chainlead.registry.importers.format import (
    COLUMNS,
    COLUMNS_BY_NAME,
    MAX_REPORTED_ERRORS,
    Column,
    ImportFileError,
    ImportResult,
    Progress,
    RowError,
    map_headers,
)
from chainlead.registry.importers.reading import file_sha256, open_rows
from chainlead.registry.importers.staging import (
    BATCH_SIZE,
    _classify,
    _duplicates,
    _possible_duplicates,
    _search_keys,
    _Staging,
    _write_creates,
    _write_updates,
    created_ids,
)
from chainlead.registry.models import Enterprise, ImportJob

T = TypeVar("T")

REGISTRY_DATA = "registry"
# New firms an import hands to `registry.hooks` (chains places them) at most; a bulk load
# of more is placed with `chainlead classify` instead, outside the import.
FOLLOW_UP_MAX = 20_000
# A write this large refreshes the planner's statistics once committed (chainlead.core.db).
ANALYZE_AFTER_ROWS = 10_000
# pg_advisory_xact_lock's key for "an import is matching and writing" (any fixed bigint).
IMPORT_LOCK_KEY = 7_340_001
SQLITE_LOCK_RETRIES = 600  # 0.05 s apart: half a minute, as the busy timeout of the settings


def _stage_file(
    rows: Iterator[list[Any]],
    staging: _Staging,
    refs: References,
    result: ImportResult,
    progress: Progress | None,
    total: int | None,
) -> list[Column]:
    try:
        header = next(rows)
    except StopIteration:
        raise ImportFileError([RowError(1, "file", Reason(gettext_noop("is empty")))]) from None
    fields = map_headers(header)
    present = [COLUMNS_BY_NAME[f] for f in fields if f is not None]
    present_names = {c.name for c in present}
    plan = [(i, f, _parser(f, refs)) for i, f in enumerate(fields) if f is not None]
    width = len(fields)
    absent = {c.name: _EMPTY[c.name] for c in COLUMNS if c.name not in present_names}
    order = [c.name for c in COLUMNS]
    batch: list[dict[str, Any]] = []
    processed = 0

    def flush() -> None:
        keys = _search_keys([v["name"] or "" for v in batch])
        staged = [
            (v.pop("_line"), *(v[name] for name in order), key)
            for v, key in zip(batch, keys, strict=True)
        ]

        def insert() -> None:
            with transaction.atomic():  # one SQLite transaction per batch, not one per row
                staging.insert(staged)

        _when_unlocked(insert)
        batch.clear()
        if progress is not None:
            progress(processed, total)

    line = 1
    for cells in rows:
        line += 1
        processed += 1
        if not any(c is not None and str(c).strip() for c in cells):
            continue  # a blank row
        if len(cells) > width and any(c is not None and str(c).strip() for c in cells[width:]):
            wider = Reason(gettext_noop("has more cells than the header"))
            result.add_error(RowError(line, "row", wider))
        values: dict[str, Any] = dict(absent)
        ok = True
        for index, name, parse in plan:
            raw = cells[index] if index < len(cells) else None
            try:
                values[name] = parse(raw)
            except ValueError as exc:
                result.add_error(RowError(line, name, reason_of(exc)))
                values[name] = None
                ok = False
        if not ok:  # staged only to find duplicates; nothing is written after an error
            if values.get("credit_code") is None:
                continue
            values = dict.fromkeys(order) | {"credit_code": values["credit_code"]}
        values["_line"] = line
        batch.append(values)
        if len(batch) >= BATCH_SIZE:
            flush()
    if batch:
        flush()
    result.total_rows = processed
    return present


def _lock_imports() -> None:
    """Serialise the matching and writing of imports, until the transaction ends.

    Two imports of the same new firms at once would both find them new and the second would
    fail on the unique credit code (issue 9 item 13). On PostgreSQL an advisory lock makes the
    second wait; on SQLite the IMMEDIATE transaction (config/settings.py) already holds the
    database's write lock. The waiting import then matches against what the first wrote.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


def _when_unlocked(write: Callable[[], T]) -> T:
    """`write()`, tried again while SQLite answers that the database is locked.

    A file database waits out its busy timeout itself; the shared-cache in-memory database of
    the tests answers at once. Either way a writer waits its turn instead of failing; `write`
    runs in its own transaction, so a failed attempt left nothing behind.
    """
    for attempt in range(SQLITE_LOCK_RETRIES + 1):
        try:
            return write()
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
            if attempt == SQLITE_LOCK_RETRIES:
                raise ImportFileError(
                    [
                        RowError(
                            0,
                            "file",
                            Reason(
                                gettext_noop(
                                    "the registry stayed busy with another import; nothing was "
                                    "written, import it again"
                                )
                            ),
                        )
                    ]
                ) from exc
            time.sleep(0.05)
    raise AssertionError("unreachable")


def _match_and_write(
    staging: _Staging,
    present: list[Column],
    result: ImportResult,
    filename: str,
    job: ImportJob | None,
) -> None:
    """Link the staged rows to the registry and write them, under the import lock."""
    try:
        _when_unlocked(lambda: _match_and_write_once(staging, present, result, filename, job))
    except IntegrityError as exc:
        # Imports are serialised, but a firm saved through the form meanwhile can still take a
        # credit code this file creates: nothing was written, and saying so beats a raw error.
        result.created = result.updated = result.unchanged = 0
        raise ImportFileError(
            [
                RowError(
                    0,
                    "file",
                    Reason(
                        gettext_noop(
                            "another change wrote the same firms while this file was being "
                            "imported; nothing was written, import it again"
                        )
                    ),
                )
            ]
        ) from exc


def _match_and_write_once(
    staging: _Staging,
    present: list[Column],
    result: ImportResult,
    filename: str,
    job: ImportJob | None,
) -> None:
    with transaction.atomic():
        _lock_imports()
        new, changed, unchanged = _classify(staging, present, MAX_REPORTED_ERRORS)
        result.created, result.updated, result.unchanged = new, changed, unchanged
        result.warnings = _possible_duplicates(staging, MAX_REPORTED_ERRORS)
        if not (new or changed):
            return
        now = timezone.now()
        _write_updates(staging, present, now)
        _write_creates(staging, filename, now)
        # One more than placement takes at once tells the job to leave it to `classify`.
        result.created_ids = created_ids(staging, FOLLOW_UP_MAX + 1)
        if job is not None:
            record_event(
                instance=job,
                event="enterprises_imported",
                message=f"Imported {filename}",
                data={
                    "sha256": result.sha256,
                    "rows": result.total_rows,
                    "created": new,
                    "updated": changed,
                    "unchanged": unchanged,
                },
            )
        DataVersion.bump(REGISTRY_DATA)
        if new + changed >= ANALYZE_AFTER_ROWS:
            transaction.on_commit(lambda: refresh_planner_statistics(Enterprise))


def import_enterprises(
    path: Path | str,
    *,
    dry_run: bool = False,
    filename: str | None = None,
    job: ImportJob | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import the enterprise file at `path`: everything or, if any row is bad, nothing.

    The caller checks permission and sets the audit actor (`acting_as`); writes are audited.
    """
    path = Path(path)
    filename = filename or path.name
    result = ImportResult(dry_run=dry_run, sha256=file_sha256(path))
    try:
        rows, total = open_rows(path)
        refs = References.load()
        staging = _Staging()
        staging.create()
        try:
            if job is not None:
                ImportJob.objects.filter(pk=job.pk).update(total_rows=total, sha256=result.sha256)
            present = _stage_file(rows, staging, refs, result, progress, total)
            staging.index()
            for error in _duplicates(staging, MAX_REPORTED_ERRORS):
                result.add_error(error)
            result.errors.sort()
            if result.ok and dry_run:
                counts = _classify(staging, present, MAX_REPORTED_ERRORS)
                result.created, result.updated, result.unchanged = counts
                result.warnings = _possible_duplicates(staging, MAX_REPORTED_ERRORS)
            elif result.ok:
                _match_and_write(staging, present, result, filename, job)
        finally:
            staging.drop()
    except ImportFileError as exc:
        for error in exc.errors:
            result.add_error(error)
    return result
