"""Escalation: overdue → task force → chain leader, notified, and never twice per lapse."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from chainlead.audit.models import AuditEntry
from chainlead.notifications.models import Notification
from chainlead.requests import escalation, services
from chainlead.requests.choices import Escalation, EventKind, Status, Transition
from chainlead.requests.models import EnterpriseRequest
from chainlead.requests.tests.factories import at
from chainlead.requests.tests.helpers import bring_to, raise_request, step


def _escalate(day):
    return escalation.requests_escalate(now=at(*day, 8))


def test_overdue_climbs_once_per_lapse(world):
    request = raise_request(world, now=at(2026, 3, 2))  # 10 working days → Mar 16
    assert request.deadline == dt.date(2026, 3, 16)
    assert _escalate((2026, 3, 16)).to_task_force == 0  # due today, not overdue
    first = _escalate((2026, 3, 17))
    assert (first.to_task_force, first.to_chain_leader) == (1, 0)
    assert first.notifications == 1  # the one task-force member of the chain
    request.refresh_from_db()
    assert request.escalation_level == Escalation.TASK_FORCE
    assert request.leader_deadline == dt.date(2026, 3, 24)  # 5 working days after Mar 17
    again = _escalate((2026, 3, 17))
    assert (again.to_task_force, again.to_chain_leader, again.notifications) == (0, 0, 0)
    assert _escalate((2026, 3, 24)).to_chain_leader == 0
    second = _escalate((2026, 3, 25))
    assert (second.to_task_force, second.to_chain_leader) == (0, 1)
    assert _escalate((2026, 3, 26)).to_chain_leader == 0
    assert _escalate((2026, 4, 30)).notifications == 0
    kinds = list(request.events.values_list("kind", flat=True))
    assert kinds.count(EventKind.ESCALATED_TASK_FORCE) == 1
    assert kinds.count(EventKind.ESCALATED_LEADER) == 1
    assert set(
        Notification.objects.filter(target_id=str(request.pk)).values_list(
            "user__username", flat=True
        )
    ) == {"officer", "tf", "leader"}  # officer: routed; tf and leader: escalated
    assert (
        AuditEntry.objects.filter(
            object_id=str(request.pk), event="request.escalated_task_force", source="system"
        ).count()
        == 1
    )
    request.refresh_from_db()
    assert request.escalation_level == Escalation.CHAIN_LEADER


def test_closed_paused_and_linked_requests_do_not_climb(world):
    resolved = bring_to(world, Status.RESOLVED)
    waiting = bring_to(world, Status.WAITING_FIRM)
    parent = raise_request(world)
    child = raise_request(world, actor=world.other_firm_user, enterprise=world.other_firm)
    services.request_link(actor=world.officer, enterprise_request=child, parent=parent)
    result = _escalate((2026, 6, 1))
    assert result.to_task_force == 1  # only the parent
    levels = dict(EnterpriseRequest.objects.values_list("pk", "escalation_level"))
    assert levels[resolved.pk] == levels[waiting.pk] == levels[child.pk] == 0
    assert levels[parent.pk] == 1


def test_request_without_chain_goes_to_the_city_admin(world):
    request = raise_request(world, chain=None)
    result = _escalate((2026, 6, 1))
    assert result.to_task_force == 1
    assert list(
        Notification.objects.filter(
            target_id=str(request.pk), kind="requests.escalated"
        ).values_list("user__username", flat=True)
    ) == ["admin"]


def test_reopening_starts_a_new_lapse(world):
    request = bring_to(world, Status.IN_PROGRESS)
    _escalate((2026, 3, 17))
    request = step(world, request, Transition.RESOLVE, now=at(2026, 3, 18))
    request = step(world, request, Transition.REOPEN, now=at(2026, 3, 19))
    assert request.escalation_level == Escalation.NONE
    assert _escalate((2026, 3, 20)).to_task_force == 0  # new deadline Apr 2
    assert _escalate((2026, 4, 3)).to_task_force == 1


def test_escalate_command_is_idempotent(world):
    raise_request(world, now=at(2026, 3, 2))
    out = StringIO()
    call_command("escalate", "--today", "2026-03-17", stdout=out)
    assert "task force: 1;" in out.getvalue()
    out = StringIO()
    call_command("escalate", "--today", "2026-03-17", stdout=out)
    assert "task force: 0; to the chain leader: 0; notifications: 0" in out.getvalue()


@pytest.mark.django_db
def test_escalate_task_runs_the_same_service(world):
    from chainlead.requests.tasks import escalate_overdue_requests

    raise_request(world, now=at(2020, 3, 2))
    result = escalate_overdue_requests.call()
    assert result["to_task_force"] == 1


def test_generator_feeds_escalation(world):
    from chainlead.requests.generator import generate_requests

    n = generate_requests(300, seed=3, open_share=1.0, days=60, now=at(2026, 6, 1))
    assert n == 300
    assert (
        EnterpriseRequest.objects.filter(status__in=["raised", "accepted", "in_progress"]).count()
        == 300
    )
    result = _escalate((2026, 6, 1))
    overdue = EnterpriseRequest.objects.filter(deadline__lt=dt.date(2026, 6, 1)).count()
    assert result.to_task_force == overdue > 0
    assert _escalate((2026, 6, 1)).to_task_force == 0


def test_escalation_statements_do_not_grow_with_requests(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements(n, day):
        for _ in range(n):
            raise_request(world, now=at(2026, 3, 2))
            raise_request(world, chain=None, now=at(2026, 3, 2))
        with CaptureQueriesContext(connection) as ctx:
            result = _escalate(day)
        assert result.to_task_force == 2 * n
        return len(ctx.captured_queries)

    assert statements(2, (2026, 3, 17)) == statements(20, (2026, 3, 18))


def test_escalation_audit_entries_join_the_hash_chain(world):
    """Set-based audit rows are linked, so `chainlead audit verify` passes after a run."""
    from chainlead.audit.chain import verify

    raise_request(world, now=at(2026, 3, 2))
    raise_request(world, chain=None, now=at(2026, 3, 2))
    call_command("escalate", "--today", "2026-03-17", stdout=StringIO())
    call_command("escalate", "--today", "2026-03-25", stdout=StringIO())
    escalated = AuditEntry.objects.filter(event__startswith="request.escalated")
    assert escalated.count() == 4  # two to the task force, two to the leader
    assert not escalated.filter(seq__isnull=True).exists()
    assert set(escalated.values_list("source", flat=True)) == {"cli"}
    out = StringIO()
    call_command("audit", "verify", stdout=out)  # raises CommandError on a broken chain
    verdict = verify()
    assert verdict.ok, verdict.reason
    assert verdict.checked >= 4
    assert "online chain" in out.getvalue()
