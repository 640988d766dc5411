"""What a cached page costs in-process, for benchmarks/bench_chain_map.py's database (the pages
under load): each page through Django's test client (every middleware, context processor and
template), one request at a time after a warm-up; per page the CPU time of this Python process
(its best batch) and of its PostgreSQL backend per request (steadier than wall time on a shared
machine), SQL statements per request, and with --profile cProfile's heaviest functions.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chainlead_bench REDIS_URL=redis://... \
        python benchmarks/_page_profile.py [requests-per-page] [--profile]
"""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.bench_settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "profile-only-" + "x" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("CHAINLEAD_2FA_ENFORCED", "0")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from benchmarks._search_profile import Statements, backend_cpu_seconds  # noqa: E402
from chainlead.accounts.models import User  # noqa: E402
from chainlead.chains.models import Chain  # noqa: E402

# The machine is shared: the best batch is the page's own cost, the others carry interference.
BATCH = 25


def pages() -> dict[str, str]:
    chain = Chain.objects.get(slug="ai")
    return {
        "trivial": "/bench/trivial/",
        "chain map": f"/chains/{chain.slug}/",
        "dashboard": f"/governance/chains/{chain.slug}/",
        "problem list": f"/requests/?chain={chain.pk}&state=open",
    }


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 200
    profile = "--profile" in sys.argv
    client = Client()
    client.force_login(User.objects.get(username="bench0"))
    for name, url in pages().items():
        for _ in range(5):  # warm: imports, templates, the cached bodies
            assert client.get(url).status_code == 200, url
        statements = Statements()
        profiler = cProfile.Profile(time.process_time) if profile else None  # CPU, not waits
        batches: list[float] = []  # CPU ms a request, per batch of BATCH requests
        started = time.perf_counter()
        db_started = backend_cpu_seconds()
        with connection.execute_wrapper(statements):
            if profiler:
                profiler.enable()
            for _ in range(max(1, n // BATCH)):
                cpu_started = time.process_time()
                for _ in range(BATCH):
                    client.get(url)
                batches.append((time.process_time() - cpu_started) * 1000 / BATCH)
            if profiler:
                profiler.disable()
        done = len(batches) * BATCH
        wall = (time.perf_counter() - started) * 1000 / done
        db_cpu = (backend_cpu_seconds() - db_started) * 1000 / done
        print(
            f"{name}: {min(batches):.2f} ms CPU a request (best batch of {BATCH}; median "
            f"{statistics.median(batches):.2f}), {db_cpu:.2f} ms PostgreSQL, wall {wall:.1f} ms, "
            f"{statements.count / done:.1f} SQL statements",
            flush=True,
        )
        if profiler and name != "trivial":
            stats = pstats.Stats(profiler, stream=sys.stdout)
            stats.sort_stats("cumulative").print_stats(70)
            stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
