"""What the requests app tells people (chainlead.notifications reads this module at start-up).

The texts are rendered when read, in the reader's language; `%(subject)s` is the request's
title as the firm wrote it, `%(reference)s` its number.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chainlead.notifications.kinds import Deadline, Kind, deadline_kind, register_deadline_source
from chainlead.notifications.kinds import register_kind as register
from chainlead.requests.choices import CLOCK_STATUSES
from chainlead.requests.models import DepartmentMember, EnterpriseRequest

RAISED = "requests.raised"
ROUTED = "requests.routed"
WAITING_FIRM = "requests.waiting_firm"
RESOLVED = "requests.resolved"
REOPENED = "requests.reopened"
ESCALATED = "requests.escalated"
DEADLINE = "requests.deadline"

register(Kind(RAISED, _("A firm raised a request on your chain: %(subject)s"), _("request raised")))
register(Kind(ROUTED, _("New request for your department: %(subject)s"), _("request routed")))
register(
    Kind(
        WAITING_FIRM,
        _("The office asks you for information on your request: %(subject)s"),
        _("information asked of the firm"),
    )
)
register(Kind(RESOLVED, _("Your request was resolved: %(subject)s"), _("request resolved")))
register(Kind(REOPENED, _("The firm rejected the resolution: %(subject)s"), _("request reopened")))
register(
    Kind(ESCALATED, _("Overdue request escalated to you: %(subject)s"), _("request escalated"))
)
register(deadline_kind(DEADLINE, pgettext_lazy("deadline of", "request")))


def request_deadlines(today: dt.date, until: dt.date) -> Iterator[Deadline]:
    """Open requests whose answer is due between `today` and `until`: their department's
    people hear of it (the clock paused while waiting for the firm: no reminder then)."""
    due = list(
        EnterpriseRequest.objects.filter(
            parent__isnull=True,
            status__in=CLOCK_STATUSES,
            department__isnull=False,
            deadline__gte=today,
            deadline__lte=until,
        ).only("pk", "title", "deadline", "department_id", "raised_at")
    )
    members: dict[int, list[int]] = defaultdict(list)
    for department_id, user_id in DepartmentMember.objects.filter(
        department_id__in={r.department_id for r in due}
    ).values_list("department_id", "user_id"):
        members[department_id].append(user_id)
    for request in due:
        users = members.get(request.department_id or 0, [])
        if users and request.deadline is not None:
            yield Deadline(DEADLINE, users, request, request.deadline, request.title)


register_deadline_source(request_deadlines)
