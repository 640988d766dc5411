"""Test helpers of the audit chain, for the apps whose writes it links."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from django.db import connection

from chainlead.audit import chain


@contextlib.contextmanager
def linker_lock_held_elsewhere() -> Iterator[None]:
    """PostgreSQL: the after-commit linker's advisory lock held by another session (a linker
    that, as after a crash, never looks again): writers meanwhile leave their entries pending."""
    import psycopg

    settings = connection.settings_dict
    params = {
        "dbname": settings["NAME"],
        "user": settings["USER"],
        "host": settings["HOST"],
        "port": settings["PORT"],
        "password": settings["PASSWORD"],
    }
    with psycopg.connect(autocommit=True, **{k: v for k, v in params.items() if v}) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [chain.LINKER_LOCK_KEY])
        try:
            yield
        finally:
            other.execute("SELECT pg_advisory_unlock(%s)", [chain.LINKER_LOCK_KEY])


def linker_lock_taken() -> bool:
    """Whether some session holds the after-commit linker's advisory lock (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid = %s AND objid = %s AND objsubid = 1",
            [chain.LINKER_LOCK_KEY >> 32, chain.LINKER_LOCK_KEY & 0xFFFFFFFF],
        )
        return cursor.fetchone() is not None


def linker_holding_its_lock(gather: float) -> tuple[threading.Thread, list[int | None]]:
    """A gathering linker pass started in a thread, once it holds the linker's lock: the thread
    and, after it ends, the pass's answer."""
    outcome: list[int | None] = []

    def hold() -> None:
        try:
            outcome.append(chain._link_in_sql(gather=gather))
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    for _ in range(200):
        if linker_lock_taken():
            return holder, outcome
        threading.Event().wait(0.01)
    raise AssertionError("the linker never took its lock")
