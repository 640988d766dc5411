"""Writes of a request's life cycle. Every write checks the actor, validates, and is audited.

Public API for other apps (governance action items "tracked like a request" raise a request
for the firm concerned with `channel=Channel.MEETING` and follow it through these):

- `request_raise(*, actor, enterprise, category, title, description, chain=None, channel=...,
  tags=(), now=None)` → EnterpriseRequest (routed, deadline set, department notified)
- `request_transition(*, actor, enterprise_request, transition, note="", resolution="",
  rating=None, comment="", now=None)` → EnterpriseRequest; `request_confirm(...)` for the
  firm's rating
- `request_take`, `request_route`, `request_link`, `request_attach`

The other writes of the app live beside it: `requests.escalation.requests_escalate` (what
`chainlead escalate` runs) and `requests.hotline.hotline_import` (the 12345 export).

Naming: a parameter holding an EnterpriseRequest is `enterprise_request`; `request` is always
the HTTP request, as in the views.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from chainlead.accounts.access import access_for
from chainlead.accounts.choices import Role
from chainlead.accounts.types import Actor, recorded_user
from chainlead.audit.services import record_event
from chainlead.core.exceptions import PermissionDenied
from chainlead.notifications.services import notify
from chainlead.requests import notices
from chainlead.requests.calendar import Deadline, WorkCalendar, package_knows_year
from chainlead.requests.choices import (
    OPEN_STATUSES,
    Category,
    Channel,
    Escalation,
    EventKind,
    Status,
    Transition,
)
from chainlead.requests.constants import (
    CALENDAR_FIRST_YEAR,
    CALENDAR_LAST_YEAR,
    DEFAULT_WORKING_DAYS,
    TRANSITIONS,
)
from chainlead.requests.models import (
    CalendarOverride,
    CalendarYear,
    Department,
    DepartmentMember,
    EnterpriseRequest,
    RequestAttachment,
    RequestEvent,
    RoutingRule,
    Tag,
    TimeLimit,
)
from chainlead.requests.permissions import configures_calendar
from chainlead.requests.selectors import (
    can_attach,
    can_link,
    can_raise_for,
    can_route,
    can_take,
    transition_party_ok,
)

if TYPE_CHECKING:
    from chainlead.chains.models import Chain
    from chainlead.registry.models import Enterprise


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def time_limit_for(category: str) -> int:
    """Working days allowed for `category`: the admin's TimeLimit, else the default."""
    row = TimeLimit.objects.filter(category=category).values_list("working_days", flat=True).first()
    return int(row) if row else DEFAULT_WORKING_DAYS[Category(category)]


def department_for(
    *, category: str, district_id: int | None, chain_id: int | None
) -> Department | None:
    """The department the routing rules send `category` to (most specific rule wins)."""
    rules = RoutingRule.objects.filter(category=category).select_related("department")
    best: tuple[int, RoutingRule] | None = None
    for rule in rules:
        if rule.chain_id is not None and rule.chain_id != chain_id:
            continue
        if rule.district_id is not None and rule.district_id != district_id:
            continue
        score = (2 if rule.chain_id else 0) + (1 if rule.district_id else 0)
        if best is None or score > best[0]:
            best = (score, rule)
    return best[1].department if best else None


def timeline_add(
    enterprise_request: EnterpriseRequest,
    kind: str,
    *,
    actor: Actor,
    at: dt.datetime,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
) -> RequestEvent:
    """Add one line to the request's timeline (the hotline import marks its rows with it)."""
    event = RequestEvent(
        request=enterprise_request,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor=recorded_user(actor),
        at=at,
        note=note,
    )
    event.full_clean()
    event.save()
    return event


def _notify(
    users: Iterable[int], enterprise_request: EnterpriseRequest, kind: str, at: dt.datetime
) -> None:
    """Tell `users` (the kit's notices, kinds in requests/notices.py) about the request."""
    notify(
        users=users,
        kind=kind,
        at=at,
        target=enterprise_request,
        subject=f"{enterprise_request.reference} {enterprise_request.title}",
    )


