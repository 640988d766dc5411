"""The chain-map page on a 1,000,000-firm PostgreSQL registry under 16 concurrent connections.

Targets (issue "the spine"): p99 latency ≤ 250 ms, and at least 25% of the requests per second
of a trivial view on the same server.

Set-up (untimed): a fresh PostgreSQL database chainlead_bench; Redis (127.0.0.1:6379, database 15,
flushed) as the shared cache; the generator's 1,000,000-firm
file imported with `chainlead import-enterprises`; the AI chain loaded and every firm whose
industry matches a segment put in it; 16 city-admin users, each logged in once; then VACUUM
(ANALYZE), so that autovacuum does not take up the fresh tables during a measurement. Then gunicorn
with production's config/gunicorn_conf.py (on 2 cores: 6 workers of one thread, no keep-alive) and
benchmarks/bench_settings.py (which adds `/bench/trivial/`) is load-tested with wrk: 16
connections, one per user's session, first on the trivial view, then on `/chains/ai/`. Needs wrk
(`apt-get install -y wrk`). BENCH_SCALE shrinks the registry.

    python benchmarks/bench_chain_map.py             # chain map, dashboard, problem list
    python benchmarks/bench_chain_map.py --map-only  # the chain map alone (issue 2)
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import (
    CHAINLEAD,
    OUT,
    ROOT,
    drop_database,
    fresh_database,
    generated_csv,
    machine,
    save_json,
    scaled,
    settle,
    timed_subprocess,
)

CONNECTIONS = 16
REDIS_DB = os.environ.get("BENCH_REDIS_DB", "15")  # flushed before the run
DURATION = os.environ.get("BENCH_DURATION", "30s")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


PORT = int(os.environ.get("BENCH_PORT", "0")) or _free_port()
BASE = f"http://127.0.0.1:{PORT}"
P99_TARGET_MS = 250.0
RPS_SHARE_TARGET = 0.25

WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_sessions.lua"


def login(username: str, password: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{BASE}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "no CSRF token on the log-in page"
    data = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    request = urllib.request.Request(
        f"{BASE}/accounts/login/", data=data, headers={"Referer": f"{BASE}/accounts/login/"}
    )
    opener.open(request).read()
    cookies = {c.name: c.value for c in jar}
    assert "sessionid" in cookies, f"log-in as {username} failed"
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def get(path: str, cookie: str) -> tuple[int, float, str]:
    start = time.perf_counter()
    request = urllib.request.Request(f"{BASE}{path}", headers={"Cookie": cookie})
    with urllib.request.urlopen(request) as response:
        body = response.read().decode()
        return response.status, time.perf_counter() - start, body


def wrk(path: str, cookies: list[str]) -> dict[str, float]:
    cookie_file = OUT / "wrk_cookies.txt"
    cookie_file.write_text("\n".join(cookies) + "\n")
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
            f"{BASE}{path}",
        ],
        check=True,
        capture_output=True,
        text=True,
        env=dict(os.environ, WRK_COOKIES=str(cookie_file)),
    ).stdout
    data = json.loads(out.split("JSON ", 1)[1].splitlines()[0])
    data["rps"] = data["requests"] / data["seconds"]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    data["non_2xx"] = int(non_2xx.group(1)) if non_2xx else 0
    return data


def wait_for_server(proc: subprocess.Popen[bytes]) -> None:
    for _ in range(120):
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited")
        try:
            urllib.request.urlopen(f"{BASE}/accounts/login/", timeout=2).read()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not start")


# Issue 3: the chain leader's dashboard and the problem list on the same 1M-firm registry with
# 200,000 requests, against the same trivial view (`--map-only` leaves them out).
WITH_REQUESTS = "--map-only" not in sys.argv


def governance_pages(
    db: Any, setup: dict[str, Any], cookies: list[str], trivial: dict[str, float]
) -> dict[str, Any]:
    requests = scaled(200_000)
    seconds, _, _ = timed_subprocess(
        [*CHAINLEAD, "generate-requests", "--requests", str(requests), "--seed", "1"], db.env
    )
    print(f"Generated {requests:,} requests in {seconds:.0f} s", flush=True)
    print(f"VACUUM (ANALYZE) in {settle(db):.0f} s", flush=True)
    chain_id = (
        db.python(
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings');"
            " django.setup(); from chainlead.chains.models import Chain;"
            f" print(Chain.objects.get(slug='{setup['chain']}').pk)",
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    pages = {
        "dashboard": f"/governance/chains/{setup['chain']}/",
        "problem_list": f"/requests/?chain={chain_id}&state=open",
    }
    results: dict[str, Any] = {"requests": requests}
    for name, url in pages.items():
        status, cold, _ = get(url, cookies[0])
        assert status == 200, (url, status)
        for c in cookies:
            get(url, c)
        run = wrk(url, cookies)
        run["cold_ms"] = cold * 1000
        results[name] = run
        print(
            f"{name}: {run['rps']:.0f} req/s, p99 {run['p99_ms']:.0f} ms (target ≤ "
            f"{P99_TARGET_MS:.0f}), {run['rps'] / trivial['rps']:.0%} of trivial (target ≥ "
            f"{RPS_SHARE_TARGET:.0%}); first request {cold * 1000:.0f} ms",
            flush=True,
        )
    return results


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is missing: install it with `apt-get install -y wrk`.")
        return 2
    firms = scaled(1_000_000)
    path = generated_csv(firms)
    db = fresh_database("postgresql")
    server = None
    try:
        seconds, _, _ = timed_subprocess(
            [*CHAINLEAD, "import-enterprises", str(path), "--no-progress"], db.env
        )
        print(f"Imported {firms:,} firms in {seconds:.0f} s", flush=True)
        setup = json.loads(
            db.python("benchmarks/_chain_map_setup.py", str(CONNECTIONS))
            .stdout.strip()
            .splitlines()[-1]
        )
        print(f"Chain {setup['chain']}: {setup['memberships']:,} memberships", flush=True)
        print(f"VACUUM (ANALYZE) in {settle(db):.0f} s", flush=True)
        # As in production: gunicorn's workers share one cache (Redis), not one each.
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
        chain_url = f"/chains/{setup['chain']}/"
        status, cold, body = get(chain_url, cookies[0])
        assert status == 200, status
        assert "chainlead" in body
        warm = [get(chain_url, c)[1] for c in cookies for _ in range(2)]
        print(
            f"First (uncached) chain map: {cold * 1000:.0f} ms; warm-up max "
            f"{max(warm) * 1000:.0f} ms",
            flush=True,
        )
        trivial = wrk("/bench/trivial/", cookies)
        page = wrk(chain_url, cookies)
        share = page["rps"] / trivial["rps"]
        extra = governance_pages(db, setup, cookies, trivial) if WITH_REQUESTS else {}
        print(f"trivial view: {trivial['rps']:.0f} req/s, p99 {trivial['p99_ms']:.0f} ms")
        print(
            f"chain map:    {page['rps']:.0f} req/s, p99 {page['p99_ms']:.0f} ms "
            f"(target ≤ {P99_TARGET_MS:.0f}), {share:.0%} of trivial (target ≥ "
            f"{RPS_SHARE_TARGET:.0%}); errors {page['errors']}, non-2xx {page['non_2xx']}"
        )
        results = {
            "machine": machine(),
            "firms": firms,
            "memberships": setup["memberships"],
            "cold_ms": cold * 1000,
            "trivial": trivial,
            "chain_map": page,
            "rps_share": share,
            **extra,
        }
        print(f"Results in {save_json('chain_map', results)}")
        ok = all(
            run["p99_ms"] <= P99_TARGET_MS
            and run["rps"] / trivial["rps"] >= RPS_SHARE_TARGET
            and run["non_2xx"] == 0
            and run["errors"] == 0
            for run in [page, *(v for k, v in extra.items() if k != "requests")]
        )
        return 0 if ok else 1
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        drop_database(db)


if __name__ == "__main__":
    sys.exit(main())
