"""Issue 9 item 13: imports that race, jobs that died with their process, workbook bombs."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from chainlead.accounts.models import User
from chainlead.audit.context import acting_as
from chainlead.registry.importers import ImportResult, import_enterprises, run
from chainlead.registry.models import Enterprise
from chainlead.registry.tests.test_importers import GOOD, write_csv


@pytest.fixture
def admin(db: Any, districts: dict[str, Any]) -> User:
    return User.objects.create_superuser("admin", password=None)


@pytest.mark.django_db(transaction=True)
def test_two_identical_imports_at_once_write_each_firm_once(
    admin: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path / "firms.csv", GOOD)
    clients = 2
    barrier = threading.Barrier(clients)
    # Widen the race: each import, having matched the file against the registry, waits (a few
    # seconds at most) for the other to have matched too before it writes. Before the fix both
    # found every firm new and the second INSERT failed on the unique credit code.
    matched = threading.Barrier(clients, timeout=3)
    classify = run._classify

    def classify_then_wait(*args: Any) -> tuple[int, int, int]:
        counts = classify(*args)
        # Broken: the other import holds the import lock, and matches after this one wrote.
        with contextlib.suppress(threading.BrokenBarrierError):
            matched.wait()
        return counts

    monkeypatch.setattr(run, "_classify", classify_then_wait)
    results: list[ImportResult] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def client() -> None:
        try:
            barrier.wait()
            with acting_as(admin, source="cli"):
                result = import_enterprises(path)
            with lock:
                results.append(result)
        except BaseException as exc:  # a raw database error is what this test must not see
            with lock:
                failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert all(r.ok for r in results), [r.errors for r in results]
    # One import created the firms; the other, waiting its turn, found them all in place.
    assert sorted((r.created, r.unchanged) for r in results) == [(0, 3), (3, 0)]
    assert Enterprise.objects.count() == 3
