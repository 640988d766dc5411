"""COI and COG against ecomplexity's coicog routine."""

from __future__ import annotations

import types

import numpy as np
import pytest

from chainlead.analytics import ShapeError, complexity_outlook, density, discrete_proximity


def reference(dens: np.ndarray, m: np.ndarray, pci: np.ndarray, phi: np.ndarray):
    from ecomplexity.coicog import calc_coi_cog

    cdata = types.SimpleNamespace(density_t=dens, mcp_t=m, pci_t=pci)
    with np.errstate(all="ignore"):
        return calc_coi_cog(cdata, phi)


def test_outlook_matches_ecomplexity_formula() -> None:
    rng = np.random.default_rng(11)
    m = (rng.random((25, 40)) < 0.3).astype(np.int64)
    m[:, m.sum(axis=0) == 0] = 1
    phi = discrete_proximity(m)
    dens = density(m, phi)
    pci = rng.normal(size=40)
    coi, cog = complexity_outlook(dens, m, pci, phi)
    expected_coi, expected_cog = reference(dens, m, pci, phi)
    np.testing.assert_allclose(coi, expected_coi, atol=1e-12)
    np.testing.assert_allclose(cog, expected_cog, atol=1e-12)
    assert (cog[m == 1] == 0).all()  # no gain from a product the region already has


def test_a_nan_pci_makes_everything_nan_as_in_ecomplexity() -> None:
    m = np.array([[1, 0, 1], [0, 1, 1], [1, 1, 0]])
    phi = discrete_proximity(m)
    dens = density(m, phi)
    pci = np.array([0.5, np.nan, -0.5])
    coi, cog = complexity_outlook(dens, m, pci, phi)
    expected_coi, expected_cog = reference(dens, m, pci, phi)
    np.testing.assert_array_equal(np.isnan(coi), np.isnan(expected_coi))
    np.testing.assert_array_equal(np.isnan(cog), np.isnan(expected_cog))
    assert np.isnan(coi).all()


def test_shapes_must_line_up() -> None:
    with pytest.raises(ShapeError):
        complexity_outlook(np.ones((2, 3)), np.ones((2, 3)), np.ones(2), np.ones((3, 3)))
