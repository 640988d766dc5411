"""Loading the reference tables: the industry classification and the city's districts."""

import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction

from chainlead.registry.models import District, Industry

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
INDUSTRIES_FILE = REFERENCE_DIR / "gbt4754_2017.csv"


@transaction.atomic
def industries_load(path: Path = INDUSTRIES_FILE) -> int:
    """Create or update every GB/T 4754-2017 code; parents are loaded before children."""
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    existing = set(Industry.objects.values_list("code", flat=True))
    new = [
        Industry(
            code=r["code"],
            name=r["name_zh"],
            level=r["level"],
            parent_id=r["parent"] or None,
            note=r["note_zh"],
        )
        for r in rows
        if r["code"] not in existing
    ]
    order = {"section": 0, "division": 1, "group": 2, "class": 3}
    new.sort(key=lambda i: order[i.level])
    Industry.objects.bulk_create(new, batch_size=500)
    return len(new)


@transaction.atomic
def districts_load(path: Path | None = None) -> int:
    """Create or update the configured city's districts (code, name_zh, name_en, kind)."""
    path = Path(path or settings.CHAINLEAD_DISTRICTS_FILE)
    if not path.exists():
        path = REFERENCE_DIR / "hangzhou_districts.csv"
    count = 0
    existing = {d.code: d for d in District.objects.all()}
    with path.open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            values = {"name": row["name_zh"], "name_en": row["name_en"], "kind": row["kind"]}
            district = existing.get(row["code"])
            if district is None:
                District.objects.create(code=row["code"], **values)
            elif any(getattr(district, k) != v for k, v in values.items()):
                # Only a real change is saved: a re-run writes (and audits) nothing.
                for name, value in values.items():
                    setattr(district, name, value)
                district.save()
            count += 1
    return count
