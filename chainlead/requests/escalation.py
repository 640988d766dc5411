"""Escalation of overdue requests: set-based, idempotent, what `chainlead escalate` runs."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import DateTimeField, F, IntegerField, Value
from django.utils import timezone

from chainlead.accounts.choices import Role
from chainlead.audit.services import record_events_select
from chainlead.core.db import insert_select, select_columns
from chainlead.core.models import DataVersion
from chainlead.notifications.services import notify_select
from chainlead.requests import notices
from chainlead.requests.calendar import WorkCalendar
from chainlead.requests.choices import (
    CLOCK_STATUSES,
    Escalation,
    EventKind,
)
from chainlead.requests.constants import LEADER_ESCALATION_WORKING_DAYS, REQUESTS_DATA
from chainlead.requests.models import EnterpriseRequest, RequestEvent


@dataclass(frozen=True)
class EscalationResult:
    to_task_force: int
    to_chain_leader: int
    notifications: int
    run: str


def _escalation_inserts(run: str, level: int, at: dt.datetime) -> int:
    """Timeline rows, audit entries and notifications for the rows escalated by `run`."""
    from chainlead.accounts.models import RoleGrant

    rows = EnterpriseRequest.objects.filter(escalation_run=run)
    kind = EventKind.ESCALATED_TASK_FORCE if level == 1 else EventKind.ESCALATED_LEADER
    when = Value(at, output_field=DateTimeField())
    insert_select(
        RequestEvent,
        ["request", "kind", "from_status", "to_status", "at", "note"],
        select_columns(
            rows,
            [F("pk"), Value(kind), Value(""), Value(""), when, Value("")],
        ),
    )
    record_events_select(rows=rows, event=f"request.{kind}", at=at, object_repr=F("title"))
    # Who hears of it: the chain's task force (level 1) or leader (level 2); the city admins
    # when the request names no chain. One INSERT … SELECT each (chainlead.notifications).
    role = Role.TASK_FORCE if level == 1 else Role.CHAIN_LEADER
    with_chain = RoleGrant.objects.filter(role=role, chain__requests__escalation_run=run)
    notified = notify_select(
        rows=with_chain,
        user=F("user_id"),
        target=F("chain__requests__id"),
        subject=F("chain__requests__title"),
        kind=notices.ESCALATED,
        target_model=EnterpriseRequest,
        url_name="requests:request_detail",
        at=at,
    )
    admins = RoleGrant.objects.filter(role=Role.CITY_ADMIN).values("user_id").distinct()
    if admins.exists():
        orphan_qs = rows.filter(chain__isnull=True)
        admin_ids = list(admins.values_list("user_id", flat=True))
        for user_id in admin_ids:  # a handful of admins, each one INSERT … SELECT
            notified += notify_select(
                rows=orphan_qs,
                user=Value(user_id, IntegerField()),
                target=F("pk"),
                subject=F("title"),
                kind=notices.ESCALATED,
                target_model=EnterpriseRequest,
                url_name="requests:request_detail",
                at=at,
            )
    return notified


def requests_escalate(*, now: dt.datetime | None = None) -> EscalationResult:
    """Escalate overdue requests, set-based and idempotent.

    An open request (clock running, not linked to a parent) whose deadline has passed climbs to
    the task force and gets a second limit (LEADER_ESCALATION_WORKING_DAYS); one still open past
    that climbs to the chain leader. Each step is one UPDATE guarded by the current level, so a
    second run on the same day finds nothing to do: one lapse, one escalation.
    """
    at = now or timezone.now()
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
