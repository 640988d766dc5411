"""What the requests app tells people, through the kit's notices (chainlead.notifications)."""

import datetime as dt

from django.utils import timezone, translation

from chainlead.notifications.models import Notification
from chainlead.notifications.services import deadlines_notify
from chainlead.requests.choices import Status
from chainlead.requests.tests.helpers import bring_to, raise_request


def _kinds(user, request) -> list[str]:
    return sorted(
        Notification.objects.filter(user=user, target_id=str(request.pk)).values_list(
            "kind", flat=True
        )
    )


def test_a_raised_request_reaches_the_department_and_the_chains_office(world):
    request = raise_request(world)
    assert _kinds(world.officer, request) == ["requests.routed"]
    assert _kinds(world.task_force, request) == ["requests.raised"]
    assert _kinds(world.firm_user, request) == []
    notice = Notification.objects.get(user=world.task_force)
    assert notice.url == request.get_absolute_url()
    with translation.override("en"):
        assert (
            notice.text
            == f"A firm raised a request on your chain: {request.reference} 营业执照变更"
        )


def test_asking_the_firm_for_information_tells_the_firm(world):
    request = bring_to(world, Status.WAITING_FIRM)
    assert _kinds(world.firm_user, request) == ["requests.waiting_firm"]


def test_deadline_reminders_reach_the_department_once_per_threshold(world):
    request = raise_request(world)  # due 2026-03-16 (ten working days from 2 March)
    assert request.deadline == dt.date(2026, 3, 16)

    def run(day: int) -> int:
        return deadlines_notify(now=timezone.make_aware(dt.datetime(2026, 3, day, 8)))

    assert run(12) == 0  # four days ahead
    assert run(13) == 1  # three days: the officer
    assert run(13) == 0  # the same threshold again: nothing
    assert run(15) == 1  # one day
    assert run(16) == 1  # due today
    reminders = Notification.objects.filter(user=world.officer, kind="requests.deadline")
    with translation.override("en"):
        assert [n.text for n in reminders.order_by("created_at")] == [
            f"Due in 3 days: request: {request.title}",
            f"Due in 1 day: request: {request.title}",
            f"Due today: request: {request.title}",
        ]


def test_no_reminder_while_waiting_for_the_firm(world):
    bring_to(world, Status.WAITING_FIRM)
    assert deadlines_notify(now=timezone.make_aware(dt.datetime(2026, 3, 16, 8))) == 0