def _set_deadline(enterprise_request: EnterpriseRequest, deadline: Deadline) -> None:
    enterprise_request.deadline = deadline.date
    enterprise_request.deadline_unknown_years = ",".join(str(y) for y in deadline.unknown_years)


@transaction.atomic
def request_raise(
    *,
    actor: Actor,
    enterprise: Enterprise,
    category: str,
    title: str,
    description: str,
    chain: Chain | int | None = None,
    channel: str = Channel.FIRM_PAGE,
    tags: Sequence[Tag] = (),
    hotline_ticket: str | None = None,
    now: dt.datetime | None = None,
) -> EnterpriseRequest:
    """Raise a request for `enterprise`, route it and start its clock."""
    if not can_raise_for(actor, enterprise.pk):  # callers look it up in scope first (a 404)
        raise PermissionDenied(_("You may not raise a request for this firm."))
    at = _now(now)
    cal = WorkCalendar.load()
    limit = time_limit_for(category)
    chain_id = chain if chain is None or isinstance(chain, int) else chain.pk
    enterprise_request = EnterpriseRequest(
        enterprise=enterprise,
        chain_id=chain_id,
        category=category,
        title=title,
        description=description,
        channel=channel,
        hotline_ticket=hotline_ticket or None,
        raised_by=recorded_user(actor),
        raised_at=at,
        working_days_limit=limit,
        department=department_for(
            category=category, district_id=enterprise.district_id, chain_id=chain_id
        ),
    )
    _set_deadline(enterprise_request, cal.add_working_days(timezone.localdate(at), limit))
    enterprise_request.full_clean()
    enterprise_request.save()
    if tags:
        enterprise_request.tags.set(tags)
    timeline_add(enterprise_request, EventKind.RAISED, actor=actor, at=at, to_status=Status.RAISED)
    department = enterprise_request.department
    if department is not None:
        timeline_add(enterprise_request, EventKind.ROUTED, actor=None, at=at, note=department.name)
        _notify(
            DepartmentMember.objects.filter(department=department).values_list(
                "user_id", flat=True
            ),
            enterprise_request,
            notices.ROUTED,
            at,
        )
    if enterprise_request.chain_id:  # the chain's office hears of every firm's request
        _notify(
            _chain_office_ids(enterprise_request.chain_id, department),
            enterprise_request,
            notices.RAISED,
            at,
        )
    record_event(
        instance=enterprise_request,
        event="request.raised",
        data={
            "channel": channel,
            "department": enterprise_request.department_id,
            "deadline": enterprise_request.deadline,
        },
    )
    return enterprise_request


def _locked(enterprise_request: EnterpriseRequest) -> EnterpriseRequest:
    return (
        EnterpriseRequest.objects.select_for_update(of=("self",))
        .select_related("department")
        .get(pk=enterprise_request.pk)
    )


