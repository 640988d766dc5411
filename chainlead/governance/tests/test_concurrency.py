"""Chain leaders pressing "approve" on the same plan at the same moment (issue 9 item 13).

Each thread has its own database connection. On PostgreSQL the plan's row lock decides; on
SQLite the IMMEDIATE transactions serialise the writers (one that finds the database locked
retries, as a client would). Before the lock, 20 approvals gave 4 successes and 4 events.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection

from chainlead.audit.models import AuditEntry
from chainlead.governance import services
from chainlead.governance.models import WorkPlan

CLIENTS = 20


def _race(work: Callable[[int], Any]) -> Counter[str]:
    """Run `work(i)` in CLIENTS threads released together; count the outcomes."""
    barrier = threading.Barrier(CLIENTS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def client(i: int) -> None:
        try:
            barrier.wait()
            for _attempt in range(400):
                try:
                    work(i)
                    outcome = "ok"
                    break
                except OperationalError as exc:  # SQLite: "database is locked"
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
            else:
                outcome = "gave up"
        except ValidationError as exc:
            outcome = "refused" if "draft" in " ".join(exc.messages) else f"invalid: {exc}"
        except Exception as exc:
            outcome = f"error {type(exc).__name__}: {exc}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return Counter(outcomes)


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_approvals_approve_once_with_one_event(plan, leader, admin):
    actors = [leader, admin]

    # Each client holds its own copy of the draft, read before anyone approved, as each
    # request would.
    copies = [WorkPlan.objects.get(pk=plan.pk) for _ in range(CLIENTS)]

    outcomes = _race(lambda i: services.plan_approve(actor=actors[i % 2], plan=copies[i]))

    assert outcomes == Counter({"ok": 1, "refused": CLIENTS - 1})
    assert AuditEntry.objects.filter(event="plan_approved", object_id=str(plan.pk)).count() == 1
    plan.refresh_from_db()
    assert plan.status == "approved"
