"""An action item's owner hears of it when it is assigned and as its deadline nears."""

import datetime as dt

from django.utils import timezone, translation

from chainlead.governance import services
from chainlead.governance.tests.factories import UserFactory
from chainlead.notifications.models import Notification
from chainlead.notifications.services import deadlines_notify


def test_assignment_and_deadline_reach_the_owner(chain, member):
    owner = UserFactory(username="owner")
    item = services.action_item_create(
        actor=member, chain=chain, title="落实算力券细则", owner=owner, deadline=dt.date(2026, 7, 3)
    )
    notice = Notification.objects.get(user=owner)
    assert notice.kind == "governance.action_assigned"
    assert notice.target_id == str(item.pk)
    with translation.override("en"):
        assert notice.text == "An action item is yours, due 2026-07-03: 落实算力券细则"
    # The member who assigned it is not told, nor is anyone else.
    assert Notification.objects.count() == 1
    made = deadlines_notify(now=timezone.make_aware(dt.datetime(2026, 7, 2, 8)))
    assert made == 1
    again = deadlines_notify(now=timezone.make_aware(dt.datetime(2026, 7, 2, 18)))
    assert again == 0
    reminder = Notification.objects.get(user=owner, kind="governance.action_deadline")
    with translation.override("en"):
        assert reminder.text == "Due in 1 day: action item: 落实算力券细则"


def test_who_assigns_to_themselves_is_not_told(chain, member):
    services.action_item_create(
        actor=member, chain=chain, title="自己的事", owner=member, deadline=dt.date(2026, 7, 3)
    )
    assert not Notification.objects.exists()
