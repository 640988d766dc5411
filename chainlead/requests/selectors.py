"""Reads of requests, restricted to what the user may see.

Public API for other apps (the governance dashboard and briefing call these):

- `request_list(*, user)` → the requests the user may see (a queryset, related rows joined).
- `request_figures(*, user, chain=None, department=None, period_start=None, period_end=None,
  today=None)` → `RequestFigures` (opened, closed, open, overdue, closing_rate, median_days,
  p90_days, satisfaction_avg), counted once per problem (linked child requests are not counted).
- `overdue_list(*, user, chain=None, today=None)` → open requests past their deadline.
- `request_scope_key(user)` → a cache-key part naming whose requests the user sees.

Who sees what (issue 3 item 11): city admins and auditors all; enterprise users their firms'
requests; department officers what is routed to their department; task-force members and chain
leaders their chain's; district officials their district's firms'; anyone what they raised.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from chainlead.accounts.access import access_for
from chainlead.accounts.choices import Role
from chainlead.accounts.types import Actor, Reader
from chainlead.requests.choices import (
    CLOCK_STATUSES,
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Category,
    Escalation,
    Status,
    Transition,
)
from chainlead.requests.constants import FIRM, FIRM_USER, HANDLER, TRANSITIONS
from chainlead.requests.models import (
    CalendarOverride,
    CalendarYear,
    Department,
    DepartmentMember,
    EnterpriseRequest,
    RequestEvent,
)
from chainlead.requests.permissions import (
    configures_calendar,
    firms_to_raise_for,
    raises_for,
    raises_requests,
    rates_request,
)

if TYPE_CHECKING:
    from chainlead.chains.models import Chain

_DEPT_ATTR = "_chainlead_request_departments"


def department_ids_for(user: Actor) -> frozenset[int]:
    """Departments the user is an officer of (computed once per user object)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached: frozenset[int] | None = getattr(user, _DEPT_ATTR, None)
    if cached is None:
        cached = frozenset(
            DepartmentMember.objects.filter(user_id=user.pk).values_list("department_id", flat=True)
        )
        setattr(user, _DEPT_ATTR, cached)
    return cached


def reads_all_requests(user: Reader) -> bool:
    access = access_for(user)
    return access.reads_everything


def request_scope_key(user: Reader) -> str:
    """Whose requests `user` sees, as a cache-key part. Everyone who reads all requests (city
    admins, auditors) shares "all", so pages cached for one serve the others; anyone else has
    a scope of their own."""
    return "all" if reads_all_requests(user) else f"user{user.pk}"


def request_list(*, user: Reader) -> QuerySet[EnterpriseRequest]:
    """The requests `user` may see, with firm, chain and department joined."""
    access = access_for(user)
    qs = EnterpriseRequest.objects.select_related("enterprise", "chain", "department")
    if not access.authenticated:
        return qs.none()
    if access.reads_everything:
        return qs
    # What the user raised, while its firm is still theirs to raise for (a commissioner's
    # station may have ended): outside that scope a request is not found (issue 9 item 13).
    scope = Q(raised_by_id=access.user_id, enterprise_id__in=firms_to_raise_for(user).values("pk"))
    if access.enterprise_ids:
        scope |= Q(enterprise_id__in=access.enterprise_ids)
    if access.chain_ids:
        scope |= Q(chain_id__in=access.chain_ids)
    departments = department_ids_for(user)
    if departments:
        scope |= Q(department_id__in=departments)
    if access.has(Role.DISTRICT_OFFICIAL) and access.district_ids:
        scope |= Q(enterprise__district_id__in=access.district_ids)
    return qs.filter(scope)


def request_get(*, user: Reader, pk: int) -> EnterpriseRequest:
    """One visible request; raises EnterpriseRequest.DoesNotExist (a 404) out of scope."""
    return request_list(user=user).get(pk=pk)


def request_timeline(*, enterprise_request: EnterpriseRequest) -> QuerySet[RequestEvent]:
    return enterprise_request.events.select_related("actor").order_by("at", "id")


# --- who may do what -------------------------------------------------------------------------


