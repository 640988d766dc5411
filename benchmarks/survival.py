"""Survival analysis: ``chainlead.analytics.survival`` against ``lifelines`` 0.30.3.

    .venv/bin/python benchmarks/survival.py [--scale 0.1]      (or BENCH_SCALE=0.1)

On the same seeded synthetic proof-of-concept project histories (``poc_project_histories``:
five stages over ten years, whole days, projects still running at the end censored), each
implementation runs the same survival computation in a fresh child process, so the peak RSS
(``ru_maxrss``) is the run's own: the Kaplan-Meier curve with its 95 % band, the median, and
the log-rank test of supported against unsupported projects. Ours is ``kaplan_meier``,
``median_survival`` and ``logrank``; lifelines' is ``KaplanMeierFitter().fit`` (its median
comes with the fit) and ``logrank_test``. Each case is the median of several calls in one
process; the allocation peak of one more call is measured with ``tracemalloc`` (numpy reports
its buffers to it), apart from the timed calls.

Cases: 10,000 and 1,000,000 histories in whole days (many ties), and 1,000,000 with a seeded
fraction of a day added to each duration (nearly all distinct: the sorting path).

Targets: the same curve, band, median, statistic and p-value (largest absolute difference of
curve, band and p-value, relative difference of the statistic, all at most 1e-9); ours no
slower than lifelines in every case; at 1,000,000 histories, ours within 10 s and a peak RSS
of at most 1 GB (1e9 bytes). ``--scale`` shrinks the sizes; the time and memory limits only
apply at full scale. Results: a table on stdout and ``benchmarks/out/survival[-scaleS].json``;
the exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
sys.path.insert(0, str(ROOT))

from benchmarks._machine import describe  # noqa: E402

SEED = 1
YEARS = 10
AGREEMENT_TARGET = 1e-9
SECONDS_TARGET = 10.0
MEMORY_TARGET_BYTES = 1_000_000_000


@dataclass(frozen=True)
class Case:
    name: str
    projects: int
    fractional_days: bool
    repeats: int
    limits: bool = False  # the 10 s / 1 GB targets apply


CASES = [
    Case("10,000 histories", 10_000, fractional_days=False, repeats=9),
    Case("1,000,000 histories", 1_000_000, fractional_days=False, repeats=3, limits=True),
    Case("1,000,000, fractional days", 1_000_000, fractional_days=True, repeats=3, limits=True),
]


# --- child process ------------------------------------------------------------------------


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def _current_rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def child(args: argparse.Namespace) -> None:
    import numpy as np

    if args.child == "ours":
        from chainlead.analytics import kaplan_meier, logrank, median_survival

        def run(durations: Any, stopped: Any, supported: Any) -> dict[str, Any]:
            curve = kaplan_meier(durations, stopped)
            median = median_survival(durations, stopped)
            statistic, p_value = logrank(
                durations[supported],
                stopped[supported],
                durations[~supported],
                stopped[~supported],
            )
            return {
                "timeline": curve.index.to_numpy(),
                "band": curve[["survival", "ci_lower", "ci_upper"]].to_numpy(),
                "median": median,
                "statistic": statistic,
                "p_value": p_value,
            }

    else:
        from lifelines import KaplanMeierFitter
        from lifelines.statistics import logrank_test

        def run(durations: Any, stopped: Any, supported: Any) -> dict[str, Any]:
            fitter = KaplanMeierFitter().fit(durations, stopped)
            test = logrank_test(
                durations[supported],
                durations[~supported],
                stopped[supported],
                stopped[~supported],
            )
            return {
                "timeline": fitter.timeline,
                "band": np.c_[fitter.survival_function_, fitter.confidence_interval_],
                "median": fitter.median_survival_time_,
                "statistic": test.test_statistic,
                "p_value": test.p_value,
            }

    data = np.load(args.data)
    durations, stopped, supported = data["duration"], data["stopped"], data["supported"]
    rss_with_input = _current_rss()
    times: list[float] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lifelines' warnings about log(0) at the end
        for _ in range(args.repeats):
            started = time.perf_counter()
            output = run(durations, stopped, supported)
            times.append(time.perf_counter() - started)
        peak_rss = _peak_rss()
        tracemalloc.start()
        run(durations, stopped, supported)
        traced_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    np.savez(args.output, **output)
    record: dict[str, Any] = {
        "implementation": args.child,
        "seconds": times,
        "seconds_median": statistics.median(times),
        "rss_with_input_bytes": rss_with_input,
        "peak_rss_bytes": peak_rss,
        "tracemalloc_peak_bytes": traced_peak,
        "timeline_points": len(output["timeline"]),
    }
    if args.reference:  # after the measurements, so that they exclude it
        del data, durations, stopped, supported
        record["agreement"] = _compare(args.reference, args.output)
    Path(args.result).write_text(json.dumps(record))


# --- parent process -----------------------------------------------------------------------


def generate(projects: int, fractional_days: bool, path: Path) -> None:
    """Write the histories' durations, events and support flags (run in a child process: the
    parent stays small, and a child's ``ru_maxrss`` starts from its parent's, across exec)."""
    import numpy as np

    from chainlead.analytics import poc_project_histories

    table = poc_project_histories(projects, seed=SEED, years=YEARS)
    durations = table["duration"].to_numpy(dtype=np.float64)
    if fractional_days:
        # A seeded fraction of a day, never past the end of observation.
        fraction = np.random.default_rng(SEED + 1).random(projects)
        durations = durations - fraction * np.minimum(durations, 1.0)
    np.savez(
        path,
        duration=durations,
        stopped=table["stopped"].to_numpy(),
        supported=table["supported"].to_numpy(),
    )


def _data_file(case: Case, projects: int) -> Path:
    suffix = "-fractional" if case.fractional_days else ""
    path = OUT / f"survival-data-{projects}-seed{SEED}{suffix}.npz"
    if not path.exists():
        command = [sys.executable, __file__, "--generate", str(projects), "--data", str(path)]
        if case.fractional_days:
            command.append("--fractional-days")
        subprocess.run(command, check=True)
    return path


def _run_child(
    implementation: str, data: Path, stem: str, repeats: int, reference: str | None = None
) -> dict[str, Any]:
    result = OUT / f"{stem}-{implementation}.json"
    output = OUT / f"{stem}-{implementation}-output.npz"
    result.unlink(missing_ok=True)
    command = [sys.executable, __file__, "--child", implementation, "--data", str(data)]
    command += ["--result", str(result), "--output", str(output), "--repeats", str(repeats)]
    if reference is not None:
        command += ["--reference", reference]
    load_before = os.getloadavg()
    completed = subprocess.run(command, check=False, capture_output=True)
    if completed.returncode != 0 or not result.exists():
        return {
            "implementation": implementation,
            "status": f"failed (exit {completed.returncode})",
            "stderr": completed.stderr.decode(errors="replace")[-2000:],
        }
    record: dict[str, Any] = json.loads(result.read_text())
    record.update(status="ok", output_file=str(output), load_average_before=load_before)
    return record


def _compare(reference_file: str, ours_file: str) -> dict[str, Any]:
    import numpy as np

    reference, ours = np.load(reference_file), np.load(ours_file)
    same_timeline = bool(np.array_equal(reference["timeline"], ours["timeline"]))
    band_difference = (
        float(np.abs(reference["band"] - ours["band"]).max()) if same_timeline else float("inf")
    )
    statistic = float(reference["statistic"])
    return {
        "same_timeline": same_timeline,
        "max_abs_difference_curve_and_band": band_difference,
        "same_median": bool(reference["median"] == ours["median"]),
        "median": float(ours["median"]),
        "statistic": float(ours["statistic"]),
        "statistic_abs_difference": abs(statistic - float(ours["statistic"])),
        "statistic_rel_difference": abs(statistic - float(ours["statistic"])) / abs(statistic)
        if statistic
        else abs(float(ours["statistic"])),
        "p_value_abs_difference": abs(float(reference["p_value"]) - float(ours["p_value"])),
    }


def run_benchmark(scale: float, only: str | None = None) -> dict[str, Any]:
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "benchmark": "survival",
        "scale": scale,
        "seed": SEED,
        "machine": describe(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "cases": [],
    }
    for case in CASES:
        if only is not None and only not in case.name:
            continue
        projects = max(100, round(case.projects * scale))
        data = _data_file(case, projects)
        stem = f"survival-{projects}{'-fractional' if case.fractional_days else ''}"
        print(f"{case.name}: {projects:,} histories", flush=True)
        entry: dict[str, Any] = {"case": case.name, "projects": projects, "runs": {}}
        reference = _run_child("lifelines", data, stem, case.repeats)
        print(f"  lifelines: {reference['status']}", flush=True)
        ours = _run_child("ours", data, stem, case.repeats, reference.get("output_file"))
        print(f"  ours: {ours['status']}", flush=True)
        entry["runs"] = {"lifelines": reference, "ours": ours}
        checks: dict[str, bool] = {"both completed": reference["status"] == ours["status"] == "ok"}
        if checks["both completed"]:
            entry["agreement"] = agreement = ours.pop("agreement")
            entry["speedup"] = reference["seconds_median"] / ours["seconds_median"]
            checks["same timeline and median"] = (
                agreement["same_timeline"] and (agreement["same_median"])
            )
            checks[f"differences <= {AGREEMENT_TARGET:g}"] = (
                max(
                    agreement["max_abs_difference_curve_and_band"],
                    agreement["statistic_rel_difference"],
                    agreement["p_value_abs_difference"],
                )
                <= AGREEMENT_TARGET
            )
            checks["no slower than lifelines"] = entry["speedup"] >= 1.0
        for run in (reference, ours):
            if "output_file" in run:
                Path(run["output_file"]).unlink(missing_ok=True)
        if case.limits and scale >= 1.0 and ours["status"] == "ok":
            checks[f"within {SECONDS_TARGET:g} s"] = ours["seconds_median"] <= SECONDS_TARGET
            checks["peak RSS <= 1 GB"] = ours["peak_rss_bytes"] <= MEMORY_TARGET_BYTES
        entry["checks"] = checks
        entry["targets_met"] = all(checks.values())
        results["cases"].append(entry)
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %z")
    results["targets_met"] = all(c["targets_met"] for c in results["cases"])
    return results


def _mib(n: float) -> str:
    return f"{n / 2**20:,.0f}"


def report(results: dict[str, Any]) -> str:
    lines = [
        f"Survival, scale {results['scale']:g}, seed {results['seed']}",
        "",
        "| case | lifelines (s) | ours (s) | speed-up | peak RSS lifelines / ours (MiB) "
        "| tracemalloc peak lifelines / ours (MiB) | max abs diff curve, band | statistic "
        "rel diff | p abs diff |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for entry in results["cases"]:
        runs = entry["runs"]
        if "agreement" not in entry:
            lines.append(f"| {entry['case']} | {runs['lifelines']['status']} | "
                         f"{runs['ours']['status']} | | | | | | |")  # fmt: skip
            continue
        reference, ours, agreement = runs["lifelines"], runs["ours"], entry["agreement"]
        lines.append(
            f"| {entry['case']} | {reference['seconds_median']:.3f} | "
            f"{ours['seconds_median']:.3f} | {entry['speedup']:.1f}× | "
            f"{_mib(reference['peak_rss_bytes'])} / {_mib(ours['peak_rss_bytes'])} | "
            f"{_mib(reference['tracemalloc_peak_bytes'])} / "
            f"{_mib(ours['tracemalloc_peak_bytes'])} | "
            f"{agreement['max_abs_difference_curve_and_band']:.1e} | "
            f"{agreement['statistic_rel_difference']:.1e} | "
            f"{agreement['p_value_abs_difference']:.1e} |"
        )
    lines.append("")
    for entry in results["cases"]:
        for check, met in entry["checks"].items():
            lines.append(f"- {entry['case']}: {check}: {'met' if met else 'MISSED'}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", "1")))
    parser.add_argument("--case", help="run only the cases whose name contains this text")
    parser.add_argument("--child", choices=["ours", "lifelines"], help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--reference", help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--fractional-days", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(args.generate, args.fractional_days, Path(args.data))
        return 0
    if args.child:
        child(args)
        return 0
    results = run_benchmark(args.scale, args.case)
    suffix = "" if args.scale >= 1.0 else f"-scale{args.scale:g}"
    path = OUT / f"survival{suffix}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(report(results))
    print(f"\nRaw numbers: {path.relative_to(ROOT)}")
    return 0 if results["targets_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
