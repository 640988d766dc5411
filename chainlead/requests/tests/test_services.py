"""The life cycle: every allowed and forbidden transition, by state and by party."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from chainlead.audit.models import AuditEntry
from chainlead.core.exceptions import PermissionDenied
from chainlead.notifications.models import Notification
from chainlead.requests import services
from chainlead.requests.choices import Category, Escalation, EventKind, Status, Transition
from chainlead.requests.constants import TRANSITIONS
from chainlead.requests.models import TimeLimit
from chainlead.requests.tests.factories import at
from chainlead.requests.tests.helpers import bring_to, raise_request, step

STATE_CASES = [
    (transition, status, status in TRANSITIONS[transition].sources)
    for transition in Transition
    for status in Status
]


@pytest.mark.parametrize(("transition", "status", "allowed"), STATE_CASES)
def test_transition_from_each_state(world, transition, status, allowed):
    request = bring_to(world, status)
    if allowed:
        after = step(world, request, transition)
        assert after.status == TRANSITIONS[transition].target
        event = after.events.order_by("-id").first()
        assert (event.kind, event.from_status, event.to_status) == (
            transition.value,
            status,
            after.status,
        )
        assert AuditEntry.objects.filter(
            event=f"request.{transition.value}", object_id=str(after.pk)
        ).exists()
    else:
        with pytest.raises(ValidationError):
            step(world, request, transition)
        request.refresh_from_db()
        assert request.status == status


HANDLERS = {"officer", "task_force", "admin"}
FIRM_SIDE = {"firm_user"}
EVERYONE = [
    "firm_user",
    "other_firm_user",
    "officer",
    "other_officer",
    "task_force",
    "other_task_force",
    "leader",
    "admin",
    "auditor",
    "commissioner",
    "stranger",
]


def _allowed_parties(transition):
    parties = TRANSITIONS[transition].parties
    return (HANDLERS if "handler" in parties else set()) | (
        FIRM_SIDE if parties & {"firm", "firm user"} else set()
    )


PARTY_CASES = [
    (transition, who, who in _allowed_parties(transition))
    for transition in Transition
    for who in EVERYONE
]


@pytest.mark.parametrize(("transition", "who", "allowed"), PARTY_CASES)
def test_transition_by_each_party(world, transition, who, allowed):
    source = TRANSITIONS[transition].sources[0]
    request = bring_to(world, source)
    kwargs = {
        "resolution": "已办结",
        "note": "未解决",
        "rating": 4,
    }
    call = lambda: services.request_transition(  # noqa: E731
        actor=getattr(world, who), enterprise_request=request, transition=transition, **kwargs
    )
    if allowed:
        assert call().status == TRANSITIONS[transition].target
    else:
        with pytest.raises(PermissionDenied):
            call()
        request.refresh_from_db()
        assert request.status == source


def test_raise_routes_sets_deadline_and_notifies(world):
    TimeLimit.objects.create(category=Category.PERMITS, working_days=3)
    request = raise_request(world, now=at(2025, 9, 30))
    assert request.department == world.permits
    assert request.working_days_limit == 3
    assert request.deadline == dt.date(2025, 10, 11)  # Oct 9, 10, 11 (make-up Saturday)
    assert list(request.events.values_list("kind", flat=True)) == ["raised", "routed"]
    assert Notification.objects.filter(user=world.officer, target_id=str(request.pk)).count() == 1


def test_enterprise_user_cannot_raise_for_another_firm(world):
    with pytest.raises(PermissionDenied):
        raise_request(world, actor=world.firm_user, enterprise=world.other_firm)


def test_waiting_for_the_firm_pauses_the_clock(world):
    request = bring_to(world, Status.IN_PROGRESS)  # raised 2026-03-02, 10 days → 2026-03-16
    assert request.deadline == dt.date(2026, 3, 16)
    step(world, request, Transition.WAIT_FOR_FIRM, now=at(2026, 3, 4))
    after = services.request_transition(
        actor=world.firm_user,
        enterprise_request=request,
        transition=Transition.RESUME,
        now=at(2026, 3, 9),
    )
    # paused Mar 4 → Mar 9: working days 5, 6, 9 = 3; the deadline moves 3 working days on.
    assert after.paused_working_days == 3
    assert after.deadline == dt.date(2026, 3, 19)
    resolved = step(world, after, Transition.RESOLVE, now=at(2026, 3, 12))
    # Mar 3..12 = 8 working days, minus 3 paused.
    assert resolved.days_to_close == 5


def test_reject_then_resolve_again_and_rate(world):
    request = bring_to(world, Status.RESOLVED)
    reopened = step(world, request, Transition.REOPEN, now=at(2026, 3, 5))
    assert reopened.status == Status.IN_PROGRESS
    assert reopened.reopen_count == 1
    assert reopened.resolved_at is None
    assert reopened.deadline == dt.date(2026, 3, 19)  # 10 working days from Mar 5
    resolved = step(world, reopened, Transition.RESOLVE, now=at(2026, 3, 6))
    confirmed = services.request_confirm(
        actor=world.firm_user,
        enterprise_request=resolved,
        rating=4,
        comment="满意",
        now=at(2026, 3, 7),
    )
    assert (confirmed.status, confirmed.rating, confirmed.rating_comment) == (
        Status.CONFIRMED,
        4,
        "满意",
    )
    kinds = list(confirmed.events.values_list("kind", flat=True))
    assert kinds[-3:] == [EventKind.REOPEN, EventKind.RESOLVE, EventKind.CONFIRM]


@pytest.mark.parametrize("rating", [None, 0, 6])
def test_rating_must_be_one_to_five(world, rating):
    request = bring_to(world, Status.RESOLVED)
    with pytest.raises(ValidationError):
        services.request_transition(
            actor=world.firm_user,
            enterprise_request=request,
            transition=Transition.CONFIRM,
            rating=rating,
        )


def test_resolution_and_rejection_need_a_reason(world):
    request = bring_to(world, Status.IN_PROGRESS)
    with pytest.raises(ValidationError):
        services.request_transition(
            actor=world.officer,
            enterprise_request=request,
            transition=Transition.RESOLVE,
            resolution=" ",
        )
    request = step(world, request, Transition.RESOLVE)
    with pytest.raises(ValidationError):
        services.request_transition(
            actor=world.firm_user, enterprise_request=request, transition=Transition.REOPEN
        )


def test_chain_leader_takes_and_then_handles(world):
    request = raise_request(world)
    with pytest.raises(PermissionDenied):
        step_as(world.leader, request, Transition.ACCEPT)
    with pytest.raises(PermissionDenied):
        services.request_take(actor=world.task_force, enterprise_request=request)
    taken = services.request_take(actor=world.leader, enterprise_request=request)
    assert taken.escalation_level == Escalation.CHAIN_LEADER
    assert taken.taken_by == world.leader
    assert step_as(world.leader, taken, Transition.ACCEPT).status == Status.ACCEPTED


def step_as(user, request, transition):
    return services.request_transition(
        actor=user, enterprise_request=request, transition=transition
    )


def test_linked_requests_are_resolved_with_their_parent(world):
    parent = raise_request(world, title="园区停车难")
    child = raise_request(
        world, actor=world.other_firm_user, enterprise=world.other_firm, title="停车难"
    )
    with pytest.raises(PermissionDenied):
        services.request_link(actor=world.firm_user, enterprise_request=child, parent=parent)
    child = services.request_link(actor=world.officer, enterprise_request=child, parent=parent)
    assert child.parent == parent
    with pytest.raises(ValidationError):
        services.request_link(actor=world.officer, enterprise_request=parent, parent=child)
    for transition in (Transition.ACCEPT, Transition.START, Transition.RESOLVE):
        parent = step(world, parent, transition)
    child.refresh_from_db()
    assert child.status == Status.RESOLVED
    assert child.resolution == "已办结"
    assert Notification.objects.filter(
        user=world.other_firm_user, target_id=str(child.pk), kind="requests.resolved"
    ).exists()


def test_route_to_another_department(world):
    request = raise_request(world)
    with pytest.raises(PermissionDenied):
        services.request_route(
            actor=world.officer, enterprise_request=request, department=world.finance
        )
    routed = services.request_route(
        actor=world.task_force, enterprise_request=request, department=world.finance
    )
    assert routed.department == world.finance
    assert step_as(world.other_officer, routed, Transition.ACCEPT).status == Status.ACCEPTED


def test_attachment_limits(world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    request = raise_request(world)
    ok = services.request_attach(
        actor=world.firm_user,
        enterprise_request=request,
        file=SimpleUploadedFile("证明.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
    )
    assert ok.size == 13
    with pytest.raises(ValidationError):
        services.request_attach(
            actor=world.firm_user,
            enterprise_request=request,
            file=SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream"),
        )
    with pytest.raises(PermissionDenied):
        services.request_attach(
            actor=world.other_firm_user,
            enterprise_request=request,
            file=SimpleUploadedFile("a.pdf", b"%PDF", content_type="application/pdf"),
        )
