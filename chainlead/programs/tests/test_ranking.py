"""Normalisation per reviewer on a hand-checked example, and the tie rule."""

from __future__ import annotations

import math

import pytest

from chainlead.programs.ranking import normalise, rank


def test_a_harsh_reviewer_does_not_sink_an_application() -> None:
    # Reviewer H is harsh (scores 2, 4, 6), reviewer G generous (70, 80, 90).
    # Application 1 is scored by H (6) and G (70); application 2 by H (2) and G (90);
    # application 3 by H (4) and G (80).
    scores = [("H", 1, 6.0), ("H", 2, 2.0), ("H", 3, 4.0), ("G", 1, 70.0), ("G", 2, 90.0)]
    scores.append(("G", 3, 80.0))
    z = normalise(scores)
    # H: mean 4, population sd sqrt(8/3) = 1.63299…; G: mean 80, sd sqrt(200/3) = 8.16497….
    assert z[("H", 1)] == pytest.approx(2 / math.sqrt(8 / 3))  # +1.2247
    assert z[("H", 2)] == pytest.approx(-2 / math.sqrt(8 / 3))
    assert z[("G", 1)] == pytest.approx(-10 / math.sqrt(200 / 3))  # −1.2247
    assert z[("G", 3)] == pytest.approx(0.0)
    ranked = rank(scores, {1: 1.0, 2: 2.0, 3: 3.0})
    # 1: (1.2247 − 1.2247)/2 = 0; 2: (−1.2247 + 1.2247)/2 = 0; 3: 0. All tied on z: the
    # higher raw mean wins (2: 46, 3: 42, 1: 38), though raw totals alone would rank the
    # generous reviewer's favourite first for a different reason.
    assert [r.application for r in ranked] == [2, 3, 1]
    assert [r.rank for r in ranked] == [1, 2, 3]


def test_normalised_order_differs_from_raw_order() -> None:
    # A scores 1 and 9 with harsh H (scale 0-10) and is top of H's list; B scored only by the
    # generous G, who gives everything 80-90. Raw means favour B; z-scores favour A.
    scores = [("H", 1, 9.0), ("H", 3, 1.0), ("G", 2, 85.0), ("G", 4, 90.0), ("G", 5, 80.0)]
    ranked = rank(scores, {})
    z = {r.application: r.normalised for r in ranked}
    assert z[1] == pytest.approx(1.0)
    assert z[4] == pytest.approx(math.sqrt(3 / 2))
    assert ranked[0].application == 4
    assert ranked[1].application == 1  # above 2 (z 0), though its raw 9 is far below 85


def test_ties_fall_to_earlier_submission_then_id() -> None:
    scores = [("A", 10, 5.0), ("B", 11, 5.0), ("C", 12, 5.0)]
    ranked = rank(scores, {10: 300.0, 11: 100.0, 12: 100.0})
    assert [r.application for r in ranked] == [11, 12, 10]


def test_a_single_score_or_a_flat_reviewer_counts_zero() -> None:
    assert normalise([("A", 1, 7.0)]) == {("A", 1): 0.0}
    assert normalise([("A", 1, 7.0), ("A", 2, 7.0)]) == {("A", 1): 0.0, ("A", 2): 0.0}
