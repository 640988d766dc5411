"""Proof of concept in `chainlead load-demo`: the real centres as their source states them,
then a generated, synthetic history of projects for the survival page and dashboard."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from chainlead.core.plugins import DemoContext
from chainlead.poc.choices import Provenance
from chainlead.poc.generator import history_generate
from chainlead.poc.models import Centre, Project
from chainlead.registry.models import District

CENTRES_FILE = "hangzhou/poc_centres.csv"
DEMO_PROJECTS = 10_000
# The generated history ends on a fixed day, so the demo is the same whenever it is loaded.
DEMO_AS_OF = dt.date(2025, 12, 31)


def _data_dir() -> Path:
    return Path(settings.SHARED_DATA_DIR)


@transaction.atomic
def centres_load(path: Path | None = None) -> int:
    """Create or update the centres of the file, with only what it states (blank = unstated)."""
    path = path or _data_dir() / CENTRES_FILE
    districts = {d.name: d for d in District.objects.all()}
    count = 0
    with path.open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            year = row["year_recognised_or_listed"].strip()
            district_name = row["district"].strip()
            Centre.objects.update_or_create(
                name=row["name"].strip(),
                defaults={
                    "host_institution": row["host_institution"].strip(),
                    "district_name": district_name,
                    "district": districts.get(district_name),
                    "fields": row["field"].strip(),
                    "year_recognised": int(year) if re.fullmatch(r"\d{4}", year) else None,
                    "status_stated": row["status_stated"].strip()[:300],
                    "source_url": row["source_url"].strip()[:500],
                    "provenance": Provenance.PUBLIC,
                },
            )
            count += 1
    return count


def demo_step(context: DemoContext) -> None:
    path = _data_dir() / CENTRES_FILE
    if path.exists():
        context.log(_("Proof-of-concept centres (public data): %(n)d") % {"n": centres_load(path)})
    else:
        context.log(_("Proof-of-concept centres: %(p)s not found, none loaded") % {"p": path})
    if Project.objects.filter(provenance=Provenance.SYNTHETIC).exists():
        return
    n = int(context.options.get("poc_projects") or DEMO_PROJECTS)
    made = history_generate(n_projects=n, as_of=DEMO_AS_OF, seed=13)
    context.log(
        _("Proof-of-concept history (synthetic): %(p)d projects, %(c)d stage changes")
        % {"p": made.projects, "c": made.stage_changes}
    )
