"""Search on a 1,000,000-firm PostgreSQL registry under 16 concurrent connections (issue 15
item 4). Target: p99 latency under 250 ms over a mix of queries.

Set-up (untimed, but reported): a fresh PostgreSQL database chainlead_bench_search; the
generator's 1,000,000 SYNTHETIC firms loaded by COPY (benchmarks/_search_load.py: the importer
now spends most of a million-row run linking audit entries, which search does not need), then
their search documents written by `chainlead search-reindex` (timed: the bulk path); 16 city-
admin users (the widest scope: every firm), each logged in once; a query mix drawn from 300
random firms (seeded): full names, four-character brands, the same in Traditional characters,
brands with one wrong character, full credit codes, ten-character code prefixes, and a few
English words (the synthetic firms have no English names, so those find nothing but still run);
then VACUUM (ANALYZE). gunicorn (6 one-thread workers, no keep-alive, as the other page
benchmarks) is load-tested with wrk: 16 connections, one session each, each walking the mix from
its own place, first on a trivial view, then on the search page (`/search/?q=`, every kind)
and on the enterprise list's `?q=`, each with the CPU a request cost the web processes and
PostgreSQL (read from /proc: other work on the machine does not count, but other PostgreSQL
clients do); then each kind of query alone, one connection, for its own latency.
Needs wrk. BENCH_SCALE shrinks the registry.

    python benchmarks/search.py
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import (
    CHAINLEAD,
    OUT,
    PG_ADMIN_URL,
    ROOT,
    Database,
    _psql,
    drop_database,
    generated_csv,
    machine,
    save_json,
    scaled,
    settle,
    timed_subprocess,
)
from benchmarks.bench_chain_map import BASE, PORT, REDIS_DB, get, login, wait_for_server

CONNECTIONS = 16
# One database reused across runs (BENCH_REUSE_DB=1 with BENCH_KEEP_DB=1): loading 1,000,000
# firms takes minutes.
DB_NAME = "chainlead_search_bench"
DURATION = os.environ.get("BENCH_DURATION", "20s")
P99_TARGET_MS = 250.0
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_search.lua"


def _cpu_seconds(name: str) -> float:
    """CPU seconds (user + system) used so far by every process whose command is `name`."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended
            continue
        command, rest = text[text.index("(") + 1 :].split(")", 1)
        if command == name:
            fields = rest.split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def wrk(paths: list[str], cookies: list[str]) -> dict[str, Any]:
    cookie_file = OUT / "wrk_search_cookies.txt"
    cookie_file.write_text("\n".join(cookies) + "\n")
    path_file = OUT / "wrk_search_paths.txt"
    path_file.write_text("\n".join(paths) + "\n")
    web_before, db_before = _cpu_seconds("gunicorn"), _cpu_seconds("postgres")
    out = subprocess.run(
        [
            "wrk",
            f"-t{CONNECTIONS}",
            f"-c{CONNECTIONS}",
            f"-d{DURATION}",
            "--timeout",
            "10s",
            "-s",
            str(WRK_SCRIPT),
            BASE,
        ],
        check=True,
        capture_output=True,
        text=True,
        env=dict(os.environ, WRK_COOKIES=str(cookie_file), WRK_PATHS=str(path_file)),
    ).stdout
    data: dict[str, Any] = json.loads(out.split("JSON ", 1)[1].splitlines()[0])
    data["rps"] = data["requests"] / data["seconds"]
    # Where a request's CPU goes: the web processes' and PostgreSQL's, per request.
    data["web_cpu_ms"] = (_cpu_seconds("gunicorn") - web_before) / data["requests"] * 1000
    data["db_cpu_ms"] = (_cpu_seconds("postgres") - db_before) / data["requests"] * 1000
    non_2xx = [line for line in out.splitlines() if "Non-2xx" in line]
    data["non_2xx"] = int(non_2xx[0].rsplit(":", 1)[1]) if non_2xx else 0
    return data


def per_kind(queries: dict[str, list[str]], cookie: str, page: str) -> dict[str, Any]:
    """Each kind of query alone, one connection: latency and how often the firm was found."""
    results = {}
    for kind, texts in queries.items():
        times, hits = [], 0
        for text in texts[:40]:
            status, seconds, body = get(f"{page}{urllib.parse.quote(text)}", cookie)
            assert status == 200, (kind, text, status)
            times.append(seconds * 1000)
            hits += 'data-kind="enterprise"' in body or "<tbody>\n  <tr" in body
        times.sort()
        results[kind] = {
            "queries": len(times),
            "p50_ms": round(statistics.median(times), 1),
            "max_ms": round(times[-1], 1),
            "found_share": round(hits / len(times), 2),
        }
    return results


