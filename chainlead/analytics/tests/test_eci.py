"""ECI and PCI: the eigenvector method against ecomplexity's own routine, NaN and degenerate
cases, both eigen-solvers, both normalisations."""

from __future__ import annotations

import types

import numpy as np
import pytest

from chainlead.analytics import ComplexityWarning, eigenvector_complexity, normalise
from chainlead.analytics.eci import DENSE_EIGH_LIMIT, long_table_std
from chainlead.analytics.tests.helpers import quiet
from chainlead.analytics.tests.test_rca import M


def reference_eci_pci(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ecomplexity's calc_eci_pci (dense non-symmetric eig of the product-side matrix)."""
    from ecomplexity.ecomplexity import calc_eci_pci

    cdata = types.SimpleNamespace(
        mcp_t=m, diversity_t=np.nansum(m, axis=1), ubiquity_t=np.nansum(m, axis=0), t=0
    )
    with quiet(), np.errstate(all="ignore"):
        return calc_eci_pci(cdata)


def nested_matrix(n_regions: int, n_products: int, seed: int) -> np.ndarray:
    """A random nested 0/1 matrix (diverse regions make rare products), connected."""
    rng = np.random.default_rng(seed)
    capability = rng.normal(size=n_regions)[:, np.newaxis]
    rarity = rng.normal(size=n_products)[np.newaxis, :]
    m = (rng.random((n_regions, n_products)) < 1 / (1 + np.exp(-2 * (capability - rarity)))).astype(
        np.int64
    )
    m[:, 0] = 1  # one ubiquitous product keeps the network connected
    m[0, :] = 1  # and one region that makes everything
    return m


def test_eigenvalues_of_the_3_by_4_example_by_hand() -> None:
    # Mcc = D_c^-1 M D_p^-1 M' = [[1/2, 1/6, 1/3], [1/4, 3/4, 0], [1/2, 0, 1/2]]: eigenvalue 1,
    # and lambda2 + lambda3 = trace - 1 = 3/4, lambda2 * lambda3 = det = 1/24, so
    # lambda2,3 = (3/4 +- sqrt(9/16 - 1/6)) / 2 = (3/4 +- sqrt(19/48)) / 2.
    result = eigenvector_complexity(M)
    root = np.sqrt(19 / 48)
    np.testing.assert_allclose(result.eigenvalues, [1, (0.75 + root) / 2, (0.75 - root) / 2])
    assert result.well_defined


def test_3_by_4_example_matches_ecomplexity() -> None:
    result = eigenvector_complexity(M)
    eci, pci = reference_eci_pci(M)
    np.testing.assert_allclose(result.eci, eci, atol=1e-12)
    np.testing.assert_allclose(result.pci, pci, atol=1e-12)
    normalised = normalise(result.eci, result.pci)
    # Normalised by ECI's moments: mean 0, population deviation 1; C (p1, p4: the products
    # shared with the most diverse region) ranks first, B (the only maker of p2) last.
    assert normalised.eci.mean() == pytest.approx(0, abs=1e-12)
    assert normalised.eci.std() == pytest.approx(1)
    assert list(np.argsort(normalised.eci)) == [1, 0, 2]


@pytest.mark.parametrize(
    "shape",
    [(5, 40), (40, 5), (30, 30), (DENSE_EIGH_LIMIT + 10, 430), (430, DENSE_EIGH_LIMIT + 10)],
)
def test_matches_ecomplexity_on_both_sides_and_both_solvers(shape: tuple[int, int]) -> None:
    m = nested_matrix(*shape, seed=sum(shape))
    result = eigenvector_complexity(m)
    eci, pci = reference_eci_pci(m)
    assert result.well_defined
    ours = normalise(result.eci, result.pci)
    theirs = normalise(eci, pci)
    np.testing.assert_allclose(ours.eci, theirs.eci, atol=1e-9)
    np.testing.assert_allclose(ours.pci, theirs.pci, atol=1e-9)
    np.testing.assert_allclose(result.eci, eci, atol=1e-9)  # raw vectors too (unit-length kp)


@pytest.mark.parametrize(
    "matrix",
    [
        np.ones((4, 5), dtype=np.int64),  # every diversity equal: correlation undefined
        np.array([[1, 1, 0], [0, 0, 0], [1, 0, 1]]),  # exactly one region with diversity 0
        np.array([[1, 0, 0], [1, 1, 0], [1, 1, 0]]),  # exactly one product with ubiquity 0
        np.array([[1, 1], [0, 1]]).T[:1],  # a single region
        np.array([[1], [1], [0]]),  # a single product (and one zero region)
        np.array([[1, 0, 0, 1], [0, 1, 0, 0], [0, 0, 0, 0], [1, 1, 0, 1]]),  # two of each
    ],
    ids=[
        "all-ones",
        "one-zero-region",
        "one-zero-product",
        "one-region",
        "one-product",
        "two-zero",
    ],
)
def test_nan_exactly_where_ecomplexity_has_nan(matrix: np.ndarray) -> None:
    with quiet():
        result = eigenvector_complexity(matrix)
    eci, pci = reference_eci_pci(matrix)
    np.testing.assert_array_equal(np.isnan(result.eci), np.isnan(eci))
    np.testing.assert_array_equal(np.isnan(result.pci), np.isnan(pci))
    finite = ~np.isnan(eci)
    np.testing.assert_allclose(result.eci[finite], eci[finite], atol=1e-12)
    ours = normalise(result.eci, result.pci)
    theirs = normalise(eci, pci)
    np.testing.assert_array_equal(np.isnan(ours.eci), np.isnan(theirs.eci))
    np.testing.assert_array_equal(np.isnan(ours.pci), np.isnan(theirs.pci))


def test_two_components_warn_but_normalised_indices_still_agree() -> None:
    block = nested_matrix(6, 8, seed=2)
    m = np.zeros((12, 16), dtype=np.int64)
    m[:6, :8] = block
    m[6:, 8:] = nested_matrix(6, 8, seed=3)
    with pytest.warns(ComplexityWarning, match="falls apart"):
        result = eigenvector_complexity(m)
    assert not result.well_defined
    assert result.eigenvalues[1] == pytest.approx(1)
    eci, pci = reference_eci_pci(m)
    ours, theirs = normalise(result.eci, result.pci), normalise(eci, pci)
    np.testing.assert_allclose(ours.eci, theirs.eci, atol=1e-9)
    np.testing.assert_allclose(ours.pci, theirs.pci, atol=1e-9)


def test_stata_normalisation_uses_the_long_table_sample_deviation() -> None:
    result = eigenvector_complexity(M)
    n_regions, n_products = M.shape
    ecomplexity_scale = normalise(result.eci, result.pci).scale
    stata_scale = normalise(result.eci, result.pci, stata=True).scale
    rows = n_regions * n_products
    assert stata_scale == pytest.approx(ecomplexity_scale * np.sqrt(rows / (rows - 1)))
    long = np.repeat(result.eci, n_products)
    assert long_table_std(result.eci, n_products) == pytest.approx(long.std(ddof=1))
