"""Load GB/T 4754-2017 so that industry codes are validated from the first migration on."""

import csv
from pathlib import Path

from django.db import migrations

FILE = Path(__file__).resolve().parent.parent / "reference" / "gbt4754_2017.csv"
LEVEL_ORDER = {"section": 0, "division": 1, "group": 2, "class": 3}


def load(apps, schema_editor):
    Industry = apps.get_model("registry", "Industry")
    with FILE.open(encoding="utf-8") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: LEVEL_ORDER[r["level"]])
    Industry.objects.bulk_create(
        [
            Industry(
                code=r["code"],
                name=r["name_zh"],
                level=r["level"],
                parent_id=r["parent"] or None,
                note=r["note_zh"],
            )
            for r in rows
        ],
        batch_size=500,
        ignore_conflicts=True,
    )


def unload(apps, schema_editor):
    apps.get_model("registry", "Industry").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
