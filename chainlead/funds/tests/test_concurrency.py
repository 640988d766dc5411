"""Officials pressing the same button at the same moment, with real parallel connections.

Each thread opens its own database connection (Django's connections are per thread). On
PostgreSQL the row locks decide; on SQLite the IMMEDIATE transactions serialise the writers
(a writer that finds the database locked retries, as a client would). The outcome must be the
same: one payment of the tranche, exactly as many commitments as the line has room for.
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

from chainlead.funds import services
from chainlead.funds.checks import ledger_violations
from chainlead.funds.choices import EntryKind
from chainlead.funds.models import Commitment, Entry
from chainlead.funds.tests.conftest import TODAY

CLIENTS = 20


def _race(work: Callable[[int], Any]) -> Counter[str]:
    """Run `work(i)` in CLIENTS threads released together; count the outcomes."""
    barrier = threading.Barrier(CLIENTS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def client(i: int) -> None:
        try:
            barrier.wait()
            for _attempt in range(200):
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
            outcome = exc.code or "invalid"
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
def test_twenty_simultaneous_payments_of_one_tranche_pay_it_once(finance, finance2, line, firm):
    commitment = services.commitment_create(
        actor=finance,
        line=line,
        recipient_enterprise=firm,
        amount="9000",
        reference="race",
        today=TODAY,
    )
    tranche = services.tranche_create(
        actor=finance, commitment=commitment, amount="9000", due_on=TODAY
    )
    services.tranche_approve(actor=finance2, tranche=tranche)
    actors = [finance, finance2]

    outcomes = _race(
        lambda i: services.tranche_disburse(
            actor=actors[i % 2], tranche=tranche, idempotency_key=f"press-{i}", today=TODAY
        )
    )

    assert outcomes == Counter({"ok": 1, "already_paid": CLIENTS - 1})
    assert Entry.objects.filter(kind=EntryKind.DISBURSEMENT).count() == 1
    assert ledger_violations() == []


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_commitments_against_room_for_five_commit_five(finance, line, firm):
    # The line holds 500000.00; each award is 100000.00.
    outcomes = _race(
        lambda i: services.commitment_create(
            actor=finance,
            line=line,
            recipient_enterprise=firm,
            amount="100000.00",
            reference=f"race-{i}",
            today=TODAY,
        )
    )

    assert outcomes == Counter({"ok": 5, "over_budget": CLIENTS - 5})
    assert Commitment.objects.count() == 5
    line.refresh_from_db()
    assert line.balance == 0
    assert ledger_violations() == []


@pytest.mark.django_db(transaction=True)
def test_a_retried_request_racing_itself_pays_once(finance, finance2, line, firm):
    commitment = services.commitment_create(
        actor=finance,
        line=line,
        recipient_enterprise=firm,
        amount="10",
        reference="r",
        today=TODAY,
    )
    tranche = services.tranche_create(
        actor=finance, commitment=commitment, amount="10", due_on=TODAY
    )
    services.tranche_approve(actor=finance2, tranche=tranche)

    outcomes = _race(
        lambda i: services.tranche_disburse(
            actor=finance, tranche=tranche, idempotency_key="one-click", today=TODAY
        )
    )

    # Every retry gets the first payment back: no error, one entry.
    assert outcomes == Counter({"ok": CLIENTS})
    assert Entry.objects.filter(kind=EntryKind.DISBURSEMENT).count() == 1