def is_handler(user: Actor, enterprise_request: EnterpriseRequest) -> bool:
    """May work the request: its department, its chain's task force, the city admin, or the
    chain leader once the request reached them (escalated or taken)."""
    access = access_for(user)
    if access.is_admin:
        return True
    if (
        enterprise_request.department_id is not None
        and enterprise_request.department_id in department_ids_for(user)
    ):
        return True
    if enterprise_request.chain_id is not None:
        if enterprise_request.chain_id in access.task_force_chain_ids:
            return True
        if (
            enterprise_request.chain_id in access.leader_chain_ids
            and enterprise_request.escalation_level == Escalation.CHAIN_LEADER
        ):
            return True
    return False


def is_firm_side(user: Actor, enterprise_request: EnterpriseRequest) -> bool:
    """Speaks for the firm: its enterprise users, or the commissioner who raised it for them."""
    access = access_for(user)
    if enterprise_request.enterprise_id in access.enterprise_ids:
        return True
    return (
        access.has(Role.COMMISSIONER)
        and enterprise_request.raised_by_id is not None
        and enterprise_request.raised_by_id == access.user_id
        # Only while the firm is stationed with them (issue 9 item 13).
        and user is not None
        and raises_for(user, enterprise_request.enterprise_id)
    )


def can_take(user: Actor, enterprise_request: EnterpriseRequest) -> bool:
    """A chain leader may take an open request of their chain directly."""
    access = access_for(user)
    return (
        enterprise_request.chain_id is not None
        and enterprise_request.chain_id in access.leader_chain_ids
        and enterprise_request.status in OPEN_STATUSES
        and enterprise_request.escalation_level != Escalation.CHAIN_LEADER
    )


def can_route(user: Actor, enterprise_request: EnterpriseRequest) -> bool:
    """City admins and the chain's task force may send a request to another department."""
    access = access_for(user)
    if enterprise_request.status not in (Status.RAISED, Status.ACCEPTED):
        return False
    return access.is_admin or (
        enterprise_request.chain_id is not None
        and enterprise_request.chain_id in access.task_force_chain_ids
    )


def can_attach(user: Actor, enterprise_request: EnterpriseRequest) -> bool:
    return enterprise_request.status != Status.CONFIRMED and (
        is_handler(user, enterprise_request) or is_firm_side(user, enterprise_request)
    )


def can_link(user: Actor, enterprise_request: EnterpriseRequest) -> bool:
    return is_handler(user, enterprise_request) and enterprise_request.status in OPEN_STATUSES


def transition_party_ok(
    user: Actor, enterprise_request: EnterpriseRequest, parties: frozenset[str]
) -> bool:
    return (
        (HANDLER in parties and is_handler(user, enterprise_request))
        or (FIRM in parties and is_firm_side(user, enterprise_request))
        or (
            FIRM_USER in parties
            and rates_request(access_for(user), enterprise_request.enterprise_id)
        )
    )


def allowed_transitions(user: Actor, enterprise_request: EnterpriseRequest) -> list[Transition]:
    """The transitions `user` may apply to `request` now (constants.TRANSITIONS is the rule)."""
    return [
        name
        for name, rule in TRANSITIONS.items()
        if enterprise_request.status in rule.sources
        and transition_party_ok(user, enterprise_request, rule.parties)
    ]


def can_raise_for(user: Actor, enterprise_id: int) -> bool:
    """See requests.permissions.raises_for: only firms the user sees in the registry (the
    platform, actor None, raises for nobody)."""
    return user is not None and raises_for(user, enterprise_id)


def can_raise(user: Actor) -> bool:
    return raises_requests(access_for(user))