@transaction.atomic
def request_transition(
    *,
    actor: Actor,
    enterprise_request: EnterpriseRequest,
    transition: str,
    note: str = "",
    resolution: str = "",
    rating: int | None = None,
    comment: str = "",
    now: dt.datetime | None = None,
) -> EnterpriseRequest:
    """Apply one step of the life cycle, if the request is in a source state and the actor is
    the allowed party; timestamped on the timeline and in the audit log."""
    try:
        name = Transition(transition)
    except ValueError as exc:
        raise ValidationError(_("Unknown transition.")) from exc
    rule = TRANSITIONS[name]
    current = _locked(
        enterprise_request
    )  # two officials pressing at once: the second sees the new state
    # Who first, then when: a party that may never make this move (an auditor rating) is
    # refused whatever the state, so the answer says nothing about the life cycle.
    if not transition_party_ok(actor, current, rule.parties):
        raise PermissionDenied(_("You may not %(action)s this request.") % {"action": name.label})
    if current.status not in rule.sources:
        raise ValidationError(
            _("A request that is %(status)s cannot be moved by “%(action)s”.")
            % {"status": current.get_status_display(), "action": name.label}
        )
    at = _now(now)
    today = timezone.localdate(at)
    cal = WorkCalendar.load()
    before = current.status
    if name == Transition.ACCEPT:
        current.accepted_at = at
    elif name == Transition.WAIT_FOR_FIRM:
        current.paused_on = today
    elif name == Transition.RESUME:
        paused = cal.working_days_between(current.paused_on or today, today)
        current.paused_working_days += paused
        current.paused_on = None
        if paused:
            _set_deadline(current, cal.add_working_days(current.deadline, paused))
            if current.leader_deadline:
                current.leader_deadline = cal.add_working_days(current.leader_deadline, paused).date
    elif name == Transition.RESOLVE:
        if not resolution.strip():
            raise ValidationError({"resolution": _("Say how the request was resolved.")})
        current.resolution = resolution.strip()
        current.resolved_at = at
        current.days_to_close = max(
            0,
            cal.working_days_between(timezone.localdate(current.raised_at), today)
            - current.paused_working_days,
        )
    elif name == Transition.CONFIRM:
        if rating is None or not 1 <= int(rating) <= 5:
            raise ValidationError({"rating": _("Rate the resolution from 1 to 5.")})
        current.rating = int(rating)
        current.rating_comment = comment.strip()
        current.confirmed_at = at
    elif name == Transition.REOPEN:
        if not (note or comment).strip():
            raise ValidationError({"note": _("Say why the resolution does not solve the problem.")})
        # A rejected resolution is a new lapse: a fresh time limit from today, escalation anew.
        current.reopen_count += 1
        current.resolved_at = None
        current.days_to_close = None
        _set_deadline(current, cal.add_working_days(today, current.working_days_limit))
        current.escalation_level = Escalation.NONE
        current.escalated_at = None
        current.leader_deadline = None
        current.leader_escalated_at = None
    current.status = rule.target
    current.version = F("version") + 1
    current.full_clean(exclude=["version"])
    current.save()
    current.refresh_from_db()
    text = (note or comment or resolution).strip()
    timeline_add(
        current,
        name.value,
        actor=actor,
        at=at,
        from_status=before,
        to_status=current.status,
        note=text,
    )
    record_event(
        instance=current,
        event=f"request.{name.value}",
        message=text,
        data={"from": before, "to": current.status, "rating": current.rating},
    )
    if name == Transition.RESOLVE:
        _resolve_children(current, actor=actor, at=at, cal=cal)
        _notify(_firm_user_ids(current), current, notices.RESOLVED, at)
    elif name == Transition.WAIT_FOR_FIRM:
        _notify(_firm_user_ids(current), current, notices.WAITING_FIRM, at)
    elif name == Transition.REOPEN and current.department_id:
        _notify(
            DepartmentMember.objects.filter(department_id=current.department_id).values_list(
                "user_id", flat=True
            ),
            current,
            notices.REOPENED,
            at,
        )
    return current


def _chain_office_ids(chain_id: int, department: Department | None) -> list[int]:
    """The chain's task force, but those who hear of it already as the department's people."""
    from chainlead.accounts.models import RoleGrant

    told = set(
        DepartmentMember.objects.filter(department=department).values_list("user_id", flat=True)
        if department is not None
        else []
    )
    office = RoleGrant.objects.filter(role=Role.TASK_FORCE, chain_id=chain_id).values_list(
        "user_id", flat=True
    )
    return [u for u in office if u not in told]


def _firm_user_ids(enterprise_request: EnterpriseRequest) -> list[int]:
    from chainlead.accounts.models import RoleGrant

    return list(
        RoleGrant.objects.filter(
            role=Role.ENTERPRISE, enterprise_id=enterprise_request.enterprise_id
        ).values_list("user_id", flat=True)
    )


def _resolve_children(
    parent: EnterpriseRequest, *, actor: Actor, at: dt.datetime, cal: WorkCalendar
) -> None:
    """The same problem raised by other firms is solved once: resolve the linked requests."""
    today = timezone.localdate(at)
    for child in parent.children.select_for_update().filter(status__in=OPEN_STATUSES):
        before = child.status
        child.status = Status.RESOLVED
        child.resolution = parent.resolution
        child.resolved_at = at
        child.paused_on = None
        child.days_to_close = max(
            0,
            cal.working_days_between(timezone.localdate(child.raised_at), today)
            - child.paused_working_days,
        )
        child.save()
        timeline_add(
            child,
            EventKind.RESOLVE,
            actor=actor,
            at=at,
            from_status=before,
            to_status=Status.RESOLVED,
            note=_("Resolved with %(parent)s.") % {"parent": parent.reference},
        )
        _notify(_firm_user_ids(child), child, notices.RESOLVED, at)


