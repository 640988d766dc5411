"""Where one search request spends its time, for benchmarks/search.py's database (kept with
BENCH_KEEP_DB=1): the query mix through Django's test client (every middleware and template),
one request at a time; per page the mean wall time, the CPU time of this Python process and
of its PostgreSQL backend (what the shared cores spend: steadier than wall time on a loaded
machine), SQL statements and SQL time per request,
then cProfile's heaviest functions. Not a load test: a guide to what to cut.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chainlead_search_bench \
        python benchmarks/_search_profile.py [queries-per-kind] [--profile]
"""

from __future__ import annotations

import contextlib
import cProfile
import io
import json
import os
import pstats
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.bench_settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "profile-only-" + "x" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("CHAINLEAD_2FA_ENFORCED", "0")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from chainlead.accounts.models import User  # noqa: E402


def queries_of_the_mix(per_kind: int) -> dict[str, list[str]]:
    from benchmarks import _search_setup

    out = io.StringIO()
    argv = sys.argv
    sys.argv = ["_search_setup.py", "16"]
    try:
        with contextlib.redirect_stdout(out):
            _search_setup.main()
    finally:
        sys.argv = argv
    queries: dict[str, list[str]] = json.loads(out.getvalue().strip().splitlines()[-1])["queries"]
    return {kind: texts[:per_kind] for kind, texts in queries.items()}


class Statements:
    """Counts the SQL statements and their time (an execute wrapper: no DEBUG needed)."""

    def __init__(self, show: bool = False) -> None:
        self.count = 0
        self.seconds = 0.0
        self.show = show

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started
            if self.show:
                print(f"  {(time.perf_counter() - started) * 1000:.1f} ms: {sql[:300]}")


def backend_cpu_seconds() -> float:
    """CPU time of this connection's PostgreSQL backend so far (from /proc: same machine)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    per_kind = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 10
    profile = "--profile" in sys.argv
    queries = queries_of_the_mix(per_kind)
    client = Client()
    client.force_login(User.objects.get(username="bench0"))
    mix = [q for texts in queries.values() for q in texts]
    for page in ("/search/?q=", "/registry/?q=", "/api/v1/registry/enterprises?q="):
        for q in mix[:5]:  # warm imports, OpenCC, templates
            client.get(page + urllib.parse.quote(q))
        if "--sql" in sys.argv:
            print(f"{page}{mix[1]}:")
            with connection.execute_wrapper(Statements(show=True)):
                client.get(page + urllib.parse.quote(mix[1]))
        statements = Statements()
        profiler = cProfile.Profile() if profile else None
        started = time.perf_counter()
        cpu_started = time.process_time()
        db_started = backend_cpu_seconds()
        by_kind: dict[str, float] = {}
        with connection.execute_wrapper(statements):
            for kind, texts in queries.items():
                kind_started = time.perf_counter()
                for q in texts:
                    if profiler:
                        profiler.enable()
                    response = client.get(page + urllib.parse.quote(q))
                    if profiler:
                        profiler.disable()
                    assert response.status_code == 200, (page, q, response.status_code)
                by_kind[kind] = (time.perf_counter() - kind_started) * 1000 / max(1, len(texts))
        n = len(mix)
        wall = (time.perf_counter() - started) * 1000 / n
        cpu = (time.process_time() - cpu_started) * 1000 / n
        db_cpu = (backend_cpu_seconds() - db_started) * 1000 / n
        print(
            f"{page}: {wall:.1f} ms a request (CPU: {cpu:.1f} ms Python, {db_cpu:.1f} ms "
            "PostgreSQL), "
            f"{statements.count / n:.1f} SQL statements "
            f"taking {statements.seconds * 1000 / n:.1f} ms; by kind (ms): "
            + ", ".join(f"{k} {v:.0f}" for k, v in by_kind.items()),
            flush=True,
        )
        if profiler:
            stats = pstats.Stats(profiler, stream=sys.stdout)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
