"""Load the generator's SYNTHETIC firms file straight into the registry for benchmarks/search.py
(COPY, no audit entries, no search documents: `chainlead search-reindex` writes those after,
which is the path timed). The importer's own run on a 1,000,000-row file now spends most of its
time linking audit entries (benchmarks/bench_import.py measures it); search does not need them.
Prints the number of firms loaded."""

from __future__ import annotations

import csv
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from chainlead.core.text import search_key  # noqa: E402
from chainlead.registry.models import District  # noqa: E402

COLUMNS = (
    "credit_code, name, short_name, name_en, search_text, district_id, province, city, address, "
    "founded, founded_year_only, industry_id, size_class, employees, business_scope, "
    "main_business, listed, origin, origin_place, recruitment_effort, provenance, source_note, "
    "version, created_at, updated_at"
)


def main() -> None:
    path = sys.argv[1]
    districts = dict(District.objects.values_list("name", "id"))
    now = timezone.now().isoformat()
    count = 0
    with open(path, encoding="utf-8") as source, transaction.atomic():
        reader = csv.DictReader(source)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY registry_enterprise ({COLUMNS}) FROM STDIN") as copy:
                for row in reader:
                    copy.write_row(
                        (
                            row["credit_code"],
                            row["name"],
                            "",
                            "",
                            search_key(row["name"]),
                            districts.get(row["district"]),
                            "",
                            "",
                            "",
                            row["founded"] or None,
                            False,
                            row["industry_code"] or None,
                            row["size_class"],
                            row["employees"] or None,
                            row["business_scope"],
                            "",
                            row["listed"] == "yes",
                            row["origin"],
                            row["origin_place"],
                            "",
                            "synthetic",
                            "chainlead generate (benchmarks/search.py)",
                            1,
                            now,
                            now,
                        )
                    )
                    count += 1
    print(count)


if __name__ == "__main__":
    main()
