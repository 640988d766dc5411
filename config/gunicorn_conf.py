"""gunicorn's settings for production: `gunicorn -c config/gunicorn_conf.py config.wsgi`.

The page benchmarks (benchmarks/bench_chain_map.py, benchmarks/search.py) serve with this file,
so what they measure is what we recommend. Options on the command line or in GUNICORN_CMD_ARGS
override it; WEB_CONCURRENCY sets the number of workers, GUNICORN_THREADS the threads each.
"""

from __future__ import annotations

import gc
import os
from typing import Any

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two processes per core: one serves Python while the other waits on PostgreSQL or Redis.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))


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
