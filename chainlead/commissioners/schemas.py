"""Typed API shapes of the commissioners app."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema

from chainlead.accounts.access import access_for
from chainlead.commissioners.models import Commissioner
from chainlead.commissioners.permissions import contact_shown


class CommissionerOut(Schema):
    id: int
    kind: str
    name: str
    home_institution: str
    district: str | None
    contact: str
    keywords: list[str]
    capacity: int
    service_start: dt.date | None
    service_end: dt.date | None
    status: str
    provenance: str

    @staticmethod
    def resolve_district(obj: object) -> str | None:
        district = obj.district  # type: ignore[attr-defined]
        return district.name if district is not None else None

    @staticmethod
    def resolve_contact(obj: Commissioner, context: dict[str, Any]) -> str:
        # Masked for readers who do not need the number (permissions.contact_shown).
        return contact_shown(access_for(context["request"].user), obj)


class CommissionerIn(Schema):
    kind: str
    name: str
    home_institution: str = ""
    district: str | None = None
    contact: str = ""
    industry_codes: list[str] = []
    segment_ids: list[int] = []
    keywords: list[str] = []
    capacity: int = 3
    service_start: dt.date | None = None
    service_end: dt.date | None = None


class AssignmentOut(Schema):
    id: int
    commissioner_id: int
    commissioner: str
    enterprise_id: int
    enterprise: str
    starts_on: dt.date
    ends_on: dt.date | None
    ended_early_on: dt.date | None
    end_reason: str
    reason: str
    score_terms: dict[str, float]
    proposed_by_id: int | None
    approved_by_id: int | None

    @staticmethod
    def resolve_commissioner(obj: object) -> str:
        return str(obj.commissioner.name)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_enterprise(obj: object) -> str:
        return str(obj.enterprise.name)  # type: ignore[attr-defined]


class AssignmentIn(Schema):
    commissioner_id: int
    enterprise_id: int
    starts_on: dt.date
    ends_on: dt.date | None = None
    reason: str


class EndIn(Schema):
    on: dt.date
    reason: str


class LogOut(Schema):
    id: int
    assignment_id: int
    mode: str
    served_on: dt.date
    hours: Decimal
    work_done: str
    solved: str
    status: str
    backdated: bool
    firm_rating: int | None
    firm_comment: str
    request_ids: list[int]

    @staticmethod
    def resolve_request_ids(obj: object) -> list[int]:
        return [r.pk for r in obj.requests.all()]  # type: ignore[attr-defined]


class LogIn(Schema):
    mode: str
    served_on: dt.date
    hours: Decimal
    work_done: str
    solved: str = ""
    request_ids: list[int] = []


class AnswerIn(Schema):
    confirm: bool
    rating: int | None = None
    comment: str = ""


class ApproveIn(Schema):
    approve: bool
    note: str = ""


class EvaluationOut(Schema):
    commissioner_id: int
    commissioner: str
    district: str
    firms_served: int
    hours: Decimal
    requests_closed: int
    rating_mean: Decimal | None
    disputed_logs: int
    terms: dict[str, Decimal]
    score: Decimal
    district_rank: int


class MatchingOut(Schema):
    id: int
    as_of: dt.date
    district_id: int | None
    status: str
    stage: str
    progress_percent: int
    commissioners: int
    firms: int
    candidate_pairs: int
    objective: float | None
    bound: float | None
    gap: float | None
    greedy_objective: float | None
    greedy_gain: float | None
    certificate_ok: bool | None
    weights: dict[str, float]


class MatchingIn(Schema):
    district_id: int | None = None


class PairOut(Schema):
    id: int
    commissioner_id: int
    enterprise_id: int
    score: float
    terms: dict[str, float]
    decision: str
    note: str
    assignment_id: int | None


class DecideIn(Schema):
    accept: bool
    note: str = ""
    commissioner_id: int | None = None
