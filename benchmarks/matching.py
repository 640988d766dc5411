"""Commissioner ↔ firm assignment: ``chainlead.analytics.assign`` against HiGHS's LP.

    .venv/bin/python benchmarks/matching.py [--scale 0.1] [--repeats 3]   (or BENCH_SCALE=0.1)

On one seeded synthetic instance (``synthetic_scores``: 2,000 commissioners × 20,000 firms,
about 20 candidate commissioners per firm, capacities 5-15, 10 % of firms wanting two) it
measures, in the same process and run:

* ``assign`` (OR-Tools min-cost flow and the dual prices), the median of ``--repeats`` calls;
* HiGHS solving the LP relaxation of the same instance (``scipy.optimize.linprog``,
  ``method="highs"``, one variable per stored pair, sparse constraints), built before the
  clock starts; the baseline, timed once per repeat too;
* ``verify_certificate`` and the greedy assignment (highest score first), for the gain.

The LP is integral (bipartite b-matching is totally unimodular), so both must reach the same
objective (target: relative difference at most 1e-6); the speed target is ``assign`` at least
5 times faster than HiGHS, at full scale only. Results: a table on stdout and
``benchmarks/out/matching[-scaleS].json``; the exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
sys.path.insert(0, str(ROOT))

from benchmarks._machine import describe, markdown  # noqa: E402
from chainlead.analytics import (  # noqa: E402
    assign,
    greedy_assign,
    greedy_gain,
    synthetic_scores,
    verify_certificate,
)

COMMISSIONERS = 2000
FIRMS = 20000
PAIRS_PER_FIRM = 20
SEED = 1
SPEEDUP_TARGET = 5.0
AGREEMENT_TARGET = 1e-6


def _lp(scores: Any, capacity: Any, demand: Any) -> dict[str, Any]:
    """The LP relaxation's data: maximise scores·x, rows and columns within their limits."""
    coo = sp.coo_matrix(scores)
    n_rows, n_cols = coo.shape
    pairs = np.arange(coo.nnz)
    by_row = sp.csr_matrix((np.ones(coo.nnz), (coo.row, pairs)), shape=(n_rows, coo.nnz))
    by_col = sp.csr_matrix((np.ones(coo.nnz), (coo.col, pairs)), shape=(n_cols, coo.nnz))
    return {
        "c": -coo.data,
        "A_ub": sp.vstack([by_row, by_col]).tocsr(),
        "b_ub": np.concatenate([capacity, demand]).astype(np.float64),
        "bounds": (0, 1),
        "method": "highs",
    }


