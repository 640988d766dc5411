"""Typed API shapes of proof of concept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema


class CentreOut(Schema):
    id: int
    name: str
    host_institution: str
    district_name: str
    fields: str
    year_recognised: int | None
    status_stated: str
    source_url: str
    provenance: str


class ProjectOut(Schema):
    id: int
    title: str
    summary: str
    team: str
    pi_id: int | None
    pi_name: str
    institution: str
    industry_id: str | None
    segment_id: int | None
    centre_id: int | None
    stage: int
    trl: int
    status: str
    started_on: dt.date
    stage_entered_on: dt.date
    ended_on: dt.date | None
    spin_off_id: int | None
    provenance: str
    version: int


class ProjectIn(Schema):
    title: str
    institution: str
    started_on: dt.date
    stage: int = 1
    trl: int = 1
    summary: str = ""
    team: str = ""
    industry: str | None = None
    segment_id: int | None = None
    centre_id: int | None = None


class GateReviewOut(Schema):
    id: int
    project_id: int
    from_stage: int
    to_stage: int
    status: str
    opened_on: dt.date
    due_on: dt.date
    decision: str
    reasons: str
    weighted_score: Decimal | None
    scores: dict[str, Any]


class GateOpenIn(Schema):
    reviewer_ids: list[int]
    due_on: dt.date


class DecideIn(Schema):
    decision: str
    reasons: str
    trl: int | None = None


class ReviewOut(Schema):
    """A reviewer's own assignment; the project's title shows once the file is open."""

    id: int
    gate_review_id: int
    status: str
    from_stage: int
    to_stage: int
    due_on: dt.date
    project_title: str | None
    technology: int | None
    market: int | None
    ip: int | None
    team: int | None
    plan: int | None
    recommendation: str

    @staticmethod
    def resolve_from_stage(obj: Any) -> int:
        return int(obj.gate_review.from_stage)

    @staticmethod
    def resolve_to_stage(obj: Any) -> int:
        return int(obj.gate_review.to_stage)

    @staticmethod
    def resolve_due_on(obj: Any) -> dt.date:
        return obj.gate_review.due_on  # type: ignore[no-any-return]

    @staticmethod
    def resolve_project_title(obj: Any) -> str | None:
        return obj.gate_review.project.title if obj.file_open else None


class DeclareIn(Schema):
    institution: str
    no_conflict: bool


class ScoreIn(Schema):
    technology: int
    market: int
    ip: int
    team: int
    plan: int
    recommendation: str
    comment: str = ""


class OutcomeOut(Schema):
    id: int
    project_id: int
    kind: str
    on: dt.date
    stage: int
    counterparty: str
    reason: str
    enterprise_id: int | None


class OutcomeIn(Schema):
    kind: str
    on: dt.date
    reason: str = ""
    counterparty: str = ""
    district: str | None = None
    credit_code: str | None = None
