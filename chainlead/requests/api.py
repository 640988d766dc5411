"""REST API of the requests app (mounted under /api/v1/requests/ by config/api.py).

Same selectors and services as the pages: a request out of the user's scope is a 404, a move
the user may not make a 403, a move the life cycle forbids a 422.
"""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from chainlead.accounts.access import access_for
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.pagination import PageNumber
from chainlead.requests import selectors, services
from chainlead.requests.choices import Channel, Transition
from chainlead.requests.filtersets import RequestFilterSet
from chainlead.requests.models import CalendarOverride, CalendarYear, EnterpriseRequest, Tag
from chainlead.requests.permissions import (
    configures_calendar,
    firms_to_raise_for,
    may_raise_in,
    raises_requests,
)
from chainlead.requests.schemas import (
    CalendarOverrideIn,
    CalendarOverrideOut,
    CalendarQuery,
    CalendarYearIn,
    CalendarYearOut,
    FiguresOut,
    FiguresQuery,
    RatingIn,
    RequestDetailOut,
    RequestFilters,
    RequestIn,
    RequestOut,
    TransitionIn,
)

router = Router(tags=["requests"])


def _detail(request: HttpRequest, pk: int) -> EnterpriseRequest:
    """The request with what RequestDetailOut adds: its timeline and the moves open to you."""
    obj = selectors.request_get(user=request.user, pk=pk)
    obj.timeline = list(selectors.request_timeline(enterprise_request=obj))  # type: ignore[attr-defined]
    obj.allowed_transitions = [  # type: ignore[attr-defined]
        t.value for t in selectors.allowed_transitions(request.user, obj)
    ]
    return obj


@router.get("/requests", response=list[RequestOut])
@paginate(PageNumber)
def request_list(
    request: HttpRequest, filters: Query[RequestFilters]
) -> QuerySet[EnterpriseRequest]:
    """The requests you may see, filtered like the problem list."""
    data = filters.dict(exclude_none=True)
    if "escalated" in data:
        data["escalated"] = "yes" if data["escalated"] else "no"
    filterset = RequestFilterSet(
        data=data,
        queryset=selectors.request_list(user=request.user).prefetch_related("tags"),
    )
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    matching: QuerySet[EnterpriseRequest] = filterset.qs  # django-filter is untyped
    return matching


@router.post("/requests", response={201: RequestDetailOut})
def request_create(request: HttpRequest, payload: RequestIn) -> Status[EnterpriseRequest]:
    """Raise a request for a firm you see (enterprise users: their own; a task force: its chain's
    firms; a city admin: any). Any other firm is not found (404), like one that does not exist."""
    from chainlead.chains.models import Chain

    if not raises_requests(access_for(request.user)):
        raise PermissionDenied("You may not raise requests.")
    enterprise = firms_to_raise_for(request.user).get(pk=payload.enterprise)
    chain = None
    if payload.chain is not None:
        chain = Chain.objects.filter(pk=payload.chain).first()
        if chain is None:
            raise ValidationError({"chain": "Unknown chain."})
        if not may_raise_in(request.user, chain.pk, enterprise.pk):
            raise ValidationError(
                {"chain": "The firm is not on this chain, nor do you work on it."}
            )
    tags = [Tag.objects.get_or_create(name=name.strip()[:50])[0] for name in payload.tags if name]
    created = services.request_raise(
        actor=request.user,
        enterprise=enterprise,
        category=payload.category,
        title=payload.title,
        description=payload.description,
        chain=chain,
        channel=payload.channel or Channel.FIRM_PAGE,
        tags=tags,
    )
    return Status(201, _detail(request, created.pk))


@router.get("/requests/figures", response=FiguresOut)
def request_figures(request: HttpRequest, query: Query[FiguresQuery]) -> selectors.RequestFigures:
    """Opened, closed, open, overdue, closing rate, time to close, satisfaction (the period's
    dates between 1900-01-01 and 2999-12-31)."""
    return selectors.request_figures(
        user=request.user,
        chain=query.chain,
        department=query.department,
        period_start=query.period_start,
        period_end=query.period_end,
    )


