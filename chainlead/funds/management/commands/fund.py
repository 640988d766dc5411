"""`chainlead fund check | tranches | disburse`: the support fund from the command line.

chainlead fund check
    Recompute every balance from the entries and verify every rule; exit 0 when all hold,
    1 listing each violation otherwise.
chainlead fund tranches --status due --format json [--today YYYY-MM-DD]
    Approved, unpaid tranches due by today: ref, recipient, amount.
chainlead fund disburse T000042 --as USERNAME [--idempotency-key K] [--today YYYY-MM-DD]
    Pay one tranche; exit 1 with a one-line reason (already paid, not approved, over
    budget, period closed…) and write nothing when it cannot.
chainlead fund batcher [--socket PATH] [--workers 2] [--max-batch 48]
    Serve the payment batcher (PostgreSQL; funds/batcher.py): the platform's processes with
    CHAINLEAD_FUNDS_PAYMENT_SOCKET set send it their payments, paid many to a transaction.
    Runs until SIGTERM or SIGINT, then finishes what it took and removes the socket.
"""

from __future__ import annotations

import datetime as dt
import json
import signal
import sys
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from chainlead.accounts.models import User
from chainlead.audit import context as audit_context
from chainlead.funds import batcher, services
from chainlead.funds.checks import ledger_violations
from chainlead.funds.choices import TrancheStatus
from chainlead.funds.models import Tranche


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date YYYY-MM-DD: {value}") from exc


def _tranche_by_ref(ref: str) -> Tranche:
    digits = ref.upper().removeprefix("T")
    if not digits.isdigit():
        raise CommandError(f"not a tranche reference: {ref}")
    tranche = Tranche.objects.filter(pk=int(digits)).first()
    if tranche is None:
        raise CommandError(f"no tranche {ref}")
    return tranche


class Command(BaseCommand):
    help = "The support fund's ledger: check, list due tranches, pay one."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("check", help="Recompute balances, verify every rule.")
        tranches = sub.add_parser("tranches", help="List tranches.")
        tranches.add_argument("--status", choices=["due", *TrancheStatus.values], default="due")
        tranches.add_argument("--format", choices=["json", "text"], default="text")
        tranches.add_argument("--today", help="YYYY-MM-DD (default: today)")
        disburse = sub.add_parser("disburse", help="Pay one approved tranche.")
        disburse.add_argument("ref", help="The tranche reference, e.g. T000042.")
        disburse.add_argument("--as", dest="username", required=True)
        disburse.add_argument("--idempotency-key", dest="key", default=None)
        disburse.add_argument("--today", help="YYYY-MM-DD (default: today)")
        serve = sub.add_parser("batcher", help="Serve the payment batcher (PostgreSQL).")
        serve.add_argument(
            "--socket", help=f"Unix socket path (default: settings.{batcher.SOCKET_SETTING})"
        )
        serve.add_argument("--workers", type=int, default=batcher.DEFAULT_WORKERS)
        serve.add_argument(
            "--max-batch",
            type=int,
            default=batcher.MAX_BATCH,
            help="payments a transaction at most (above 64, PostgreSQL's snapshots slow down)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "check":
            self._check()
        elif action == "tranches":
            self._tranches(options)
        elif action == "batcher":
            self._batcher(options)
        else:
            self._disburse(options)

    def _check(self) -> None:
        problems = ledger_violations()
        for problem in problems:
            self.stdout.write(problem)
        if problems:
            self.stderr.write(f"{len(problems)} violations")
            sys.exit(1)
        self.stdout.write("ok: every balance equals its entries and every rule holds")

    def _tranches(self, options: dict[str, Any]) -> None:
        today = _date(options["today"]) if options["today"] else timezone.localdate()
        tranches = Tranche.objects.select_related("commitment__recipient").order_by("due_on", "pk")
        if options["status"] == "due":
            tranches = tranches.filter(status=TrancheStatus.APPROVED, due_on__lte=today)
        else:
            tranches = tranches.filter(status=options["status"])
        rows = [
            {
                "ref": t.ref,
                "recipient": t.commitment.recipient.name,
                "recipient_credit_code": t.commitment.recipient.credit_code,
                "amount": str(t.amount),
                "due_on": t.due_on.isoformat(),
                "status": t.status,
                "commitment": t.commitment.ref,
            }
            for t in tranches
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            for row in rows:
                self.stdout.write(
                    f"{row['ref']}  {row['due_on']}  {row['amount']:>14}  {row['recipient']}"
                )

    def _disburse(self, options: dict[str, Any]) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['username']}")
        tranche = _tranche_by_ref(options["ref"])
        today = _date(options["today"]) if options["today"] else None
        try:
            with audit_context.acting_as(user, source="cli"):
                payment = services.tranche_disburse(
                    actor=user, tranche=tranche, idempotency_key=options["key"], today=today
                )
        except PermissionDenied as exc:
            raise CommandError(f"refused: {exc}") from exc
        except ValidationError as exc:
            code = getattr(exc, "code", None) or "invalid"
            raise CommandError(f"{code}: {' '.join(exc.messages)}") from exc
        if payment.status != "paid":
            raise CommandError(f"held: {payment.hold_reason}")
        self.stdout.write(f"paid {tranche.ref} {payment.amount} as {payment.ref}")

    def _batcher(self, options: dict[str, Any]) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("the payment batcher needs PostgreSQL (SQLite has one writer)")
        path = options["socket"] or batcher.socket_path()
        if not path:
            raise CommandError(f"no socket: pass --socket or set {batcher.SOCKET_SETTING}")

        def log(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        server = batcher.PaymentBatcher(
            path, workers=options["workers"], max_batch=options["max_batch"], log=log
        )
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda _sig, _frame: server.stop())
        try:
            server.serve()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
