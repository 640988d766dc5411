"""The full commissioner proposal, from the database to stored pairs, at 5,000 × 50,000.

    .venv/bin/python benchmarks/matching_proposal.py [sqlite|postgresql ...]   (BENCH_SCALE=0.1)

For each database (fresh, migrated, the city's districts loaded) the project's generator
(`chainlead.commissioners.generator`, bulk_create, every row marked synthetic) makes the
commissioners and firms, at half and at full size; then, in a fresh process, the proposal runs
as the background task does (`matching_run_execute`: candidates by SQL joins, scores, the
optimal assignment with its certificate, the greedy baseline, the pairs stored). Reported:
the proposal's time, its ratio to one SELECT pass over the firm table in the same process, and
the process's peak RSS above its start, at both sizes (flat memory: the growth from half to full
size stays far below doubling, since candidates are built a chunk of firms at a time).
Targets at full size: proposal ≤ 60 s and a verified certificate. Results on stdout and in
benchmarks/out/matching_proposal.json; exit status 1 when a target is missed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import drop_database, fresh_database, machine, save_json, scale

COMMISSIONERS = 5000
FIRMS = 50_000
TARGET_S = 60.0
SIZES = (0.5, 1.0)


def run(vendor: str, share: float) -> dict[str, object]:
    n_comm = max(10, round(COMMISSIONERS * share * scale()))
    n_firms = max(100, round(FIRMS * share * scale()))
    db = fresh_database(vendor, name="matching")
    try:
        generated = json.loads(
            db.python("benchmarks/_matching_proposal_run.py", "generate", str(n_comm), str(n_firms))
            .stdout.strip()
            .splitlines()[-1]
        )
        result = json.loads(
            db.python("benchmarks/_matching_proposal_run.py", "propose")
            .stdout.strip()
            .splitlines()[-1]
        )
        return {"vendor": vendor, "share": share, **generated, **result}
    finally:
        drop_database(db)


def report(results: list[dict]) -> str:  # type: ignore[type-arg]
    lines = [
        "",
        "## Commissioner proposal from the database (issue 12)",
        "",
        f"Machine: {machine().get('cpu', '')}. Data from `chainlead.commissioners.generator`",
        "(synthetic). Proposal = candidates by SQL joins + scores + `analytics.assign` + greedy +",
        "certificate check + pairs stored; baseline = one SELECT of the firm table into Python,",
        "same process. RSS growth = the proposal process's peak RSS above its start.",
        "",
        "| database | commissioners × firms | candidate pairs | pairs | proposal (s)"
        " | ratio to SELECT | RSS growth (MB) | certificate | gain over greedy |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in results:
        ratio = float(r["proposal_s"]) / max(float(r["baseline_select_s"]), 1e-9)
        growth = (int(r["rss_peak_bytes"]) - int(r["rss_start_bytes"])) / 1e6
        gain = float(r["objective"]) - float(r["greedy_objective"])
        share = gain / float(r["greedy_objective"])
        lines.append(
            f"| {r['vendor']} | {r['commissioners']:,} × {r['firms']:,} "
            f"| {r['candidate_pairs']:,} | {r['pairs']:,} | {float(r['proposal_s']):.1f} "
            f"| {ratio:.0f}× | {growth:.0f} | {'verified' if r['certificate_ok'] else 'NO'} "
            f"(gap {float(r['gap']):.1e}) | {gain:.1f} ({share:.2%}) |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    vendors = sys.argv[1:] or ["sqlite"]
    results = [run(v, share) for v in vendors for share in SIZES]
    save_json("matching_proposal", results)
    print(report(results))
    full = [r for r in results if r["share"] == 1.0]
    missed = [
        r for r in full if not r["certificate_ok"] or (scale() >= 1 and r["proposal_s"] > TARGET_S)
    ]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
