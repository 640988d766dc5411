"""Each rule kind, evaluated with its reason (issue 11 §2)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from chainlead.programs import rules

FIRM: dict[str, Any] = {
    "name": "杭州测试科技有限公司",
    "city": "杭州",
    "district": "滨江区",
    "founded": "2019-03-01",
    "industry": "6513",
    "industry_division": "65",
    "size_class": "small",
    "above_designated_size": True,
    "employees": 80,
    "origin": "local",
    "listed": False,
    "revenue": 1500.0,
    "rd_spend": 180.0,
    "rd_share": 0.12,
    "indicator_year": 2025,
    "segments": ["ai/models"],
    "chains": ["ai"],
    "open_violations": 1,
    "team": [{"name": "李", "age": 34, "returnee": True}, {"name": "王", "age": 51}],
}


def rule(kind: str, logic: dict[str, Any], template: str) -> dict[str, Any]:
    return {"kind": kind, "label": kind, "logic": logic, "reason_template": template}


CASES = [
    (
        rule("registered_in", {"in": [{"var": "district"}, ["滨江区", "余杭区"]]}, "in {district}"),
        True,
        "in 滨江区",
    ),
    (
        rule("industry", {"==": [{"var": "industry_division"}, "65"]}, "division {industry}"),
        True,
        "division 6513",
    ),
    (
        rule("industry", {"in": ["ai/chips", {"var": "segments"}]}, "segments {segments}"),
        False,
        "segments ai/models",
    ),
    (
        rule("size", {"in": [{"var": "size_class"}, ["small", "micro"]]}, "size {size_class}"),
        True,
        "size small",
    ),
    (
        rule(
            "founded",
            {">": [{"var": "founded"}, "2020-01-01"]},
            "founded {founded}, must be after 2020-01-01",
        ),
        False,
        "founded 2019-03-01, must be after 2020-01-01",
    ),
    (
        rule("threshold", {">=": [{"var": "revenue"}, 2000]}, "revenue {revenue} (10,000 CNY)"),
        False,
        "revenue 1,500 (10,000 CNY)",
    ),
    (
        rule("threshold", {">=": [{"var": "rd_share"}, 0.03]}, "R&D share {rd_share}"),
        True,
        "R&D share 0.12",
    ),
    (
        rule(
            "team",
            {
                "some": [
                    {"var": "team"},
                    {"and": [{"<=": [{"var": "age"}, 40]}, {"var": "returnee"}]},
                ]
            },
            "a returnee aged 40 or less",
        ),
        True,
        "a returnee aged 40 or less",
    ),
    (
        rule("no_violations", {"==": [{"var": "open_violations"}, 0]}, "{open_violations} open"),
        False,
        "1 open",
    ),
]


@pytest.mark.parametrize(("the_rule", "passed", "text"), CASES)
def test_each_kind_gives_its_verdict_and_reason(
    the_rule: dict[str, Any], passed: bool, text: str
) -> None:
    rules.validate_rules([the_rule])
    [result] = rules.evaluate([the_rule], FIRM)
    assert result.passed is passed
    assert result.reason == text


def test_an_unreported_figure_fails_the_rule_and_says_so() -> None:
    the_rule = rule("threshold", {"<": [{"var": "revenue"}, 100]}, "revenue {revenue}")
    [result] = rules.evaluate([the_rule], {**FIRM, "revenue": None})
    assert result.passed is False  # JSON Logic alone would read None as 0 < 100
    assert result.reason == "revenue not reported"


def test_every_kind_is_covered() -> None:
    from chainlead.programs.choices import RuleKind

    assert {c[0]["kind"] for c in CASES} == set(RuleKind.values)


@pytest.mark.parametrize(
    "bad",
    [
        {"kind": "nope", "label": "x", "logic": {}, "reason_template": ""},
        rule("size", {"log": [{"var": "size_class"}]}, ""),
        rule("size", {"==": [{"var": "salary"}, 1]}, ""),
        rule("size", {"==": [{"var": "size_class"}, 1]}, "{__class__}"),
        rule("size", {"==": [{"var": "size_class"}, 1]}, "{password}"),
        {"kind": "size", "label": "x"},
    ],
)
def test_malformed_rules_are_refused(bad: Any) -> None:
    with pytest.raises(ValidationError):
        rules.validate_rules([bad])


def test_amount_is_capped_and_in_fen() -> None:
    logic = {"*": [{"var": "rd_spend"}, 10000, 0.1]}  # 10% of R&D spend, in CNY
    assert rules.amount_for(logic, FIRM, Decimal("500000.00")) == Decimal("180000.00")
    assert rules.amount_for(logic, FIRM, Decimal("100000.00")) == Decimal("100000.00")
    assert rules.amount_for(logic, {**FIRM, "rd_spend": None}, Decimal("1")) == Decimal("0.00")
