"""Revealed comparative advantage (RCA), RPOP, the binary presence matrix M, diversity, ubiquity.

All functions take a region × product matrix: rows are regions (``loc`` in ``ecomplexity``),
columns products or industries (``prod``), cells the value (exports, employment, revenue...).
They follow ``ecomplexity`` 0.5.3 (``ComplexityData.calculate_rca`` / ``calculate_rpop`` /
``calculate_mcp``) operation by operation, so the floating-point results are identical:

* ``RCA[c, p] = (X[c, p] / sum_p X[c, p]) / (sum_c X[c, p] / sum_cp X)`` (Balassa 1965);
* NaN cells count as zero in every sum but give a NaN RCA themselves;
* a row or column summing to zero gives NaN (``ecomplexity`` drops such rows before, and so does
  :func:`chainlead.analytics.complexity`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from chainlead.analytics._linalg import nansum
from chainlead.analytics._types import FloatArray, IntArray
from chainlead.analytics.errors import NegativeValueError, ShapeError


def _as_matrix(values: npt.ArrayLike, name: str = "values") -> FloatArray:
    matrix = np.asarray(values, dtype=np.float64)
    if matrix.ndim != 2:
        raise ShapeError(f"{name} must be a 2-D region × product matrix, got {matrix.ndim}-D")
    return matrix


def rca(values: npt.ArrayLike) -> FloatArray:
    """Balassa's revealed comparative advantage of every region (row) in every product (column).

    Returns a new float64 matrix of the same shape. NaN cells are treated as zero in the row,
    column and grand totals (``np.nansum``) and stay NaN in the result.
    """
    x = _as_matrix(values)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = x / nansum(x, axis=1)[:, np.newaxis]
        product_total = nansum(x, axis=0)[np.newaxis, :]
        world_total = nansum(product_total, axis=1)[:, np.newaxis]
        np.divide(share, product_total / world_total, out=share)
    return np.asarray(share, dtype=np.float64)


def rpop(values: npt.ArrayLike, population: npt.ArrayLike) -> FloatArray:
    """Revealed per-capita advantage: ``(X[c, p] / pop[c]) / (sum_c X[c, p] / sum_c pop[c])``.

    ``population`` has one entry per row of ``values``; a NaN population gives a NaN row (and so
    no presence), as in ``ecomplexity``. Negative populations are refused.
    """
    x = _as_matrix(values)
    pop = np.asarray(population, dtype=np.float64).reshape(-1)
    if pop.shape[0] != x.shape[0]:
        raise ShapeError(f"population has {pop.shape[0]} entries for {x.shape[0]} regions")
    if np.any(pop < 0):
        raise NegativeValueError("population must not be negative")
    column = pop[:, np.newaxis]
    with np.errstate(divide="ignore", invalid="ignore"):
        per_capita = x / column
        product_total = nansum(x, axis=0)[np.newaxis, :]
        np.divide(per_capita, product_total / np.nansum(column), out=per_capita)
    return per_capita


def presence(levels: npt.ArrayLike, threshold: float = 1.0, *, strict: bool = False) -> IntArray:
    """The binary matrix M: 1 where ``levels >= threshold`` (``> threshold`` if ``strict``), else 0.

    ``ecomplexity`` uses ``>=`` (ties at the threshold count as present); Stata's
    ``ecomplexity`` uses ``>`` (``strict=True``). NaN levels are read as 0, so they are present
    only when the threshold is not positive (``np.nan_to_num`` then compare, as ``ecomplexity``).
    Returns int64, the dtype ``ecomplexity`` reports for ``mcp``.
    """
    x = np.asarray(levels, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        present = np.greater(x, threshold) if strict else np.greater_equal(x, threshold)
    nan_present = (threshold < 0.0) if strict else (threshold <= 0.0)
    if nan_present:
        present |= np.isnan(x)
    return present.astype(np.int64)


def diversity(mcp: npt.ArrayLike) -> npt.NDArray[np.generic]:
    """Number of products present in each region (row sums of M, NaN read as 0).

    Keeps M's dtype family (int64 for a binary int64 M), like ``np.nansum``.
    """
    return nansum(np.asarray(mcp), axis=1)


def ubiquity(mcp: npt.ArrayLike) -> npt.NDArray[np.generic]:
    """Number of regions where each product is present (column sums of M, NaN read as 0)."""
    return nansum(np.asarray(mcp), axis=0)


__all__ = ["diversity", "presence", "rca", "rpop", "ubiquity"]
