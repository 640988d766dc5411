"""Schemas of the governance API: plans, targets, meetings, policy items and the five ones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema
from pydantic import field_validator

from chainlead.core.validators import (
    EARLIEST_DATE,
    LATEST_DATE,
    FreeText,
    Name,
    Text,
    check_web_urls,
)
from chainlead.governance.choices import Indicator, PolicyTopic


class FiveOnesOut(Schema):
    chain: str
    year: int
    leader: bool
    chain_map: bool
    task_force: bool
    work_plan: bool
    policy_package: bool
    complete: bool
    missing: list[str]


class PlanTargetIn(Schema):
    indicator: Indicator
    value: Decimal = Field(ge=0)
    note: Text = Field("", max_length=300)


class PlanTargetOut(Schema):
    indicator: str
    label: str
    unit: str
    target: Decimal | None
    actual: Decimal | None
    actual_source: str
    coverage: str
    percent: float | None


class PlanIn(Schema):
    chain: Text = Field(description="the chain's slug")
    year: int = Field(ge=2000, le=2100)
    title: Name = Field(max_length=200)
    summary: FreeText = ""


def _chain_slug(obj: object) -> str:
    if isinstance(obj, dict):
        return str(obj["chain"])
    return str(obj.chain.slug)  # type: ignore[attr-defined]


class PlanOut(Schema):
    id: int
    chain: str
    year: int
    title: str
    summary: str
    status: str
    approved_by: str | None = None
    approved_at: dt.datetime | None

    @staticmethod
    def resolve_chain(obj: object) -> str:
        return _chain_slug(obj)

    @staticmethod
    def resolve_approved_by(obj: object) -> str | None:
        if isinstance(obj, dict):
            return obj.get("approved_by")
        user = getattr(obj, "approved_by", None)
        return str(user) if user is not None else None


class PlanDetailOut(PlanOut):
    targets: list[PlanTargetOut]


class ActualIn(Schema):
    value: Decimal = Field(ge=0)
    as_of: dt.date = Field(ge=EARLIEST_DATE, le=LATEST_DATE)
    source: Text = Field(max_length=200)


class DecisionOut(Schema):
    id: int
    text: str


class ActionItemOut(Schema):
    id: int
    title: str
    owner: str
    deadline: dt.date
    status: str
    overdue: bool


class MeetingIn(Schema):
    chain: Text = Field(description="the chain's slug")
    title: Name = Field(max_length=200)
    held_at: dt.datetime
    location: Text = Field("", max_length=200)
    minutes: FreeText = ""
    attendee_ids: list[int] = []


class MeetingOut(Schema):
    id: int
    chain: str
    title: str
    held_at: dt.datetime
    location: str
    minutes: str

    @staticmethod
    def resolve_chain(obj: object) -> str:
        return _chain_slug(obj)


class MeetingDetailOut(MeetingOut):
    attendees: list[str]
    decisions: list[DecisionOut]
    action_items: list[ActionItemOut]


class PolicyIn(Schema):
    title: Name = Field(max_length=300)
    issuing_body: Text = Field("", max_length=300)
    doc_number: Text = Field("", max_length=100)
    date_text: Text = Field("", max_length=10)
    date_basis: str = ""
    effective_from: dt.date | None = None
    effective_until: dt.date | None = None
    topic: PolicyTopic = PolicyTopic.OTHER
    supports: FreeText = ""
    amounts: FreeText = ""
    budget: Decimal | None = Field(None, ge=0)
    source_url: FreeText = ""

    @field_validator("source_url")
    @classmethod
    def _web_addresses_only(cls, value: str) -> str:
        return check_web_urls(value)


class PolicyOut(Schema):
    id: int
    title: str
    issuing_body: str
    doc_number: str
    date_text: str
    date_basis: str
    effective_from: dt.date | None
    effective_until: dt.date | None
    topic: str
    supports: str
    amounts: str
    budget: Decimal | None
    source_urls: list[str]
    provenance: str
    chains: list[str]

    @staticmethod
    def resolve_chains(obj: object) -> list[str]:
        return [item.chain.slug for item in obj.package_items.all()]  # type: ignore[attr-defined]
