"""`chainlead complexity --level district|city|province --year Y --format json|csv`."""

import csv
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chainlead import analytics
from chainlead.audit.context import acting_as
from chainlead.recruitment.analysis import LEVELS, complexity_run_create, regions_of_interest


class Command(BaseCommand):
    help = (
        "Economic complexity over the region × industry matrix: the city's (or each district's) "
        "RCA, density and opportunity gain in every industry, stored with its data snapshot."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--level", choices=LEVELS, default="city")
        parser.add_argument("--year", type=int, default=None, help="yearly figures of the year")
        parser.add_argument("--industry-level", choices=["division", "class"], default="division")
        parser.add_argument("--weight", choices=["employees", "revenue"], default="employees")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_as(None, source="cli"):
            try:
                run = complexity_run_create(
                    actor=None,
                    level=options["level"],
                    year=options["year"],
                    industry_level=options["industry_level"],
                    weight=options["weight"],
                )
            except analytics.AnalyticsError as exc:
                raise CommandError(str(exc)) from exc
        regions = [r for r in regions_of_interest(options["level"]) if r in run.results["cells"]]
        if options["format"] == "json":
            report = {
                "run": run.pk,
                "params": run.params,
                "snapshot": run.snapshot,
                "regions": {
                    r: {**run.results["regions"][r], "industries": run.results["cells"][r]}
                    for r in regions
                },
            }
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(
            ["region", "industry", "value", "rca", "mcp", "density", "cog", "pci", "eci", "coi"]
        )
        for region in regions:
            reg = run.results["regions"][region]
            for industry, cell in sorted(run.results["cells"][region].items()):
                pci = run.results["industries"].get(industry, {}).get("pci")
                writer.writerow(
                    [
                        region,
                        industry,
                        cell["value"],
                        cell["rca"],
                        cell["mcp"],
                        cell["density"],
                        cell["cog"],
                        pci,
                        reg["eci"],
                        reg["coi"],
                    ]
                )
