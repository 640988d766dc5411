"""The proof-of-concept history of the demo: 10,000 synthetic projects written with
bulk_create, and the survival page's figures computed from the database.

Ratios against baselines measured in the same run:
* writing: seconds per generated project (with its stage changes, support and outcome rows)
  against one `Project.objects.create` per project (500 of them, rolled back);
* the survival page: `poc.figures.survival_report` (database read + analytics) against the
  same analytics on arrays already in memory.

Targets (issue 13 item 8): 10,000 projects written in under 30 s; each generated project at
least 10× cheaper than a row-by-row create; the survival figures within 2 s at 10,000.
BENCH_SCALE shrinks the size. Each database is fresh (SQLite under benchmarks/out/, PostgreSQL
chainlead_bench_poc).

    .venv/bin/python benchmarks/poc_history.py [sqlite|postgresql ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import drop_database, fresh_database, machine, save_json, scaled

PROJECTS = 10_000
TARGET_GENERATE_S = 30.0
TARGET_SPEED_RATIO = 10.0
TARGET_REPORT_S = 2.0


def run(vendor: str) -> dict[str, object]:
    db = fresh_database(vendor, name="poc")
    try:
        out = db.python("benchmarks/_poc_history_run.py", str(scaled(PROJECTS))).stdout
        result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
        result["database"] = vendor
        return result
    finally:
        drop_database(db)


def main() -> int:
    vendors = sys.argv[1:] or ["sqlite", "postgresql"]
    results = [run(v) for v in vendors]
    failed = False
    columns = ["database", "projects", "rows", "write s", "per project vs create"]
    columns += ["survival s", "vs analytics"]
    print("| " + " | ".join(columns) + " |")
    for r in results:
        speed = float(r["row_by_row_project_s"]) / float(r["generate_per_project_s"])
        overhead = float(r["survival_report_s"]) / max(float(r["analytics_only_s"]), 1e-9)
        r["speed_ratio"] = speed
        r["report_ratio"] = overhead
        print(
            f"| {r['database']} | {r['projects']:,} | {r['rows_written']:,} | "
            f"{float(r['generate_s']):.2f} | ×{speed:.0f} faster | "
            f"{float(r['survival_report_s']):.2f} | ×{overhead:.1f} |"
        )
        if int(str(r["projects"])) >= PROJECTS:
            failed |= float(r["generate_s"]) > TARGET_GENERATE_S
            failed |= float(r["survival_report_s"]) > TARGET_REPORT_S
        failed |= speed < TARGET_SPEED_RATIO
    save_json("poc_history", {"machine": machine(), "results": results})
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
