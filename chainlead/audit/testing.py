"""Test helpers of the audit chain, for the apps whose writes it links."""

from __future__ import annotations

import contextlib
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
