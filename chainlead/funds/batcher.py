"""The payment batcher: concurrent payments of approved tranches share one transaction
(issue 10).

A payment alone is one request, one procedure call and one commit (`funds_pay_and_link`); on
two cores that fixed part is about half of what a payment costs (docs/funds.md, eleventh
session). The batcher is a process of its own (`chainlead fund batcher`) that takes the
payments the platform's processes send it over a Unix socket and pays whatever has arrived
while its last batch ran in one statement, `funds_pay_many(...)` (migration funds.0008) in
autocommit: each payment in a subtransaction of its own, one COMMIT for all, and the audit
entries linked after it by a thread of the batcher's own, as TigerBeetle batches the transfers
its clients send one by one. Under one client
a batch is one payment and nothing waits; under many the batches grow by themselves.

What a payment is does not change. The client (`payments._pay_through_batcher`) sends what
only it knows: the tranche, the amount, the month, the key, the official, the moments and its
acting context for the audit event. The batcher draws the payment's ids (in blocks, on its own
connection) and builds the arguments of `funds_pay_tranche` from them as the client would
(`payments.batch_arguments`: the same audit event, sealed, attributed to the client's context),
so a client's work is a permission check and one round trip on the socket, and the batcher's
is a warm loop. Every rule is checked by that same function, row locks included. Only the
transaction is shared:

- a payment that is declined or fails is undone alone (its savepoint) and answered null; its
  client then takes the general path, which holds the only copy of each refusal;
- every payment through the batcher carries an idempotency key (one is made when the caller
  gave none, `services.tranche_disburse`), so an answer that is lost (the batcher killed, a
  time-out) is never a second payment: the client pays again itself under the same key, and
  finds the first payment if the batch committed (the general path answers it) or pays if it
  did not;
- a batcher that cannot be reached costs nothing: the client pays itself, as without one.

Payments are spread over `workers` connections by commitment, so two payments of one commitment
(the rows a payment locks: its tranche, the commitment's two accounts) always go to the same
connection, in the order they came, and two batches never wait for each other's locks.

The socket can pay any approved tranche as any official, as the database's credentials can: it
is created mode 0600, for the platform's own user (the web workers and the CLI run as it).

Protocol: one line per request, the commitment's id, a space and the request as a JSON array
(`payments.REQUEST_FIELDS` values); one JSON line per answer, `{"answer": [preparer, approver,
disbursement id]}`, `{"answer": null}` (not paid: take the general path) or `{"error": "..."}`
(the outcome is not known: pay again with the same key). A connection has one request
outstanding at a time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import queue
import selectors
import socket
import stat
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from chainlead.audit.chain import link_after_commit
from chainlead.funds.constants import SLEEP_BEFORE_COMMIT_ENV

logger = logging.getLogger(__name__)

SOCKET_SETTING = "CHAINLEAD_FUNDS_PAYMENT_SOCKET"
APPLICATION_NAME = "chainlead-payment-batcher"  # its connections, in pg_stat_activity
ANSWER_TIMEOUT_SECONDS = 30.0  # a batch waits for row locks at most this long, in practice
DEFAULT_WORKERS = 2
# Payments a transaction at most: each is a subtransaction, and a backend keeps the ids of up
# to 64 of them in shared memory (beyond, every snapshot of every session must look them up).
MAX_BATCH = 48

_MANY_SQL = "SELECT funds_pay_many(%s::jsonb)"
_IDS_SQL = (
    "SELECT nextval(pg_get_serial_sequence('funds_disbursement', 'id')), "
    "nextval(pg_get_serial_sequence('funds_entry', 'id')) FROM generate_series(1, %s)"
)
ID_BLOCK = 2 * MAX_BATCH


def socket_path() -> str | None:
    """Where the batcher listens: settings.CHAINLEAD_FUNDS_PAYMENT_SOCKET, else the environment
    variable of that name; None (unset or empty) means every process pays itself."""
    configured = getattr(settings, SOCKET_SETTING, None)
    if configured is None:
        configured = os.environ.get(SOCKET_SETTING)
    return str(configured) if configured else None


# -- client ------------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    obj = getattr(value, "obj", None)  # psycopg's Jsonb wrapper (a JSONField's prepared value)
    if obj is not None or hasattr(value, "obj"):
        return obj
    raise TypeError(f"not JSON: {type(value).__name__}")


class _Connection(threading.local):
    """This thread's connection to the batcher (a forked child makes its own)."""

    sock: socket.socket | None = None
    reader: Any = None
    pid: int = 0
    path: str = ""


