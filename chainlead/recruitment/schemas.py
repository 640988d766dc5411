"""Typed API shapes of the recruitment pipeline."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from chainlead.core.validators import EARLIEST_DATE, LATEST_DATE, FreeText, Name, Text


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
    chain: Text
    segment: Text | None = None
    name: Name = Field(max_length=200)
    location: Text = Field(max_length=100)
    employees: int | None = Field(None, ge=0)
    main_business: FreeText = ""


class MoveIn(Schema):
    to_stage: Text
    note: FreeText = ""
    lost_reason: Text = Field("", max_length=300)


class MoveBackIn(Schema):
    reason: Text = Field(max_length=300)


class LandIn(Schema):
    district: Text
    landed_on: dt.date = Field(ge=EARLIEST_DATE, le=LATEST_DATE)
    credit_code: Text | None = None


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
    # Named choices only: any other word would reach the ORM as a field name.
    industry_level: Literal["division", "class"] = "division"
    weight: Literal["employees", "revenue"] = "employees"


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
