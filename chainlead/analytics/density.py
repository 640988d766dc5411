"""Density: how related a product is to what a region already has (Hidalgo et al. 2007).

``density[c, p] = sum_q levels[c, q] * phi[p, q] / sum_q phi[p, q]``, i.e.
``levels @ (phi.T / rowsums(phi))`` with ``levels`` = M (discrete proximity) or RCA / RPOP
(continuous proximity), exactly as ``ecomplexity`` 0.5.3 (``calc_density.py``) writes it;
row sums ignore NaN, products do not (a NaN proximity row makes the density NaN).

With ``knn`` ``ecomplexity`` switches to the k nearest products of each product (distance
``1 - phi``, scikit-learn's brute-force ``NearestNeighbors`` on the precomputed distances, the
product itself excluded) and then *counts* the region's levels over those neighbours: its code
sums the unweighted levels (``np.nansum(rca_knn_p, axis=1)``) and ignores the proximity weights
it computes. :func:`knn_neighbours` reproduces scikit-learn's choice of neighbours, ties
included (same ``np.argpartition`` / ``np.argsort`` calls), without depending on scikit-learn.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from chainlead.analytics._linalg import matmul, nansum
from chainlead.analytics._types import FloatArray, IntArray
from chainlead.analytics.errors import InvalidValueError, ShapeError


def density(
    levels: npt.ArrayLike, proximity: npt.ArrayLike, knn: int | None = None
) -> FloatArray | IntArray:
    """Density of every (region, product): regions × products, float64.

    ``levels`` is regions × products, ``proximity`` products × products. ``knn`` as described in
    the module docstring (``ecomplexity``'s neighbour count, not a weighted density; int64 when
    ``levels`` are integers, as there).
    """
    raw = np.asarray(levels)
    x = np.asarray(raw, dtype=np.float64)
    phi = np.asarray(proximity, dtype=np.float64)
    if x.ndim != 2 or phi.ndim != 2 or phi.shape != (x.shape[1], x.shape[1]):
        raise ShapeError(
            f"levels {x.shape} and proximity {phi.shape} do not line up "
            "(need regions × products and products × products)"
        )
    if knn is not None:
        counts = knn_density(x, phi, knn)
        # ecomplexity sums the levels themselves: an integer M gives integer densities.
        return counts.astype(np.int64) if np.issubdtype(raw.dtype, np.integer) else counts
    row_sums = nansum(phi, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if np.isfinite(row_sums).all() and (row_sums != 0).all():
            # (levels @ phi.T) / row_sums: the same sums without a P × P temporary (BLAS reads
            # phi.T in place); rounding differs from ecomplexity's order only in the last bits.
            result = matmul(x, phi.T)
            result /= row_sums[np.newaxis, :]
            return result
        # A zero or infinite row sum: keep ecomplexity's exact expression (and its NaN / inf).
        return matmul(x, phi.T / row_sums[np.newaxis, :])


def knn_neighbours(proximity: FloatArray, knn: int) -> IntArray:
    """The ``knn`` nearest other products of each product (products × knn indices).

    Same choice as ``NearestNeighbors(n_neighbors=knn, metric="precomputed").fit(1 - phi)
    .kneighbors()``: per row, ``np.argpartition`` of the distances keeps ``knn + 1`` candidates,
    ``np.argsort`` orders them, then the product itself (or, when more than ``knn`` products tie
    at distance 0 and it is not among the candidates, the first candidate) is removed.
    """
    n = proximity.shape[0]
    if isinstance(knn, bool) or not isinstance(knn, int | np.integer) or knn < 1:
        raise InvalidValueError(f"knn must be a positive integer, got {knn!r}")
    if knn >= n:
        raise ShapeError(f"knn={knn} needs more than {knn} products, got {n}")
    distance = 1.0 - proximity
    if not np.isfinite(distance).all():
        raise InvalidValueError("knn density needs a finite proximity matrix (no NaN)")
    if (distance < 0).any():
        raise InvalidValueError("knn density needs proximities <= 1 (distances 1 - phi >= 0)")
    n_neighbours = int(knn) + 1
    rows = np.arange(n)[:, np.newaxis]
    candidates = np.argpartition(distance, n_neighbours - 1, axis=1)[:, :n_neighbours]
    candidates = candidates[rows, np.argsort(distance[rows, candidates])]
    keep = candidates != rows
    self_missing = np.all(keep, axis=1)
    keep[:, 0][self_missing] = False
    return np.asarray(candidates[keep].reshape(n, n_neighbours - 1), dtype=np.int64)


def knn_density(levels: FloatArray, proximity: FloatArray, knn: int) -> FloatArray:
    """Sum of each region's levels over each product's ``knn`` neighbours (NaN read as 0)."""
    neighbours = knn_neighbours(proximity, knn)
    n = proximity.shape[0]
    indicator = sp.csr_array(
        (
            np.ones(neighbours.size),
            neighbours.ravel(),
            np.arange(0, neighbours.size + 1, neighbours.shape[1]),
        ),
        shape=(n, n),
    )
    summed = indicator @ np.where(np.isnan(levels), 0.0, levels).T
    return np.ascontiguousarray(np.asarray(summed, dtype=np.float64).T)


__all__ = ["density", "knn_density", "knn_neighbours"]
