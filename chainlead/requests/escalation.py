"""Escalation of overdue requests: set-based, idempotent, what `chainlead escalate` runs."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import CharField, DateTimeField, F, IntegerField, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone

from chainlead.accounts.choices import Role
from chainlead.audit import context as audit_context
from chainlead.audit.models import AuditAction, AuditEntry
from chainlead.core.models import DataVersion
from chainlead.requests.calendar import WorkCalendar
from chainlead.requests.choices import (
    CLOCK_STATUSES,
    Escalation,
    EventKind,
    NotificationKind,
)
from chainlead.requests.constants import LEADER_ESCALATION_WORKING_DAYS, REQUESTS_DATA
from chainlead.requests.models import EnterpriseRequest, Notification, RequestEvent


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
