"""Typed API shapes of the recruitment pipeline."""

import datetime as dt

from ninja import Schema


class TargetOut(Schema):
    id: int
    chain: str
    segment: str | None
    name: str
    location: str
    stage: str
    lost_reason: str
    employees: int | None
    main_business: str
    owner_id: int | None
    landed_enterprise_id: int | None
    version: int

    @staticmethod
    def resolve_chain(obj: object) -> str:
        return obj.chain.slug  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_segment(obj: object) -> str | None:
        segment = obj.segment  # type: ignore[attr-defined]
        return segment.slug if segment else None


class TargetIn(Schema):
    chain: str
    segment: str | None = None
    name: str
    location: str
    employees: int | None = None
    main_business: str = ""


class MoveIn(Schema):
    to_stage: str
    note: str = ""
    lost_reason: str = ""


class LandIn(Schema):
    district: str
    landed_on: dt.date
    credit_code: str | None = None


class LandOut(Schema):
    target_id: int
    enterprise_id: int


class AnalysisRunOut(Schema):
    id: int
    kind: str
    params: dict[str, object]
    snapshot: dict[str, object]
    results: dict[str, object]
    created_at: dt.datetime


class ComplexityIn(Schema):
    level: str = "city"
    year: int | None = None
    industry_level: str = "division"
    weight: str = "employees"


class OpportunityOut(Schema):
    chain: str
    segment: str
    segment_name: str
    status: str
    firms: int
    density: float | None
    cog: float | None
    rca: float | None
    industries: list[str]