@router.get("/requests/{request_id}", response=RequestDetailOut)
def request_detail(request: HttpRequest, request_id: int) -> EnterpriseRequest:
    return _detail(request, request_id)


@router.post("/requests/{request_id}/transition", response=RequestDetailOut)
def request_transition(
    request: HttpRequest, request_id: int, payload: TransitionIn
) -> EnterpriseRequest:
    """Move the request: accept, start, wait_for_firm, resume, resolve, reopen (confirm: /rate)."""
    obj = selectors.request_get(user=request.user, pk=request_id)
    services.request_transition(
        actor=request.user,
        enterprise_request=obj,
        transition=payload.transition,
        note=payload.note,
        resolution=payload.resolution,
    )
    return _detail(request, request_id)


@router.post("/requests/{request_id}/rate", response=RequestDetailOut)
def request_rate(request: HttpRequest, request_id: int, payload: RatingIn) -> EnterpriseRequest:
    """The firm confirms the resolution with a 1-5 rating."""
    obj = selectors.request_get(user=request.user, pk=request_id)
    services.request_transition(
        actor=request.user,
        enterprise_request=obj,
        transition=Transition.CONFIRM,
        rating=payload.rating,
        comment=payload.comment,
    )
    return _detail(request, request_id)


# The working-day calendar (system administrator and city admins) ---------------------------


def _require_calendar_editor(request: HttpRequest) -> None:
    if not configures_calendar(access_for(request.user)):
        raise PermissionDenied(
            "Only the system administrator and city admins edit the working-day calendar."
        )


@router.get("/calendar", response=list[CalendarOverrideOut])
def calendar_list(request: HttpRequest, query: Query[CalendarQuery]) -> QuerySet[CalendarOverride]:
    """The holidays and make-up workdays entered over the calendar package (of `year`)."""
    _require_calendar_editor(request)
    return selectors.calendar_overrides(user=request.user, year=query.year)


@router.post("/calendar", response={201: CalendarOverrideOut})
def calendar_set(request: HttpRequest, payload: CalendarOverrideIn) -> Status[CalendarOverride]:
    """Enter a day: 422 naming `date` for a year outside 1990–2100 or a date already entered."""
    _require_calendar_editor(request)
    saved = services.calendar_override_set(
        actor=request.user, date=payload.date, is_workday=payload.is_workday, note=payload.note
    )
    return Status(201, saved)


@router.get("/calendar/years", response=list[CalendarYearOut])
def calendar_year_list(request: HttpRequest) -> QuerySet[CalendarYear]:
    """The years marked complete: their holidays are all entered, their deadlines exact."""
    _require_calendar_editor(request)
    return selectors.calendar_years(user=request.user)


@router.post("/calendar/years", response={201: CalendarYearOut})
def calendar_year_complete(request: HttpRequest, payload: CalendarYearIn) -> Status[CalendarYear]:
    """Mark a year complete: 422 naming `year` for a year the package knows, a year with no
    entry or one already marked, or `notice` when it is empty."""
    _require_calendar_editor(request)
    completed = services.calendar_year_complete(
        actor=request.user, year=payload.year, notice=payload.notice
    )
    return Status(201, completed)


@router.delete("/calendar/years/{year_id}", response={204: None})
def calendar_year_reopen(request: HttpRequest, year_id: int) -> Status[None]:
    """Take back a year's completeness: its deadlines are estimated again."""
    _require_calendar_editor(request)
    completed = selectors.calendar_years(user=request.user).get(pk=year_id)
    services.calendar_year_reopen(actor=request.user, completed=completed)
    return Status(204, None)


@router.delete("/calendar/{override_id}", response={204: None})
def calendar_delete(request: HttpRequest, override_id: int) -> Status[None]:
    """Delete an entry: the calendar package decides that day again."""
    _require_calendar_editor(request)
    override = selectors.calendar_overrides(user=request.user).get(pk=override_id)
    services.calendar_override_delete(actor=request.user, override=override)
    return Status(204, None)
