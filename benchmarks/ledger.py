"""The support fund's ledger on PostgreSQL: payments per second and `fund check` at scale.

1. Disbursements: CLIENTS processes (forked, each with its own connection; threads would share
   one GIL, and a payment's Python work, not the database, then sets the pace) each pay their
   own approved tranches through `services.tranche_disburse` (row locks, floor checks, entry,
   cached sums, audit event and its linking after the commit), against a baseline measured in
   the same run: the same processes doing the same number of plain single-row INSERTs, each its
   own transaction. Target: ≥ 25% of the baseline's rate. `--threads` runs threads instead.
   Each round measures every path of `--paths`: `batcher`, the clients' payments sent to the
   payment batcher (`chainlead fund batcher`, started here on the scratch database as production
   runs it, `--workers` connections; its CPU and its backends' counted with the clients'), which
   pays whatever has arrived in one transaction; `direct`, each client paying itself (one
   transaction a payment, as with no batcher configured). Repeated `--rounds` times
   (alternating the order, the 1-minute load average noted before each): the best round and
   the spread are reported per path.
2. `fund check` over ENTRIES entries (default 10,000,000), generated in the database with one
   INSERT … SELECT generate_series (a bulk generator, no Python loop), the cached sums set to
   match. Target: under 60 s with flat memory (SQL aggregates; the process's RSS is reported
   before and after).

Usage (PostgreSQL only; a scratch database `chainlead_bench_ledger` is created and dropped):

    .venv/bin/python benchmarks/ledger.py [--clients 16] [--payments 40] [--rounds 3]
                                          [--entries 10000000] [--threads]
                                          [--paths batcher,direct] [--workers 2]
    .venv/bin/python benchmarks/ledger.py --profile 100   # one client, statement by statement

Results: benchmarks/out/ledger.json and a section appended to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
# The scratch database's name (BENCH_LEDGER_DB: engineers sharing one server use their own).
SCRATCH = os.environ.get("BENCH_LEDGER_DB", "chainlead_bench_ledger")
# The CLI from this checkout (a worktree may have no .venv of its own).
CHAINLEAD = [sys.executable, "-m", "chainlead"]


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _scratch_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {SCRATCH}")
    env = {**os.environ, "DATABASE_URL": f"{PG}/{SCRATCH}", "DJANGO_DEBUG": "1"}
    subprocess.run([*CHAINLEAD, "migrate", "-v0"], env=env, check=True, cwd=ROOT)


def _drop_scratch() -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")


def _in_threads(clients: int, work: Any) -> tuple[float, float | None, float | None]:
    """Wall-clock seconds for `work(i)` run in `clients` threads released together (CPU not
    measured: None, None)."""
    from django.db import connection

    barrier = threading.Barrier(clients + 1)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            connection.ensure_connection()
            barrier.wait()
            work(i)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return elapsed, None, None


def _in_processes(clients: int, work: Any) -> tuple[float, float | None, float | None]:
    """Wall-clock seconds for `work(i)` run in `clients` forked processes released together,
    the CPU seconds the work cost (each client's own plus its PostgreSQL backend's; the
    server's background writers not counted), and the backends' part of it."""
    from django.db import connection, connections

    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(clients + 1)
    cpu = context.Array("d", clients)
    server = context.Array("d", clients)

    def run(i: int) -> None:
        code = 0
        try:
            connection.ensure_connection()
            barrier.wait()
            started, server_started = time.process_time(), _backend_cpu()
            work(i)
            server[i] = _backend_cpu() - server_started
            cpu[i] = time.process_time() - started + server[i]
        except BaseException:
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            connection.close()
            os._exit(code)

    connections.close_all()  # a forked child must not share the parent's socket
    processes = [context.Process(target=run, args=(i,)) for i in range(clients)]
    for p in processes:
        p.start()
    barrier.wait()
    start = time.perf_counter()
    for p in processes:
        p.join()
    elapsed = time.perf_counter() - start
    failed = [p.exitcode for p in processes if p.exitcode != 0]
    if failed:
        raise RuntimeError(f"{len(failed)} client processes failed (exit codes {failed})")
    return elapsed, sum(cpu), sum(server)


def _world(clients: int, payments: int, rounds: int) -> tuple[Any, list[list[list[Any]]]]:
    """The finance officers and, per round and client, `payments` approved tranches of 100.00
    (one commitment per round and client: instalments of one award, so the setup does not
    dominate the run). Returns the payer and tranches[round][client]."""
    import datetime as dt

    from chainlead.accounts.choices import Role
    from chainlead.accounts.models import RoleGrant, User
    from chainlead.funds import services
    from chainlead.registry.models import Enterprise

    today = dt.date(2026, 3, 2)
    a = User.objects.create_user("bench-a", password=None)
    b = User.objects.create_user("bench-b", password=None)
    for user in (a, b):
        RoleGrant.objects.create(user=user, role=Role.FINANCE)
    fund = services.fund_create(
        actor=a,
        name="bench",
        district=None,
        fiscal_year=2026,
        appropriation="100000000",
        provenance="synthetic",
        today=today,
    )
    line = services.budget_line_create(
        actor=a, fund=fund, name="bench line", amount="90000000", today=today
    )
    firm = Enterprise.objects.create(name="基准测试企业", provenance="synthetic")
    tranches: list[list[list[Any]]] = []
    for r in range(rounds):
        tranches.append([])
        for i in range(clients):
            commitment = services.commitment_create(
                actor=a,
                line=line,
                recipient_enterprise=firm,
                amount=str(100 * payments),
                reference=f"b{r}-{i}",
                today=today,
            )
            own = []
            for _n in range(payments):
                tranche = services.tranche_create(
                    actor=a, commitment=commitment, amount="100", due_on=today
                )
                own.append(services.tranche_approve(actor=b, tranche=tranche))
            tranches[r].append(own)
    return b, tranches


def _load() -> float:
    return os.getloadavg()[0]


PATHS = ("batcher", "direct")
BATCHER_SOCKET = str(Path(tempfile.gettempdir()) / f"{SCRATCH}-payments.sock")


def _start_batcher(workers: int) -> subprocess.Popen[str]:
    """`chainlead fund batcher` on the scratch database, as production runs it (DEBUG off)."""
    from chainlead.funds import batcher

    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{SCRATCH}",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.urandom(32).hex(),
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DATABASE_CONN_MAX_AGE": "600",
    }
    process = subprocess.Popen(
        [*CHAINLEAD, "fund", "batcher", "--socket", BATCHER_SOCKET, "--workers", str(workers)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    if not batcher.wait_until_listening(BATCHER_SOCKET, timeout=60):
        process.kill()
        raise RuntimeError("the payment batcher did not start")
    return process


def _batcher_cpu(process: subprocess.Popen[str] | None) -> tuple[float, float]:
    """CPU seconds so far of the batcher process (all its threads) and of its backends."""
    if process is None:
        return 0.0, 0.0
    import psycopg

    from chainlead.funds.batcher import APPLICATION_NAME

    def schedstat(path: Path) -> float:
        try:
            return int(path.read_text().split()[0]) / 1e9
        except (FileNotFoundError, ProcessLookupError):
            return 0.0

    own = sum(schedstat(t / "schedstat") for t in Path(f"/proc/{process.pid}/task").iterdir())
    with psycopg.connect(f"{PG}/{SCRATCH}", autocommit=True) as conn:
        pids = [
            row[0]
            for row in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s",
                [APPLICATION_NAME],
            )
        ]
    server = sum(schedstat(Path(f"/proc/{pid}/schedstat")) for pid in pids)
    return own + server, server


def bench_disbursements(
    clients: int,
    payments: int,
    *,
    rounds: int = 3,
    threads: bool = False,
    paths: tuple[str, ...] = PATHS,
    workers: int = 2,
) -> dict[str, Any]:
    """`rounds` rounds, each the baseline and the payments by each path of `paths` (the
    payment batcher, `direct`: each client process pays itself), alternating the order."""
    import datetime as dt

    from django.conf import settings
    from django.db import connection

    from chainlead.funds import services

    today = dt.date(2026, 3, 2)
    start = time.perf_counter()
    payer, tranches = _world(clients, payments, rounds * len(paths))
    setup_seconds = time.perf_counter() - start

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_plain (id bigserial PRIMARY KEY, amount numeric(16,2), note text)"
        )

    total = clients * payments
    concurrently = _in_threads if threads else _in_processes
    server = _start_batcher(workers) if "batcher" in paths else None
    results = []
    try:
        for r in range(rounds):

            def insert(i: int, r: int = r) -> None:
                with connection.cursor() as cursor:
                    for n in range(payments):
                        cursor.execute(
                            "INSERT INTO bench_plain (amount, note) VALUES (%s, %s)",
                            [100, f"{r}-{i}-{n}"],
                        )

            def paying(k: int, path: str, r: int = r) -> tuple[float, float | None, float | None]:
                own = tranches[r * len(paths) + k]

                def pay(i: int) -> None:
                    for tranche in own[i]:
                        services.tranche_disburse(
                            actor=payer,
                            tranche=tranche,
                            idempotency_key=f"pay-{tranche.pk}",
                            today=today,
                        )

                # Read at each payment: the forked clients see the parent's setting.
                settings.CHAINLEAD_FUNDS_PAYMENT_SOCKET = (
                    BATCHER_SOCKET if path == "batcher" else ""
                )
                batcher_before = _batcher_cpu(server if path == "batcher" else None)
                seconds, cpu, backends = concurrently(clients, pay)
                batcher_after = _batcher_cpu(server if path == "batcher" else None)
                if cpu is not None and backends is not None:
                    cpu += batcher_after[0] - batcher_before[0]
                    backends += batcher_after[1] - batcher_before[1]
                return seconds, cpu, backends

            load = _load()
            order = list(enumerate(paths)) if r % 2 == 0 else list(enumerate(paths))[::-1]
            if r % 2 == 0:
                insert_seconds, insert_cpu, insert_server = concurrently(clients, insert)
            measured = {path: paying(k, path) for k, path in order}
            if r % 2 == 1:
                insert_seconds, insert_cpu, insert_server = concurrently(clients, insert)
            for path in paths:
                pay_seconds, pay_cpu, pay_server = measured[path]
                results.append(
                    {
                        "round": r + 1,
                        "path": path,
                        "load_1min": load,
                        "disbursements_per_s": total / pay_seconds,
                        "inserts_per_s": total / insert_seconds,
                        "ratio": insert_seconds / pay_seconds,
                        # CPU (clients + their backends, and the batcher with its backends) per
                        # INSERT over per payment: the ratio the two cores would give if nothing
                        # else ran on them.
                        "pay_cpu_ms": 1000 * pay_cpu / total if pay_cpu else None,
                        "insert_cpu_ms": 1000 * insert_cpu / total if insert_cpu else None,
                        "cpu_ratio": insert_cpu / pay_cpu if pay_cpu and insert_cpu else None,
                        # Of which the PostgreSQL backends' (the rest is Python).
                        "pay_server_cpu_ms": 1000 * pay_server / total if pay_server else None,
                        "insert_server_cpu_ms": (
                            1000 * insert_server / total if insert_server else None
                        ),
                    }
                )
    finally:
        batcher_line = ""
        if server is not None:
            server.terminate()
            output, _ = server.communicate(timeout=120)
            batcher_line = output.strip().splitlines()[-1] if output.strip() else ""
    from chainlead.audit.chain import verify
    from chainlead.funds.checks import ledger_violations
    from chainlead.funds.models import Disbursement

    violations = ledger_violations()
    chain = verify()
    # And the operators' command itself, from outside, on the same data.
    env = {**os.environ, "DATABASE_URL": f"{PG}/{SCRATCH}", "DJANGO_DEBUG": "1"}
    fund_check = subprocess.run(
        [*CHAINLEAD, "fund", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    main_rows = [row for row in results if row["path"] == paths[0]]
    best = max(main_rows, key=lambda row: row["ratio"])
    return {
        "clients": clients,
        "paths": list(paths),
        "batcher_workers": workers if "batcher" in paths else None,
        "batcher_stopped": batcher_line,
        "by_path": {
            path: {
                "best": max(row["ratio"] for row in results if row["path"] == path),
                "min": min(row["ratio"] for row in results if row["path"] == path),
            }
            for path in paths
        },
        "concurrency": "threads" if threads else "processes",
        "setup_s": setup_seconds,
        "paid": Disbursement.objects.filter(status="paid").count(),
        "audit_chain_ok": chain.ok,
        "audit_entries_linked": chain.checked,
        "audit_entries_pending": chain.pending,
        "payments": total,
        "rounds": results,
        "disbursements_per_s": best["disbursements_per_s"],
        "inserts_per_s": best["inserts_per_s"],
        "ratio": best["ratio"],
        "ratio_min": min(row["ratio"] for row in main_rows),
        "violations_after": len(violations),
        "fund_check_exit": fund_check.returncode,
    }


def profile_payment(count: int) -> dict[str, Any]:
    """One client paying `count` tranches in turn: each statement's mean time and the
    client's own CPU per payment (Python), split into the payment and the audit linking after
    its commit. Statements are grouped by their text with the literals taken out."""
    import datetime as dt
    import re
    import statistics

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chainlead.audit import chain
    from chainlead.funds import services

    today = dt.date(2026, 3, 2)
    payer, tranches = _world(1, count + 5, 1)
    own = tranches[0][0]
    for tranche in own[:5]:  # warm the caches (content types, access)
        services.tranche_disburse(actor=payer, tranche=tranche, today=today)
    link_cpu: list[float] = []
    original = chain._link_committed

    def timed_link(first: int | None = None) -> None:
        started = time.process_time()
        original(first=first)
        link_cpu.append(time.process_time() - started)

    chain._link_committed = timed_link
    statements: dict[tuple[int, str], list[float]] = {}
    cpu: list[float] = []
    wall: list[float] = []
    server_started = _backend_cpu()
    try:
        for tranche in own[5:]:
            started, cpu_started = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as queries:
                services.tranche_disburse(
                    actor=payer, tranche=tranche, idempotency_key=f"p-{tranche.pk}", today=today
                )
            cpu.append(time.process_time() - cpu_started)
            wall.append(time.perf_counter() - started)
            for n, query in enumerate(queries.captured_queries):
                text = re.sub(r"'[^']*'|\b\d+\b|\s+", " ", query["sql"]).strip()[:80]
                statements.setdefault((n, text), []).append(float(query["time"]))
    finally:
        chain._link_committed = original
    server_cpu = (_backend_cpu() - server_started) / count
    insert_wall = []
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_profile (id bigserial PRIMARY KEY, amount numeric)")
        server_started, cpu_started = _backend_cpu(), time.process_time()
        for _n in range(count):
            started = time.perf_counter()
            cursor.execute("INSERT INTO bench_profile (amount) VALUES (%s)", [100])
            insert_wall.append(time.perf_counter() - started)
        insert_cpu = (time.process_time() - cpu_started) / count
        insert_server_cpu = (_backend_cpu() - server_started) / count
    return {
        "payments": count,
        "load_1min": _load(),
        "statements": [
            {"n": n, "sql": text, "ms": 1000 * statistics.mean(times), "count": len(times)}
            for (n, text), times in sorted(statements.items())
        ],
        "wall_ms": 1000 * statistics.median(wall),
        "client_cpu_ms": 1000 * statistics.median(cpu),
        "linker_cpu_ms": 1000 * statistics.median(link_cpu) if link_cpu else 0.0,
        "insert_wall_ms": 1000 * statistics.median(insert_wall),
        # Mean CPU of the client process and of its PostgreSQL backend (the same machine;
        # background writers not counted) per payment (its linking included) and per INSERT.
        "client_cpu_mean_ms": 1000 * statistics.mean(cpu),
        "server_cpu_ms": 1000 * server_cpu,
        "insert_client_cpu_ms": 1000 * insert_cpu,
        "insert_server_cpu_ms": 1000 * insert_server_cpu,
    }


def _backend_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL backend (the server runs on this machine):
    the scheduler's time on a CPU in nanoseconds (/proc/PID/schedstat), not /proc/PID/stat's
    10 ms clock ticks, which miss a backend's short bursts."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


def bench_check(entries: int) -> dict[str, Any]:
    from django.db import connection

    from chainlead.accounts.models import User
    from chainlead.funds.checks import ledger_violations
    from chainlead.funds.models import Account, Fund

    fund = Fund.objects.get(name="bench")
    treasury = Account.objects.get(fund=fund, kind="treasury")
    actor_id = User.objects.get(username="bench-a").pk
    # Spread over the commitment accounts (crediting an account never breaks its floor).
    targets = list(
        Account.objects.filter(fund=fund, kind="commitment")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    n = len(targets)
    start = time.perf_counter()
    with connection.cursor() as cursor:
        # Entry g moves 1.00 from the treasury (no floor) to targets[g mod n].
        cursor.execute(
            """
            INSERT INTO funds_entry (fund_id, kind, debit_account_id, credit_account_id, amount,
                                     period, memo, created_by_id, created_at)
            SELECT %s, 'funding', %s, (%s::bigint[])[1 + g %% %s], 1.00, DATE '2026-03-01',
                   'bench', %s, now()
            FROM generate_series(1, %s) AS g
            """,
            [fund.pk, treasury.pk, targets, n, actor_id, entries],
        )
        for j, pk in enumerate(targets):
            added = entries // n if j == 0 else (entries - j) // n + 1 if j <= entries else 0
            cursor.execute(
                "UPDATE funds_account SET credits_posted = credits_posted + %s WHERE id = %s",
                [added, pk],
            )
        cursor.execute(
            "UPDATE funds_account SET debits_posted = debits_posted + %s WHERE id = %s",
            [entries, treasury.pk],
        )
        cursor.execute("ANALYZE funds_entry")
    generate_seconds = time.perf_counter() - start
    rss_before = _rss_mib()
    start = time.perf_counter()
    violations = ledger_violations()
    check_seconds = time.perf_counter() - start
    return {
        "entries": entries,
        "generate_s": generate_seconds,
        "check_s": check_seconds,
        "violations": violations[:5],
        "rss_before_mib": rss_before,
        "rss_after_mib": _rss_mib(),
        "peak_rss_mib": _peak_mib(),
    }


def report(result: dict[str, Any]) -> str:
    from benchmarks import _machine

    d = result["disbursements"]
    c = result["check"]
    rounds = [
        f"| {row['round']} | {row['path']} | {row['load_1min']:.1f} | "
        f"{row['disbursements_per_s']:,.0f} | "
        f"{row['inserts_per_s']:,.0f} | {row['ratio']:.3f} | "
        + (
            f"{row['pay_cpu_ms']:.2f} ({row['pay_server_cpu_ms']:.2f}) / "
            f"{row['insert_cpu_ms']:.2f} ({row['insert_server_cpu_ms']:.2f}) | "
            f"{row['cpu_ratio']:.3f} |"
            if row["cpu_ratio"]
            else "— | — |"
        )
        for row in d["rounds"]
    ]
    return "\n".join(
        [
            "",
            "## Support fund ledger (`benchmarks/ledger.py`, issue 10)",
            "",
            f"PostgreSQL, {d['clients']} concurrent clients ({d['concurrency']}, each with its own "
            f"persistent connection), {d['payments']} payments and as many single-row INSERTs "
            "per round, alternating which goes first.",
            "",
            "Paths: `batcher`, the payments sent to the payment batcher (`chainlead fund "
            f"batcher`, {d['batcher_workers']} connections; its process and backends counted in "
            "the CPU), many paid to a transaction; `direct`, each client paying itself, one "
            f"transaction a payment. Batcher at exit: {d['batcher_stopped'] or '—'}.",
            "",
            "| round | path | load (1 min) | disbursements/s | plain INSERTs/s | ratio | "
            "CPU ms per payment / per INSERT (of which the server's) | CPU ratio |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
            *rounds,
            "",
            "| measure | value | target |",
            "| --- | --- | --- |",
            *(
                f"| ratio, best round (spread), {path} | {span['best']:.3f} "
                f"({span['min']:.3f}–{span['best']:.3f}) | ≥ 0.25 |"
                for path, span in d["by_path"].items()
            ),
            f"| `fund check` over {c['entries']:,} entries | {c['check_s']:.1f} s | < 60 s |",
            f"| RSS before / after the check | {c['rss_before_mib']:.0f} / "
            f"{c['rss_after_mib']:.0f} MiB | flat |",
            f"| violations found (after the payments / in the generated entries) | "
            f"{d['violations_after']} / {len(c['violations'])} | 0 |",
            f"| `chainlead fund check` exit code after the payments | {d['fund_check_exit']} | 0 |",
            f"| audit chain after the payments | ok={d['audit_chain_ok']}, "
            f"{d['audit_entries_pending']} pending | ok, 0 |",
            "",
            f"Generating the entries (one INSERT … SELECT generate_series): "
            f"{c['generate_s']:.0f} s.",
            _machine.markdown(_machine.describe()),
            "Raw numbers: `benchmarks/out/ledger.json`.",
            "",
        ]
    )


def report_profile(result: dict[str, Any]) -> str:
    lines = [
        f"One client, {result['payments']} payments in turn (load {result['load_1min']:.1f}):",
        f"wall {result['wall_ms']:.1f} ms per payment, client CPU {result['client_cpu_ms']:.2f} ms "
        f"(of which linking after the commit {result['linker_cpu_ms']:.2f} ms); "
        f"one plain INSERT {result['insert_wall_ms']:.2f} ms.",
        f"CPU per payment (mean): client {result['client_cpu_mean_ms']:.2f} ms + server "
        f"{result['server_cpu_ms']:.2f} ms; per plain INSERT: client "
        f"{result['insert_client_cpu_ms']:.2f} ms + server "
        f"{result['insert_server_cpu_ms']:.2f} ms.",
        "",
        "| # | statement | mean ms | times |",
        "| --- | --- | --- | --- |",
    ]
    for row in result["statements"]:
        lines.append(f"| {row['n']} | `{row['sql']}` | {row['ms']:.2f} | {row['count']} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--payments", type=int, default=40, help="per client")
    parser.add_argument("--entries", type=int, default=10_000_000)
    parser.add_argument("--no-results", action="store_true", help="do not append RESULTS.md")
    parser.add_argument("--threads", action="store_true", help="clients as threads (one GIL)")
    parser.add_argument("--rounds", type=int, default=3, help="baseline and payments, repeated")
    parser.add_argument(
        "--paths",
        default=",".join(PATHS),
        help="payment paths measured in each round: batcher (the payment batcher), direct",
    )
    parser.add_argument("--workers", type=int, default=2, help="the batcher's connections")
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        help="only profile N payments by one client, statement by statement",
    )
    args = parser.parse_args()

    _scratch_database()
    os.environ["DATABASE_URL"] = f"{PG}/{SCRATCH}"
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ["DATABASE_CONN_MAX_AGE"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    django.setup()
    # DEBUG (needed here only for the development secret key) makes every cursor log its
    # query, as production does not: off for both the baseline and the payments.
    settings.DEBUG = False
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    if args.profile:
        try:
            profile = profile_payment(args.profile)
        finally:
            _drop_scratch()
        (out / "ledger_profile.json").write_text(json.dumps(profile, indent=2))
        print(report_profile(profile))
        return 0
    try:
        result = {
            "disbursements": bench_disbursements(
                args.clients,
                args.payments,
                rounds=args.rounds,
                threads=args.threads,
                paths=tuple(args.paths.split(",")),
                workers=args.workers,
            ),
            "check": bench_check(args.entries),
        }
    finally:
        _drop_scratch()
    (out / "ledger.json").write_text(json.dumps(result, indent=2, default=str))
    text = report(result)
    print(text)
    if not args.no_results:
        with (ROOT / "benchmarks" / "RESULTS.md").open("a") as results:
            results.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
