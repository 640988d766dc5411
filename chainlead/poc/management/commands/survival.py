"""`chainlead survival [--centre C] [--field F] [--as-of YYYY-MM-DD] --format json|csv`:
the survival figures of the proof-of-concept projects (as the survival page, for all projects)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from chainlead.poc import figures
from chainlead.poc.models import Project


class Command(BaseCommand):
    help = "Kaplan–Meier survival of proof-of-concept projects, as JSON or CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--centre", default="", help="A centre's id or exact name.")
        parser.add_argument("--field", default="", help="A GB/T 4754 division, e.g. 39.")
        parser.add_argument("--as-of", default="", help="End of observation (default: today).")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            as_of = (
                dt.date.fromisoformat(options["as_of"])
                if options["as_of"]
                else timezone.localdate()
            )
        except ValueError as exc:
            raise CommandError(f"--as-of: {exc}") from exc
        projects = figures.filter_projects(
            Project.objects.all(), centre=options["centre"], field=options["field"]
        )
        report = figures.survival_report(projects, as_of=as_of)
        if options["format"] == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        # CSV: the curve, one row per time, with the headline figures repeated as comments.
        self.stdout.write(
            f"# projects={report['projects']} stopped={report.get('stopped', 0)} "
            f"median_days={report.get('median_days')} as_of={report['as_of']}"
        )
        writer = csv.writer(self.stdout)
        writer.writerow(["days", "survival", "ci_lower", "ci_upper"])
        for row in report.get("curve", []):
            writer.writerow(row)
