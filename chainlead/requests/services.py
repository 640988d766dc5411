"""Writes of the requests app. Every write checks the actor, validates, and is audited.

Public API for other apps (governance action items "tracked like a request" raise a request
for the firm concerned with `channel=Channel.MEETING` and follow it through these):

- `request_raise(*, actor, enterprise, category, title, description, chain=None, channel=...,
  tags=(), now=None)` → EnterpriseRequest (routed, deadline set, department notified)
- `request_transition(*, actor, request, transition, note="", resolution="", rating=None,
  comment="", now=None)` → EnterpriseRequest; `request_confirm(...)` for the firm's rating
- `request_take`, `request_route`, `request_link`, `request_attach`
- `requests_escalate(*, now=None)` → EscalationResult (what `chainlead escalate` runs)
- `hotline_import(*, actor, data, now=None)` → HotlineImportResult
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import CharField, DateTimeField, F, IntegerField, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from chainlead.accounts.access import access_for
from chainlead.accounts.choices import Role
from chainlead.audit import context as audit_context
from chainlead.audit.models import AuditAction, AuditEntry
from chainlead.audit.services import record_event
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.models import DataVersion
from chainlead.requests.calendar import Deadline, WorkCalendar
from chainlead.requests.choices import (
    CLOCK_STATUSES,
    OPEN_STATUSES,
    Category,
    Channel,
    Escalation,
    EventKind,
    NotificationKind,
    Status,
    Transition,
)
from chainlead.requests.constants import (
    DEFAULT_WORKING_DAYS,
    HOTLINE_MAX_ROWS,
    LEADER_ESCALATION_WORKING_DAYS,
    REQUESTS_DATA,
)
from chainlead.requests.models import (
    Department,
    DepartmentMember,
    EnterpriseRequest,
    Notification,
    RequestAttachment,
    RequestEvent,
    RoutingRule,
    Tag,
    TimeLimit,
)
from chainlead.requests.permissions import rates_request
from chainlead.requests.selectors import (
    can_attach,
    can_link,
    can_raise_for,
    can_route,
    can_take,
    is_firm_side,
    is_handler,
)

HANDLER = "handler"
FIRM = "firm"
FIRM_USER = "firm user"  # the firm's own users only (not the commissioner who raised it)


@dataclass(frozen=True)
class TransitionRule:
    sources: tuple[Status, ...]
    target: Status
    parties: frozenset[str]


# The life cycle (issue 3 item 5). Nothing else moves a request: no skipping, and only the
# named party may act (handler = the department, the chain's task force, the city admin, or the
# chain leader once it reached them; firm = the firm's users or the commissioner who raised it;
# firm user = the firm's users alone: only they rate, issue 9 item 1).
TRANSITIONS: dict[Transition, TransitionRule] = {
    Transition.ACCEPT: TransitionRule((Status.RAISED,), Status.ACCEPTED, frozenset({HANDLER})),
    Transition.START: TransitionRule((Status.ACCEPTED,), Status.IN_PROGRESS, frozenset({HANDLER})),
    Transition.WAIT_FOR_FIRM: TransitionRule(
        (Status.IN_PROGRESS,), Status.WAITING_FIRM, frozenset({HANDLER})
    ),
    Transition.RESUME: TransitionRule(
        (Status.WAITING_FIRM,), Status.IN_PROGRESS, frozenset({HANDLER, FIRM})
    ),
    Transition.RESOLVE: TransitionRule(
        (Status.IN_PROGRESS,), Status.RESOLVED, frozenset({HANDLER})
    ),
    Transition.CONFIRM: TransitionRule(
        (Status.RESOLVED,), Status.CONFIRMED, frozenset({FIRM_USER})
    ),
    Transition.REOPEN: TransitionRule((Status.RESOLVED,), Status.IN_PROGRESS, frozenset({FIRM})),
}


def transition_party_ok(user: Any, request: EnterpriseRequest, parties: frozenset[str]) -> bool:
    return (
        (HANDLER in parties and is_handler(user, request))
        or (FIRM in parties and is_firm_side(user, request))
        or (FIRM_USER in parties and rates_request(access_for(user), request.enterprise_id))
    )


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


def _event(
    request: EnterpriseRequest,
    kind: str,
    *,
    actor: Any,
    at: dt.datetime,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
) -> RequestEvent:
    event = RequestEvent(
        request=request,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor=actor if getattr(actor, "pk", None) else None,
        at=at,
        note=note,
    )
    event.full_clean()
    event.save()
    return event


def _notify(users: Iterable[int], request: EnterpriseRequest, kind: str, at: dt.datetime) -> None:
    Notification.objects.bulk_create(
        Notification(
            user_id=u, request=request, kind=kind, message=request.title[:300], created_at=at
        )
        for u in set(users)
    )


def _set_deadline(request: EnterpriseRequest, deadline: Deadline) -> None:
    request.deadline = deadline.date
    request.deadline_unknown_years = ",".join(str(y) for y in deadline.unknown_years)


@transaction.atomic
def request_raise(
    *,
    actor: Any,
    enterprise: Any,
    category: str,
    title: str,
    description: str,
    chain: Any = None,
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
    chain_id = getattr(chain, "pk", chain)
    request = EnterpriseRequest(
        enterprise=enterprise,
        chain_id=chain_id,
        category=category,
        title=title,
        description=description,
        channel=channel,
        hotline_ticket=hotline_ticket or None,
        raised_by=actor if getattr(actor, "pk", None) else None,
        raised_at=at,
        working_days_limit=limit,
        department=department_for(
            category=category, district_id=enterprise.district_id, chain_id=chain_id
        ),
    )
    _set_deadline(request, cal.add_working_days(timezone.localdate(at), limit))
    request.full_clean()
    request.save()
    if tags:
        request.tags.set(tags)
    _event(request, EventKind.RAISED, actor=actor, at=at, to_status=Status.RAISED)
    if request.department_id:
        _event(request, EventKind.ROUTED, actor=None, at=at, note=request.department.name)
        _notify(
            DepartmentMember.objects.filter(department_id=request.department_id).values_list(
                "user_id", flat=True
            ),
            request,
            NotificationKind.ROUTED,
            at,
        )
    record_event(
        instance=request,
        event="request.raised",
        data={
            "channel": channel,
            "department": request.department_id,
            "deadline": request.deadline,
        },
    )
    return request


def _locked(request: EnterpriseRequest) -> EnterpriseRequest:
    return (
        EnterpriseRequest.objects.select_for_update(of=("self",))
        .select_related("department")
        .get(pk=request.pk)
    )


@transaction.atomic
def request_transition(
    *,
    actor: Any,
    request: EnterpriseRequest,
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
    current = _locked(request)  # two officials pressing at once: the second sees the new state
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
    _event(
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
        _notify(_firm_user_ids(current), current, NotificationKind.RESOLVED, at)
    elif name == Transition.REOPEN and current.department_id:
        _notify(
            DepartmentMember.objects.filter(department_id=current.department_id).values_list(
                "user_id", flat=True
            ),
            current,
            NotificationKind.REOPENED,
            at,
        )
    return current


def _firm_user_ids(request: EnterpriseRequest) -> list[int]:
    from chainlead.accounts.models import RoleGrant

    return list(
        RoleGrant.objects.filter(
            role=Role.ENTERPRISE, enterprise_id=request.enterprise_id
        ).values_list("user_id", flat=True)
    )


def _resolve_children(
    parent: EnterpriseRequest, *, actor: Any, at: dt.datetime, cal: WorkCalendar
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
        _event(
            child,
            EventKind.RESOLVE,
            actor=actor,
            at=at,
            from_status=before,
            to_status=Status.RESOLVED,
            note=_("Resolved with %(parent)s.") % {"parent": parent.reference},
        )
        _notify(_firm_user_ids(child), child, NotificationKind.RESOLVED, at)


@transaction.atomic
def request_confirm(
    *,
    actor: Any,
    request: EnterpriseRequest,
    rating: int,
    comment: str = "",
    now: dt.datetime | None = None,
) -> EnterpriseRequest:
    """The firm accepts the resolution and rates it 1-5."""
    return request_transition(
        actor=actor,
        request=request,
        transition=Transition.CONFIRM,
        rating=rating,
        comment=comment,
        now=now,
    )


@transaction.atomic
def request_take(
    *, actor: Any, request: EnterpriseRequest, now: dt.datetime | None = None
) -> EnterpriseRequest:
    """The chain leader takes the request directly (it stops climbing; they now handle it)."""
    current = _locked(request)
    if not can_take(actor, current):
        raise PermissionDenied(_("Only the chain's leader may take this request."))
    at = _now(now)
    current.escalation_level = Escalation.CHAIN_LEADER
    current.leader_escalated_at = at
    current.taken_by = actor
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    _event(current, EventKind.TAKEN, actor=actor, at=at)
    record_event(instance=current, event="request.taken")
    return current


@transaction.atomic
def request_route(
    *,
    actor: Any,
    request: EnterpriseRequest,
    department: Department,
    now: dt.datetime | None = None,
) -> EnterpriseRequest:
    """Send the request to another department (before work has started)."""
    current = _locked(request)
    if not can_route(actor, current):
        raise PermissionDenied(_("You may not route this request."))
    at = _now(now)
    current.department = department
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    _event(current, EventKind.ROUTED, actor=actor, at=at, note=department.name)
    record_event(instance=current, event="request.routed", data={"department": department.pk})
    _notify(
        department.members.values_list("user_id", flat=True), current, NotificationKind.ROUTED, at
    )
    return current


@transaction.atomic
def request_link(
    *,
    actor: Any,
    request: EnterpriseRequest,
    parent: EnterpriseRequest | None,
    now: dt.datetime | None = None,
) -> EnterpriseRequest:
    """Mark `request` as the same problem as `parent` (solved and counted once), or unlink."""
    current = _locked(request)
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
    _event(
        current,
        EventKind.LINKED,
        actor=actor,
        at=at,
        note=parent.reference if parent is not None else "",
    )
    record_event(
        instance=current, event="request.linked", data={"parent": getattr(parent, "pk", None)}
    )
    return current


@transaction.atomic
def request_attach(
    *, actor: Any, request: EnterpriseRequest, file: Any, now: dt.datetime | None = None
) -> RequestAttachment:
    """Attach a file (size and type checked by the model's validator)."""
    if not can_attach(actor, request):
        raise PermissionDenied(_("You may not attach files to this request."))
    attachment = RequestAttachment(
        request=request,
        file=file,
        name=(getattr(file, "name", "") or "file")[:200],
        size=getattr(file, "size", 0) or 0,
        uploaded_by=actor,
    )
    attachment.full_clean()
    attachment.save()
    _event(request, EventKind.ATTACHED, actor=actor, at=_now(now), note=attachment.name)
    return attachment


@transaction.atomic
def notifications_mark_read(
    *, actor: Any, ids: Sequence[int] | None = None, now: dt.datetime | None = None
) -> int:
    """Mark the actor's notifications (all, or `ids`) as read; returns how many."""
    qs = Notification.objects.filter(user_id=actor.pk, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=_now(now))


# --- escalation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EscalationResult:
    to_task_force: int
    to_chain_leader: int
    notifications: int
    run: str


def _insert_select(model: type[Any], columns: Sequence[str], qs: QuerySet[Any]) -> int:
    """INSERT INTO model (columns) SELECT …: one statement whatever the number of rows.

    `qs` must select exactly `columns`, in order, as annotations named c0, c1, …
    """
    sql, params = qs.order_by().query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({cols}) {sql}", params)
        return int(cursor.rowcount)


def _annotated(qs: QuerySet[Any], values: Sequence[Any]) -> QuerySet[Any]:
    names = [f"c{i}" for i in range(len(values))]
    return qs.annotate(**dict(zip(names, values, strict=True))).values(*names)


def _escalation_inserts(run: str, level: int, at: dt.datetime) -> int:
    """Timeline rows, audit entries and notifications for the rows escalated by `run`."""
    from django.contrib.contenttypes.models import ContentType

    from chainlead.accounts.models import RoleGrant

    rows = EnterpriseRequest.objects.filter(escalation_run=run)
    kind = EventKind.ESCALATED_TASK_FORCE if level == 1 else EventKind.ESCALATED_LEADER
    when = Value(at, output_field=DateTimeField())
    _insert_select(
        RequestEvent,
        ["request", "kind", "from_status", "to_status", "at", "note"],
        _annotated(
            rows,
            [F("pk"), Value(kind), Value(""), Value(""), when, Value("")],
        ),
    )
    ctx = audit_context.current()
    actor_label = ctx.actor.get_username() if ctx.actor is not None else "system"
    _insert_select(
        AuditEntry,
        [
            "timestamp",
            "actor_label",
            "source",
            "remote_addr",
            "request_id",
            "action",
            "event",
            "content_type",
            "object_id",
            "object_repr",
            "message",
        ],
        _annotated(
            rows,
            [
                when,
                Value(actor_label[:150]),
                Value(ctx.source),
                Value(ctx.remote_addr),
                Value(ctx.request_id),
                Value(AuditAction.EVENT.value),
                Value(f"request.{kind}"),
                Value(ContentType.objects.get_for_model(EnterpriseRequest).pk, IntegerField()),
                Cast("pk", CharField(max_length=64)),
                F("title"),
                Value(""),
            ],
        ),
    )
    # Who hears of it: the chain's task force (level 1) or leader (level 2); the city admins
    # when the request names no chain.
    role = Role.TASK_FORCE if level == 1 else Role.CHAIN_LEADER
    columns = ["user", "request", "kind", "message", "created_at"]
    notified = 0
    with_chain = (
        RoleGrant.objects.filter(role=role, chain__requests__escalation_run=run)
        .values("user_id", "chain__requests__id")
        .distinct()
    )
    notified += _insert_select(
        Notification,
        columns,
        _annotated(
            with_chain,
            [
                F("user_id"),
                F("chain__requests__id"),
                Value(NotificationKind.ESCALATED.value),
                F("chain__requests__title"),
                when,
            ],
        ).distinct(),
    )
    admins = RoleGrant.objects.filter(role=Role.CITY_ADMIN).values("user_id").distinct()
    if admins.exists():
        orphan_qs = rows.filter(chain__isnull=True)
        admin_ids = list(admins.values_list("user_id", flat=True))
        for user_id in admin_ids:  # a handful of admins, each one INSERT … SELECT
            notified += _insert_select(
                Notification,
                columns,
                _annotated(
                    orphan_qs,
                    [
                        Value(user_id, IntegerField()),
                        F("pk"),
                        Value(NotificationKind.ESCALATED.value),
                        F("title"),
                        when,
                    ],
                ),
            )
    return notified


def requests_escalate(*, now: dt.datetime | None = None) -> EscalationResult:
    """Escalate overdue requests, set-based and idempotent.

    An open request (clock running, not linked to a parent) whose deadline has passed climbs to
    the task force and gets a second limit (LEADER_ESCALATION_WORKING_DAYS); one still open past
    that climbs to the chain leader. Each step is one UPDATE guarded by the current level, so a
    second run on the same day finds nothing to do: one lapse, one escalation.
    """
    at = _now(now)
    today = timezone.localdate(at)
    cal = WorkCalendar.load()
    leader_deadline = cal.add_working_days(today, LEADER_ESCALATION_WORKING_DAYS).date
    run = uuid.uuid4().hex[:24]
    run1, run2 = f"{run}-1", f"{run}-2"
    with transaction.atomic():
        running = EnterpriseRequest.objects.filter(parent__isnull=True, status__in=CLOCK_STATUSES)
        n1 = running.filter(escalation_level=Escalation.NONE, deadline__lt=today).update(
            escalation_level=Escalation.TASK_FORCE,
            escalated_at=at,
            leader_deadline=leader_deadline,
            escalation_run=run1,
        )
        n2 = running.filter(
            escalation_level=Escalation.TASK_FORCE, leader_deadline__lt=today
        ).update(
            escalation_level=Escalation.CHAIN_LEADER,
            leader_escalated_at=at,
            escalation_run=run2,
        )
        notified = 0
        if n1:
            notified += _escalation_inserts(run1, 1, at)
        if n2:
            notified += _escalation_inserts(run2, 2, at)
        if n1 or n2:  # set-based updates send no signals: invalidate cached lists here
            DataVersion.bump(REQUESTS_DATA)
    return EscalationResult(n1, n2, notified, run)


# --- the 12345 hotline export ----------------------------------------------------------------

# Header aliases: the hotline system exports Chinese headers; English ones are accepted too.
HOTLINE_HEADERS = {
    "ticket": ("ticket", "ticket_no", "工单编号", "工单号"),
    "received_at": ("received_at", "受理时间", "来电时间"),
    "credit_code": ("credit_code", "统一社会信用代码"),
    "enterprise_name": ("enterprise_name", "企业名称"),
    "category": ("category", "诉求类别", "问题分类"),
    "title": ("title", "标题", "诉求标题"),
    "description": ("description", "诉求内容", "内容"),
    "tags": ("tags", "标签"),
}
HOTLINE_REQUIRED = ("ticket", "received_at", "category", "title", "description")
CATEGORY_ALIASES = {
    "行政审批": Category.PERMITS,
    "证照审批": Category.PERMITS,
    "审批许可": Category.PERMITS,
    "人才住房": Category.TALENT_HOUSING,
    "人才和住房": Category.TALENT_HOUSING,
    "融资": Category.FINANCE,
    "金融": Category.FINANCE,
    "用地用房": Category.LAND_SPACE,
    "用地和空间": Category.LAND_SPACE,
    "供应链": Category.SUPPLY_CHAIN,
    "产业链供应链": Category.SUPPLY_CHAIN,
    "市场准入": Category.MARKET_ACCESS,
    "市场拓展": Category.MARKET_ACCESS,
    "日常经营": Category.DAILY_OPERATIONS,
    "生产经营": Category.DAILY_OPERATIONS,
    "其他": Category.OTHER,
}


@dataclass
class HotlineImportResult:
    created: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _parse_category(value: str) -> str | None:
    value = value.strip()
    if value in Category.values:
        return value
    return CATEGORY_ALIASES.get(value)


def _parse_received(value: str) -> dt.datetime | None:
    value = value.strip().replace("/", "-")
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
        if day is None:
            return None
        parsed = dt.datetime.combine(day, dt.time(9, 0))
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def hotline_import(
    *, actor: Any, data: bytes | str, now: dt.datetime | None = None
) -> HotlineImportResult:
    """Import a CSV exported from the 12345 hotline: all rows or none.

    Errors read `row N, field F: reason`, N the row number a spreadsheet shows (the header is
    row 1, the first record row 2), as in the enterprise import.
    A ticket number already in the pool is skipped, so a re-import changes nothing.
    """
    from chainlead.registry.models import Enterprise

    if not access_for_admin(actor):
        raise PermissionDenied(_("Only city admins import hotline records."))
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    result = HotlineImportResult()
    headers = {h.strip(): h for h in (reader.fieldnames or [])}
    column: dict[str, str] = {}
    for key, aliases in HOTLINE_HEADERS.items():
        for alias in aliases:
            if alias in headers:
                column[key] = headers[alias]
                break
    for key in HOTLINE_REQUIRED:
        if key not in column:
            result.errors.append(f"row 1, field {key}: " + _("missing column"))
    if "credit_code" not in column and "enterprise_name" not in column:
        result.errors.append("row 1, field credit_code: " + _("missing column"))
    if result.errors:
        return result
    parsed: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, raw in enumerate(reader, start=2):
        if n - 1 > HOTLINE_MAX_ROWS:
            result.errors.append(f"row {n}, field ticket: " + _("too many rows"))
            break
        row = {k: (raw.get(c) or "").strip() for k, c in column.items()}

        def err(name: str, reason: str, n: int = n) -> None:
            result.errors.append(f"row {n}, field {name}: {reason}")

        for key in HOTLINE_REQUIRED:
            if not row.get(key):
                err(key, _("required"))
        ticket = row.get("ticket", "")
        if ticket in seen:
            err("ticket", _("duplicate ticket number in the file"))
        seen.add(ticket)
        category = _parse_category(row.get("category", ""))
        if row.get("category") and category is None:
            err("category", _("unknown category “%(v)s”") % {"v": row["category"]})
        received = _parse_received(row.get("received_at", "")) if row.get("received_at") else None
        if row.get("received_at") and received is None:
            err("received_at", _("not a date or date-time"))
        enterprise = None
        if row.get("credit_code"):
            enterprise = Enterprise.objects.filter(credit_code=row["credit_code"].upper()).first()
            if enterprise is None:
                err("credit_code", _("no firm with this credit code"))
        elif row.get("enterprise_name"):
            matches = list(Enterprise.objects.filter(name=row["enterprise_name"])[:2])
            if len(matches) != 1:
                err(
                    "enterprise_name",
                    _("no firm with this name")
                    if not matches
                    else _("several firms have this name"),
                )
            else:
                enterprise = matches[0]
        else:
            err("credit_code", _("required"))
        if len(row.get("title", "")) > 200:
            err("title", _("longer than 200 characters"))
        parsed.append(
            {
                "ticket": ticket,
                "received": received,
                "category": category,
                "enterprise": enterprise,
                "title": row.get("title", ""),
                "description": row.get("description", ""),
                "tags": [
                    t.strip()
                    for t in row.get("tags", "").replace("；", ";").split(";")
                    if t.strip()
                ],
            }
        )
    if result.errors:
        return result
    existing = set(
        EnterpriseRequest.objects.filter(
            hotline_ticket__in=[p["ticket"] for p in parsed]
        ).values_list("hotline_ticket", flat=True)
    )
    with transaction.atomic():
        for item in parsed:
            if item["ticket"] in existing:
                result.skipped += 1
                continue
            tags = [Tag.objects.get_or_create(name=name[:50])[0] for name in item["tags"]]
            request = request_raise(
                actor=actor,
                enterprise=item["enterprise"],
                category=item["category"],
                title=item["title"],
                description=item["description"],
                channel=Channel.HOTLINE_12345,
                tags=tags,
                hotline_ticket=item["ticket"],
                now=item["received"],
            )
            _event(request, EventKind.IMPORTED, actor=actor, at=_now(now), note=item["ticket"])
            result.created += 1
    return result


def access_for_admin(actor: Any) -> bool:
    return access_for(actor).is_admin
