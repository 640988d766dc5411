"""`chainlead escalate` over 200,000 open requests against one SQL pass over the same rows.

Target (issue 3): escalation is set-based (UPDATE guarded by the level, then INSERT … SELECT of
timeline rows, audit entries and notifications), so its time is a small multiple of one pass
over the overdue rows, not a Python loop per request. Baselines: a SELECT count(*) and an
UPDATE of the same rows (rolled back). Also timed: a second run the same day (idempotent: it
must touch nothing) and a run two weeks later (the second lapse, to the chain leader).

Each database is fresh (SQLite under benchmarks/out/, PostgreSQL chainlead_bench_escalate).
Requests come from `chainlead generate-requests` (all open, raised over the last 120 days).
BENCH_SCALE shrinks the size.

    python benchmarks/escalate.py [sqlite|postgresql ...]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import drop_database, fresh_database, machine, save_json, scaled

REQUESTS = 200_000


def run(vendor: str) -> dict[str, object]:
    db = fresh_database(vendor, name="escalate")
    try:
        n = scaled(REQUESTS)
        start = time.perf_counter()
        db.run("generate-requests", "--requests", str(n), "--seed", "1", "--open-share", "1.0")
        generated = time.perf_counter() - start
        out = db.python("benchmarks/_escalate_run.py").stdout
        result = json.loads(out.strip().splitlines()[-1])
        result["generate_s"] = generated
        return result
    finally:
        drop_database(db)


def report(results: list[dict[str, object]]) -> str:
    lines = [
        "",
        "## Escalation (`chainlead escalate`, issue 3)",
        "",
        f"Machine: {machine().get('cpu', '')}. Requests from `chainlead generate-requests` (all",
        "open, raised over the last 120 days, so most are overdue); times in seconds, in-process",
        "(no start-up). Baselines: one SELECT count(*) and one UPDATE (rolled back) over the same",
        "overdue rows.",
        "",
        "| database | open | overdue | SELECT pass | UPDATE pass | escalate (1st)"
        " | ratio to UPDATE | same day again | 2 weeks later (to leader) | notifications |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ratio = float(r["escalate_first_s"]) / max(float(r["baseline_update_s"]), 1e-9)
        lines.append(
            f"| {r['vendor']} | {r['open_requests']:,} | {r['overdue']:,} "
            f"| {float(r['baseline_select_s']):.3f} | {float(r['baseline_update_s']):.3f} "
            f"| {float(r['escalate_first_s']):.2f} | {ratio:.1f}× "
            f"| {float(r['escalate_again_s']):.3f} ({r['escalate_again_rows']} rows) "
            f"| {float(r['escalate_leader_s']):.2f} ({r['escalate_leader_rows']:,} rows) "
            f"| {r['notifications']:,} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    vendors = sys.argv[1:] or ["sqlite", "postgresql"]
    results = [run(v) for v in vendors]
    save_json("escalate", results)
    text = report(results)
    print(text)


if __name__ == "__main__":
    main()
