"""The generated history and the real centres of the demo."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from chainlead.analytics import survival
from chainlead.analytics.synthetic import poc_project_histories
from chainlead.poc import figures
from chainlead.poc.choices import Provenance
from chainlead.poc.demo import centres_load
from chainlead.poc.generator import history_generate
from chainlead.poc.models import Centre, Project, StageChange

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 12, 31)


def test_the_generated_history_is_synthetic_and_gives_the_process_figures() -> None:
    made = history_generate(n_projects=300, as_of=AS_OF, seed=5)
    assert made.projects == Project.objects.count() == 300
    assert not Project.objects.exclude(provenance=Provenance.SYNTHETIC).exists()
    assert all(t.startswith("合成项目") for t in Project.objects.values_list("title", flat=True))
    assert StageChange.objects.count() == made.stage_changes
    # The database round trip keeps the process: same median as computed on the table.
    table = poc_project_histories(300, seed=5, years=10)
    expected = survival.median_survival(table["duration"], table["stopped"])
    report = figures.survival_report(Project.objects.all(), as_of=AS_OF)
    assert report["projects"] == 300
    assert report["median_days"] == (None if expected == float("inf") else round(expected, 1))
    assert report["stage_reach"][0]["share"] == 1.0


def test_the_real_centres_carry_only_what_the_file_states(districts: Any) -> None:
    assert centres_load() == 5
    first = Centre.objects.get(name="杭州市光机所光电功能材料概念验证中心")
    assert (first.year_recognised, first.district_name, first.district.name) == (
        2022,
        "富阳区",
        "富阳区",
    )
    assert first.provenance == Provenance.PUBLIC
    unstated = Centre.objects.get(name="浙江大学启真创新概念验证中心")
    assert (unstated.year_recognised, unstated.district_name, unstated.district) == (None, "", None)
    assert centres_load() == 5 and Centre.objects.count() == 5  # idempotent
