"""RCA, RPOP, M, diversity and ubiquity, checked by hand on a 3 × 4 example."""

from __future__ import annotations

import numpy as np
import pytest

from chainlead.analytics import NegativeValueError, ShapeError, diversity, presence, rca, rpop
from chainlead.analytics import ubiquity as ubiquity_of

# Regions A, B, C × products p1..p4. Row totals 8, 6, 6; column totals 6, 4, 5, 5; total 20,
# so the world shares of p1..p4 are 0.30, 0.20, 0.25, 0.25.
X = np.array(
    [
        [4.0, 0.0, 2.0, 2.0],
        [0.0, 3.0, 3.0, 0.0],
        [2.0, 1.0, 0.0, 3.0],
    ]
)
# RCA = (region share) / (world share):
#   A: (4/8)/.30 = 5/3,   0,                 (2/8)/.25 = 1 (tie), (2/8)/.25 = 1 (tie)
#   B: 0,                 (3/6)/.20 = 2.5,   (3/6)/.25 = 2,       0
#   C: (2/6)/.30 = 10/9,  (1/6)/.20 = 5/6,   0,                   (3/6)/.25 = 2
RCA = np.array(
    [
        [5 / 3, 0.0, 1.0, 1.0],
        [0.0, 2.5, 2.0, 0.0],
        [10 / 9, 5 / 6, 0.0, 2.0],
    ]
)
# M = RCA >= 1 (ecomplexity counts the ties of A in p3 and p4 as present).
M = np.array([[1, 0, 1, 1], [0, 1, 1, 0], [1, 0, 0, 1]])


def test_rca_by_hand() -> None:
    np.testing.assert_allclose(rca(X), RCA, rtol=1e-15)
    assert rca(X)[0, 2] == 1.0  # an exact tie, computed as ecomplexity computes it


def test_presence_counts_ties_as_present() -> None:
    np.testing.assert_array_equal(presence(rca(X)), M)
    assert presence(rca(X)).dtype == np.int64


def test_presence_strict_drops_the_ties_as_stata_does() -> None:
    strict = presence(rca(X), strict=True)
    np.testing.assert_array_equal(strict[0], [1, 0, 0, 0])
    np.testing.assert_array_equal(strict[1:], M[1:])


def test_diversity_and_ubiquity_by_hand() -> None:
    np.testing.assert_array_equal(diversity(M), [3, 2, 2])
    np.testing.assert_array_equal(ubiquity_of(M), [2, 1, 2, 2])


def test_presence_threshold_is_configurable() -> None:
    np.testing.assert_array_equal(presence(rca(X), 2.0), [[0, 0, 0, 0], [0, 1, 1, 0], [0, 0, 0, 1]])


def test_nan_values_count_as_zero_and_give_nan_rca() -> None:
    with_nan = X.copy()
    with_nan[1, 0] = np.nan  # was 0: every total is unchanged
    result = rca(with_nan)
    assert np.isnan(result[1, 0])
    np.testing.assert_allclose(np.delete(result.ravel(), 4), np.delete(RCA.ravel(), 4))
    assert presence(result)[1, 0] == 0
    assert presence(result, 0.0)[1, 0] == 1  # NaN reads as 0, which passes a threshold of 0


def test_rpop_by_hand() -> None:
    population = np.array([10.0, 20.0, 10.0])
    # RPOP = (X / pop) / (column total / total population 40); A in p1: (4/10) / (6/40) = 8/3.
    result = rpop(X, population)
    assert result[0, 0] == pytest.approx(8 / 3)
    assert result[1, 1] == pytest.approx((3 / 20) / (4 / 40))


def test_rpop_refuses_negative_population_and_wrong_length() -> None:
    with pytest.raises(NegativeValueError):
        rpop(X, [1.0, -1.0, 1.0])
    with pytest.raises(ShapeError):
        rpop(X, [1.0, 1.0])


def test_rca_needs_a_matrix() -> None:
    with pytest.raises(ShapeError):
        rca([1.0, 2.0])