@transaction.atomic
def request_confirm(
    *,
    actor: Actor,
    enterprise_request: EnterpriseRequest,
    rating: int,
    comment: str = "",
    now: dt.datetime | None = None,
) -> EnterpriseRequest:
    """The firm accepts the resolution and rates it 1-5."""
    return request_transition(
        actor=actor,
        enterprise_request=enterprise_request,
        transition=Transition.CONFIRM,
        rating=rating,
        comment=comment,
        now=now,
    )


@transaction.atomic
def request_take(
    *, actor: Actor, enterprise_request: EnterpriseRequest, now: dt.datetime | None = None
) -> EnterpriseRequest:
    """The chain leader takes the request directly (it stops climbing; they now handle it)."""
    current = _locked(enterprise_request)
    if not can_take(actor, current):
        raise PermissionDenied(_("Only the chain's leader may take this request."))
    at = _now(now)
    current.escalation_level = Escalation.CHAIN_LEADER
    current.leader_escalated_at = at
    current.taken_by = recorded_user(actor)
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    timeline_add(current, EventKind.TAKEN, actor=actor, at=at)
    record_event(instance=current, event="request.taken")
    return current


@transaction.atomic
def request_route(
    *,
    actor: Actor,
    enterprise_request: EnterpriseRequest,
    department: Department,
    now: dt.datetime | None = None,
) -> EnterpriseRequest:
    """Send the request to another department (before work has started)."""
    current = _locked(enterprise_request)
    if not can_route(actor, current):
        raise PermissionDenied(_("You may not route this request."))
    at = _now(now)
    current.department = department
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    timeline_add(current, EventKind.ROUTED, actor=actor, at=at, note=department.name)
    record_event(instance=current, event="request.routed", data={"department": department.pk})
    _notify(department.members.values_list("user_id", flat=True), current, notices.ROUTED, at)
    return current


@transaction.atomic
def request_link(
    *,
    actor: Actor,
    enterprise_request: EnterpriseRequest,
    parent: EnterpriseRequest | None,
    now: dt.datetime | None = None,
) -> EnterpriseRequest:
    """Mark `request` as the same problem as `parent` (solved and counted once), or unlink."""
    current = _locked(enterprise_request)
    if not can_link(actor, current):
        raise PermissionDenied(_("You may not link this request."))
    if parent is not None:
        if parent.pk == current.pk:
            raise ValidationError({"parent": _("A request cannot be its own parent.")})
        if parent.parent_id is not None:
            raise ValidationError({"parent": _("Link to the first request of the problem.")})
        if current.children.exists():
            raise ValidationError({"parent": _("Other requests are linked to this one.")})
    at = _now(now)
    current.parent = parent
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    timeline_add(
        current,
        EventKind.LINKED,
        actor=actor,
        at=at,
        note=parent.reference if parent is not None else "",
    )
    record_event(
        instance=current,
        event="request.linked",
        data={"parent": parent.pk if parent is not None else None},
    )
    return current


@transaction.atomic
def request_attach(
    *,
    actor: Actor,
    enterprise_request: EnterpriseRequest,
    file: File[bytes],
    now: dt.datetime | None = None,
) -> RequestAttachment:
    """Attach a file (size and type checked by the model's validator)."""
    if not can_attach(actor, enterprise_request):
        raise PermissionDenied(_("You may not attach files to this request."))
    attachment = RequestAttachment(
        request=enterprise_request,
        file=file,
        name=(file.name or "file")[:200],
        size=file.size or 0,
        uploaded_by=recorded_user(actor),
    )
    attachment.full_clean()
    attachment.save()
    timeline_add(
        enterprise_request, EventKind.ATTACHED, actor=actor, at=_now(now), note=attachment.name
    )
    return attachment


