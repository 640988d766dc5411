"""Typed schemas of the requests API (`<Model>In` / `<Model>Out`)."""

import datetime as dt

from ninja import Field, Schema

from chainlead.core.validators import EARLIEST_DATE, LATEST_DATE, FreeText, Name, Text
from chainlead.requests.choices import Category, Channel, Status, Transition


class RequestIn(Schema):
    enterprise: int
    category: Category
    title: Name = Field(max_length=200)
    description: FreeText
    chain: int | None = None
    channel: Channel | None = None
    tags: list[Text] = Field([], max_length=20)


class TransitionIn(Schema):
    transition: Transition
    note: FreeText = ""
    resolution: FreeText = ""


class RatingIn(Schema):
    rating: int = Field(ge=1, le=5)
    comment: FreeText = ""


class EventOut(Schema):
    kind: str
    from_status: str
    to_status: str
    actor: str | None
    at: dt.datetime
    note: str

    @staticmethod
    def resolve_actor(obj: object) -> str | None:
        actor = getattr(obj, "actor", None)
        return actor.get_username() if actor is not None else None


class RequestOut(Schema):
    id: int
    reference: str
    enterprise_id: int
    enterprise_name: str
    chain_id: int | None
    category: Category
    title: str
    description: str
    channel: Channel
    status: Status
    department_id: int | None
    department_name: str | None
    raised_at: dt.datetime
    accepted_at: dt.datetime | None
    resolved_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    deadline: dt.date
    deadline_estimated: bool
    working_days_limit: int
    escalation_level: int
    parent_id: int | None
    hotline_ticket: str | None
    resolution: str
    rating: int | None
    rating_comment: str
    days_to_close: int | None
    tags: list[str]

    @staticmethod
    def resolve_enterprise_name(obj: object) -> str:
        return obj.enterprise.name  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_department_name(obj: object) -> str | None:
        department = obj.department  # type: ignore[attr-defined]
        return department.name if department is not None else None

    @staticmethod
    def resolve_tags(obj: object) -> list[str]:
        return [t.name for t in obj.tags.all()]  # type: ignore[attr-defined]


class RequestDetailOut(RequestOut):
    events: list[EventOut]
    allowed_transitions: list[str]

    @staticmethod
    def resolve_events(obj: object) -> list[object]:
        return list(obj.timeline)  # type: ignore[attr-defined]


class RequestFilters(Schema):
    q: Text | None = None
    state: Text | None = None
    status: Status | None = None
    category: Category | None = None
    chain: int | None = None
    department: int | None = None
    channel: Channel | None = None
    escalated: bool | None = None


class FiguresQuery(Schema):
    chain: int | None = None
    department: int | None = None
    period_start: dt.date | None = Field(None, ge=EARLIEST_DATE, le=LATEST_DATE)
    period_end: dt.date | None = Field(None, ge=EARLIEST_DATE, le=LATEST_DATE)


class FiguresOut(Schema):
    opened: int
    closed: int
    open: int
    overdue: int
    closing_rate: float | None
    median_days: float | None
    p90_days: int | None
    satisfaction_avg: float | None
    ratings: int


class CalendarOverrideIn(Schema):
    """A working day (`is_workday`: true; a make-up workday) or a day off (false; a holiday)
    over the calendar package; `date` in 1990–2100, not already entered."""

    date: dt.date
    is_workday: bool
    note: Text = Field("", max_length=200)


class CalendarOverrideOut(Schema):
    id: int
    date: dt.date
    is_workday: bool
    note: str


class CalendarYearIn(Schema):
    """Mark `year` complete: every holiday and make-up workday of it is entered (from `notice`);
    its deadlines are then exact. The calendar package must not know the year, and it must have
    at least one entry."""

    year: int = Field(..., ge=1990, le=2100)
    notice: Text = Field(..., min_length=1, max_length=100)


class CalendarYearOut(Schema):
    id: int
    year: int
    notice: str


class CalendarQuery(Schema):
    year: int | None = Field(None, ge=1990, le=2100)
