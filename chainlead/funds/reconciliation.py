"""Reconciliation with the treasury: payment runs out as Excel, statements in (CSV or Excel,
all or nothing, errors by row and field), matched to disbursements by their reference."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from chainlead.accounts.access import access_for
from chainlead.accounts.types import Actor, Reader, acting_user
from chainlead.audit.services import record_event
from chainlead.funds.choices import DisbursementStatus, MatchStatus
from chainlead.funds.models import (
    Disbursement,
    Fund,
    PaymentRun,
    StatementImport,
    StatementLine,
)
from chainlead.funds.permissions import fund_condition, manages_fund
from chainlead.funds.services import _require_manager

RUN_COLUMNS = ("reference", "tranche", "payee", "credit_code", "amount", "status")
STATEMENT_COLUMNS = ("reference", "amount", "value_date", "payee")
_REFERENCE = re.compile(r"^D\d{6,}$")


def run_workbook(run: PaymentRun) -> bytes:
    """The run as the treasury's payment batch: one row per payment, amounts in CNY."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 (a new workbook has its sheet)
    sheet.title = str(run)
    sheet.append(list(RUN_COLUMNS))
    for d in run.disbursements.select_related("tranche__commitment__recipient").order_by(
        "tranche_id"
    ):
        firm = d.tranche.commitment.recipient
        sheet.append(
            [d.ref, d.tranche.ref, firm.name, firm.credit_code, d.amount, d.get_status_display()]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str


class StatementInvalidError(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def _rows(content: bytes, filename: str) -> list[dict[str, Any]]:
    if filename.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        values = list(sheet.iter_rows(values_only=True))
        if not values:
            return []
        header = [str(h or "").strip().lower() for h in values[0]]
        return [dict(zip(header, row, strict=False)) for row in values[1:]]
    text = content.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    reader.fieldnames = [f.strip().lower() for f in reader.fieldnames or []]
    return list(reader)


def _parse(raw: dict[str, Any], row: int, errors: list[RowError]) -> dict[str, Any] | None:
    before = len(errors)
    reference = str(raw.get("reference") or "").strip()
    if not _REFERENCE.match(reference):
        errors.append(RowError(row, "reference", _("Expected a payment reference like D000123.")))
    amount: Decimal | None = None
    try:
        amount = Decimal(str(raw.get("amount") or "").replace(",", "").strip())
        if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            raise InvalidOperation
    except InvalidOperation:
        errors.append(RowError(row, "amount", _("Expected a positive amount with ≤ 2 decimals.")))
    value = raw.get("value_date")
    value_date: dt.date | None = None
    if isinstance(value, dt.datetime):
        value_date = value.date()
    elif isinstance(value, dt.date):
        value_date = value
    else:
        try:
            value_date = dt.date.fromisoformat(str(value or "").strip())
        except ValueError:
            errors.append(RowError(row, "value_date", _("Expected a date as YYYY-MM-DD.")))
    if len(errors) > before:
        return None
    return {
        "reference": reference,
        "amount": amount,
        "value_date": value_date,
        "payee": str(raw.get("payee") or "")[:200],
    }


@transaction.atomic
def statement_import(*, actor: Actor, fund: Fund, content: bytes, filename: str) -> StatementImport:
    """Import a statement whole, or nothing when any row is invalid (StatementInvalidError lists
    every error by row and field), and match each line to the fund's disbursements."""
    _require_manager(actor)
    try:
        raw_rows = _rows(content, filename)
    except (UnicodeDecodeError, csv.Error, OSError, KeyError, ValueError) as exc:
        raise StatementInvalidError([RowError(0, "file", str(exc))]) from exc
    errors: list[RowError] = []
    missing = [
        c for c in ("reference", "amount", "value_date") if raw_rows and c not in raw_rows[0]
    ]
    if not raw_rows:
        errors.append(RowError(0, "file", _("The statement has no rows.")))
    for column in missing:
        errors.append(RowError(1, column, _("Missing column.")))
    parsed = []
    if not errors:
        for number, raw in enumerate(raw_rows, start=2):  # row 1 is the header
            line = _parse(raw, number, errors)
            if line is not None:
                parsed.append((number, line))
    if errors:
        raise StatementInvalidError(errors)
    statement = StatementImport.objects.create(
        fund=fund, filename=filename[:200], imported_by=acting_user(actor)
    )
    payments = {
        d.ref: d
        for d in Disbursement.objects.filter(
            tranche__commitment__fund=fund,
            pk__in=[int(line["reference"][1:]) for _n, line in parsed],
        )
    }
    for number, line in parsed:
        payment = payments.get(line["reference"])
        if payment is None:
            status = MatchStatus.UNMATCHED
        elif payment.status == DisbursementStatus.PAID and payment.amount == line["amount"]:
            status = MatchStatus.MATCHED
        else:
            status = MatchStatus.MISMATCHED
        StatementLine.objects.create(
            statement=statement, row=number, disbursement=payment, status=status, **line
        )
    record_event(instance=statement, event="statement_imported", data={"lines": len(parsed)})
    return statement


def open_lines(fund: Fund) -> QuerySet[StatementLine]:
    """Unmatched and mismatched lines awaiting an official."""
    return (
        StatementLine.objects.filter(
            statement__fund=fund, status__in=[MatchStatus.UNMATCHED, MatchStatus.MISMATCHED]
        )
        .select_related("statement", "disbursement")
        .order_by("statement_id", "row")
    )


def line_list(*, user: Reader) -> QuerySet[StatementLine]:
    condition = fund_condition(access_for(user))
    if condition is None:
        return StatementLine.objects.none()
    return StatementLine.objects.filter(
        statement__fund__in=Fund.objects.filter(condition)
    ).select_related("statement")


@transaction.atomic
def statement_line_resolve(*, actor: Actor, line: StatementLine, resolution: str) -> StatementLine:
    """An official explains an unmatched or mismatched line."""
    if not manages_fund(access_for(actor)):
        _require_manager(actor)
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say how the line was resolved.")})
    line.status = MatchStatus.RESOLVED
    line.resolution = resolution[:500]
    line.resolved_by = acting_user(actor)
    line.save(update_fields=["status", "resolution", "resolved_by"])
    return line
