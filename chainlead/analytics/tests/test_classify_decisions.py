"""A round of officials' decisions as labels, simulated on a small fixed sample."""

from __future__ import annotations

import pandas as pd
import pytest

from chainlead.analytics.classify import (
    ClassLexicon,
    DivisionClassifier,
    decision_round,
    decision_row,
    train_classifier,
)

PHRASES = {
    "39": ["集成电路芯片设计", "通信设备制造", "电子元器件生产", "智能手机终端"],
    "27": ["化学药品制剂", "生物疫苗研发", "中成药生产", "原料药销售"],
    "65": ["应用软件开发", "信息系统集成服务", "云计算平台", "数据处理服务"],
    # The registry's firms: a division and words no training firm has.
    "38": ["锂离子电池模组", "储能电池系统", "动力电池包", "电芯与电池管理"],
}


def sample() -> pd.DataFrame:
    rows = [
        {
            "id": f"{division}{i:04d}",
            "division": division,
            "full_name": f"示例{phrases[i % 4]}股份有限公司",
            "short_name": "",
            "main_business": f"主营业务:{phrases[i % 4]},{phrases[(i + 1) % 4]}",
            "business_scope": "",
            "introduction": f"公司专注于{phrases[(i + 2) % 4]}。",
        }
        for division, phrases in PHRASES.items()
        for i in range(12)
    ]
    return pd.DataFrame(rows)


class Recorder:
    """Trains the small model and keeps the rows each model learned from."""

    def __init__(self) -> None:
        self.trained_on: list[pd.DataFrame] = []

    def __call__(self, rows: pd.DataFrame) -> DivisionClassifier:
        self.trained_on.append(rows.copy())
        return train_classifier(rows, lexicon=ClassLexicon(), seed=1, small=True)


def test_a_decision_row_is_the_firms_registry_fields_without_introduction() -> None:
    row = decision_row(
        7, "38", {"full_name": "电池公司", "main_business": None, "introduction": "x"}
    )
    assert row == {
        "id": "decision-7",
        "division": "38",
        "full_name": "电池公司",
        "short_name": "",
        "main_business": "",
        "business_scope": "",
        "introduction": "",
    }


@pytest.mark.parametrize("corrections", [False, True])
def test_the_retrained_model_learns_the_decided_firms_and_never_the_evaluation_firms(
    corrections: bool,
) -> None:
    """The registry is the battery makers (division 38), which no training firm is: the model
    before reads none of them right, so the official rejects every guess. Rejections alone
    teach nothing; corrected by hand, the decided firms become rows of 38 and the retrained
    model reads the evaluation's battery makers right."""
    rows = sample()
    batteries = set(rows.loc[rows["division"] == "38", "id"])
    train = Recorder()
    result = decision_round(
        rows,
        train=train,
        budgets=[None],
        registry_from=batteries,
        registry_share=1.0,
        seed=1,
        corrections=corrections,
    )
    base_rows, after_rows = train.trained_on
    evaluation = set(result.evaluation_ids)
    assert result.registry_firms == 12 and 0 < len(evaluation) < 12
    assert not (set(base_rows["id"]) & batteries)
    assert not ({i.removeprefix("decision-") for i in after_rows["id"]} & evaluation)
    assert result.before.top1 == 0.0 and result.reviewable_top1_before == 0.0
    (budget,) = result.budgets
    assert budget.k == result.reviewable_firms == 12 - len(evaluation)
    assert budget.accepted == 0 and budget.rejected == budget.k
    learned = after_rows[after_rows["id"].str.startswith("decision-")]
    if corrections:
        assert budget.label_rows == budget.k == len(learned)
        assert set(learned["division"]) == {"38"} and set(learned["introduction"]) == {""}
        assert budget.decided_top1 == 1.0
        assert budget.after.top1 == 1.0 and budget.flips_right == len(evaluation)
    else:
        assert budget.label_rows == len(learned) == 0
        assert budget.after == result.before and budget.flips_right == 0


def test_only_the_first_k_in_review_order_are_decided_and_right_guesses_accepted() -> None:
    """Lowest confidence first: a budget of 3 decides 3 firms; the accepted firms' rows carry
    the division the model guessed, which is their true one."""
    rows = sample()
    train = Recorder()
    result = decision_round(rows, train=train, budgets=[3, None], registry_share=0.5, seed=2)
    small, every = result.budgets
    assert small.k == 3 and small.accepted + small.rejected == 3
    assert every.k == result.reviewable_firms
    assert every.accepted >= small.accepted > 0
    truth = dict(zip(rows["id"], rows["division"], strict=True))
    for trained, budget in zip(train.trained_on[1:], result.budgets, strict=True):
        learned = trained[trained["id"].str.startswith("decision-")]
        assert len(learned) == budget.label_rows == budget.accepted
        assert all(
            truth[i.removeprefix("decision-")] == d
            for i, d in zip(learned["id"], learned["division"], strict=True)
        )
