"""`chainlead notify-deadlines`: remind people of deadlines 3 days, 1 day and 0 days ahead.

Run it by cron (e.g. daily at 08:00) or from the task queue (`chainlead.notifications.tasks`).
Idempotent: one notice per thing, deadline and threshold, however often it runs.
"""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from chainlead.audit.context import acting_as
from chainlead.notifications.services import deadlines_notify


def parse_now(value: str) -> dt.datetime:
    """`2026-05-04` (08:00 that day) or `2026-05-04T09:30`, in the platform's time zone."""
    try:
        if len(value) == 10:
            return timezone.make_aware(
                dt.datetime.combine(dt.date.fromisoformat(value), dt.time(8, 0))
            )
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError("--now must be YYYY-MM-DD or YYYY-MM-DDTHH:MM") from exc
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = "Notify people of deadlines that near (once per deadline and threshold)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", help="run as of this moment (YYYY-MM-DD[THH:MM]); default now")

    def handle(self, *args: Any, **options: Any) -> None:
        now = parse_now(options["now"]) if options.get("now") else None
        with acting_as(None, source="cli"):
            made = deadlines_notify(now=now)
        self.stdout.write(f"deadline notices: {made}")
