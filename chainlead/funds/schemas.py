"""Schemas of the fund's API. Money is a decimal string with two places."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema


class FundOut(Schema):
    id: int
    name: str
    district_id: int | None
    fiscal_year: int
    provenance: str


class LineOut(Schema):
    id: int
    name: str
    reference: str
    allocated: Decimal
    committed: Decimal
    paid: Decimal
    available: Decimal


class PositionOut(Schema):
    fund: FundOut
    appropriated: Decimal
    committed: Decimal
    paid: Decimal
    available: Decimal
    lines: list[LineOut]


class CommitmentOut(Schema):
    id: int
    ref: str
    fund_id: int
    line_id: int
    recipient_id: int
    amount: Decimal
    reference: str


class CommitmentIn(Schema):
    line: int
    recipient: int
    amount: Decimal
    reference: str
    idempotency_key: str | None = None


class TrancheOut(Schema):
    id: int
    ref: str
    commitment_id: int
    amount: Decimal
    due_on: dt.date
    status: str
    condition_text: str


class DisbursementOut(Schema):
    id: int
    ref: str
    tranche_id: int
    amount: Decimal
    status: str
    hold_reason: str


class EntryOut(Schema):
    id: int
    kind: str
    debit_account_id: int
    credit_account_id: int
    amount: Decimal
    period: dt.date
    memo: str
    reverses_id: int | None


class IdempotentIn(Schema):
    idempotency_key: str | None = None


class ReverseIn(Schema):
    reason: str
    idempotency_key: str | None = None