# --- figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestFigures:
    """Figures of a set of requests over a period (each problem counted once).

    opened: raised in the period; closed: resolved in the period (and not reopened since);
    open: not closed now; overdue: clock running and past the deadline on `today`;
    closing_rate: share of the requests opened in the period that are closed now (None when none
    were opened); median_days / p90_days: working days from raising to resolution of the requests
    closed in the period (p90 by nearest rank: the ⌈0.9·n⌉-th smallest); satisfaction_avg: mean
    1-5 rating of the confirmations in the period, linked requests included (each firm rates).
    """

    opened: int
    closed: int
    open: int
    overdue: int
    closing_rate: float | None
    median_days: float | None
    p90_days: int | None
    satisfaction_avg: float | None
    ratings: int = 0


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def nearest_rank(values: list[int], q: float) -> int | None:
    """The ⌈q·n⌉-th smallest value (nearest-rank percentile), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


def _value_at_rank(histogram: list[tuple[int, int]], rank: int) -> int:
    """The `rank`-th smallest value (1-based) of a (value, count) histogram sorted by value."""
    seen = 0
    for value, count in histogram:
        seen += count
        if seen >= rank:
            return value
    raise ValueError(f"rank {rank} is beyond {seen} values")


def histogram_median(histogram: list[tuple[int, int]]) -> float | None:
    """`statistics.median` of the values a sorted (value, count) histogram stands for: the
    middle value, or the mean of the two middle ones for an even count; None for no values."""
    n = sum(count for _, count in histogram)
    if not n:
        return None
    upper = _value_at_rank(histogram, n // 2 + 1)
    if n % 2:
        return float(upper)
    return (_value_at_rank(histogram, n // 2) + upper) / 2


def histogram_nearest_rank(histogram: list[tuple[int, int]], q: float) -> int | None:
    """`nearest_rank` of the values a sorted (value, count) histogram stands for."""
    n = sum(count for _, count in histogram)
    if not n:
        return None
    return _value_at_rank(histogram, max(1, math.ceil(q * n)))


def _scoped(
    qs: QuerySet[EnterpriseRequest],
    chain: Chain | int | None = None,
    department: Department | int | None = None,
) -> QuerySet[EnterpriseRequest]:
    if chain is not None:
        qs = qs.filter(chain_id=getattr(chain, "pk", chain))
    if department is not None:
        qs = qs.filter(department_id=getattr(department, "pk", department))
    return qs


def request_figures(
    *,
    user: Reader,
    chain: Chain | int | None = None,
    department: Department | int | None = None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    today: dt.date | None = None,
    queryset: QuerySet[EnterpriseRequest] | None = None,
) -> RequestFigures:
    """Figures of the requests `user` may see, optionally of one chain or department.

    `chain`/`department` are instances or ids; the period is inclusive dates (None = unbounded).
    `queryset` narrows further (e.g. a filtered list) and must come from `request_list`.
    """
    today = today or timezone.localdate()
    base = queryset if queryset is not None else request_list(user=user)
    base = _scoped(base, chain, department)
    in_period = Q()
    closed_in = Q(status__in=CLOSED_STATUSES)
    rated_in = Q(rating__isnull=False)
    if period_start is not None:
        start = _day_start(period_start)
        in_period &= Q(raised_at__gte=start)
        closed_in &= Q(resolved_at__gte=start)
        rated_in &= Q(confirmed_at__gte=start)
    if period_end is not None:
        end = _day_start(period_end + dt.timedelta(days=1))
        in_period &= Q(raised_at__lt=end)
        closed_in &= Q(resolved_at__lt=end)
        rated_in &= Q(confirmed_at__lt=end)
    # One pass over the requests for every count and the rating: each problem is counted once
    # (its linked requests are not), but every firm's rating counts.
    top = Q(parent__isnull=True)
    row = base.order_by().aggregate(
        opened=Count("pk", filter=top & in_period),
        opened_closed=Count("pk", filter=top & in_period & Q(status__in=CLOSED_STATUSES)),
        closed=Count("pk", filter=top & closed_in),
        open=Count("pk", filter=top & Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=top & Q(status__in=CLOCK_STATUSES, deadline__lt=today)),
        rating_avg=Avg("rating", filter=rated_in),
        ratings=Count("pk", filter=rated_in),
    )
    # days_to_close is a small number of working days: a few dozen (value, count) rows give the
    # exact median and nearest-rank p90 without reading tens of thousands of values into Python.
    histogram = [
        (days, n)
        for days, n in base.filter(top, closed_in, days_to_close__isnull=False)
        .order_by()
        .values("days_to_close")
        .annotate(n=Count("pk"))
        .order_by("days_to_close")
        .values_list("days_to_close", "n")
        if days is not None  # never, by the filter: this narrows the nullable column's type
    ]
    opened = row["opened"]
    return RequestFigures(
        opened=opened,
        closed=row["closed"],
        open=row["open"],
        overdue=row["overdue"],
        closing_rate=(row["opened_closed"] / opened) if opened else None,
        median_days=histogram_median(histogram),
        p90_days=histogram_nearest_rank(histogram, 0.9),
        satisfaction_avg=float(row["rating_avg"]) if row["rating_avg"] is not None else None,
        ratings=row["ratings"],
    )


def request_figures_by(
    *,
    user: Reader,
    group: str,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    today: dt.date | None = None,
) -> list[tuple[Chain | Department, RequestFigures]]:
    """Figures per chain or per department (`group` = "chain" | "department") the user sees."""
    visible = request_list(user=user)

    def figures(chain: Chain | None = None, department: Department | None = None) -> RequestFigures:
        return request_figures(
            user=user,
            chain=chain,
            department=department,
            period_start=period_start,
            period_end=period_end,
            today=today,
            queryset=visible,
        )

    if group == "chain":
        from chainlead.chains.models import Chain

        ids = set(visible.exclude(chain=None).values_list("chain_id", flat=True).distinct())
        return [(chain, figures(chain=chain)) for chain in Chain.objects.filter(pk__in=ids)]
    ids = set(visible.exclude(department=None).values_list("department_id", flat=True).distinct())
    return [(d, figures(department=d)) for d in Department.objects.filter(pk__in=ids)]


def overdue_list(
    *, user: Reader, chain: Chain | int | None = None, today: dt.date | None = None
) -> QuerySet[EnterpriseRequest]:
    """Open requests whose clock runs and whose deadline has passed, oldest deadline first
    (linked requests are followed through their parent)."""
    today = today or timezone.localdate()
    qs = _scoped(request_list(user=user), chain).filter(parent__isnull=True)
    return qs.filter(status__in=CLOCK_STATUSES, deadline__lt=today).order_by("deadline", "pk")


@dataclass(frozen=True)
class RecurringProblem:
    """A tag or category raised by several distinct firms: a candidate for a policy fix."""

    kind: str  # "tag" or "category"
    key: str
    label: str
    firms: int
    requests: int


def recurring_problems(*, user: Reader, since: dt.date, min_firms: int) -> list[RecurringProblem]:
    """Tags and categories raised by at least `min_firms` distinct firms since `since`."""
    qs = request_list(user=user).filter(raised_at__gte=_day_start(since)).order_by()
    out: list[RecurringProblem] = []
    by_tag = (
        qs.filter(tags__isnull=False)
        .values("tags__id", "tags__name")
        .annotate(firms=Count("enterprise_id", distinct=True), n=Count("pk", distinct=True))
        .filter(firms__gte=min_firms)
    )
    for row in by_tag:
        out.append(
            RecurringProblem("tag", str(row["tags__id"]), row["tags__name"], row["firms"], row["n"])
        )
    by_cat = (
        qs.values("category")
        .annotate(firms=Count("enterprise_id", distinct=True), n=Count("pk"))
        .filter(firms__gte=min_firms)
    )
    for cat_row in by_cat:
        out.append(
            RecurringProblem(
                "category",
                cat_row["category"],
                str(Category(cat_row["category"]).label),
                cat_row["firms"],
                cat_row["n"],
            )
        )
    out.sort(key=lambda p: (-p.firms, -p.requests, p.label))
    return out


def calendar_overrides(*, user: Reader, year: int | None = None) -> QuerySet[CalendarOverride]:
    """The working-day overrides (of `year`, or all), for those who edit the calendar; else none."""
    if not configures_calendar(access_for(user)):
        return CalendarOverride.objects.none()
    rows = CalendarOverride.objects.all()
    if year is not None:
        rows = rows.filter(date__year=year)
    return rows.order_by("date")


def calendar_override_years(*, user: Reader) -> list[int]:
    """The years that have at least one override, in order."""
    return sorted({day.year for day in calendar_overrides(user=user).dates("date", "year")})


def calendar_years(*, user: Reader) -> QuerySet[CalendarYear]:
    """The years marked complete (their holidays all entered), for those who edit the calendar."""
    if not configures_calendar(access_for(user)):
        return CalendarYear.objects.none()
    return CalendarYear.objects.order_by("year")
