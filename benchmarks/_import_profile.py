"""Where a PostgreSQL/SQLite import's time goes: CPU of this process and of the PostgreSQL
backend, and wall time, for the whole `import-enterprises` and for its audit step
(`insert_linked`). Run in a fresh, migrated database (DATABASE_URL):

    python benchmarks/_import_profile.py FILE

Prints JSON. Used to compare changes alternately on a shared machine (per-operation CPU is
steadier than wall time there).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from chainlead.registry.importers import staging  # noqa: E402


def backend_cpu() -> float:
    """The PostgreSQL backend's CPU seconds (/proc/PID/schedstat); 0 on SQLite."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


def clocks() -> tuple[float, float, float]:
    return time.perf_counter(), time.process_time(), backend_cpu()


def spent(start: tuple[float, float, float]) -> dict[str, float]:
    wall, cpu, db = clocks()
    return {"wall": wall - start[0], "python_cpu": cpu - start[1], "db_cpu": db - start[2]}


audit: dict[str, float] = {}
inner = staging.insert_linked  # type: ignore[attr-defined]


def timed_insert_linked(*args: Any, **kwargs: Any) -> int:
    start = clocks()
    if os.environ.get("PROFILE_AUDIT"):  # where the audit step's Python time goes
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        count = profiler.runcall(inner, *args, **kwargs)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(15)
    else:
        count = inner(*args, **kwargs)
    audit.update(spent(start))
    return count


staging.insert_linked = timed_insert_linked  # type: ignore[attr-defined]
start = clocks()
call_command("import_enterprises", sys.argv[1], "--no-progress")
print(json.dumps({"import": spent(start), "audit": audit, "vendor": connection.vendor}))
