"""The cost of the audit log's hash chain on one audited save.

    .venv/bin/python benchmarks/audit_write.py [--saves 500] [--postgres]

On a fresh database (a temporary SQLite file; with --postgres, a fresh `chainlead_bench_audit`
on BENCH_PG_URL) it times, in the same process, N saves of an audited model (a user's name
changed: one read of the row before, the UPDATE, the audit entry):

* ``linked``: as the platform runs now: the entry is linked into the hash chain (the chain
  head locked with SELECT … FOR UPDATE, sha256 over the canonical JSON, the head updated);
* ``plain``: the same save with the entry inserted as before the chain (one INSERT);
* ``unaudited``: the UPDATE alone (the floor).

It prints the median time per save of 5 rounds and the ratio linked / plain. Results:
``benchmarks/out/audit_write-<engine>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _database(postgres: bool) -> str:
    if not postgres:
        return f"sqlite:///{tempfile.mkdtemp(prefix='audit-bench-')}/bench.sqlite3"
    import psycopg

    admin = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    with psycopg.connect(f"{admin}/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS chainlead_bench_audit")
        conn.execute("CREATE DATABASE chainlead_bench_audit")
    return f"{admin}/chainlead_bench_audit"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=500)
    parser.add_argument("--postgres", action="store_true")
    options = parser.parse_args()
    os.environ["DATABASE_URL"] = _database(options.postgres)
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from chainlead.accounts.models import User
    from chainlead.audit import services
    from chainlead.audit.chain import verify
    from chainlead.audit.models import AuditEntry

    user = User.objects.create_user("bench", password=None)
    linked_save = AuditEntry.save

    def plain_save(self: AuditEntry, *args: object, **kwargs: object) -> None:
        AuditEntry.objects.all()._insert_sealed([self])  # the INSERT alone, as before the chain

    def run(kind: str, n: int) -> float:
        registered = services._REGISTERED.copy()
        if kind == "unaudited":
            services._REGISTERED.pop(User, None)
        AuditEntry.save = plain_save if kind == "plain" else linked_save  # type: ignore[method-assign]
        try:
            start = time.perf_counter()
            for i in range(n):
                user.first_name = f"{kind}{i}"
                user.save(update_fields=["first_name"])
            return (time.perf_counter() - start) / n
        finally:
            AuditEntry.save = linked_save  # type: ignore[method-assign]
            services._REGISTERED.clear()
            services._REGISTERED.update(registered)

    results: dict[str, list[float]] = {"unaudited": [], "plain": [], "linked": []}
    run("linked", 50)  # warm-up
    for _ in range(5):
        for kind in results:
            results[kind].append(run(kind, options.saves))
    median = {kind: statistics.median(times) for kind, times in results.items()}
    # The plain entries have no seq: they are outside the chain, as old rows would be. Link them
    # so that the bench database verifies, and so the linking of SQL-inserted rows is timed too.
    from chainlead.audit.chain import link_pending

    start = time.perf_counter()
    pending = link_pending()
    link_seconds = time.perf_counter() - start
    verdict = verify()
    report = {
        "engine": connection.vendor,
        "saves": options.saves,
        "seconds_per_save": median,
        "linked_over_plain": median["linked"] / median["plain"],
        "plain_over_unaudited": median["plain"] / median["unaudited"],
        "link_pending_rows": pending,
        "link_pending_seconds_per_row": link_seconds / max(pending, 1),
        "chain_verifies": verdict.ok,
        "entries_verified": verdict.checked,
    }
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    (out / f"audit_write-{connection.vendor}.json").write_text(json.dumps(report, indent=2))
    for kind, seconds in median.items():
        print(f"{connection.vendor:10} {kind:10} {seconds * 1e3:7.3f} ms / save")
    print(f"linked / plain: {report['linked_over_plain']:.2f}×; chain verifies: {verdict.ok}")
    print(f"link_pending: {report['link_pending_seconds_per_row'] * 1e6:.1f} µs / row")


if __name__ == "__main__":
    main()
