"""The payment batcher (`chainlead fund batcher`, funds/batcher.py) run for real: a subprocess
on the test database, the platform's payments sent to it over its Unix socket.

PostgreSQL only (the batch is one statement of `funds_pay_many`, migration funds.0008); on
SQLite the command refuses to start, which is tested here too.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from chainlead.audit import chain
from chainlead.audit import context as audit_context
from chainlead.audit.models import AuditEntry
from chainlead.funds import batcher, services
from chainlead.funds.checks import ledger_violations
from chainlead.funds.choices import DisbursementStatus, EntryKind, TrancheStatus
from chainlead.funds.constants import SLEEP_BEFORE_COMMIT_ENV
from chainlead.funds.models import CommandRecord, Disbursement, Entry, Tranche
from chainlead.funds.tests.conftest import TODAY
from chainlead.funds.tests.test_concurrency import _race

CHAINLEAD = str(Path(sys.executable).with_name("chainlead"))
STOPPED = re.compile(r"(\d+) of (\d+) payments paid in (\d+) batches")


def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the payment batcher runs on PostgreSQL (tested: it refuses SQLite)")


class Batcher:
    """A `chainlead fund batcher` process on this test's database."""

    def __init__(self, *, workers: int = 1, env: dict[str, str] | None = None) -> None:
        self.folder = tempfile.mkdtemp(prefix="pb", dir="/tmp")  # a socket path is short
        self.path = os.path.join(self.folder, "payments.sock")
        url = os.environ["DATABASE_URL"].rpartition("/")[0]
        self.process = subprocess.Popen(
            [CHAINLEAD, "fund", "batcher", "--socket", self.path, "--workers", str(workers)],
            env={
                **os.environ,
                "DATABASE_URL": f"{url}/{connection.settings_dict['NAME']}",
                "DJANGO_DEBUG": "1",
                **(env or {}),
            },
            stdout=subprocess.PIPE,
            text=True,
        )
        assert batcher.wait_until_listening(self.path, timeout=60), "the batcher did not start"
        assert self.process.stdout is not None
        assert "listening" in self.process.stdout.readline()

    def stop(self) -> tuple[int, int, int]:
        """SIGTERM; (paid, payments, batches) from its last line."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        output, _ = self.process.communicate(timeout=120)
        shutil.rmtree(self.folder, ignore_errors=True)
        found = STOPPED.search(output)
        assert found, output
        paid, payments, batches = (int(n) for n in found.groups())
        return paid, payments, batches

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=30)
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def running_batcher(transactional_db: Any) -> Iterator[Batcher]:
    _postgresql_only()
    server = Batcher()
    try:
        with override_settings(CHAINLEAD_FUNDS_PAYMENT_SOCKET=server.path):
            yield server
    finally:
        if server.process.poll() is None:
            server.kill()


def _tranches(finance: Any, finance2: Any, line: Any, firm: Any, count: int, ref: str) -> list[Any]:
    commitment = services.commitment_create(
        actor=finance,
        line=line,
        recipient_enterprise=firm,
        amount=str(10 * count),
        reference=ref,
        today=TODAY,
    )
    tranches = []
    for _n in range(count):
        tranche = services.tranche_create(
            actor=finance, commitment=commitment, amount="10", due_on=TODAY
        )
        tranches.append(services.tranche_approve(actor=finance2, tranche=tranche))
    return tranches


def _linked() -> chain.Verdict:
    """The chain once the batcher's linker thread has linked what was committed."""
    deadline = time.monotonic() + 30
    verdict = chain.verify()
    while verdict.pending and time.monotonic() < deadline:
        time.sleep(0.05)
        verdict = chain.verify()
    return verdict


