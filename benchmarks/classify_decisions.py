"""Officials' decisions as labels, measured on the real listed companies (issue 14, item 3).

    .venv/bin/python benchmarks/classify_decisions.py [--seed 1] [--k 100 --k 300 --k all]
        [--order confidence|random] [--corrections] [--small] [--data DIR]

Of the 3,292 training firms of docs/classification.md's split (``split_by_province``, seed 1;
the 674 held-out firms are dropped before anything else and never read), a seeded third of the
firms outside Zhejiang plays the registry: their divisions are hidden, the model trained on the
other training firms (and the standard's class texts, as ``train_classifier`` always does)
predicts them. A seeded half of the registry firms is reviewable, the other half is the
evaluation set. For each budget K the simulated official decides the first K reviewable firms
in review order (lowest confidence first by default), accepts a guess whose division is the
firm's CSRC-mapped one and rejects the rest; the accepted firms become training rows as
``decision_training_rows`` makes them (names, main business, scope; no introduction), and
``train_classifier`` is trained again on the same firms plus those rows, as ``chainlead
classify --retrain`` does. ``--corrections``: each rejected firm is also placed by hand in a
segment of its true division (an acceptance there), so every decided firm becomes a row.
Top-1, top-3 and confident-half precision before and after are printed for the evaluation
firms (``±``: one binomial standard error; the paired change in top-1 with its standard
error from the firms that changed). ``--small``: the demo's small model (fast; for a trial).
Results also in ``benchmarks/out/classify_decisions.json``. Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import sys
import time
from dataclasses import asdict
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
sys.path.insert(0, str(ROOT))

from chainlead.analytics.classify import (  # noqa: E402
    ClassLexicon,
    DivisionClassifier,
    labelled_companies,
    split_by_province,
    train_classifier,
)
from chainlead.analytics.classify.decisions import decision_round  # noqa: E402


def _budget(value: str) -> int | None:
    return None if value == "all" else int(value)


def _se(p: float, n: int) -> float:
    return math.sqrt(p * (1 - p) / n) if n else float("nan")


def _cell(p: float, n: int) -> str:
    return f"{p:.3f} ± {_se(p, n):.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1, help="Registry and review draws.")
    parser.add_argument(
        "--k", action="append", type=_budget, help="Decisions in the round (repeat; 'all')."
    )
    parser.add_argument("--order", choices=["confidence", "random"], default="confidence")
    parser.add_argument("--corrections", action="store_true")
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args(argv)
    budgets = args.k or [100, 300, None]
    data = args.data or Path(
        os.environ.get("SHARED_DATA_DIR", str(ROOT.parent / "shared" / "data"))
    )
    lexicon = ClassLexicon.from_industries(data / "gbt4754-2017" / "industries.csv")
    split = split_by_province(labelled_companies(data / "companies"), seed=1)
    training = split.train.drop(columns="province")
    outside = split.train["id"]  # split.train: the firms outside Zhejiang not held out
    rows = pd.concat([training, split.zhejiang.drop(columns="province")], ignore_index=True)
    trainings: list[float] = []

    def train(part: pd.DataFrame) -> DivisionClassifier:
        started = time.process_time()
        model = train_classifier(part, lexicon=lexicon, seed=1, small=args.small)
        trainings.append(time.process_time() - started)
        print(
            f"  trained on {len(part)} rows in {trainings[-1]:.0f} CPU s",
            file=sys.stderr,
            flush=True,
        )
        return model

    started = time.monotonic()
    result = decision_round(
        rows,
        train=train,
        budgets=budgets,
        registry_from=set(outside),
        seed=args.seed,
        order=args.order,
        corrections=args.corrections,
    )
    wall = time.monotonic() - started
    n = len(result.evaluation_ids)
    print(
        f"training firms {result.training_firms} (of {len(rows)}; held-out 674 not read), "
        f"registry {result.registry_firms}: reviewable {result.reviewable_firms}, "
        f"evaluation {n}; order {args.order}, corrections {args.corrections}, "
        f"seed {args.seed}, {'small' if args.small else 'full'} model"
    )
    print(f"top-1 of the reviewable firms before: {result.reviewable_top1_before:.3f}")
    print(
        "| K decided | accepted (rows) | rejected | top-1 | top-3 | confident half "
        "| top-1 change (paired) | right on decided |"
    )
    print("| ---: | ---: | ---: | --- | --- | --- | --- | ---: |")
    b = result.before
    print(
        f"| 0 (before) | 0 | 0 | {_cell(b.top1, n)} | {_cell(b.top3, n)} "
        f"| {_cell(b.confident_half_precision, n // 2)} | — | — |"
    )
    for budget in result.budgets:
        a = budget.after
        change = (budget.flips_right - budget.flips_wrong) / n
        change_se = math.sqrt(budget.flips_right + budget.flips_wrong) / n
        print(
            f"| {budget.k} | {budget.accepted} ({budget.label_rows}) | {budget.rejected} "
            f"| {_cell(a.top1, n)} | {_cell(a.top3, n)} "
            f"| {_cell(a.confident_half_precision, n // 2)} "
            f"| {change:+.3f} ± {change_se:.3f} (+{budget.flips_right} / -{budget.flips_wrong}) "
            f"| {budget.decided_top1:.3f} |"
        )
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"{len(trainings)} trainings, {sum(trainings):.0f} CPU s; run {wall:.0f} s wall, "
        f"{cpu.ru_utime + cpu.ru_stime:.0f} CPU s"
    )
    OUT.mkdir(parents=True, exist_ok=True)
    payload = {
        "seed": args.seed,
        "order": args.order,
        "corrections": args.corrections,
        "small": args.small,
        "training_firms": result.training_firms,
        "registry_firms": result.registry_firms,
        "reviewable_firms": result.reviewable_firms,
        "evaluation_firms": n,
        "reviewable_top1_before": result.reviewable_top1_before,
        "before": asdict(result.before),
        "budgets": [asdict(x) for x in result.budgets],
        "wall_s": wall,
    }
    suffix = f"-{args.order}{'-corr' if args.corrections else ''}{'-small' if args.small else ''}"
    (OUT / f"classify_decisions{suffix}-seed{args.seed}.json").write_text(
        json.dumps(payload, indent=1) + "\n", "utf-8"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
