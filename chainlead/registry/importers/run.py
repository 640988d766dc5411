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

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from chainlead.audit.services import record_event
from chainlead.core.db import refresh_planner_statistics
from chainlead.core.models import DataVersion
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
    _search_keys,
    _Staging,
    _write_creates,
    _write_updates,
)
from chainlead.registry.models import Enterprise, ImportJob

REGISTRY_DATA = "registry"
# A write this large refreshes the planner's statistics once committed (chainlead.core.db).
ANALYZE_AFTER_ROWS = 10_000


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
        raise ImportFileError([RowError(1, "file", "is empty")]) from None
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
        with transaction.atomic():  # one SQLite transaction per batch, not one per row
            staging.insert(
                [
                    (v.pop("_line"), *(v[name] for name in order), key)
                    for v, key in zip(batch, keys, strict=True)
                ]
            )
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
            result.add_error(RowError(line, "row", "has more cells than the header"))
        values: dict[str, Any] = dict(absent)
        ok = True
        for index, name, parse in plan:
            raw = cells[index] if index < len(cells) else None
            try:
                values[name] = parse(raw)
            except ValueError as exc:
                result.add_error(RowError(line, name, str(exc)))
                values[name] = None
                ok = False
        if values.get("credit_code") is None:
            continue
        if not ok:  # staged only to find duplicates; nothing is written after an error
            values = dict.fromkeys(order) | {"credit_code": values["credit_code"]}
        values["_line"] = line
        batch.append(values)
        if len(batch) >= BATCH_SIZE:
            flush()
    if batch:
        flush()
    result.total_rows = processed
    return present


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
            if result.ok:
                new, changed, unchanged = _classify(staging, present)
                result.created, result.updated, result.unchanged = new, changed, unchanged
                if not dry_run and (new or changed):
                    now = timezone.now()
                    with transaction.atomic():
                        _write_updates(staging, present, now)
                        _write_creates(staging, filename, now)
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
        finally:
            staging.drop()
    except ImportFileError as exc:
        for error in exc.errors:
            result.add_error(error)
    return result
