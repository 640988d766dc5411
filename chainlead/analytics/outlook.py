"""Complexity outlook index (COI) and complexity outlook gain (COG).

As ``ecomplexity`` 0.5.3 (``coicog.py``) and Stata's ``coicog.ado``, on raw (not yet normalised)
PCI ``kp``:

* ``coi[c] = sum_p density[c, p] * (1 - M[c, p]) * kp[p]``: how much complexity lies in the
  products the region does not have yet, weighted by how close they are;
* ``cog[c, p] = (1 - M[c, p]) * sum_q (1 - M[c, q]) * phi[q, p] * kp[q] / sum_r phi[q, r]``: how
  much a region would gain in outlook by adding product p.

:func:`chainlead.analytics.complexity` then standardises COI by its own mean and deviation and
divides COG by ECI's deviation, as both packages do.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from chainlead.analytics._types import FloatArray
from chainlead.analytics.errors import ShapeError


def complexity_outlook(
    density: npt.ArrayLike,
    mcp: npt.ArrayLike,
    pci: npt.ArrayLike,
    proximity: npt.ArrayLike,
) -> tuple[FloatArray, FloatArray]:
    """Raw COI (one per region) and COG (regions × products).

    ``density`` and ``mcp`` are regions × products, ``pci`` the raw PCI per product,
    ``proximity`` products × products. NaN anywhere in ``pci`` or ``density`` propagates as in
    ``ecomplexity`` (e.g. a product with ubiquity 0 makes every COI and COG NaN).
    """
    dens = np.asarray(density, dtype=np.float64)
    m = np.asarray(mcp, dtype=np.float64)
    kp = np.asarray(pci, dtype=np.float64)
    phi = np.asarray(proximity, dtype=np.float64)
    _check_shapes(m, kp, phi, dens)
    return outlook_index(dens, m, kp), outlook_gain(m, kp, phi)


def outlook_index(density: FloatArray, mcp: FloatArray, pci: FloatArray) -> FloatArray:
    """Raw COI: ``sum_p density[c, p] * (1 - M[c, p]) * kp[p]`` (float64 inputs, shapes checked
    by the caller). It needs the density; :func:`outlook_gain` does not, so the two can run
    side by side."""
    with np.errstate(divide="ignore", invalid="ignore"):
        absent = 1.0 - mcp
        absent *= density
        return np.asarray(absent @ pci, dtype=np.float64)


def outlook_gain(mcp: FloatArray, pci: FloatArray, proximity: FloatArray) -> FloatArray:
    """Raw COG (regions × products) from M, the raw PCI and the proximity (float64 inputs,
    shapes checked by the caller)."""
    absent = 1.0 - mcp
    with np.errstate(divide="ignore", invalid="ignore"):
        # (1 - M) @ (phi * s[:, None]) == ((1 - M) * s[None, :]) @ phi with s = kp / rowsums:
        # a regions × products temporary instead of a products × products one.
        weighted = absent * (pci / proximity.sum(axis=1))[np.newaxis, :]
        cog = np.asarray(weighted @ proximity, dtype=np.float64)
    del weighted
    cog *= absent
    return cog


def _check_shapes(m: FloatArray, kp: FloatArray, phi: FloatArray, dens: FloatArray) -> None:
    n_products = m.shape[1] if m.ndim == 2 else -1
    if (
        m.ndim != 2
        or dens.shape != m.shape
        or kp.shape != (n_products,)
        or phi.shape != (n_products, n_products)
    ):
        raise ShapeError(
            f"density {dens.shape}, mcp {m.shape}, pci {kp.shape} and proximity {phi.shape} "
            "do not line up"
        )


__all__ = ["complexity_outlook", "outlook_gain", "outlook_index"]
