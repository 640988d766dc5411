"""Economic complexity: ``chainlead.analytics.complexity`` against ``ecomplexity`` 0.5.3.

    .venv/bin/python benchmarks/complexity.py [--scale 0.1]      (or BENCH_SCALE=0.1)

On the same seeded synthetic table (``region_product_table``, 20 % of the cells non-zero, one
year) it measures, each in a fresh child process so the peak RSS (``ru_maxrss``) is the run's own:

* 300 × 1,000: ours against ``ecomplexity`` with its defaults and with its fastest equivalent
  call (``check_logsupermodularity=False``, which only skips a printed diagnostic), each the
  median of 5 calls in one process (the first call, which also pays for the process's first
  touch of its memory, is reported too); target: at least 20 times faster than the fastest call;
* 1,000 × 5,000: ours against ``ecomplexity`` (fastest call), which may take long: it is given
  ``BENCH_ECOMPLEXITY_TIMEOUT`` seconds (default 1,800) and a timeout is recorded as such;
* 3,000 × 5,000: ours alone; target: peak RSS at most 2 GB (2e9 bytes).

Where both ran, every output column is compared (same columns, dtypes and rows; largest absolute
difference of the numeric columns; target 1e-6). ``--scale`` shrinks every dimension; the speed
and memory targets only apply at full scale. ``--blas-threads N`` sets ``OPENBLAS_NUM_THREADS``
(and the OpenMP / MKL equivalents) to N in *both* implementations' processes: on a machine that
others keep busy, OpenBLAS's spinning worker threads slow small products down by an order of
magnitude, and one thread is the fair comparison there. ``--case`` keeps the cases whose name
contains the text (for a quick look). Results: a table on stdout and
``benchmarks/out/complexity[-scaleS][-blasN].json``; the exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
sys.path.insert(0, str(ROOT))

from benchmarks._machine import describe, markdown  # noqa: E402

COLS = {"time": "year", "loc": "region", "prod": "product", "val": "value"}
DENSITY = 0.2
SEED = 1
SPEEDUP_TARGET = 20.0
MEMORY_TARGET_BYTES = 2_000_000_000
AGREEMENT_TARGET = 1e-6
ECOMPLEXITY_TIMEOUT = float(os.environ.get("BENCH_ECOMPLEXITY_TIMEOUT", "1800"))


@dataclass(frozen=True)
class Case:
    name: str
    regions: int
    products: int
    compare: bool
    repeats: int
    reference_repeats: int = 1
    with_defaults: bool = False
    speed_target: bool = False
    memory_target: bool = False


CASES = [
    Case(
        "300 × 1,000",
        300,
        1000,
        compare=True,
        repeats=5,
        reference_repeats=5,
        with_defaults=True,
        speed_target=True,
    ),
    Case("1,000 × 5,000", 1000, 5000, compare=True, repeats=1),
    Case("3,000 × 5,000", 3000, 5000, compare=False, repeats=1, memory_target=True),
]


# --- child process ------------------------------------------------------------------------


def _current_rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def _compare(reference: Any, ours: Any) -> dict[str, Any]:
    import numpy as np

    result: dict[str, Any] = {
        "same_columns": list(reference.columns) == list(ours.columns),
        "same_rows": len(reference) == len(ours),
        "same_dtypes": reference.dtypes.astype(str).to_dict() == ours.dtypes.astype(str).to_dict(),
    }
    if not (result["same_columns"] and result["same_rows"]):
        return result
    worst: dict[str, float] = {}
    same_keys = True
    for column in reference.columns:
        expected, actual = reference[column], ours[column]
        if expected.dtype.kind in "fiu" and column not in COLS.values():
            e = expected.to_numpy(dtype=np.float64)
            a = actual.to_numpy(dtype=np.float64)
            if not np.array_equal(np.isnan(e), np.isnan(a)):
                worst[column] = float("inf")
                continue
            finite = ~np.isnan(e)
            worst[column] = float(np.max(np.abs(e[finite] - a[finite]), initial=0.0))
        else:
            same_keys = same_keys and bool((expected.to_numpy() == actual.to_numpy()).all())
    result["same_keys"] = same_keys
    result["max_abs_difference"] = worst
    result["max_abs_difference_overall"] = max(worst.values(), default=0.0)
    return result


def child(args: argparse.Namespace) -> None:
    """Load the table, time the calls, record the peak RSS, then (only then) compare."""
    import pandas as pd

    started = time.perf_counter()
    if args.child == "ours":
        from chainlead.analytics import complexity

        def run(data: pd.DataFrame) -> pd.DataFrame:
            return complexity(data, COLS, verbose=False)

    else:
        from ecomplexity import ecomplexity

        defaults = args.child == "ecomplexity-defaults"

        def run(data: pd.DataFrame) -> pd.DataFrame:
            options = {} if defaults else {"check_logsupermodularity": False, "verbose": False}
            with contextlib.redirect_stdout(io.StringIO()):
                return ecomplexity(data, dict(COLS), **options)

    with open(args.data, "rb") as source:
        data = pickle.load(source)  # noqa: S301 - written by this script's parent process  # noqa: S301 - written by this script's parent process
    gc.collect()
    import_and_load = time.perf_counter() - started
    rss_with_input = _current_rss()
    times: list[float] = []
    cpu: list[float] = []
    output: Any = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for attempt in range(args.repeats):
            if attempt:
                del output
                gc.collect()
            cpu_start, wall_start = time.process_time(), time.perf_counter()
            output = run(data)
            times.append(time.perf_counter() - wall_start)
            cpu.append(time.process_time() - cpu_start)
    peak = _peak_rss()
    record: dict[str, Any] = {
        "implementation": args.child,
        "seconds": times,
        "seconds_median": statistics.median(times),
        "cpu_seconds": cpu,
        "import_and_load_seconds": import_and_load,
        "rss_with_input_bytes": rss_with_input,
        "peak_rss_bytes": peak,
        "output_rows": len(output),
        "load_average_after": os.getloadavg(),
    }
    if args.save_output:
        with open(args.save_output, "wb") as sink:
            pickle.dump(output, sink, protocol=pickle.HIGHEST_PROTOCOL)
    if args.reference:
        del data
        with open(args.reference, "rb") as source:
            reference = pickle.load(source)  # noqa: S301 - written by a sibling child  # noqa: S301 - written by a sibling child
        record["agreement"] = _compare(reference, output)
    Path(args.result).write_text(json.dumps(record))


# --- parent process -----------------------------------------------------------------------


def _size(n: int, scale: float, minimum: int) -> int:
    return max(minimum, round(n * scale))


def _table_file(regions: int, products: int) -> Path:
    path = OUT / f"complexity-table-{regions}x{products}-d{DENSITY}-seed{SEED}.pkl"
    if not path.exists():
        from chainlead.analytics import region_product_table

        table = region_product_table(regions, products, DENSITY, seed=SEED)
        with open(path, "wb") as handle:
            pickle.dump(table, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def _run_child(
    implementation: str,
    data: Path,
    stem: str,
    *,
    blas_threads: int | None = None,
    repeats: int = 1,
    save_output: bool = False,
    reference: Path | None = None,
    timeout: float | None = None,
) -> dict[str, Any]:
    result = OUT / f"{stem}-{implementation}.json"
    result.unlink(missing_ok=True)
    command = [sys.executable, __file__, "--child", implementation, "--data", str(data)]
    command += ["--result", str(result), "--repeats", str(repeats)]
    output = OUT / f"{stem}-{implementation}-output.pkl"
    if save_output:
        command += ["--save-output", str(output)]
    if reference is not None:
        command += ["--reference", str(reference)]
    env = dict(os.environ)
    if blas_threads is not None:
        for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[variable] = str(blas_threads)
    load_before = os.getloadavg()
    started = time.perf_counter()
    try:
        completed = subprocess.run(
            command, timeout=timeout, check=False, capture_output=True, env=env
        )
    except subprocess.TimeoutExpired:
        return {
            "implementation": implementation,
            "status": f"timed out after {timeout:.0f} s",
            "load_average_before": load_before,
        }
    if completed.returncode != 0 or not result.exists():
        return {
            "implementation": implementation,
            "status": f"failed (exit {completed.returncode})",
            "stderr": completed.stderr.decode(errors="replace")[-2000:],
            "load_average_before": load_before,
        }
    record: dict[str, Any] = json.loads(result.read_text())
    record["status"] = "ok"
    record["child_wall_seconds"] = time.perf_counter() - started
    record["load_average_before"] = load_before
    if save_output:
        record["output_file"] = str(output)
    return record


def _mib(n: float) -> str:
    return f"{n / 2**20:,.0f}"


def run_benchmark(
    scale: float, blas_threads: int | None = None, only: str | None = None
) -> dict[str, Any]:
    OUT.mkdir(parents=True, exist_ok=True)
    import pandas as pd

    results: dict[str, Any] = {
        "benchmark": "complexity",
        "scale": scale,
        "density": DENSITY,
        "seed": SEED,
        "blas_threads": blas_threads if blas_threads is not None else "library default",
        "machine": describe(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "cases": [],
    }
    for case in CASES:
        if only is not None and only not in case.name:
            continue
        regions = _size(case.regions, scale, 10)
        products = _size(case.products, scale, 20)
        data = _table_file(regions, products)
        table = pd.read_pickle(data)  # noqa: S301 - written just above by _table_file  # noqa: S301 - written just above by _table_file
        entry: dict[str, Any] = {
            "case": case.name,
            "regions": regions,
            "products": products,
            "input_rows": len(table),
            "output_rows": regions * products,
            "runs": {},
        }
        del table
        stem = f"complexity-{regions}x{products}"
        print(
            f"{case.name}: {regions} × {products}, {entry['input_rows']:,} input rows", flush=True
        )
        reference = None
        if case.compare:
            fast = _run_child(
                "ecomplexity",
                data,
                stem,
                blas_threads=blas_threads,
                repeats=case.reference_repeats,
                save_output=True,
                timeout=ECOMPLEXITY_TIMEOUT,
            )
            entry["runs"]["ecomplexity"] = fast
            print(f"  ecomplexity: {fast['status']}", flush=True)
            if fast["status"] == "ok":
                reference = Path(fast["output_file"])
            if case.with_defaults:
                defaults = _run_child(
                    "ecomplexity-defaults",
                    data,
                    stem,
                    blas_threads=blas_threads,
                    repeats=case.reference_repeats,
                    timeout=ECOMPLEXITY_TIMEOUT,
                )
                entry["runs"]["ecomplexity-defaults"] = defaults
                print(f"  ecomplexity with defaults: {defaults['status']}", flush=True)
        ours = _run_child(
            "ours",
            data,
            stem,
            blas_threads=blas_threads,
            repeats=case.repeats,
            reference=reference,
        )
        entry["runs"]["ours"] = ours
        print(f"  ours: {ours['status']}", flush=True)
        if reference is not None:
            reference.unlink(missing_ok=True)  # hundreds of MB; the comparison is recorded
        _evaluate(entry, case, full_scale=scale >= 1.0)
        results["cases"].append(entry)
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %z")
    results["targets_met"] = all(c["targets_met"] for c in results["cases"])
    return results


def _evaluate(entry: dict[str, Any], case: Case, *, full_scale: bool) -> None:
    runs = entry["runs"]
    ours = runs["ours"]
    checks: dict[str, bool] = {"ours completed": ours["status"] == "ok"}
    fast = runs.get("ecomplexity", {})
    if ours["status"] == "ok" and fast.get("status") == "ok":
        entry["speedup"] = fast["seconds_median"] / ours["seconds_median"]
        defaults = runs.get("ecomplexity-defaults", {})
        if defaults.get("status") == "ok":
            entry["speedup_vs_defaults"] = defaults["seconds_median"] / ours["seconds_median"]
        agreement = ours.get("agreement", {})
        checks["same columns, dtypes, rows and keys"] = all(
            agreement.get(k, False)
            for k in ("same_columns", "same_rows", "same_dtypes", "same_keys")
        )
        checks[f"max abs difference <= {AGREEMENT_TARGET:g}"] = (
            agreement.get("max_abs_difference_overall", float("inf")) <= AGREEMENT_TARGET
        )
        if case.speed_target and full_scale:
            checks[f"at least {SPEEDUP_TARGET:g}x faster"] = entry["speedup"] >= SPEEDUP_TARGET
    if case.memory_target and full_scale and ours["status"] == "ok":
        checks["peak RSS <= 2 GB"] = ours["peak_rss_bytes"] <= MEMORY_TARGET_BYTES
    entry["checks"] = checks
    entry["targets_met"] = all(checks.values())


def report(results: dict[str, Any]) -> str:
    lines = [
        f"Economic complexity, scale {results['scale']:g}, density {results['density']:g}, "
        f"seed {results['seed']}, BLAS threads: {results['blas_threads']}",
        "",
        "| case | implementation | time (s) | peak RSS (MiB) | RSS with input (MiB) "
        "| speed-up | max abs diff |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for entry in results["cases"]:
        for name, run in entry["runs"].items():
            if run["status"] != "ok":
                lines.append(f"| {entry['case']} | {name} | {run['status']} | | | | |")
                continue
            seconds = run["seconds"]
            shown = f"{run['seconds_median']:.2f}"
            if len(seconds) > 1:
                shown += f" (median of {len(seconds)}; first {seconds[0]:.2f})"
            speed = ""
            difference = ""
            if name == "ours":
                speed = f"{entry['speedup']:.0f}×" if "speedup" in entry else ""
                if "speedup_vs_defaults" in entry:
                    speed += f" ({entry['speedup_vs_defaults']:.0f}× vs defaults)"
                agreement = run.get("agreement")
                if agreement:
                    difference = f"{agreement.get('max_abs_difference_overall', float('nan')):.1e}"
            lines.append(
                f"| {entry['case']} | {name} | {shown} | {_mib(run['peak_rss_bytes'])} "
                f"| {_mib(run['rss_with_input_bytes'])} | {speed} | {difference} |"
            )
    lines.append("")
    for entry in results["cases"]:
        for check, ok in entry["checks"].items():
            lines.append(f"- {entry['case']}: {check}: {'yes' if ok else 'NO'}")
    lines += ["", "Machine:", markdown(results["machine"])]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", "1")))
    parser.add_argument("--blas-threads", type=int, default=None)
    parser.add_argument("--case", default=None, help="only the cases whose name contains this")
    parser.add_argument("--child", choices=["ours", "ecomplexity", "ecomplexity-defaults"])
    parser.add_argument("--data")
    parser.add_argument("--result")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--save-output")
    parser.add_argument("--reference")
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0
    results = run_benchmark(args.scale, args.blas_threads, args.case)
    suffix = "" if args.scale == 1 else f"-scale{args.scale:g}"
    suffix += "" if args.blas_threads is None else f"-blas{args.blas_threads}"
    suffix += "" if args.case is None else "-partial"
    (OUT / f"complexity{suffix}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(report(results))
    return 0 if results["targets_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
