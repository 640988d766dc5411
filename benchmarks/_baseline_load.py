"""The baseline: the database's own bulk load of the same rows into the enterprise table.

Run by bench_import.py in a fresh database: `python benchmarks/_baseline_load.py FILE`.
First (untimed) the import file is turned into the enterprise table's final column values
(district ids, industry codes, search keys, timestamps); then the timed part loads them with
PostgreSQL's COPY, or on SQLite with one executemany in one transaction. Prints JSON.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from chainlead.registry.importers import (  # noqa: E402
    COLUMNS,
    References,
    _parser,
    _search_keys,
    map_headers,
    open_rows,
)

NULL = r"\N"
EXTRA = [
    "search_text",
    "short_name",
    "name_en",
    "province",
    "city",
    "address",
    "founded_year_only",
    "registered_capital",
    "main_business",
    "recruitment_effort",
    "provenance",
    "source_note",
    "version",
    "created_at",
    "updated_at",
]


def prepare(source: Path, target: Path) -> int:
    postgres = connection.vendor == "postgresql"
    rows, _ = open_rows(source)
    fields = map_headers(next(rows))
    refs = References.load()
    parsers = [(i, f, _parser(f, refs)) for i, f in enumerate(fields) if f is not None]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    now = now if isinstance(now, str) else now.isoformat()

    def cell(value: object) -> object:
        if value is None:
            return NULL
        if isinstance(value, bool):
            return ("true" if value else "false") if postgres else int(value)
        return value

    count = 0
    with target.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        batch: list[list[object]] = []

        def flush() -> None:
            keys = _search_keys([str(r[1]) for r in batch])
            for r, key in zip(batch, keys, strict=True):
                writer.writerow(
                    [cell(v) for v in r]
                    + [
                        key,
                        "",
                        "",
                        "",
                        "",
                        "",
                        cell(False),
                        NULL,
                        "",
                        "",
                        "entered",
                        "baseline",
                        1,
                        now,
                        now,
                    ]
                )
            batch.clear()

        for cells in rows:
            values = {name: parse(cells[i]) for i, name, parse in parsers}
            batch.append([values.get(c.name) for c in COLUMNS])
            count += 1
            if len(batch) >= 5000:
                flush()
        if batch:
            flush()
    return count


def load(path: Path, table: str = "registry_enterprise") -> float:
    columns = ", ".join([c.db_column for c in COLUMNS] + EXTRA)
    start = time.perf_counter()
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            copy_sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            with path.open("rb") as fh, cursor.cursor.copy(copy_sql) as copy:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    copy.write(block)
    else:
        marks = ", ".join(["%s"] * (len(COLUMNS) + len(EXTRA)))
        with path.open(newline="", encoding="utf-8") as fh, transaction.atomic():
            rows = ([None if v == NULL else v for v in r] for r in csv.reader(fh))
            with connection.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
    return time.perf_counter() - start


def main() -> None:
    source = Path(sys.argv[1])
    target = source.with_name(f"{source.stem}.{connection.vendor}.prepared.csv")
    rows = prepare(source, target)
    seconds = load(target)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM registry_enterprise")
        loaded = cursor.fetchone()[0]
        # For reference: the same load into a copy of the table without indexes or constraints.
        cursor.execute(
            "CREATE TABLE bench_unindexed AS SELECT * FROM registry_enterprise WHERE 1 = 0"
        )
    unindexed = load(target, "bench_unindexed")
    target.unlink()
    print(
        json.dumps(
            {"rows": rows, "loaded": loaded, "seconds": seconds, "unindexed_seconds": unindexed}
        )
    )


if __name__ == "__main__":
    main()
