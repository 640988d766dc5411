"""Schemas of the programs API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema


class ProgramOut(Schema):
    id: int
    slug: str
    name: str
    kind: str
    award_cap: Decimal
    no_application: bool
    policy_id: int | None
    district_id: int | None
    provenance: str


class RoundOut(Schema):
    id: int
    program_id: int
    name: str
    opens_on: dt.date
    closes_on: dt.date
    fiscal_year: int


class ApplicationIn(Schema):
    round: int
    title: str
    institution: str = ""
    team: list[dict[str, Any]] = []
    data: dict[str, Any] = {}


class ApplicationOut(Schema):
    id: int
    round_id: int
    enterprise_id: int
    title: str
    institution: str
    status: str
    submitted_at: dt.datetime | None
    eligibility: list[dict[str, Any]]
    rules_version: int | None
    rank: int | None
    normalised_score: float | None
    provenance: str


class DeclarationIn(Schema):
    application: int
    conflict: bool
    institution: str = ""
    relation: str = ""


class DeclarationOut(Schema):
    id: int
    application_id: int
    conflict: bool
    relation: str


class ReviewOut(Schema):
    id: int
    application_id: int
    status: str
    scores: dict[str, Any]
    total: Decimal | None


class ScoreIn(Schema):
    scores: dict[str, float]
    comment: str = ""


class AwardIn(Schema):
    application: int
    amount: Decimal
    tier: int | None = None


class AwardOut(Schema):
    id: int
    round_id: int
    enterprise_id: int
    tier_id: int | None
    amount: Decimal
    status: str
    commitment_id: int
    provenance: str