def _database_exists(name: str) -> bool:
    found = subprocess.run(
        [
            "psql",
            f"{PG_ADMIN_URL}/postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{name}'",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return found.stdout.strip() == "1"


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is missing: install it with `apt-get install -y wrk`.")
        return 2
    firms = scaled(1_000_000)
    path = generated_csv(firms)
    # The last run's database, kept by BENCH_KEEP_DB=1; built again when it is gone (a new
    # machine starts without it).
    reuse = os.environ.get("BENCH_REUSE_DB") == "1" and _database_exists(DB_NAME)
    db = Database("postgresql", f"{PG_ADMIN_URL}/{DB_NAME}", OUT / "var-pg-search")
    db.var_dir.mkdir(parents=True, exist_ok=True)
    if not reuse:
        _psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        _psql(f"CREATE DATABASE {DB_NAME}")
        db.run("migrate", "--noinput", "-v", "0")
        db.run("setup-city")
    else:  # new migrations since the database was made
        db.run("migrate", "--noinput", "-v", "0")
    server = None
    seconds = 0.0
    try:
        if not reuse:
            started = time.perf_counter()
            db.python("benchmarks/_search_load.py", str(path))
            print(f"Loaded {firms:,} firms in {time.perf_counter() - started:.0f} s", flush=True)
            seconds, _, output = timed_subprocess([*CHAINLEAD, "search-reindex"], db.env)
            print(f"{output.strip().splitlines()[-1]} in {seconds:.0f} s", flush=True)
        setup = json.loads(
            db.python("benchmarks/_search_setup.py", str(CONNECTIONS))
            .stdout.strip()
            .splitlines()[-1]
        )
        sizes = (
            db.python(
                "-c",
                "import django, os, json; os.environ.setdefault('DJANGO_SETTINGS_MODULE',"
                " 'config.settings'); django.setup(); from django.db import connection;"
                ' c = connection.cursor(); c.execute("SELECT pg_size_pretty(pg_total_relation_size('
                "'registry_enterprisesearch')), pg_size_pretty(pg_relation_size("
                "'registry_enterprisesearch_trgm'))\"); print(json.dumps(c.fetchone()))",
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        print(f"Search table and trigram index: {sizes}", flush=True)
        print(f"VACUUM (ANALYZE) in {settle(db):.0f} s", flush=True)
        subprocess.run(["redis-cli", "-n", REDIS_DB, "flushdb"], check=True, capture_output=True)
        env = dict(
            db.env,
            DJANGO_SETTINGS_MODULE="benchmarks.bench_settings",
            REDIS_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
        )
        server = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "config.wsgi:application",
                "--config",  # production's: 3 one-thread workers a core, gc.freeze
                str(ROOT / "config" / "gunicorn_conf.py"),
                "--bind",
                f"127.0.0.1:{PORT}",
                "--log-level",
                "warning",
                "--chdir",
                str(ROOT),
            ],
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        wait_for_server(server)
        cookies = [login(u, setup["password"]) for u in setup["users"]]
        queries: dict[str, list[str]] = setup["queries"]
        mix = [q for texts in queries.values() for q in texts]
        random_order = __import__("random").Random(2)
        random_order.shuffle(mix)
        quoted = [urllib.parse.quote(q) for q in mix]
        for c in cookies:  # warm every worker's imports and OpenCC
            for q in quoted[:8]:
                get(f"/search/?q={q}", c)
        load = os.getloadavg()
        trivial = wrk(["/bench/trivial/"], cookies)
        page = wrk([f"/search/?q={q}" for q in quoted], cookies)
        listing = wrk([f"/registry/?q={q}" for q in quoted], cookies)
        kinds = per_kind(queries, cookies[0], "/search/?q=")
        for name, run in (("trivial view", trivial), ("search page", page), ("list ?q=", listing)):
            print(
                f"{name}: {run['rps']:.0f} req/s, p50 {run['p50_ms']:.0f} ms, p99 "
                f"{run['p99_ms']:.0f} ms, max {run['max_ms']:.0f} ms; errors {run['errors']}, "
                f"non-2xx {run['non_2xx']}; CPU a request: web {run['web_cpu_ms']:.1f} ms, "
                f"PostgreSQL {run['db_cpu_ms']:.1f} ms",
                flush=True,
            )
        for kind, figures in kinds.items():
            print(f"  {kind}: {figures}", flush=True)
        results = {
            "machine": machine(),
            "load_before": load,
            "firms": firms,
            "index_s": seconds,
            "sizes": sizes,
            "queries": {k: len(v) for k, v in queries.items()},
            "trivial": trivial,
            "search_page": page,
            "enterprise_list_q": listing,
            "per_kind": kinds,
        }
        print(f"Results in {save_json('search', results)}")
        ok = all(
            run["p99_ms"] < P99_TARGET_MS and run["non_2xx"] == 0 and run["errors"] == 0
            for run in (page, listing)
        )
        return 0 if ok else 1
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if os.environ.get("BENCH_KEEP_DB") != "1":
            drop_database(db)


if __name__ == "__main__":
    sys.exit(main())
