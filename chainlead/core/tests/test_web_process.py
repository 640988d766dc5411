"""What a gunicorn worker holds after start-up (issue 8) and how the workers share the
connections (issue 15): the pages' p99 under load."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
# Loaded by the few pages and calls that compute with them, not by every worker: each makes the
# process bigger and, without gc.freeze, every full garbage collection longer.
HEAVY = ("numpy", "pandas", "scipy", "ortools", "openpyxl")


def test_a_worker_loads_every_view_freezes_them_and_no_numerical_library() -> None:
    # A fresh interpreter, as a worker: config.wsgi, then the gunicorn file's post_worker_init.
    code = (
        "import gc, json, runpy, sys; from config.wsgi import application; "
        "runpy.run_path('config/gunicorn_conf.py')['post_worker_init'](None); "
        "print(json.dumps({'frozen': gc.get_freeze_count(), "
        "'views': 'chainlead.chains.views' in sys.modules, "
        f"'heavy': sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})}}))"
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings_test", PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert found["heavy"] == []
    assert found["views"]
    assert found["frozen"] > 50_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _get(port: int, path: str) -> tuple[str, str]:
    """(the answering worker's pid, the Connection header)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
        return response.read().decode(), response.headers.get("Connection", "")


def test_a_busy_worker_takes_no_new_connection() -> None:
    # Two workers with production's settings. While one is busy, every new request goes to the
    # other, and each connection is closed after its response (no worker keeps clients).
    port = _free_port()
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings_test",
        PYTHONPATH=str(ROOT),
        WEB_CONCURRENCY="2",
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config",
            "config/gunicorn_conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "chainlead.core.tests.pid_wsgi:application",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(port, "/")
                break
            except OSError:
                assert server.poll() is None, "gunicorn exited"
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        with ThreadPoolExecutor(1) as pool:
            busy = pool.submit(_get, port, "/?pause=4")
            time.sleep(1)  # its worker has taken it
            answers = [_get(port, "/") for _ in range(6)]
            busy_pid, _ = busy.result()
        assert {pid for pid, _ in answers} == {answers[0][0]}
        assert answers[0][0] != busy_pid
        assert {connection for _, connection in answers} == {"close"}
    finally:
        server.terminate()
        server.wait(timeout=30)
