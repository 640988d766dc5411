"""Enterprise import against the database's own bulk load, and its peak memory.

Targets (issue "the spine"):
- importing a generated 1,000,000-row CSV takes at most 3× the database's own bulk load of the
  same rows (COPY on PostgreSQL, one-transaction executemany on SQLite), on each database;
- peak RSS of the import at 1,000,000 rows is at most 1.25× that at 100,000 rows.

Each measurement runs in a fresh database (SQLite under benchmarks/out/, PostgreSQL database
chainlead_bench, created and dropped here). The import is timed as the whole
`chainlead import-enterprises` process (start-up, validation, staging, writing, audit); the
baseline only as its load statement. BENCH_SCALE shrinks the sizes; BENCH_PG_DB names the
PostgreSQL database (default chainlead_bench), so that parallel runs do not collide.

    python benchmarks/bench_import.py [sqlite|postgresql ...]
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import _common
from benchmarks._common import (
    CHAINLEAD,
    drop_database,
    fresh_database,
    generated_csv,
    machine,
    save_json,
    scaled,
    timed_subprocess,
)

# Read by `fresh_database` at each call.
_common.PG_BENCH_DB = os.environ.get("BENCH_PG_DB", _common.PG_BENCH_DB)

TIME_RATIO_TARGET = 3.0
MEMORY_RATIO_TARGET = 1.25


def baseline(vendor: str, path: Path) -> dict[str, float]:
    db = fresh_database(vendor)
    try:
        out = db.python("benchmarks/_baseline_load.py", str(path)).stdout
        return json.loads(out.strip().splitlines()[-1])
    finally:
        drop_database(db)


def run_import(vendor: str, path: Path) -> dict[str, float]:
    db = fresh_database(vendor)
    try:
        seconds, rss, output = timed_subprocess(
            [*CHAINLEAD, "import-enterprises", str(path), "--no-progress"], db.env
        )
        count = (
            db.run(
                "shell",
                "-c",
                "from chainlead.registry.models import Enterprise;"
                "print(Enterprise.objects.count())",
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        return {
            "seconds": seconds,
            "peak_rss_mb": rss / 2**20,
            "firms": int(count),
            "output": output.strip().splitlines()[-1],
        }
    finally:
        drop_database(db)


def main() -> int:
    vendors = sys.argv[1:] or ["sqlite", "postgresql"]
    large = scaled(1_000_000)
    small = scaled(100_000, minimum=100)
    print(f"Generating {large:,} and {small:,} firms...", flush=True)
    big_file = generated_csv(large)
    small_file = generated_csv(small)
    results: dict[str, object] = {"machine": machine(), "rows": large, "small_rows": small}
    ok = True
    for vendor in vendors:
        base = baseline(vendor, big_file)
        print(
            f"[{vendor}] baseline bulk load of {large:,} rows: {base['seconds']:.1f} s "
            f"(into a copy without indexes: {base['unindexed_seconds']:.1f} s)",
            flush=True,
        )
        imp = run_import(vendor, big_file)
        assert imp["firms"] == large, imp
        ratio = imp["seconds"] / base["seconds"]
        print(
            f"[{vendor}] import of {large:,} rows: {imp['seconds']:.1f} s "
            f"({ratio:.2f}× baseline, target ≤ {TIME_RATIO_TARGET}×), "
            f"peak RSS {imp['peak_rss_mb']:.0f} MB",
            flush=True,
        )
        small_imp = run_import(vendor, small_file)
        mem_ratio = imp["peak_rss_mb"] / small_imp["peak_rss_mb"]
        print(
            f"[{vendor}] import of {small:,} rows: {small_imp['seconds']:.1f} s, "
            f"peak RSS {small_imp['peak_rss_mb']:.0f} MB; memory ratio {mem_ratio:.2f} "
            f"(target ≤ {MEMORY_RATIO_TARGET})",
            flush=True,
        )
        results[vendor] = {
            "baseline_seconds": base["seconds"],
            "unindexed_baseline_seconds": base["unindexed_seconds"],
            "import_seconds": imp["seconds"],
            "time_ratio": ratio,
            "peak_rss_mb": imp["peak_rss_mb"],
            "small_import_seconds": small_imp["seconds"],
            "small_peak_rss_mb": small_imp["peak_rss_mb"],
            "memory_ratio": mem_ratio,
        }
        ok = ok and ratio <= TIME_RATIO_TARGET and mem_ratio <= MEMORY_RATIO_TARGET
    print(f"Results in {save_json('import', results)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
