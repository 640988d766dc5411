"""gunicorn's settings for production: `gunicorn -c config/gunicorn_conf.py config.wsgi`.

The page benchmarks (benchmarks/bench_chain_map.py, benchmarks/search.py) serve with this file,
so what they measure is what we recommend. Options on the command line or in GUNICORN_CMD_ARGS
override it; WEB_CONCURRENCY sets the number of workers, GUNICORN_THREADS the threads each.

A worker takes a connection only when one of its threads is free, and closes it after the
response (no keep-alive: the TLS proxy in front keeps the browsers' connections). Waiting
requests then queue in the listening socket, first come first served, and the first free worker
takes the next. With keep-alive, a worker kept every connection it had accepted: 16 clients
were spread 7/3/2/4 over four workers, those on the crowded worker waited behind each other
while another worker idled, and the list's p99 was three times its median (issue 15).

Three workers a core. Fewer serve faster on two cores (each runs while it has a request, its
PostgreSQL backend while it waits, so more workers than cores share the cores among more requests
at once): the list's search had p99 139-140 ms with two workers, 152-216 with three and 177-197
with six, and the pages served more requests a second with fewer. But the trivial view gained
most, and the chain map's share of it (its target: at least 25 %) fell to 22-27 % against 27 %
(benchmarks/RESULTS.md, tenth session; benchmarks/_queue_model.py models it). Six keep every
page's target; WEB_CONCURRENCY=3 is the choice for the lowest latency.
"""

from __future__ import annotations

import gc
import os
from typing import Any

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Three a core (see above).
workers = int(os.environ.get("WEB_CONCURRENCY", str(3 * (os.cpu_count() or 1))))
# gthread with one thread rather than the sync worker: the worker's main loop keeps telling the
# master it is alive while a long export streams (a sync worker is killed after `timeout`).
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# As many connections as threads: a busy worker accepts nothing (see above).
worker_connections = threads
keepalive = 0


def warm_and_freeze() -> None:
    """Import every view now (Django loads the URLconf at the first request), then move
    everything start-up made into the permanent generation (gc.freeze). The collector then walks
    only what requests leave behind: a worker holds ~150,000 objects after start-up, and a full
    collection over them stopped all its threads for 0.2-0.3 s, the pages' p99 (issue 8)."""
    from django.urls import get_resolver

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - the import is the point
    resolver.reverse_dict  # noqa: B018
    gc.collect()
    gc.freeze()


def post_worker_init(worker: Any) -> None:
    warm_and_freeze()
