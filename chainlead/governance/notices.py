"""What chain governance tells people (chainlead.notifications reads this module at start-up)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chainlead.governance.choices import ActionStatus
from chainlead.governance.models import ActionItem
from chainlead.notifications.kinds import Deadline, Kind, deadline_kind, register_deadline_source
from chainlead.notifications.kinds import register_kind as register

ACTION_ASSIGNED = "governance.action_assigned"
ACTION_DEADLINE = "governance.action_deadline"

register(
    Kind(
        ACTION_ASSIGNED,
        _("An action item is yours, due %(deadline)s: %(subject)s"),
        _("action item assigned"),
    )
)
register(deadline_kind(ACTION_DEADLINE, _("action item")))


def action_item_url(item: ActionItem) -> str:
    """Where an action item is worked: its meeting, else its chain's dashboard."""
    if item.meeting_id:
        return reverse("governance:meeting_detail", args=[item.meeting_id])
    return reverse("governance:dashboard", args=[item.chain.slug])


def action_deadlines(today: dt.date, until: dt.date) -> Iterator[Deadline]:
    """Open action items due between `today` and `until`: their owner hears of it."""
    items = ActionItem.objects.filter(
        status__in=(ActionStatus.OPEN, ActionStatus.IN_PROGRESS),
        deadline__gte=today,
        deadline__lte=until,
    ).select_related("chain")
    for item in items:
        yield Deadline(
            ACTION_DEADLINE, [item.owner_id], item, item.deadline, item.title, action_item_url(item)
        )


register_deadline_source(action_deadlines)
