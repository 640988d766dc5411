"""Helpers shared by the spine's benchmarks: sizes, fresh databases, subprocesses, the machine."""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
OUT.mkdir(parents=True, exist_ok=True)
PYTHON = str(ROOT / ".venv" / "bin" / "python")
if not Path(PYTHON).exists():
    PYTHON = sys.executable
CHAINLEAD = [PYTHON, "-m", "chainlead"]
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_BENCH_DB = "chainlead_bench"


def scale() -> float:
    return float(os.environ.get("BENCH_SCALE", "1.0"))


def scaled(n: int, minimum: int = 1000) -> int:
    return max(minimum, int(n * scale()))


def machine() -> dict[str, str]:
    """A description of the machine, from benchmarks/_machine.py when it exists."""
    try:
        from benchmarks import _machine  # type: ignore[attr-defined]

        describe = getattr(_machine, "describe", None) or getattr(_machine, "machine", None)
        if describe is not None:
            return dict(describe())
    except ImportError:
        pass
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    return {
        "cpu": f"{os.cpu_count()} × {cpu}",
        "memory": f"{mem_kb / 1024 / 1024:.0f} GiB",
        "python": platform.python_version(),
        "load average (1/5/15 min)": " / ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


@dataclass
class Database:
    """A fresh, migrated database for one benchmark run."""

    vendor: str  # "sqlite" or "postgresql"
    url: str
    var_dir: Path

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["DATABASE_URL"] = self.url
        env["CHAINLEAD_VAR_DIR"] = str(self.var_dir)
        env["DJANGO_SETTINGS_MODULE"] = "config.settings"
        env.setdefault("CHAINLEAD_DATA_DIR", str(ROOT.parent / "shared" / "data"))
        return production_env(env)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*CHAINLEAD, *args],
            env=self.env,
            cwd=ROOT,
            check=check,
            capture_output=True,
            text=True,
        )

    def python(self, script: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [PYTHON, script, *args],
            env=self.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", f"{PG_ADMIN_URL}/postgres", "-q", "-c", sql], check=True, capture_output=True
    )


def settle(db: Database) -> float:
    """VACUUM (ANALYZE) a PostgreSQL benchmark database after its bulk set-up; returns seconds.

    Otherwise autovacuum takes up the freshly loaded million-row tables while a page is being
    load-tested, on the same two cores, and whichever URL runs then loses a third of its
    throughput (seen: the chain map at 162 req/s, p99 447 ms, against 251 req/s, 207 ms).
    """
    if db.vendor != "postgresql":
        return 0.0
    started = time.perf_counter()
    command = ["psql", db.url, "-q", "-c", "VACUUM (ANALYZE)"]
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def fresh_database(vendor: str, name: str = "bench") -> Database:
    """Drop and create the benchmark database, migrate it, and load the city's districts."""
    var_dir = OUT / f"var-{vendor}-{name}"
    var_dir.mkdir(parents=True, exist_ok=True)
    if vendor == "sqlite":
        path = OUT / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        db = Database("sqlite", f"sqlite:///{path}", var_dir)
    else:
        dbname = PG_BENCH_DB if name == "bench" else f"{PG_BENCH_DB}_{name}"
        _psql(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")
        _psql(f"CREATE DATABASE {dbname}")
        db = Database("postgresql", f"{PG_ADMIN_URL}/{dbname}", var_dir)
    db.run("migrate", "--noinput", "-v", "0")
    db.run("setup-city")
    return db


def drop_database(db: Database) -> None:
    if db.vendor == "postgresql":
        _psql(f"DROP DATABASE IF EXISTS {db.url.rsplit('/', 1)[1]} WITH (FORCE)")


def production_env(env: dict[str, str]) -> dict[str, str]:
    """The benchmarks run the production settings (DEBUG off), which insist on a real secret
    key and host list: a random key per run, the loopback hosts."""
    import secrets

    env.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    env.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
    env.setdefault("CHAINLEAD_2FA_ENFORCED", "0")
    return env


def timed_subprocess(cmd: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run `cmd`; return wall seconds, its peak RSS in bytes, and its stdout+stderr."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{output[-3000:]}")
    return seconds, usage.ru_maxrss * 1024, output


def generated_csv(n: int, seed: int = 1) -> Path:
    """The generator's import file of `n` firms, made once and kept in benchmarks/out/."""
    path = OUT / f"firms-{n}-seed{seed}.csv"
    if not path.exists():
        tmp = path.with_suffix(".part")
        env = production_env(dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings"))
        env["CHAINLEAD_VAR_DIR"] = str(OUT / "var-generate")
        subprocess.run(
            [
                *CHAINLEAD,
                "generate",
                "--enterprises",
                str(n),
                "--seed",
                str(seed),
                "--csv",
                str(tmp),
                "--no-progress",
            ],
            env=env,
            cwd=ROOT,
            check=True,
        )
        tmp.rename(path)
    return path


def save_json(name: str, data: object) -> Path:
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    return path


def peak_rss_self() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