def _until_the_batcher_waits_for_a_lock() -> None:
    import psycopg

    url = os.environ["DATABASE_URL"].rpartition("/")[0]
    deadline = time.monotonic() + 60
    with psycopg.connect(f"{url}/{connection.settings_dict['NAME']}", autocommit=True) as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE application_name = %s AND wait_event_type = 'Lock'",
                [batcher.APPLICATION_NAME],
            ).fetchone()
            if waiting and waiting[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the batcher's batch never waited for the locked tranche")


def test_concurrent_payments_are_paid_by_the_batcher_and_linked(
    running_batcher, finance, finance2, line, firm
):
    tranches = _tranches(finance, finance2, line, firm, 20, "many")

    outcomes = _race(
        lambda i: services.tranche_disburse(actor=finance, tranche=tranches[i], today=TODAY)
    )

    assert outcomes == Counter({"ok": 20})
    assert Tranche.objects.filter(status=TrancheStatus.PAID).count() == 20
    assert Entry.objects.filter(kind=EntryKind.DISBURSEMENT).count() == 20
    # Each payment carried a key of its own (none was given): a lost answer is retried safely.
    assert CommandRecord.objects.filter(key__startswith="batched:").count() == 20
    assert ledger_violations() == []
    verdict = _linked()
    assert (verdict.ok, verdict.pending) == (True, 0), verdict
    paid, payments, batches = running_batcher.stop()
    assert (paid, payments) == (20, 20)  # every one through the batcher
    assert 1 <= batches <= 20


def test_payments_waiting_for_a_batch_share_the_next_one_and_a_refusal_stays_its_own(
    running_batcher, finance, finance2, line, firm
):
    first, second, third = _tranches(finance, finance2, line, firm, 3, "shared")
    services.tranche_disburse(actor=finance, tranche=third, today=TODAY)  # paid before
    answers: dict[str, Any] = {}

    def pay(name: str, tranche: Any) -> None:
        try:
            answers[name] = services.tranche_disburse(actor=finance, tranche=tranche, today=TODAY)
        except Exception as exc:
            answers[name] = exc
        finally:
            connection.close()  # this thread's

    paying_first = threading.Thread(target=pay, args=("first", first))

    # The first payment's batch waits for the first tranche's row, locked here; the next two
    # payments queue behind it and go in one batch, the third tranche's refused there alone.
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute("SELECT id FROM funds_tranche WHERE id = %s FOR UPDATE", [first.pk])
        paying_first.start()
        _until_the_batcher_waits_for_a_lock()
        others = [
            threading.Thread(target=pay, args=("second", second)),
            threading.Thread(target=pay, args=("third", third)),
        ]
        for thread in others:
            thread.start()
        time.sleep(2.0)  # their requests sent, queued behind the waiting batch
        cursor.execute("COMMIT")
    paying_first.join(timeout=60)
    for thread in others:
        thread.join(timeout=60)

    assert answers["first"].status == DisbursementStatus.PAID
    assert answers["second"].status == DisbursementStatus.PAID
    assert getattr(answers["third"], "code", None) == "already_paid"  # the general path's
    assert Tranche.objects.filter(status=TrancheStatus.PAID).count() == 3
    assert Disbursement.objects.filter(tranche=third).count() == 1
    assert ledger_violations() == []
    assert _linked().ok
    paid, payments, batches = running_batcher.stop()
    # The third tranche's payment before the lock, then [first], then [second, third].
    assert (paid, payments, batches) == (3, 4, 3)


def test_twenty_simultaneous_payments_of_one_tranche_through_the_batcher_pay_it_once(
    running_batcher, finance, finance2, line, firm
):
    (tranche,) = _tranches(finance, finance2, line, firm, 1, "race")

    outcomes = _race(
        lambda i: services.tranche_disburse(
            actor=finance, tranche=tranche, idempotency_key=f"press-{i}", today=TODAY
        )
    )

    assert outcomes == Counter({"ok": 1, "already_paid": 19})
    assert Entry.objects.filter(kind=EntryKind.DISBURSEMENT).count() == 1
    assert ledger_violations() == []


def test_a_retry_through_the_batcher_returns_the_first_payment(
    running_batcher, finance, finance2, line, firm
):
    (tranche,) = _tranches(finance, finance2, line, firm, 1, "retry")

    with audit_context.acting_as(finance, source="api", remote_addr="10.0.0.9"):
        first = services.tranche_disburse(
            actor=finance, tranche=tranche, idempotency_key="once", today=TODAY
        )
    again = services.tranche_disburse(
        actor=finance, tranche=tranche, idempotency_key="once", today=TODAY
    )

    assert first.pk == again.pk
    assert Disbursement.objects.count() == 1
    # Sealed by the batcher, attributed to the client's context.
    event = AuditEntry.objects.get(event="paid", object_id=str(first.pk))
    assert (event.actor_id, event.actor_label, event.source, event.remote_addr) == (
        finance.pk,
        "fin-a",
        "api",
        "10.0.0.9",
    )
    assert event.after == {"amount": "10.00", "tranche": tranche.ref, "entry": event.after["entry"]}
    assert Entry.objects.get(disbursement=first).pk == event.after["entry"]
    assert _linked().ok
    paid, payments, _batches = running_batcher.stop()
    assert (paid, payments) == (1, 2)  # the retry declined there, answered by the general path


@pytest.mark.django_db(transaction=True)
def test_a_batcher_killed_before_its_commit_loses_nothing_and_pays_nothing_twice(
    finance, finance2, line, firm
):
    _postgresql_only()
    (tranche,) = _tranches(finance, finance2, line, firm, 1, "fault")
    server = Batcher(env={SLEEP_BEFORE_COMMIT_ENV: "60"})
    result: dict[str, Any] = {}

    def pay() -> None:
        try:
            result["paid"] = services.tranche_disburse(
                actor=finance, tranche=tranche, idempotency_key="k", today=TODAY
            )
        except Exception as exc:
            result["error"] = exc
        finally:
            connection.close()

    try:
        with override_settings(CHAINLEAD_FUNDS_PAYMENT_SOCKET=server.path):
            client = threading.Thread(target=pay)
            client.start()
            assert server.process.stdout is not None
            line_read = server.process.stdout.readline()  # the batch written, not committed
            assert "FUNDS-FAULT-POINT" in line_read
            server.process.send_signal(signal.SIGKILL)
            client.join(timeout=60)
    finally:
        server.kill()

    # The client lost its answer and paid again itself under the same key: paid once.
    assert "error" not in result, result
    assert result["paid"].status == DisbursementStatus.PAID
    assert Disbursement.objects.filter(tranche=tranche).count() == 1
    assert Entry.objects.filter(kind=EntryKind.DISBURSEMENT).count() == 1
    assert ledger_violations() == []
    verdict = chain.verify()
    assert (verdict.ok, verdict.pending) == (True, 0), verdict


@pytest.mark.django_db(transaction=True)
def test_with_no_batcher_listening_a_process_pays_itself(finance, finance2, line, firm):
    _postgresql_only()
    (tranche,) = _tranches(finance, finance2, line, firm, 1, "alone")
    folder = tempfile.mkdtemp(prefix="pb", dir="/tmp")
    try:
        with override_settings(CHAINLEAD_FUNDS_PAYMENT_SOCKET=os.path.join(folder, "none.sock")):
            paid = services.tranche_disburse(actor=finance, tranche=tranche, today=TODAY)
    finally:
        shutil.rmtree(folder)
    assert paid.status == DisbursementStatus.PAID
    assert ledger_violations() == []


@pytest.mark.django_db
def test_the_batcher_command_refuses_what_it_cannot_serve(tmp_path):
    if connection.vendor == "postgresql":
        with override_settings(CHAINLEAD_FUNDS_PAYMENT_SOCKET=None):
            os.environ.pop(batcher.SOCKET_SETTING, None)
            with pytest.raises(CommandError, match="no socket"):
                call_command("fund", "batcher")
    else:
        with pytest.raises(CommandError, match="needs PostgreSQL"):
            call_command("fund", "batcher", "--socket", str(tmp_path / "p.sock"))


@pytest.mark.django_db
def test_a_second_batcher_on_one_socket_is_refused_and_a_stale_socket_replaced():
    folder = tempfile.mkdtemp(prefix="pb", dir="/tmp")
    path = os.path.join(folder, "p.sock")
    try:
        stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        stale.bind(path)  # a file left by a killed batcher: no one listens on it
        stale.close()
        server = batcher.PaymentBatcher(path)
        listener = server._listen()
        assert os.stat(path).st_mode & 0o777 == 0o600  # the platform's own user only
        with pytest.raises(RuntimeError, match="already listens"):
            batcher.PaymentBatcher(path)._listen()
        listener.close()
    finally:
        shutil.rmtree(folder)


def test_a_request_that_is_not_a_payment_never_reaches_the_database():
    assert batcher._parsed(b"not a payment") == (0, None)
    assert batcher._parsed(b"7 {}") == (0, None)
    assert batcher._parsed(b"seven [1]") == (0, None)
    assert batcher._parsed(b"7 [1, \xff]") == (0, None)
    assert batcher._parsed(b'7 [1,"2026-03-01"]') == (7, '[1,"2026-03-01"]')


@pytest.mark.django_db(transaction=True)
def test_a_request_the_batcher_cannot_read_is_answered_with_an_error_and_it_goes_on(
    running_batcher, finance, finance2, line, firm
):
    (tranche,) = _tranches(finance, finance2, line, firm, 1, "garbled")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(running_batcher.path)
    reader = sock.makefile("rb")
    not_payments = [b"1 [not json]\n", b'1 [1,"x","2026-03-01","k",1,"a","b",1,"u","s","",""]\n']
    for request in not_payments:  # not JSON; an amount that is not a number
        sock.sendall(request)
        assert b"error" in reader.readline()  # answered, not paid: a client would pay itself
    sock.close()

    paid = services.tranche_disburse(actor=finance, tranche=tranche, today=TODAY)
    assert paid.status == DisbursementStatus.PAID  # the batcher goes on serving
    assert ledger_violations() == []
