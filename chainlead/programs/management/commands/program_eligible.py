"""`chainlead program-eligible SLUG --format json`: every firm considered, with each rule's
verdict and reason under the program's current rules (or `--rules-version N`).

    {"program": SLUG, "rules_version": N, "firms": [{"firm": NAME, "eligible": true|false,
      "amount": "…" (no-application grants), "rules": [{"rule", "passed", "reason"}]}]}
"""

from __future__ import annotations

import csv
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chainlead.programs import services
from chainlead.programs.models import Program
from chainlead.registry.models import Enterprise


class Command(BaseCommand):
    help = "List every firm with its eligibility for a program, rule by rule, with reasons."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--rules-version", type=int, default=None, dest="rules_version")
        parser.add_argument("--year", type=int, default=None, help="latest indicator year")
        parser.add_argument("--eligible-only", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            program = Program.objects.get(slug=options["slug"])
        except Program.DoesNotExist as exc:
            raise CommandError(f"No program {options['slug']!r}.") from exc
        version = (
            program.rule_versions.filter(number=options["rules_version"]).first()
            if options["rules_version"]
            else services.current_rules(program)
        )
        if options["rules_version"] and version is None:
            raise CommandError(f"The program has no rules version {options['rules_version']}.")
        firms = Enterprise.objects.all()
        if program.district_id:
            firms = firms.filter(district_id=program.district_id)
        verdicts = [
            v
            for v in services.evaluate_firms(program, firms, version=version, year=options["year"])
            if v.eligible or not options["eligible_only"]
        ]
        if options["format"] == "csv":
            writer = csv.writer(self.stdout)
            writer.writerow(["firm", "eligible", "amount", "rule", "passed", "reason"])
            for v in verdicts:
                for r in v.results:
                    writer.writerow([v.firm.name, v.eligible, v.amount, r.rule, r.passed, r.reason])
            return
        firms_out = []
        for v in verdicts:
            entry: dict[str, Any] = {
                "firm": v.firm.name,
                "eligible": v.eligible,
                "rules": [
                    {"rule": r.rule, "passed": r.passed, "reason": r.reason} for r in v.results
                ],
            }
            if program.no_application:
                entry["amount"] = str(v.amount)
            firms_out.append(entry)
        self.stdout.write(
            json.dumps(
                {
                    "program": program.slug,
                    "rules_version": version.number if version else None,
                    "firms": firms_out,
                },
                ensure_ascii=False,
                indent=1,
            )
        )