_local = _Connection()


def _drop() -> None:
    if _local.sock is not None and _local.pid == os.getpid():
        with contextlib.suppress(OSError):
            _local.sock.close()
    _local.sock = None
    _local.reader = None


def _connected(path: str) -> socket.socket | None:
    if _local.sock is not None and _local.pid == os.getpid() and _local.path == path:
        return _local.sock
    _drop()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
    except OSError:
        sock.close()
        return None
    sock.settimeout(ANSWER_TIMEOUT_SECONDS)
    _local.sock, _local.reader = sock, sock.makefile("rb")
    _local.pid, _local.path = os.getpid(), path
    return sock


class UnreachedError(Exception):
    """The batcher was not reached: nothing was sent, the caller pays itself."""


class AnswerLostError(Exception):
    """The request was sent and no answer came: the caller pays again with the same key."""


def pay(path: str, *, shard: int, request: list[Any]) -> tuple[int, int, int] | None:
    """Send one payment to the batcher at `path`: (preparer, approver, disbursement id) when it
    paid, None when it did not (take the general path). Raises `UnreachedError` or
    `AnswerLostError`."""
    sock = _connected(path)
    if sock is None:
        raise UnreachedError
    line = f"{shard} {json.dumps(request, separators=(',', ':'))}\n"
    try:
        sock.sendall(line.encode())
    except OSError as exc:
        _drop()
        # A connection the batcher closed since the last payment: nothing was read from it.
        raise UnreachedError from exc
    try:
        reply = _local.reader.readline()
    except OSError as exc:
        _drop()
        raise AnswerLostError from exc
    if not reply:
        _drop()
        raise AnswerLostError
    message = json.loads(reply)
    if "error" in message:
        raise AnswerLostError(message["error"])
    answer = message["answer"]
    return None if answer is None else (int(answer[0]), int(answer[1]), int(answer[2]))


# -- server ------------------------------------------------------------------------------------


@dataclass
class Stats:
    payments: int = 0
    paid: int = 0
    batches: int = 0
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, *, payments: int, paid: int, error: bool) -> None:
        with self.lock:
            self.payments += payments
            self.paid += paid
            self.batches += 1
            self.errors += int(error)

    def line(self) -> str:
        mean = self.payments / self.batches if self.batches else 0.0
        return (
            f"{self.paid} of {self.payments} payments paid in {self.batches} batches "
            f"(mean {mean:.1f} a batch), {self.errors} batches failed"
        )


