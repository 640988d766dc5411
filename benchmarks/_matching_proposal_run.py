"""Inside a benchmark database: generate (``generate``) or propose (``propose``).

    python benchmarks/_matching_proposal_run.py generate COMMISSIONERS FIRMS
    python benchmarks/_matching_proposal_run.py propose

Prints one JSON line. Run by benchmarks/matching_proposal.py with DATABASE_URL set; each step
in its own process, so the proposal's peak RSS is its own.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from chainlead.commissioners import proposals, services  # noqa: E402
from chainlead.commissioners.generator import generate  # noqa: E402
from chainlead.registry.models import Enterprise  # noqa: E402


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def current_rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


def main() -> None:
    if sys.argv[1] == "generate":
        start = time.perf_counter()
        made = generate(commissioners=int(sys.argv[2]), firms=int(sys.argv[3]), seed=1)
        print(json.dumps({"generate_s": time.perf_counter() - start, **made.__dict__}))
        return
    # Modules the proposal uses (numpy, scipy, OR-Tools) are loaded before the start is read,
    # so the growth is the proposal's data, not the libraries' code.
    rss_start = peak_rss()
    samples: list[int] = []
    stop = threading.Event()

    def sample() -> None:  # RSS every 20 ms: when in the run the memory is held
        while not stop.wait(0.02):
            samples.append(current_rss())

    # Baseline: one pass over the firm table into Python, as the proposal's first read does.
    table = connection.ops.quote_name(Enterprise._meta.db_table)
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, district_id, industry_id FROM {table}")
        rows = len(cursor.fetchall())
    baseline = time.perf_counter() - start
    stages: dict[str, float] = {}
    build = proposals.build_proposal

    def timed_build(**kwargs: object) -> proposals.Proposal:
        proposal = build(**kwargs)  # type: ignore[arg-type]
        stages.update(proposal.seconds)
        return proposal

    proposals.build_proposal = timed_build  # type: ignore[assignment]
    run = services.matching_run_create(actor=None, as_of=timezone.localdate(), start=False)
    load_before = os.getloadavg()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    run = services.matching_run_execute(run)
    total = time.perf_counter() - start
    stop.set()
    sampler.join()
    stages["save_and_rest"] = total - sum(stages.values())
    print(
        json.dumps(
            {
                "baseline_select_s": baseline,
                "firm_rows": rows,
                "proposal_s": total,
                "stages_s": stages,
                "commissioners": run.commissioners,
                "firms": run.firms,
                "candidate_pairs": run.candidate_pairs,
                "pairs": run.pairs.count(),
                "objective": run.objective,
                "gap": run.gap,
                "greedy_objective": run.greedy_objective,
                "certificate_ok": run.certificate_ok,
                "rss_start_bytes": rss_start,
                "rss_peak_bytes": peak_rss(),
                "rss_sampled_max_bytes": max(samples, default=0),
                "load_before": load_before,
                "load_after": os.getloadavg(),
            }
        )
    )


if __name__ == "__main__":
    main()
