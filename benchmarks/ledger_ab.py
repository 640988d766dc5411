"""The payment's CPU under a change, paired: half the clients pay in database A, half in B, at
the same moment (issue 10).

`ledger.py`'s rounds run the baseline and the payments one after the other, and on a shared
two-core machine the CPU a payment costs moves by ±15 % between runs of the very same code (the
host's other tenants, the caches), which hides the few per cent a change to the payment is
worth. Here both variants run side by side: CLIENTS forked processes, the even ones paying in
A and the odd ones in B, released together, each measuring its own CPU and its PostgreSQL
backend's (/proc/PID/schedstat). Whatever slows the machine slows both halves alike, so the
ratio B/A of the CPU per payment is steady: an A/A run (`--variant none`) gives 0.98-1.01 per
round where separate runs differ by 0.85-1.2.

A and B are copies of one migrated database (CREATE DATABASE … TEMPLATE); B then gets the
variant's SQL, A `--sql-a`'s if given. A variant is an experiment on the schema or the
payment's SQL functions, not a change of the platform: the platform's code pays in both. The
variants measured so far (docs/funds.md, "Eleventh session"):

    none            nothing (the noise of the method)
    no-fk           the foreign keys of the tables a payment writes dropped
    no-shared-fk    only those to rows every payment shares (the user, the fund, the content type)
    no-link         the audit linker's pass in the payment answers "someone else links"
    no-claim        the idempotency key's row not written
    skeleton        the payment's function reads the tranche and writes nothing (the floor: the
                    client, the CALL, two commits)

Usage (PostgreSQL only; scratch databases `chainlead_ab_{t,a,b}` are created and dropped):

    .venv/bin/python benchmarks/ledger_ab.py --variant no-fk [--clients 16] [--payments 100]
                                             [--rounds 3]
    .venv/bin/python benchmarks/ledger_ab.py --sql-b change.sql

Prints each round's CPU per payment (client + backend, and the backend's part) in A and B and
the median ratio B/A; below 1, B is cheaper.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
PG = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PREFIX = os.environ.get("BENCH_LEDGER_AB_DB", "chainlead_ab")
TEMPLATE, DB_A, DB_B = f"{PREFIX}_t", f"{PREFIX}_a", f"{PREFIX}_b"
HOT_TABLES = ("funds_entry", "funds_disbursement", "audit_auditentry", "funds_commandrecord")
SHARED_TARGETS = ("accounts_user", "funds_fund", "django_content_type")


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _run_sql(database: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/{database}", autocommit=True) as conn:
        conn.execute(sql)


def _drop_foreign_keys(database: str, targets: tuple[str, ...] | None) -> str:
    """ALTER TABLE … DROP CONSTRAINT for the hot tables' foreign keys (to `targets` only, when
    given), read from the catalog."""
    import psycopg

    with psycopg.connect(f"{PG}/{database}", autocommit=True) as conn:
        rows = conn.execute(
            "SELECT conrelid::regclass::text, conname, confrelid::regclass::text "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
            [list(HOT_TABLES)],
        ).fetchall()
    return "; ".join(
        f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'
        for table, name, target in rows
        if targets is None or target in targets
    )


def _pay_function_without(database: str, start: str, end: str, replacement: str = "") -> str:
    """The database's `funds_pay_tranche` (its CREATE statement, as the catalog gives it) with
    the part from the line that begins with `start` up to (not including) the one that begins
    with `end` replaced; an error when either line is not there (the function changed)."""
    import psycopg

    with psycopg.connect(f"{PG}/{database}", autocommit=True) as conn:
        row = conn.execute("SELECT pg_get_functiondef('funds_pay_tranche'::regproc)").fetchone()
    body: str = row[0] if row else ""
    first = body.index(start)
    last = body.index(end, first)
    return body[:first] + replacement + body[last:]


def variant_sql(variant: str, database: str) -> str:
    if variant == "none":
        return ""
    if variant == "no-fk":
        return _drop_foreign_keys(database, None)
    if variant == "no-shared-fk":
        return _drop_foreign_keys(database, SHARED_TARGETS)
    if variant == "no-link":
        return (
            "CREATE OR REPLACE FUNCTION audit_link_committed(lock_key bigint, batch integer, "
            "gather double precision) RETURNS integer LANGUAGE plpgsql AS $$ "
            "BEGIN RETURN -1; END $$"
        )
    if variant == "no-claim":
        return _pay_function_without(
            database, "    IF p_key IS NOT NULL", "    SELECT t.created_by_id"
        )
    if variant == "skeleton":
        return _pay_function_without(
            database,
            "    IF p_key IS NOT NULL",
            "    prepared_by := t_created_by;",
            "    SELECT t.created_by_id, t.approved_by_id INTO t_created_by, t_approved_by\n"
            "    FROM funds_tranche t WHERE t.id = p_tranche;\n",
        )
    raise SystemExit(f"unknown variant {variant!r}")


def _databases(sql_a: str, variant: str, sql_b: str) -> None:
    _admin(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
    _admin(f"CREATE DATABASE {TEMPLATE}")
    env = {**os.environ, "DATABASE_URL": f"{PG}/{TEMPLATE}", "DJANGO_DEBUG": "1"}
    subprocess.run(
        [sys.executable, "-m", "chainlead", "migrate", "-v0"], env=env, check=True, cwd=ROOT
    )
    for name in (DB_A, DB_B):
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        _admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    if sql_a:
        _run_sql(DB_A, sql_a)
    change = "; ".join(part for part in (variant_sql(variant, DB_B), sql_b) if part)
    if change:
        _run_sql(DB_B, change)


def _drop_databases() -> None:
    from django.db import connections

    connections.close_all()
    for name in (DB_A, DB_B, TEMPLATE):
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _use(database: str) -> None:
    from django.db import connection, connections

    connections.close_all()
    connection.settings_dict["NAME"] = database


def _pay(i: int, r: int, worlds: dict[str, Any], barrier: Any, cpu: Any, server: Any) -> None:
    """Client `i` of round `r` (a forked process): pays its tranches in A (even `i`) or B (odd),
    recording its CPU and its backend's in `cpu[i]` and `server[i]`."""
    import ledger
    from django.db import connection

    from chainlead.funds import services

    code = 0
    try:
        key = "AB"[i % 2]
        _use(DB_A if key == "A" else DB_B)
        payer, tranches = worlds[key]
        connection.ensure_connection()
        barrier.wait()
        started, server_started = time.process_time(), ledger._backend_cpu()
        for tranche in tranches[r][i // 2]:
            services.tranche_disburse(
                actor=payer,
                tranche=tranche,
                idempotency_key=f"pay-{tranche.pk}",
                today=dt.date(2026, 3, 2),
            )
        server[i] = ledger._backend_cpu() - server_started
        cpu[i] = time.process_time() - started + server[i]
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        connection.close()
        os._exit(code)


def paired_rounds(clients: int, payments: int, rounds: int) -> list[dict[str, float]]:
    """Each round: `clients` processes, half paying in A and half in B at once; the CPU
    milliseconds per payment (client + backend, and the backend's part) of each half."""
    import ledger

    half = clients // 2
    worlds: dict[str, Any] = {}
    for key, database in (("A", DB_A), ("B", DB_B)):
        _use(database)
        worlds[key] = ledger._world(half, payments, rounds)
    context = multiprocessing.get_context("fork")
    results = []
    for r in range(rounds):
        barrier = context.Barrier(clients + 1)
        cpu = context.Array("d", clients)
        server = context.Array("d", clients)

        _use(DB_A)  # a forked child must not share the parent's socket
        processes = [
            context.Process(target=_pay, args=(i, r, worlds, barrier, cpu, server))
            for i in range(clients)
        ]
        for process in processes:
            process.start()
        barrier.wait()
        for process in processes:
            process.join()
        failed = [p.exitcode for p in processes if p.exitcode != 0]
        if failed:
            raise RuntimeError(f"{len(failed)} client processes failed")
        paid = half * payments
        row: dict[str, float] = {}
        for offset, key in enumerate("AB"):
            row[f"{key}_cpu_ms"] = 1000 * sum(cpu[offset::2]) / paid
            row[f"{key}_server_ms"] = 1000 * sum(server[offset::2]) / paid
        row["ratio"] = row["B_cpu_ms"] / row["A_cpu_ms"]
        results.append(row)
        print(
            f"round {r + 1}: A {row['A_cpu_ms']:.3f} ms (server {row['A_server_ms']:.3f})  "
            f"B {row['B_cpu_ms']:.3f} ms (server {row['B_server_ms']:.3f})  "
            f"B/A {row['ratio']:.3f}",
            flush=True,
        )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", default="none")
    parser.add_argument("--sql-a", type=Path, help="SQL run in A (the reference)")
    parser.add_argument("--sql-b", type=Path, help="SQL run in B, after the variant's")
    parser.add_argument("--clients", type=int, default=16, help="even: half in A, half in B")
    parser.add_argument("--payments", type=int, default=100, help="per client and round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.clients < 2 or args.clients % 2:
        parser.error("--clients must be even")
    _databases(
        args.sql_a.read_text() if args.sql_a else "",
        args.variant,
        args.sql_b.read_text() if args.sql_b else "",
    )
    os.environ["DATABASE_URL"] = f"{PG}/{DB_A}"
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ["DATABASE_CONN_MAX_AGE"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False  # no query log, as in production and in ledger.py
    try:
        results = paired_rounds(args.clients, args.payments, args.rounds)
    finally:
        _drop_databases()
    print(
        f"{args.variant}{' + ' + str(args.sql_b) if args.sql_b else ''}: median B/A "
        f"{statistics.median(row['ratio'] for row in results):.3f} over {len(results)} rounds "
        f"({args.clients // 2} clients each side, {args.payments} payments each a round)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
