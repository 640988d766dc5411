"""Density by hand on the 3 × 4 example; knn neighbours against scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest

from chainlead.analytics import InvalidValueError, ShapeError, density, knn_neighbours
from chainlead.analytics.tests.test_proximity import PHI
from chainlead.analytics.tests.test_rca import M

# density[c, p] = sum_q M[c, q] * phi[p, q] / sum_q phi[p, q]; the row sums of phi are
# 2.5, 1.5, 2.5, 2.5. E.g. A (has p1, p3, p4) in p2: (0 + 0 + 0.5 + 0) / 1.5 = 1/3;
# B (has p2, p3) in p1: (0 + 0.5) / 2.5 = 0.2; C (has p1, p4) in p3: (0.5 + 0.5) / 2.5 = 0.4.
DENSITY = np.array(
    [
        [1.0, 1 / 3, 0.8, 1.0],
        [0.2, 1.0, 0.6, 0.2],
        [0.8, 0.0, 0.4, 0.8],
    ]
)


def test_density_by_hand() -> None:
    np.testing.assert_allclose(density(M, PHI), DENSITY, rtol=1e-15)


def test_density_matches_ecomplexity_formula() -> None:
    from ecomplexity.calc_density import calc_density

    rng = np.random.default_rng(3)
    m = (rng.random((30, 50)) < 0.3).astype(np.int64)
    phi = rng.random((50, 50))
    np.testing.assert_allclose(density(m, phi), calc_density(m, phi), rtol=1e-12)


def test_density_keeps_ecomplexity_expression_for_zero_row_sums() -> None:
    phi = PHI.copy()
    phi[1] = 0.0  # p2's row sums to 0: ecomplexity divides by zero
    with np.errstate(all="ignore"):
        expected = M @ (phi.T / phi.sum(axis=1)[np.newaxis, :])
    np.testing.assert_array_equal(np.isnan(density(M, phi)), np.isnan(expected))


@pytest.mark.parametrize("knn", [1, 2, 5, 9])
def test_knn_neighbours_match_scikit_learn(knn: int) -> None:
    from sklearn import neighbors  # ecomplexity's own dependency, locked with it

    rng = np.random.default_rng(knn)
    m = (rng.random((12, 10)) < 0.4).astype(np.int64)
    m[:, m.sum(axis=0) == 0] = 1
    from chainlead.analytics import discrete_proximity

    phi = discrete_proximity(m)  # many ties: ratios of small integers
    model = neighbors.NearestNeighbors(n_neighbors=knn, metric="precomputed").fit(1 - phi)
    _, expected = model.kneighbors()
    np.testing.assert_array_equal(knn_neighbours(phi, knn), expected)


def test_knn_density_counts_levels_over_neighbours_as_ecomplexity() -> None:
    from ecomplexity.calc_density import calc_density

    rng = np.random.default_rng(7)
    m = (rng.random((15, 12)) < 0.4).astype(np.int64)
    m[:, m.sum(axis=0) == 0] = 1
    from chainlead.analytics import discrete_proximity

    phi = discrete_proximity(m)
    result = density(m, phi, knn=4)
    assert result.dtype == np.int64  # a count, as ecomplexity's code makes it
    np.testing.assert_array_equal(result, calc_density(m, phi, knn=4))


def test_knn_errors() -> None:
    with pytest.raises(ShapeError):
        knn_neighbours(PHI, 4)
    with pytest.raises(InvalidValueError):
        knn_neighbours(PHI, 0)
    with pytest.raises(InvalidValueError):
        knn_neighbours(np.full((3, 3), np.nan), 1)
    with pytest.raises(InvalidValueError):
        knn_neighbours(np.full((3, 3), 2.0), 1)


def test_density_shapes_must_line_up() -> None:
    with pytest.raises(ShapeError):
        density(M, np.ones((3, 3)))
