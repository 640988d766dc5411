"""The support fund's ledger on PostgreSQL: payments per second and `fund check` at scale.

1. Disbursements: CLIENTS processes (forked, each with its own connection; threads would share
   one GIL, and a payment's Python work, not the database, then sets the pace) each pay their
   own approved tranches through `services.tranche_disburse` (row locks, floor checks, entry,
   cached sums, audit event and its linking after the commit), against a baseline measured in
   the same run: the same processes doing the same number of plain single-row INSERTs, each its
   own transaction. Target: ≥ 25% of the baseline's rate. `--threads` runs threads instead.
2. `fund check` over ENTRIES entries (default 10,000,000), generated in the database with one
   INSERT … SELECT generate_series (a bulk generator, no Python loop), the cached sums set to
   match. Target: under 60 s with flat memory (SQL aggregates; the process's RSS is reported
   before and after).

Usage (PostgreSQL only; a scratch database `chainlead_bench_ledger` is created and dropped):

    .venv/bin/python benchmarks/ledger.py [--clients 16] [--payments 40] [--entries 10000000]
                                          [--threads]

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
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
SCRATCH = "chainlead_bench_ledger"
CHAINLEAD = str(ROOT / ".venv" / "bin" / "chainlead")


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
    subprocess.run([CHAINLEAD, "migrate", "-v0"], env=env, check=True)


def _drop_scratch() -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")


def _in_threads(clients: int, work: Any) -> float:
    """Wall-clock seconds for `work(i)` run in `clients` threads released together."""
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
    return elapsed


def _in_processes(clients: int, work: Any) -> float:
    """Wall-clock seconds for `work(i)` run in `clients` forked processes released together."""
    from django.db import connection, connections

    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(clients + 1)

    def run(i: int) -> None:
        code = 0
        try:
            connection.ensure_connection()
            barrier.wait()
            work(i)
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
    return elapsed


def bench_disbursements(clients: int, payments: int, *, threads: bool = False) -> dict[str, Any]:
    import datetime as dt

    from django.db import connection

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
    per_client: list[list[Any]] = [[] for _ in range(clients)]
    for i in range(clients * payments):
        commitment = services.commitment_create(
            actor=a,
            line=line,
            recipient_enterprise=firm,
            amount="100",
            reference=f"b{i}",
            today=today,
        )
        tranche = services.tranche_create(
            actor=a, commitment=commitment, amount="100", due_on=today
        )
        per_client[i % clients].append(services.tranche_approve(actor=b, tranche=tranche))

    def pay(i: int) -> None:
        for tranche in per_client[i]:
            services.tranche_disburse(
                actor=b, tranche=tranche, idempotency_key=f"pay-{tranche.pk}", today=today
            )

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_plain (id bigserial PRIMARY KEY, amount numeric(16,2), note text)"
        )

    def insert(i: int) -> None:
        with connection.cursor() as cursor:
            for n in range(payments):
                cursor.execute(
                    "INSERT INTO bench_plain (amount, note) VALUES (%s, %s)", [100, f"{i}-{n}"]
                )

    total = clients * payments
    concurrently = _in_threads if threads else _in_processes
    insert_seconds = concurrently(clients, insert)
    pay_seconds = concurrently(clients, pay)
    from chainlead.audit.chain import verify
    from chainlead.funds.checks import ledger_violations
    from chainlead.funds.models import Disbursement

    violations = ledger_violations()
    chain = verify()
    return {
        "clients": clients,
        "concurrency": "threads" if threads else "processes",
        "paid": Disbursement.objects.filter(status="paid").count(),
        "audit_chain_ok": chain.ok,
        "audit_entries_linked": chain.checked,
        "audit_entries_pending": chain.pending,
        "payments": total,
        "disbursements_per_s": total / pay_seconds,
        "inserts_per_s": total / insert_seconds,
        "ratio": (total / pay_seconds) / (total / insert_seconds),
        "violations_after": len(violations),
    }


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
    return "\n".join(
        [
            "",
            "## Support fund ledger (`benchmarks/ledger.py`, issue 10)",
            "",
            f"PostgreSQL, {d['clients']} concurrent clients ({d['concurrency']}, each with its own "
            "connection).",
            "",
            "| measure | value | target |",
            "| --- | --- | --- |",
            f"| disbursements/s ({d['payments']} payments) | {d['disbursements_per_s']:,.0f} | |",
            f"| plain single-row INSERTs/s, same run | {d['inserts_per_s']:,.0f} | |",
            f"| ratio | {d['ratio']:.2f} | ≥ 0.25 |",
            f"| `fund check` over {c['entries']:,} entries | {c['check_s']:.1f} s | < 60 s |",
            f"| RSS before / after the check | {c['rss_before_mib']:.0f} / "
            f"{c['rss_after_mib']:.0f} MiB | flat |",
            f"| violations found (after the payments / in the 10M) | {d['violations_after']} / "
            f"{len(c['violations'])} | 0 |",
            "",
            f"Generating the entries (one INSERT … SELECT generate_series): "
            f"{c['generate_s']:.0f} s.",
            _machine.markdown(_machine.describe()),
            "Raw numbers: `benchmarks/out/ledger.json`.",
            "",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--payments", type=int, default=40, help="per client")
    parser.add_argument("--entries", type=int, default=10_000_000)
    parser.add_argument("--no-results", action="store_true", help="do not append RESULTS.md")
    parser.add_argument("--threads", action="store_true", help="clients as threads (one GIL)")
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
    try:
        result = {
            "disbursements": bench_disbursements(args.clients, args.payments, threads=args.threads),
            "check": bench_check(args.entries),
        }
    finally:
        _drop_scratch()
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "ledger.json").write_text(json.dumps(result, indent=2, default=str))
    text = report(result)
    print(text)
    if not args.no_results:
        with (ROOT / "benchmarks" / "RESULTS.md").open("a") as results:
            results.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