class _Client:
    """A connected platform process, as the server reads it."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""
        self.write_lock = threading.Lock()

    def send(self, message: bytes) -> None:
        with self.write_lock, contextlib.suppress(OSError):  # gone: its process pays itself
            self.sock.sendall(message)


class PaymentBatcher:
    """Listens on `path`; `workers` threads, each with its own database connection, pay what
    has arrived for them in batches of up to `max_batch`."""

    def __init__(
        self,
        path: str,
        *,
        workers: int = DEFAULT_WORKERS,
        max_batch: int = MAX_BATCH,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.path = path
        self.workers = max(1, workers)
        self.max_batch = max(1, max_batch)
        self.stats = Stats()
        self.stopping = threading.Event()
        self._log = log or logger.info
        self._link_wanted = threading.Event()
        self._linker_stopping = threading.Event()
        self._queues: list[queue.SimpleQueue[tuple[_Client, str] | None]] = [
            queue.SimpleQueue() for _ in range(self.workers)
        ]

    # The socket ---------------------------------------------------------------------------

    def _listen(self) -> socket.socket:
        target = Path(self.path)
        if target.exists():
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                probe.connect(self.path)
            except OSError:
                target.unlink()  # left by a batcher that was killed
            else:
                raise RuntimeError(f"a payment batcher already listens on {self.path}")
            finally:
                probe.close()
        target.parent.mkdir(parents=True, exist_ok=True)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_mask = os.umask(0o177)  # no moment at which others may connect
        try:
            listener.bind(self.path)
        finally:
            os.umask(old_mask)
        os.chmod(self.path, stat.S_IRUSR | stat.S_IWUSR)
        listener.listen(512)
        listener.setblocking(False)
        return listener

    def serve(self) -> None:
        """Until `stop()`: read requests, hand them to the workers; then finish what was
        queued and remove the socket."""
        listener = self._listen()
        # The reader and the workers hand payments over through the GIL: a thread that wants
        # it back (a batch's answers to send) should not wait the default 5 ms.
        sys.setswitchinterval(0.0005)
        threads = [
            threading.Thread(target=self._work, args=(n,), name=f"payments-{n}", daemon=True)
            for n in range(self.workers)
        ]
        linker = threading.Thread(target=self._link, name="payments-linker", daemon=True)
        for thread in [*threads, linker]:
            thread.start()
        selector = selectors.DefaultSelector()
        selector.register(listener, selectors.EVENT_READ, None)
        self._log(f"payment batcher listening on {self.path} ({self.workers} connections)")
        try:
            while not self.stopping.is_set():
                for key, _events in selector.select(timeout=0.2):
                    if key.data is None:
                        self._accept(listener, selector)
                    else:
                        self._read(key.data, selector)
        finally:
            selector.close()
            listener.close()
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)
            for work in self._queues:
                work.put(None)
            for thread in threads:
                thread.join(timeout=60)
            self._linker_stopping.set()
            self._link_wanted.set()
            linker.join(timeout=60)
            self._log(f"payment batcher stopped: {self.stats.line()}")

    def stop(self) -> None:
        self.stopping.set()

    def _accept(self, listener: socket.socket, selector: selectors.BaseSelector) -> None:
        try:
            sock, _address = listener.accept()
        except BlockingIOError:
            return
        sock.setblocking(True)
        sock.settimeout(ANSWER_TIMEOUT_SECONDS)  # a client that stops reading: dropped
        selector.register(sock, selectors.EVENT_READ, _Client(sock))

    def _read(self, client: _Client, selector: selectors.BaseSelector) -> None:
        try:
            chunk = client.sock.recv(65536)
        except OSError:
            chunk = b""
        if not chunk:
            selector.unregister(client.sock)
            client.sock.close()
            return
        client.buffer += chunk
        *lines, client.buffer = client.buffer.split(b"\n")
        for line in lines:
            shard, params = _parsed(line)
            if params is None:
                client.send(b'{"error": "not a payment"}\n')
            else:
                self._queues[shard % self.workers].put((client, params))

    # The workers ----------------------------------------------------------------------------

    def _work(self, n: int) -> None:
        work = self._queues[n]
        try:
            while True:
                first = work.get()
                if first is None:
                    return
                batch = [first]
                while len(batch) < self.max_batch:
                    try:
                        more = work.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        work.put(None)  # stop after this batch
                        break
                    batch.append(more)
                try:
                    self._pay(batch)
                except Exception:
                    # The database gone, say: this batch's clients pay themselves under their
                    # keys, and the worker goes on with a fresh connection.
                    logger.exception("payment batch failed")
                    connection.close()
                    for client, _text in batch:
                        client.send(b'{"error": "batch failed"}\n')
        finally:
            connection.close()

    def _pay(self, requests: list[tuple[_Client, str]]) -> None:
        from chainlead.funds.payments import batch_arguments

        batch: list[tuple[_Client, int]] = []
        arguments: list[str] = []
        for client, text in requests:
            ids = self._ids()
            try:
                values = batch_arguments(json.loads(text), ids)
            except (ValueError, TypeError, ArithmeticError):  # ArithmeticError: Decimal's
                client.send(b'{"error": "not a payment"}\n')
                continue
            batch.append((client, ids[0]))
            arguments.append(json.dumps(values, separators=(",", ":"), default=_json_default))
        if not batch:
            return
        payments = "[" + ",".join(arguments) + "]"
        try:
            answers = self._execute(payments)
        except DatabaseError as exc:
            logger.exception("payment batch failed")
            self.stats.add(payments=len(batch), paid=0, error=True)
            connection.close()  # a fresh connection for the next batch
            self._link_wanted.set()  # committed or not: nothing is lost by looking
            message = json.dumps({"error": f"batch failed: {type(exc).__name__}"}).encode()
            for client, _id in batch:
                client.send(message + b"\n")
            return
        # Committed: the linker thread links the batch's audit entries while this worker
        # answers and takes the next batch.
        self._link_wanted.set()
        paid = 0
        for (client, disbursement_id), answer in zip(batch, answers, strict=True):
            if answer is not None:
                paid += 1
                answer = [*answer, disbursement_id]
            client.send(b'{"answer": ' + json.dumps(answer).encode() + b"}\n")
        self.stats.add(payments=len(batch), paid=paid, error=False)

    def _ids(self) -> tuple[int, int]:
        """The next (disbursement id, entry id), drawn ahead in blocks on this worker's
        connection (ids a stopped batcher never used are gaps, as a rolled-back insert's)."""
        if not _worker.ids:
            self._connect()
            with connection.wrap_database_errors:
                _worker.cursor.execute(_IDS_SQL, [ID_BLOCK])
                _worker.ids = [(int(d), int(e)) for d, e in reversed(_worker.cursor.fetchall())]
        return _worker.ids.pop()

    def _connect(self) -> None:
        connection.ensure_connection()
        raw = connection.connection
        if _worker.connection is not raw:  # a new connection: named, its cursor kept
            raw.execute("SET application_name = %s", [APPLICATION_NAME])
            if raw.prepare_threshold is None:  # the statement parsed and planned once
                raw.prepare_threshold = 0
            _worker.connection, _worker.cursor = raw, raw.cursor()

    def _execute(self, payments: str) -> list[Any]:
        """The batch in one statement, in autocommit: one transaction, committed on return."""
        self._connect()
        if os.environ.get(SLEEP_BEFORE_COMMIT_ENV):
            # The fault test: the batch's rows written, then a pause before its commit.
            from chainlead.funds.payments import fault_point

            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(_MANY_SQL, [payments])
                answers = cursor.fetchone()[0]
                fault_point()
            return _loaded(answers)
        # The driver's cursor: Django's wraps and, under DEBUG, logs every statement.
        with connection.wrap_database_errors:
            _worker.cursor.execute(_MANY_SQL, [payments])
            (answers,) = _worker.cursor.fetchone()
        return _loaded(answers)

    # The audit chain --------------------------------------------------------------------

    def _link(self) -> None:
        """Link the batches' audit entries after their commits, on a connection of its own,
        as any writer's after-commit linker does (`audit.chain.link_after_commit`: the
        linker's lock, gathering passes, a look after letting go). One thread for all the
        workers: a pass that pauses to gather entries never holds up a batch."""
        try:
            while True:
                self._link_wanted.wait()
                self._link_wanted.clear()
                link_after_commit()
                if self._linker_stopping.is_set() and not self._link_wanted.is_set():
                    return
        finally:
            connection.close()


class _Worker(threading.local):
    connection: Any = None
    cursor: Any = None
    ids: list[tuple[int, int]]

    def __init__(self) -> None:
        self.ids = []


_worker = _Worker()


def _loaded(answers: Any) -> list[Any]:
    return json.loads(answers) if isinstance(answers, str) else list(answers)


def _parsed(line: bytes) -> tuple[int, str | None]:
    """(shard, the payment's arguments as JSON text) of a request line; None when it is not a
    payment's. Only the framing is checked here: PostgreSQL parses the arguments (a batch
    whose JSON it refuses fails whole, and its clients pay again themselves, under their
    keys); the socket is the platform's own (mode 0600)."""
    shard, _space, params = line.partition(b" ")
    try:
        number = int(shard)
    except ValueError:
        return 0, None
    params = params.strip()
    if not (params.startswith(b"[") and params.endswith(b"]")):
        return 0, None
    try:
        return number, params.decode()
    except UnicodeDecodeError:
        return 0, None


def wait_until_listening(path: str, *, timeout: float = 30.0) -> bool:
    """For scripts and tests starting a batcher: True once `path` accepts connections."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(path)
        except OSError:
            time.sleep(0.05)
        else:
            return True
        finally:
            probe.close()
    return False
