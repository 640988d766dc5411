"""`chainlead deadline --from YYYY-MM-DD --working-days N`: print the deadline for a check."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chainlead.requests.calendar import WorkCalendar


class Command(BaseCommand):
    help = "Print the N-th Chinese working day after a date (holidays and make-up days counted)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
        parser.add_argument("--working-days", dest="days", type=int, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            start = dt.date.fromisoformat(options["start"])
        except ValueError as exc:
            raise CommandError("--from must be a date YYYY-MM-DD") from exc
        if options["days"] < 0:
            raise CommandError("--working-days must be 0 or more")
        deadline = WorkCalendar.load().add_working_days(start, options["days"])
        self.stdout.write(deadline.date.isoformat())
        if deadline.estimated:
            self.stdout.write(deadline.flag)
