"""The column form of the rules agrees with JSON Logic, firm by firm."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainlead.programs import rules, vectorised
from chainlead.programs.generator import TEN_RULES, firm_columns, firm_rows

EXTRA_RULES: list[dict[str, Any]] = [
    {
        "kind": "industry",
        "label": "On the AI chain's model segment",
        "logic": {"in": ["ai/models", {"var": "segments"}]},
        "reason_template": "{segments}",
    },
    {
        "kind": "threshold",
        "label": "R&D or revenue",
        "logic": {
            "or": [
                {">": [{"*": [{"var": "rd_spend"}, 2]}, 300]},
                {
                    "and": [
                        {"!": {"==": [{"var": "origin"}, "local"]}},
                        {">": [{"var": "revenue"}, 1000]},
                    ]
                },
            ]
        },
        "reason_template": "",
    },
    {
        "kind": "founded",
        "label": "Founded in the 2010s",
        "logic": {"<=": ["2010-01-01", {"var": "founded"}, "2019-12-31"]},
        "reason_template": "",
    },
]


def _agree(columns: dict[str, Any], rule_list: list[dict[str, Any]]) -> None:
    rows = list(firm_rows(columns))
    frame = vectorised.frame(rows)
    for rule in rule_list:
        expected = np.array([rules.rule_passes(rule["logic"], row) for row in rows])
        got = vectorised.rule_mask(rule["logic"], frame)
        assert (got == expected).all(), rule["label"]
    expected_all = [rules.eligible(rules.evaluate(rule_list, row)) for row in rows]
    assert (vectorised.eligible_mask(rule_list, frame) == np.array(expected_all)).all()


def test_ten_rules_agree_on_generated_firms() -> None:
    _agree(firm_columns(3000, seed=11), TEN_RULES)


def test_segment_boolean_and_between_rules_agree() -> None:
    _agree(firm_columns(3000, seed=12), EXTRA_RULES)


@settings(max_examples=40, deadline=None)
@given(
    threshold=st.floats(min_value=0, max_value=5000, allow_nan=False),
    seed=st.integers(min_value=0, max_value=10_000),
    op=st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
)
def test_thresholds_agree(threshold: float, seed: int, op: str) -> None:
    rule = {
        "kind": "threshold",
        "label": "t",
        "logic": {op: [{"var": "revenue"}, threshold]},
        "reason_template": "",
    }
    _agree(firm_columns(200, seed=seed), [rule])


def test_team_rules_have_no_column_form() -> None:
    team = {
        "kind": "team",
        "label": "returnee",
        "logic": {"some": [{"var": "team"}, {"var": "returnee"}]},
        "reason_template": "",
    }
    assert not vectorised.vectorisable([team])
    assert vectorised.vectorisable(TEN_RULES)
    with pytest.raises(vectorised.NotVectorisableError):
        vectorised.eligible_mask([team], pd.DataFrame({"team": [1]}))


def test_the_benchmarks_frame_gives_the_same_verdicts() -> None:
    from chainlead.programs.generator import firm_frame

    columns = firm_columns(2000, seed=5)
    by_rows = vectorised.eligible_mask(TEN_RULES, vectorised.frame(list(firm_rows(columns))))
    direct = vectorised.eligible_mask(TEN_RULES, firm_frame(columns))
    assert by_rows.sum() > 0
    assert (by_rows == direct).all()
