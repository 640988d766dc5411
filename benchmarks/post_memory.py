"""Memory of one gunicorn worker under large anonymous POSTs (issue 9 item 2).

    .venv/bin/python benchmarks/post_memory.py [--posts 8] [--mb 30]

Starts `gunicorn config.wsgi` with one sync worker on 127.0.0.1 (production settings, DEBUG off,
a fresh SQLite database under benchmarks/out/post-memory/), warms it up with the log-in page,
measures the worker's resident memory at rest (the baseline, in this run), then sends `--posts`
parallel anonymous POSTs of `--mb` MB each to the log-in page, twice:

* URL-encoded Chinese text (`username=链链…`, percent-encoded: 9 bytes a character), the body
  that grew a worker from 354 MB to 2.8 GB when it was parsed;
* a multipart upload of the same size (an upload is allowed to be large: it is streamed to a
  temporary file, then the CSRF check refuses the anonymous form).

It samples the worker's RSS every 20 ms and reads its high-water mark (VmHWM) at the end, and
reports the ratio peak / at rest; target: at most 1.1. Results on stdout and in
benchmarks/out/post_memory.json; the exit status is 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import select
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
sys.path.insert(0, str(ROOT))

from benchmarks._machine import describe, markdown  # noqa: E402

BIN = ROOT / ".venv" / "bin"
TARGET_RATIO = 1.1
MB = 1024 * 1024


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _worker_pid(master: int) -> int:
    for _ in range(200):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.05)
    raise RuntimeError("gunicorn started no worker")


def _request(port: int, method: str, path: str, headers: dict[str, str], body: bytes) -> str:
    """Send the request; return the status line, or how the server ended the connection."""
    return _exchange(port, method, path, headers, body).split("\r\n", 1)[0] or "empty reply"


def _exchange(port: int, method: str, path: str, headers: dict[str, str], body: bytes) -> str:
    """Send the request; return the start of the reply (status line and headers).

    The body goes in 1 MB pieces; a server that answers before reading it all (413) is heard
    between two pieces, and one that closes the connection is reported as such."""
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head += f"Content-Length: {len(body)}\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
        try:
            sock.sendall(head.encode())
            view = memoryview(body)
            for start in range(0, len(body), MB):
                readable, _, _ = select.select([sock], [], [], 0)
                if readable:
                    break
                sock.sendall(view[start : start + MB])
            reply = sock.recv(16384)
        except (BrokenPipeError, ConnectionResetError):
            return "connection closed by the server"
    return reply.decode("utf-8", "replace")


def _csrf_secret(port: int) -> str:
    """The CSRF cookie the log-in page sets: the multipart POST carries it, so Django parses the
    upload (streaming it to disk) instead of refusing the form before reading it."""
    reply = _exchange(port, "GET", "/accounts/login/", {}, b"")
    for line in reply.split("\r\n"):
        if line.lower().startswith("set-cookie: csrftoken="):
            return line.split("=", 1)[1].split(";", 1)[0]
    raise RuntimeError("the log-in page set no CSRF cookie")


def _urlencoded(size: int) -> tuple[dict[str, str], bytes]:
    prefix = b"username="
    character = "链".encode()  # three bytes, percent-encoded to nine
    encoded = b"".join(b"%%%02X" % b for b in character)
    body = prefix + encoded * ((size - len(prefix)) // len(encoded))
    return {"Content-Type": "application/x-www-form-urlencoded"}, body


def _multipart(size: int, csrf: str) -> tuple[dict[str, str], bytes]:
    boundary = "chainleadbench" + secrets.token_hex(8)
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f"{csrf}\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="firms.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    line = "统一社会信用代码,名称\r\n".encode()
    filler = line * ((size - len(head) - len(tail)) // len(line))
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Cookie": f"csrftoken={csrf}",
    }
    return headers, head + filler + tail


def _burst(
    port: int, worker: int, posts: int, headers: dict[str, str], body: bytes
) -> tuple[list[str], int]:
    """`posts` parallel POSTs to the log-in page; the statuses and the largest RSS sampled (KB)."""
    statuses: list[str] = [""] * posts
    done = threading.Event()
    peak = [0]

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _status_kb(worker, "VmRSS"))
            time.sleep(0.02)

    def post(i: int) -> None:
        statuses[i] = _request(port, "POST", "/accounts/login/", headers, body)

    sampler = threading.Thread(target=sample)
    sampler.start()
    threads = [threading.Thread(target=post, args=(i,)) for i in range(posts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    time.sleep(0.5)  # the worker may still be finishing the last request
    done.set()
    sampler.join()
    return statuses, peak[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=8)
    parser.add_argument("--mb", type=float, default=30)
    args = parser.parse_args()
    size = int(args.mb * MB)

    var_dir = OUT / "post-memory"
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        CHAINLEAD_VAR_DIR=str(var_dir),
        CHAINLEAD_ENV_FILE=str(var_dir / "none.env"),
    )
    subprocess.run(
        [str(BIN / "chainlead"), "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True
    )
    port = _free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "config.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}", "-t", "120"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        worker = _worker_pid(server.pid)
        for _ in range(100):
            try:
                _request(port, "GET", "/accounts/login/", {}, b"")
                break
            except OSError:
                time.sleep(0.1)
        for _ in range(20):  # warm-up: templates, translations, the ORM
            _request(port, "GET", "/accounts/login/", {}, b"")
            _request(port, "POST", "/accounts/login/", *_urlencoded(2000))
        time.sleep(0.5)
        at_rest = _status_kb(worker, "VmRSS")
        csrf = _csrf_secret(port)
        results = {}
        bodies = {"url-encoded": _urlencoded(size), "multipart": _multipart(size, csrf)}
        for name, (headers, body) in bodies.items():
            statuses, peak = _burst(port, worker, args.posts, headers, body)
            results[name] = {"statuses": sorted(set(statuses)), "peak_rss_kb": peak}
        high_water = _status_kb(worker, "VmHWM")
    finally:
        server.terminate()
        server.wait(timeout=30)

    peak = max(high_water, *(r["peak_rss_kb"] for r in results.values()))
    ratio = peak / at_rest
    report = {
        "posts": args.posts,
        "mb_each": args.mb,
        "worker_rss_at_rest_mb": round(at_rest / 1024, 1),
        "worker_peak_mb": round(peak / 1024, 1),
        "ratio": round(ratio, 3),
        "target": TARGET_RATIO,
        "bursts": results,
        "machine": describe(),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "post_memory.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"worker at rest {at_rest / 1024:.1f} MB, peak {peak / 1024:.1f} MB: ratio {ratio:.3f}")
    for name, result in results.items():
        print(f"  {name}: {args.posts} × {args.mb:g} MB → {', '.join(result['statuses'])}")
    print(markdown(describe()))
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
