import math

import pytest

from chainlead.recruitment.ranking import (
    Candidate,
    code_fit,
    keyword_fit,
    normalised_weights,
    rank_candidates,
)


def _c(key, code, employees=None, growth=None, text=""):
    return Candidate(key, f"firm{key}", "上海", code, employees, growth, text)


def test_code_fit_levels():
    assert code_fit("3973", ["3973"])[0] == 1.0
    assert code_fit("3973", ["397"])[0] == 1.0
    assert code_fit("3971", ["3973"])[0] == 0.7  # same division 39 only
    assert code_fit("39", ["3973"])[0] == 0.7
    assert code_fit("26", ["3973"])[0] == 0.0
    assert code_fit(None, ["3973"])[0] == 0.0


def test_keyword_fit_caps_at_one():
    assert keyword_fit("芯片设计与存储芯片", ["芯片", "存储", "晶圆"]) == (0.7, ["芯片", "存储"])
    assert keyword_fit("芯片 存储 晶圆 封装", ["芯片", "存储", "晶圆", "封装"])[0] == 1.0


def test_weights_are_normalised_and_checked():
    assert normalised_weights({"fit": 2, "relatedness": 1, "size": 1, "growth": 0}) == {
        "fit": 0.5,
        "relatedness": 0.25,
        "size": 0.25,
        "growth": 0.0,
    }
    with pytest.raises(ValueError):
        normalised_weights({"luck": 1})
    with pytest.raises(ValueError):
        normalised_weights({"fit": 0, "relatedness": 0, "size": 0, "growth": 0})


def test_ranking_by_hand():
    # Weights 0.4 fit, 0.3 relatedness, 0.2 size, 0.1 growth.
    # Sizes: log1p(10) < log1p(1000): percentiles 0 and 1 (firm 3 has no figure: 0).
    # Growth: only firm 1 has one: percentile 1.
    candidates = [
        _c(1, "3973", employees=10, growth=0.2),  # fit 1.0, density .5
        _c(2, "3971", employees=1000),  # fit 0.7, density .5
        _c(3, "26"),  # fit 0: not ranked
        _c(4, None, text="存储芯片"),  # fit 0.7 by two keywords, no density
    ]
    ranked = rank_candidates(
        candidates,
        segment_codes=["3973"],
        keywords=["芯片", "存储"],
        density_by_division={"39": 0.5},
    )
    scores = {r.candidate.key: r.score for r in ranked}
    assert set(scores) == {1, 2, 4}
    assert math.isclose(scores[1], 0.4 * 1.0 + 0.3 * 0.5 + 0.2 * 0.0 + 0.1 * 1.0)  # 0.65
    assert math.isclose(scores[2], 0.4 * 0.7 + 0.3 * 0.5 + 0.2 * 1.0)  # 0.63
    assert math.isclose(scores[4], 0.4 * 0.7)  # 0.28
    assert [r.candidate.key for r in ranked] == [1, 2, 4]
    terms = {t.name: t for t in ranked[2].terms}
    assert terms["relatedness"].why == "no density for this industry"
    assert "存储" in terms["fit"].why
