import math

import pytest

from chainlead.recruitment.ranking import (
    Candidate,
    Fit,
    class_fit,
    normalised_weights,
    rank_candidates,
)


def _c(key, code, employees=None, growth=None, text=""):
    return Candidate(key, f"firm{key}", "上海", code, employees, growth, text)


def test_class_fit_needs_a_class_or_group_the_segment_lists():
    assert class_fit("3973", ["3973"]) == Fit(1.0, "class", {"industry": "3973", "code": "3973"})
    assert class_fit("3973", ["397"]).value == 1.0
    # A division, or another class of the same division, is not the segment's work.
    assert class_fit("39", ["3973"]) is None
    assert class_fit("3971", ["3973"]) is None
    assert class_fit(None, ["3973"]) is None


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
    # Sizes among the fitting firms: log1p(10) < log1p(1000): percentiles 0 and 1.
    # Growth: only firm 1 has one: percentile 1.
    candidates = [
        _c(1, "3973", employees=10, growth=0.2),
        _c(2, "39", employees=1000),
        _c(3, "39", employees=5000),  # no fit: not ranked, and not in the percentiles
        _c(4, None),
    ]
    fits = {1: Fit(1.0, "class"), 2: Fit(0.8, "text"), 4: Fit(0.5, "text")}
    result = rank_candidates(candidates, fits=fits, density_by_division={"39": 0.5})
    scores = {r.candidate.key: r.score for r in result.ranked}
    assert set(scores) == {1, 2, 4} and result.fitting == 3 and result.dropped == ()
    assert math.isclose(scores[1], 0.4 * 1.0 + 0.3 * 0.5 + 0.2 * 0.0 + 0.1 * 1.0)  # 0.65
    assert math.isclose(scores[2], 0.4 * 0.8 + 0.3 * 0.5 + 0.2 * 1.0)  # 0.67
    assert math.isclose(scores[4], 0.4 * 0.5)
    assert [r.candidate.key for r in result.ranked] == [2, 1, 4]
    terms = {t.name: t for t in result.ranked[2].terms}
    assert terms["relatedness"].reason == "no_density"
    assert terms["size"].reason == "no_employees"


def test_a_term_no_fitting_firm_has_data_for_is_left_out_and_the_weights_rescaled():
    candidates = [_c(1, "39", employees=10), _c(2, "39", employees=100)]
    fits = {1: Fit(0.9, "text"), 2: Fit(0.6, "text")}
    result = rank_candidates(candidates, fits=fits, density_by_division={"39": 0.2})
    assert result.dropped == ("growth",)
    assert result.weights["growth"] == 0
    assert math.isclose(sum(result.weights.values()), 1.0)
    assert math.isclose(result.weights["fit"], 0.4 / 0.9)
    assert all("growth" not in {t.name for t in r.terms} for r in result.ranked)
    # The firms are separated by fit and size, each term worth more than before.
    first, second = result.ranked
    assert first.candidate.key == 2 or first.score - second.score > 0.1


def test_limit_keeps_the_best():
    candidates = [_c(i, "39", employees=i) for i in range(1, 6)]
    fits = {i: Fit(i / 10, "text") for i in range(1, 6)}
    result = rank_candidates(candidates, fits=fits, density_by_division={}, limit=2)
    assert [r.candidate.key for r in result.ranked] == [5, 4]
    assert result.fitting == 5
