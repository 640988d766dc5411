"""Eligibility of 1,000,000 SYNTHETIC firms under a ten-rule program, against one SQL query.

    .venv/bin/python benchmarks/eligibility.py [--firms 1000000] [--chunk 100000]

The firms come from `chainlead.programs.generator` (seeded; synthetic, not real firms), chunk
by chunk. The program's ten rules (`generator.TEN_RULES`: city, district, industry, size,
founding date, revenue, R&D, R&D share, employees, no violations) are JSON Logic, as officials
store them. Measured in the same run:

- **vectorised**: the rules translated to pandas/numpy predicates (`programs.vectorised`) over
  each chunk's columns — the platform's path for a batch or `program-eligible`;
- **SQL baseline**: the chunks loaded into an SQLite table (not timed), then one hand-written
  query with the same ten conditions (NULL fails a condition, as a missing field fails a rule)
  — count and sum of the eligible ids must equal the vectorised ones;
- **JSON Logic per firm** on the first 5,000 firms (the explanations' path), which must agree
  firm by firm;
- **memory**: tracemalloc's peak while streaming 2 chunks and 10 chunks (a separate, untimed
  pass: tracemalloc slows allocation): flat when the two are about equal (one chunk's worth).

Target: 1,000,000 firms under 60 s, flat memory. Results: stdout and
`benchmarks/out/eligibility.json`; exit status 1 on a miss.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402

from benchmarks._machine import describe  # noqa: E402
from chainlead.programs import rules, vectorised  # noqa: E402
from chainlead.programs.generator import (  # noqa: E402
    TEN_RULES,
    firm_columns,
    firm_frame,
    firm_rows,
)

SQL = """
SELECT COUNT(*), COALESCE(SUM(id), 0) FROM firms
WHERE city = '杭州'
  AND district IN ('滨江区', '余杭区', '西湖区', '萧山区')
  AND industry_division IN ('39', '65', '64', '73')
  AND size_class IN ('medium', 'small', 'micro')
  AND founded >= '2000-01-01'
  AND revenue >= 200
  AND rd_spend >= 50
  AND rd_share >= 0.03
  AND employees <= 1000
  AND open_violations = 0
"""
COLUMNS = (
    "id", "city", "district", "founded", "industry_division", "size_class", "employees",
    "revenue", "rd_spend", "rd_share", "open_violations",
)  # fmt: skip


def stream(firms: int, chunk: int, db: sqlite3.Connection | None, *, trace: bool) -> dict[str, Any]:
    """Evaluate chunk by chunk; optionally load each chunk into SQLite (untimed) or trace the
    memory (tracemalloc slows allocation: the timed pass runs without it)."""
    eligible = 0
    id_sum = 0
    seconds = 0.0
    if trace:
        tracemalloc.start()
    for start in range(0, firms, chunk):
        n = min(chunk, firms - start)
        columns = firm_columns(n, seed=start, start=start)
        began = time.perf_counter()
        mask = vectorised.eligible_mask(TEN_RULES, firm_frame(columns))
        seconds += time.perf_counter() - began
        eligible += int(mask.sum())
        id_sum += int(columns["id"][mask].sum())
        if db is not None:
            rows = zip(*(_sql_values(columns[c]) for c in COLUMNS), strict=True)
            db.executemany(f"INSERT INTO firms VALUES ({','.join('?' * len(COLUMNS))})", rows)
        del columns, mask
    peak = 0
    if trace:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {"eligible": eligible, "id_sum": id_sum, "seconds": seconds, "peak_bytes": peak}


def _sql_values(values: np.ndarray[Any, Any]) -> list[Any]:
    if values.dtype.kind == "f":
        return [None if np.isnan(v) else float(v) for v in values]
    if values.dtype.kind in "US":
        return [str(v) or None for v in values]
    return [int(v) for v in values]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--firms", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=100_000)
    args = parser.parse_args()

    small = stream(2 * args.chunk, args.chunk, None, trace=True)
    large = stream(10 * args.chunk, args.chunk, None, trace=True)
    with tempfile.TemporaryDirectory() as folder:
        db = sqlite3.connect(Path(folder) / "firms.sqlite3")
        db.execute(f"CREATE TABLE firms ({', '.join(COLUMNS)})")
        full = stream(args.firms, args.chunk, db, trace=False)
        db.commit()
        began = time.perf_counter()
        sql_count, sql_sum = db.execute(SQL).fetchone()
        sql_seconds = time.perf_counter() - began
        db.close()

    sample = firm_columns(5000, seed=0, start=0)
    began = time.perf_counter()
    per_firm = np.array([rules.eligible(rules.evaluate(TEN_RULES, r)) for r in firm_rows(sample)])
    json_logic_seconds = time.perf_counter() - began
    columns_agree = bool(
        (per_firm == vectorised.eligible_mask(TEN_RULES, firm_frame(sample))).all()
    )

    result = {
        "firms": args.firms,
        "chunk": args.chunk,
        "eligible": full["eligible"],
        "vectorised_seconds": round(full["seconds"], 3),
        "sql_seconds": round(sql_seconds, 3),
        "vectorised_over_sql": round(full["seconds"] / sql_seconds, 3),
        "same_answer_as_sql": (full["eligible"], full["id_sum"]) == (sql_count, sql_sum),
        "json_logic_per_firm_us": round(json_logic_seconds / 5000 * 1e6, 1),
        "json_logic_over_vectorised_per_firm": round(
            (json_logic_seconds / 5000) / (full["seconds"] / args.firms), 1
        ),
        "per_firm_agrees_on_5000": columns_agree,
        "peak_mb_2_chunks": round(small["peak_bytes"] / 2**20, 1),
        "peak_mb_10_chunks": round(large["peak_bytes"] / 2**20, 1),
        "memory_10_over_2_chunks": round(large["peak_bytes"] / small["peak_bytes"], 2),
        "machine": describe(),
    }
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "eligibility.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, indent=1))
    ok = (
        result["same_answer_as_sql"]
        and columns_agree
        and full["seconds"] < 60 * args.firms / 1_000_000
        and result["memory_10_over_2_chunks"] < 1.5
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