# The working-day calendar -------------------------------------------------------------------


def _check_calendar_editor(actor: Actor) -> None:
    if not configures_calendar(access_for(actor)):
        raise PermissionDenied(
            _("Only the system administrator and city admins edit the working-day calendar.")
        )


def calendar_override_set(
    *, actor: Actor, date: dt.date, is_workday: bool, note: str = ""
) -> CalendarOverride:
    """Declare `date` a working day (a make-up workday, 调休) or a day off (a public holiday),
    over what the calendar package says: a correction, or a year it does not know yet.

    Deadlines computed from then on count it (requests already raised keep theirs). Refused,
    changing nothing: an actor who does not edit the calendar (403), a date outside
    CALENDAR_FIRST_YEAR–CALENDAR_LAST_YEAR, a date that already has an override (delete it
    first), a note over 200 characters. Audited: the model is in the app's `audited`."""
    _check_calendar_editor(actor)
    if not CALENDAR_FIRST_YEAR <= date.year <= CALENDAR_LAST_YEAR:
        raise ValidationError(
            {
                "date": _(
                    "The date must fall in the years %(first)d to %(last)d (%(date)s does not)."
                )
                % {"first": CALENDAR_FIRST_YEAR, "last": CALENDAR_LAST_YEAR, "date": date}
            },
            code="out_of_range",
        )
    duplicate = ValidationError(
        {
            "date": _("The date %(date)s already has an override; delete it first to change it.")
            % {"date": date}
        },
        code="unique",
    )
    if CalendarOverride.objects.filter(date=date).exists():
        raise duplicate
    override = CalendarOverride(date=date, is_workday=is_workday, note=note)
    override.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            override.save()
    except IntegrityError as exc:  # the same date added at the same moment
        raise duplicate from exc
    return override


def calendar_override_delete(*, actor: Actor, override: CalendarOverride) -> None:
    """Remove an override: the calendar package decides that day again. Audited."""
    _check_calendar_editor(actor)
    override.delete()


def calendar_year_complete(*, actor: Actor, year: int, notice: str) -> CalendarYear:
    """Mark `year` complete: all its public holidays and make-up workdays are entered as
    overrides, from the State Council's `notice` (e.g. 国办发明电〔2026〕7号). Deadlines computed
    from then on count it as known and are no longer marked estimated.

    Refused, changing nothing: an actor who does not edit the calendar (403); a year outside
    the calendar's range; a year the calendar package already knows; a year with no entry yet;
    a year already marked; no notice. Audited."""
    _check_calendar_editor(actor)
    notice = notice.strip()
    problem = ""
    if not CALENDAR_FIRST_YEAR <= year <= CALENDAR_LAST_YEAR:
        problem = _("The year must be between %(first)d and %(last)d.") % {
            "first": CALENDAR_FIRST_YEAR,
            "last": CALENDAR_LAST_YEAR,
        }
    elif package_knows_year(year):
        problem = _("The calendar package already knows %(year)d's holidays.") % {"year": year}
    elif not CalendarOverride.objects.filter(date__year=year).exists():
        problem = _("Enter %(year)d's holidays and make-up workdays first.") % {"year": year}
    elif CalendarYear.objects.filter(year=year).exists():
        problem = _("%(year)d is already marked complete.") % {"year": year}
    if problem:
        raise ValidationError({"year": problem}, code="invalid")
    if not notice:
        raise ValidationError(
            {"notice": _("Name the notice the holidays were entered from.")}, code="required"
        )
    completed = CalendarYear(year=year, notice=notice)
    completed.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            completed.save()
    except IntegrityError as exc:  # marked by someone else at the same moment
        raise ValidationError(
            {"year": _("%(year)d is already marked complete.") % {"year": year}}, code="unique"
        ) from exc
    return completed


def calendar_year_reopen(*, actor: Actor, completed: CalendarYear) -> None:
    """Take back a year's completeness: its deadlines are estimated again until it is marked
    complete once more. Audited."""
    _check_calendar_editor(actor)
    completed.delete()
