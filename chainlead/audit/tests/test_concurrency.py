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
from chainlead.audit.testing import linker_holding_its_lock, linker_lock_held_elsewhere

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


@pytest.mark.django_db(transaction=True)
def test_a_pausing_linker_links_what_writers_commit_during_its_pause() -> None:
    # PostgreSQL: a linker pausing to gather holds the advisory lock; a writer committing then
    # finds it taken and leaves its entry, which the pass reads after the pause and links.
    if connection.vendor != "postgresql":
        pytest.skip("SQLite links in the writer's transaction")
    subject = User.objects.create_user("gathered", password=None)
    chain.link_sealed()
    holder, outcome = linker_holding_its_lock(gather=2.0)
    record_event(instance=subject, event="test.meanwhile")  # commits; its linker leaves
    left = AuditEntry.objects.get(event="test.meanwhile")
    assert left.seq is None  # left to the pausing linker
    holder.join(timeout=30)
    assert outcome == [1]
    assert AuditEntry.objects.get(pk=left.pk).seq is not None
    verdict = chain.verify()
    assert (verdict.ok, verdict.pending) == (True, 0), verdict


@pytest.mark.django_db(transaction=True)
def test_a_gathering_linker_links_several_pauses_in_one_transaction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # PostgreSQL (audit.0008): a gathering pass pauses, links what committed, pauses again…
    # holding the linker's lock throughout, and commits once at the end: an entry it linked
    # after its first pause is still pending to others during its second, and the entries
    # committed during either pause are linked by it, in the order it found them.
    if connection.vendor != "postgresql":
        pytest.skip("SQLite links in the writer's transaction")
    monkeypatch.setattr(chain, "LINK_GATHER_BUDGET_SECONDS", 3.0)  # 3 pauses of 0.5 s
    monkeypatch.setattr(chain, "LINK_GATHER_SESSIONS", 2)
    subject = User.objects.create_user("rounds", password=None)
    chain.link_sealed()
    holder, outcome = linker_holding_its_lock(gather=0.5)
    record_event(instance=subject, event="test.first")  # during the first pause
    threading.Event().wait(0.75)  # into the second pause: the first entry is linked, uncommitted
    record_event(instance=subject, event="test.second")
    first = AuditEntry.objects.get(event="test.first")
    assert first.seq is None  # linked in the pass's transaction, not committed yet
    holder.join(timeout=30)
    assert outcome == [2]
    first.refresh_from_db()
    second = AuditEntry.objects.get(event="test.second")
    assert first.seq is not None and second.seq == first.seq + 1
    verdict = chain.verify()
    assert (verdict.ok, verdict.pending) == (True, 0), verdict


@pytest.mark.django_db(transaction=True)
def test_many_writers_gathered_leave_nothing_pending(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Sixteen writers at once with a long pause: passes link batches (more than one entry), and
    # once every writer has returned nothing is left pending, the chain unbroken.
    if connection.vendor != "postgresql":
        pytest.skip("SQLite links in the writer's transaction")
    monkeypatch.setattr(chain, "LINK_GATHER_SECONDS", 0.02)
    passes: list[int | None] = []
    link_in_sql = chain._link_in_sql

    def counted(*, gather: float = 0.0) -> int | None:
        linked = link_in_sql(gather=gather)
        passes.append(linked)
        return linked

    monkeypatch.setattr(chain, "_link_in_sql", counted)
    subject = User.objects.create_user("sixteen", password=None)
    start = threading.Barrier(16)
    errors: list[BaseException] = []

    def write() -> None:
        try:
            start.wait()
            for i in range(10):
                record_event(instance=subject, event="test.sixteen", data={"i": i})
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert AuditEntry.objects.filter(event="test.sixteen", seq__isnull=True).count() == 0
    assert max(linked or 0 for linked in passes) > 1  # batches, not one entry a pass
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    verdict = chain.verify()
    assert (verdict.ok, verdict.pending) == (True, 0), verdict


@pytest.mark.django_db(transaction=True)
def test_after_a_writers_own_pass_and_look_the_linker_does_what_is_left() -> None:
    # `link_after_looked_pass` (the payment's procedure ran the first pass and the look in its
    # own SQL, funds.0007): nothing more when the pass answered -1 or the look found nothing
    # waiting; the gathering passes when the look found an entry waiting; the whole
    # after-commit linker when the pass failed (None).
    if connection.vendor != "postgresql":
        pytest.skip("SQLite links in the writer's transaction")
    subject = User.objects.create_user("looked", password=None)
    chain.link_sealed()

    def left(event: str) -> AuditEntry:
        with linker_lock_held_elsewhere():
            record_event(instance=subject, event=event)
        entry = AuditEntry.objects.get(event=event)
        assert entry.seq is None
        return entry

    first = left("test.looked.first")
    chain.link_after_looked_pass(-1, None)  # another writer links, and looks after
    chain.link_after_looked_pass(0, False)  # the look found nothing (it ran before this entry)
    first.refresh_from_db()
    assert first.seq is None
    chain.link_after_looked_pass(0, True)
    first.refresh_from_db()
    assert first.seq is not None
    second = left("test.looked.second")
    chain.link_after_looked_pass(None, None)
    second.refresh_from_db()
    assert second.seq == first.seq + 1
    verdict = chain.verify()
    assert (verdict.ok, verdict.pending) == (True, 0), verdict
