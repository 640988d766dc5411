"""Inside a benchmark database: time `requests_escalate` against one SQL pass over the same rows.

Prints one JSON line. Run by benchmarks/escalate.py with DATABASE_URL set.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from chainlead.audit.context import acting_as  # noqa: E402
from chainlead.notifications.models import Notification  # noqa: E402
from chainlead.requests.choices import CLOCK_STATUSES  # noqa: E402
from chainlead.requests.escalation import requests_escalate  # noqa: E402
from chainlead.requests.models import EnterpriseRequest, RequestEvent  # noqa: E402


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    now = timezone.now()
    today = timezone.localdate(now)
    table = EnterpriseRequest._meta.db_table
    statuses = ", ".join(f"'{s}'" for s in CLOCK_STATUSES)
    where = (
        f"parent_id IS NULL AND status IN ({statuses}) AND escalation_level = 0 AND deadline < %s"
    )
    open_rows = EnterpriseRequest.objects.filter(status__in=CLOCK_STATUSES).count()

    def select_pass() -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table} WHERE {where}", [today])
            return int(cursor.fetchone()[0])

    def update_pass() -> int:
        # The same rows, written once, then rolled back: the floor for any escalation.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET escalation_level = 1 WHERE {where}", [today])
            n = cursor.rowcount
            transaction.set_rollback(True)
        return n

    select_pass()  # warm the cache for both sides alike
    t_select, overdue = timed(select_pass)
    t_update, updated = timed(update_pass)
    with acting_as(None, source="cli"):
        t_first, first = timed(lambda: requests_escalate(now=now))
        t_again, again = timed(lambda: requests_escalate(now=now))
        later = now + dt.timedelta(days=14)
        t_leader, leader = timed(lambda: requests_escalate(now=later))
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "open_requests": open_rows,
                "overdue": overdue,
                "baseline_select_s": t_select,
                "baseline_update_s": t_update,
                "baseline_update_rows": updated,
                "escalate_first_s": t_first,
                "escalate_first_rows": first.to_task_force,
                "escalate_first_notifications": first.notifications,
                "escalate_again_s": t_again,
                "escalate_again_rows": again.to_task_force + again.to_chain_leader,
                "escalate_leader_s": t_leader,
                "escalate_leader_rows": leader.to_chain_leader,
                "escalate_leader_new_task_force_rows": leader.to_task_force,
                "events": RequestEvent.objects.count(),
                "notifications": Notification.objects.count(),
            }
        )
    )


if __name__ == "__main__":
    main()
