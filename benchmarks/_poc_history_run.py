"""Inside a benchmark database: write the synthetic PoC history and compute its survival page.

Prints one JSON line. Run by benchmarks/poc_history.py with DATABASE_URL set.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402

from chainlead.poc import figures  # noqa: E402
from chainlead.poc.choices import Provenance  # noqa: E402
from chainlead.poc.generator import history_generate  # noqa: E402
from chainlead.poc.models import Project  # noqa: E402

AS_OF = dt.date(2025, 12, 31)
BASELINE_ROWS = 500


def row_by_row_seconds() -> float:
    """Per project: `Project.objects.create` one at a time (rolled back), the naive way."""
    start = time.perf_counter()
    with transaction.atomic():
        for n in range(BASELINE_ROWS):
            Project.objects.create(
                title=f"合成项目 baseline {n}",
                institution="x",
                started_on=AS_OF,
                stage_entered_on=AS_OF,
                provenance=Provenance.SYNTHETIC,
            )
        transaction.set_rollback(True)
    return (time.perf_counter() - start) / BASELINE_ROWS


def main() -> None:
    n = int(sys.argv[1])
    per_row = row_by_row_seconds()
    start = time.perf_counter()
    made = history_generate(n_projects=n, as_of=AS_OF, seed=13)
    generate_s = time.perf_counter() - start
    projects = Project.objects.all()
    start = time.perf_counter()
    report = figures.survival_report(projects, as_of=AS_OF)
    report_s = time.perf_counter() - start
    # Baseline of the page: the same analytics on arrays already in memory (no database).
    frame = figures.project_frame(projects, as_of=AS_OF)
    start = time.perf_counter()
    from chainlead.analytics import survival

    survival.kaplan_meier(frame["duration"], frame["stopped"])
    survival.median_survival(frame["duration"], frame["stopped"])
    survival.stage_reach(frame["stage"].astype(int))
    for grouping in figures.GROUPINGS:
        survival.compare_groups(frame["duration"], frame["stopped"], frame[grouping].astype(str))
    analytics_s = time.perf_counter() - start
    print(
        json.dumps(
            {
                "projects": made.projects,
                "stage_changes": made.stage_changes,
                "rows_written": made.projects + made.stage_changes + made.supports + made.outcomes,
                "row_by_row_project_s": per_row,
                "generate_s": generate_s,
                "generate_per_project_s": generate_s / made.projects,
                "survival_report_s": report_s,
                "analytics_only_s": analytics_s,
                "median_days": report["median_days"],
            }
        )
    )


if __name__ == "__main__":
    main()
