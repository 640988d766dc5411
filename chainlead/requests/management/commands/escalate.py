"""`chainlead escalate`: climb overdue requests to the task force, then the chain leader.

Run it by cron (e.g. daily at 08:30) or from the task queue (`chainlead.requests.tasks`).
Idempotent: a second run finds nothing new for the same lapse.
"""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from chainlead.audit.context import acting_as
from chainlead.requests.escalation import requests_escalate


class Command(BaseCommand):
    help = "Escalate overdue requests (task force, then chain leader) and notify them in-app."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", help="YYYY-MM-DD: run as of this date (checks, backfills); default today"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = None
        if options.get("today"):
            try:
                day = dt.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("--today must be a date YYYY-MM-DD") from exc
            now = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 30)))
        with acting_as(None, source="cli"):
            result = requests_escalate(now=now)
        self.stdout.write(
            f"escalated to the task force: {result.to_task_force}; "
            f"to the chain leader: {result.to_chain_leader}; "
            f"notifications: {result.notifications}"
        )