def _timed(function: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def run_benchmark(scale: float, repeats: int) -> dict[str, Any]:
    n_commissioners = max(10, round(COMMISSIONERS * scale))
    n_firms = max(100, round(FIRMS * scale))
    generate_seconds, (scores, capacity, demand) = _timed(
        synthetic_scores, n_commissioners, n_firms, PAIRS_PER_FIRM, SEED
    )
    lp = _lp(scores, capacity, demand)
    load_before = os.getloadavg()

    ours_seconds: list[float] = []
    highs_seconds: list[float] = []
    result = highs = None
    for _ in range(repeats):  # interleaved, so both see the same load on a shared machine
        seconds, result = _timed(assign, scores, capacity, demand)
        ours_seconds.append(seconds)
        seconds, highs = _timed(linprog, **lp)
        highs_seconds.append(seconds)
    assert result is not None and highs is not None
    verify_seconds, check = _timed(verify_certificate, scores, capacity, demand, result)
    greedy_seconds, greedy = _timed(greedy_assign, scores, capacity, demand)
    gain = greedy_gain(result, greedy)

    highs_objective = float(-highs.fun) if highs.status == 0 else float("nan")
    difference = abs(result.objective - highs_objective) / max(abs(highs_objective), 1e-300)
    ours_median = statistics.median(ours_seconds)
    highs_median = statistics.median(highs_seconds)
    speedup = highs_median / ours_median
    full_scale = scale == 1
    agreement_met = bool(difference <= AGREEMENT_TARGET and check.ok)
    speed_met = speedup >= SPEEDUP_TARGET or not full_scale
    return {
        "machine": describe(),
        "scale": scale,
        "instance": {
            "commissioners": n_commissioners,
            "firms": n_firms,
            "stored_pairs": int(scores.nnz),
            "positive_pairs": int((scores.data > 0).sum()),
            "capacity_total": int(capacity.sum()),
            "demand_total": int(demand.sum()),
            "generate_seconds": generate_seconds,
        },
        "assign_seconds": ours_seconds,
        "assign_seconds_median": ours_median,
        "highs_lp_seconds": highs_seconds,
        "highs_lp_seconds_median": highs_median,
        "highs_status": highs.message,
        "speedup": speedup,
        "objective": result.objective,
        "highs_objective": highs_objective,
        "relative_difference": difference,
        "pairs": len(result.pairs),
        "certificate_ok": check.ok,
        "certificate_problems": list(check.problems),
        "certified_gap": result.gap,
        "cost_unit": result.cost_unit,
        "verify_seconds": verify_seconds,
        "greedy_seconds": greedy_seconds,
        "greedy_objective": greedy.objective,
        "gain": gain.gain,
        "relative_gain": gain.relative_gain,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "targets": {
            "agreement": agreement_met,
            "speedup": speed_met if full_scale else "not applied below full scale",
        },
        "targets_met": agreement_met and speed_met,
    }


def report(results: dict[str, Any]) -> str:
    instance = results["instance"]
    lines = [
        f"instance: {instance['commissioners']:,} commissioners × {instance['firms']:,} firms, "
        f"{instance['stored_pairs']:,} stored pairs ({instance['positive_pairs']:,} positive), "
        f"capacity {instance['capacity_total']:,}, demand {instance['demand_total']:,}",
        "",
        "| solver | median s | best s | runs (s) | objective | ratio to HiGHS (median; best) |",
        "|---|---:|---:|---|---:|---:|",
        "| HiGHS LP (linprog) | {:.2f} | {:.2f} | {} | {:,.6f} | 1.0× |".format(
            results["highs_lp_seconds_median"],
            min(results["highs_lp_seconds"]),
            ", ".join(f"{s:.2f}" for s in results["highs_lp_seconds"]),
            results["highs_objective"],
        ),
        "| assign (OR-Tools) | {:.2f} | {:.2f} | {} | {:,.6f} | **{:.1f}×**; {:.1f}× |".format(
            results["assign_seconds_median"],
            min(results["assign_seconds"]),
            ", ".join(f"{s:.2f}" for s in results["assign_seconds"]),
            results["objective"],
            results["speedup"],
            min(results["highs_lp_seconds"]) / min(results["assign_seconds"]),
        ),
        "| greedy | {:.2f} | | {:,.6f} | |".format(
            results["greedy_seconds"], results["greedy_objective"]
        ),
        "",
        f"relative difference to HiGHS: {results['relative_difference']:.2e} "
        f"(target ≤ {AGREEMENT_TARGET:g}); certificate ok: {results['certificate_ok']}, "
        f"certified gap {results['certified_gap']:.3g} (verify {results['verify_seconds']:.2f} s)",
        f"gain over greedy: {results['gain']:,.3f} ({100 * results['relative_gain']:.2f} %)",
        f"targets met: {results['targets_met']} ({results['targets']})",
        "load average (1 min) before / after: {:.1f} / {:.1f}".format(
            results["load_average_before"][0], results["load_average_after"][0]
        ),
        "",
        markdown(results["machine"]),
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", "1")))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    results = run_benchmark(args.scale, args.repeats)
    OUT.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.scale == 1 else f"-scale{args.scale:g}"
    (OUT / f"matching{suffix}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(report(results))
    return 0 if results["targets_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
