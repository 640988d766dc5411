"""`chainlead survival` prints the same figures as the page."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from chainlead.poc.generator import history_generate

pytestmark = pytest.mark.django_db


def test_survival_json_and_csv() -> None:
    history_generate(n_projects=200, as_of=dt.date(2025, 12, 31), seed=2)
    out = io.StringIO()
    call_command("survival", "--as-of", "2025-12-31", "--format", "json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["projects"] == 200
    out = io.StringIO()
    call_command(
        "survival", "--as-of", "2025-12-31", "--field", "65", "--format", "csv", stdout=out
    )
    lines = out.getvalue().splitlines()
    assert lines[1] == "days,survival,ci_lower,ci_upper"
    ai = int(lines[0].split("projects=")[1].split()[0])
    assert 0 < ai < 200  # only the software (division 65) projects
    assert lines[2].startswith("0.0,1.0")
