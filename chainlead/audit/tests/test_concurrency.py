"""Two writers at once never link to the same previous entry (the chain head is locked)."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from chainlead.accounts.models import User
from chainlead.audit import chain
from chainlead.audit.models import AuditEntry
from chainlead.audit.services import record_bulk_changes, record_event

WRITERS = 4
EVENTS_EACH = 15


def _write(subject: User, start: threading.Barrier, errors: list[BaseException], n: int) -> None:
    try:
        start.wait()
        for i in range(EVENTS_EACH):
            if i % 5 == 4:  # some bulk writes among the single ones
                record_bulk_changes(
                    model=User, rows=[(subject.pk, "u", "update", {"w": n}, {"w": i})] * 3
                )
            else:
                record_event(instance=subject, event="test.concurrent", data={"w": n, "i": i})
    except BaseException as error:  # reported by the test, not lost in the thread
        errors.append(error)
    finally:
        connection.close()


@contextlib.contextmanager
def _threads_on_a_file_database(tmp_path: Path) -> Iterator[None]:
    """SQLite: the test database lives in shared-cache memory, where a second writer fails at
    once ("table is locked") instead of waiting as on a file. Copy it to a file (the backup API)
    and point the threads' new connections there; PostgreSQL threads use the test database."""
    if connection.vendor != "sqlite":
        yield
        return
    path = tmp_path / "chain.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
    target.close()
    settings = connections.settings["default"]
    name = settings["NAME"]
    settings["NAME"] = str(path)
    try:
        yield
    finally:
        settings["NAME"] = name


def _in_thread(function: Callable[[], Any]) -> Any:
    """`function()` run on a connection of its own (the threads' database)."""
    result: list[Any] = []

    def run() -> None:
        try:
            result.append(function())
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    return result[0]


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_build_one_unbroken_chain(tmp_path: Path) -> None:
    subject = User.objects.create_user("concurrent", password=None)
    with _threads_on_a_file_database(tmp_path):
        before = _in_thread(AuditEntry.objects.count)
        start = threading.Barrier(WRITERS)
        errors: list[BaseException] = []
        threads = [
            threading.Thread(target=_write, args=(subject, start, errors, n))
            for n in range(WRITERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not errors, errors
        written = _in_thread(AuditEntry.objects.count) - before
        prev_hashes = _in_thread(lambda: list(AuditEntry.objects.values_list("prev_hash")))
        seqs = _in_thread(lambda: sorted(AuditEntry.objects.values_list("seq", flat=True)))
        verdict = _in_thread(chain.verify)
    assert written == WRITERS * (EVENTS_EACH // 5 * (4 + 3))
    assert len(prev_hashes) == len(set(prev_hashes))  # nobody linked to the same entry twice
    assert seqs == list(range(1, len(seqs) + 1))
    assert verdict.ok, verdict
    assert verdict.checked == len(seqs)
