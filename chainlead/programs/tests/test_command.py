"""`chainlead program-eligible SLUG --format json`."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from chainlead.registry.models import Enterprise


def test_every_firm_is_listed_with_each_rule_and_reason(competition: Any, firm: Any) -> None:
    Enterprise.objects.create(name="宁波某公司", city="宁波")
    out = io.StringIO()
    call_command("program_eligible", "startup", "--format", "json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["program"] == "startup"
    assert report["rules_version"] == 1
    by_name = {f["firm"]: f for f in report["firms"]}
    assert by_name[firm.name]["eligible"] is True
    ningbo = by_name["宁波某公司"]
    assert ningbo["eligible"] is False
    assert ningbo["rules"][0] == {
        "rule": "Registered in Hangzhou",
        "passed": False,
        "reason": "registered in 宁波, must be 杭州",
    }
    assert ningbo["rules"][1]["reason"] == "founded not reported, must be on or after 2020-01-01"


def test_an_unknown_program_is_an_error(db: Any) -> None:
    with pytest.raises(CommandError):
        call_command("program_eligible", "nowhere")
