"""Proximity between products (industries): how often they are present in the same regions.

Matrix functions take the region × product presence matrix M (or RCA / RPOP levels for the
continuous variant) and return a product × product float64 matrix. They follow ``ecomplexity``
0.5.3 (``calc_proximity.py``, Hidalgo et al. 2007):

* discrete, symmetric (default): ``phi[p, q] = C[p, q] / max(u[p], u[q])`` with
  ``C = M.T @ M`` the co-occurrence counts and ``u`` the ubiquities, i.e. the minimum of the two
  conditional probabilities; the diagonal is 1 (``ecomplexity``) or 0 (Stata, ``zero_diagonal``);
* discrete, asymmetric: ``phi[p, q] = C[p, q] / u[p]``, the probability of q given p;
* continuous: ``(1 + corr(levels[:, p], levels[:, q])) / 2``, Pearson correlation across regions.

A product with ubiquity 0 gives NaN proximities (0 / 0), as in ``ecomplexity``.

:func:`proximity` is the long-table entry point with the signature, columns and rows of
``ecomplexity.proximity``.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from chainlead.analytics import _table
from chainlead.analytics._linalg import crossprod, crossprod32, nansum
from chainlead.analytics._types import FloatArray
from chainlead.analytics.errors import (
    ComplexityWarning,
    MissingColumnError,
    ShapeError,
)

logger = logging.getLogger(__name__)


def discrete_proximity(
    mcp: npt.ArrayLike, *, asymmetric: bool = False, zero_diagonal: bool = False
) -> FloatArray:
    """Co-occurrence proximity from the presence matrix M (regions × products).

    ``zero_diagonal`` subtracts 1 from the diagonal as Stata's ``ecomplexity`` does before it
    computes density and outlook gain; ``ecomplexity`` (Python) keeps the 1.
    """
    raw = np.asarray(mcp)
    if raw.ndim != 2:
        raise ShapeError(f"mcp must be a 2-D region × product matrix, got {raw.ndim}-D")
    ubiquity = np.asarray(nansum(raw, axis=0), dtype=np.float64)
    counts = _cooccurrence_counts(raw)
    phi: FloatArray = np.empty(counts.shape, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        if asymmetric:
            # ecomplexity: (C / u[None, :]).T, i.e. C[p, q] / u[p] since C is symmetric.
            np.divide(counts, ubiquity[:, np.newaxis], out=phi)
        else:
            _divide_by_larger_ubiquity(counts, ubiquity, out=phi)
    del counts
    if zero_diagonal:
        diagonal = np.arange(phi.shape[0])
        phi[diagonal, diagonal] -= 1.0
    return phi


def cooccurrence(mcp: npt.ArrayLike) -> FloatArray:
    """``C = M.T @ M``: in how many regions both products are present (products × products)."""
    return np.asarray(_cooccurrence_counts(np.asarray(mcp)), dtype=np.float64)


def _cooccurrence_counts(raw: npt.NDArray[np.generic]) -> npt.NDArray[np.floating]:
    """``M.T @ M``; for a 0/1 M in single precision, which is exact here (every partial sum is
    an integer below 2**24, so up to 16 million regions) and twice as fast as double."""
    if (
        (np.issubdtype(raw.dtype, np.integer) or np.issubdtype(raw.dtype, np.floating))
        and raw.shape[0] < 2**24
        and bool(((raw == 0) | (raw == 1)).all())
    ):
        return crossprod32(raw)
    return crossprod(np.asarray(raw, dtype=np.float64))


def _divide_by_larger_ubiquity(
    counts: npt.NDArray[np.floating], ubiquity: FloatArray, *, out: FloatArray
) -> None:
    """``out = C[p, q] / max(u[p], u[q])``, a few rows at a time to avoid big temporaries.

    Bit for bit ``np.minimum(C / u[None, :], (C / u[None, :]).T)`` as ``ecomplexity`` writes it
    (division is monotone and correctly rounded; single-precision counts convert exactly),
    including its NaN rows and columns for a product with ubiquity 0 (``0 / 0``).
    """
    block = 128
    for start in range(0, counts.shape[0], block):
        stop = min(start + block, counts.shape[0])
        larger = np.maximum(ubiquity[start:stop, np.newaxis], ubiquity[np.newaxis, :])
        np.divide(counts[start:stop], larger, out=out[start:stop])
    absent = ubiquity == 0
    if absent.any():
        out[absent, :] = np.nan
        out[:, absent] = np.nan


def continuous_proximity(levels: npt.ArrayLike) -> FloatArray:
    """``(1 + Pearson correlation of the product columns of levels) / 2``; products × products.

    A product whose level is constant across regions has an undefined correlation (NaN row and
    column), as with ``np.corrcoef``.
    """
    x = np.asarray(levels, dtype=np.float64)
    if x.ndim != 2:
        raise ShapeError(f"levels must be a 2-D region × product matrix, got {x.ndim}-D")
    if x.shape[1] < 2:
        # ecomplexity crashes here (np.corrcoef returns a 0-d array for one variable).
        raise ShapeError("the continuous proximity needs at least two products in a period")
    if x.shape[0] < 2:
        # One region: no correlation (np.corrcoef would say NaN too, with a warning).
        return np.full((x.shape[1], x.shape[1]), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = np.atleast_2d(np.asarray(np.corrcoef(x.T), dtype=np.float64))
    corr += 1.0
    corr /= 2.0
    return corr


def proximity_from_edgelist(edgelist: pd.DataFrame, products: pd.Index) -> FloatArray:
    """A precomputed proximity given as an edge list, as a matrix over ``products``.

    ``edgelist`` has columns ``prod1``, ``prod2``, ``proximity`` (the format ``ecomplexity``'s
    ``proximity_edgelist`` takes). Pairs absent from the list are 0, a missing diagonal is 1, and
    a ComplexityWarning says so, as ``ecomplexity`` does. Both columns must list the same
    products.
    """
    missing = [c for c in ("prod1", "prod2", "proximity") if c not in edgelist.columns]
    if missing:
        raise MissingColumnError(f"proximity edge list lacks column(s) {missing}")
    if set(edgelist["prod1"].unique()) != set(edgelist["prod2"].unique()):
        raise ShapeError("proximity edge list: prod1 and prod2 must list the same products")
    try:
        wide = edgelist.pivot(index="prod1", columns="prod2", values="proximity")
    except ValueError as exc:
        raise ShapeError(f"proximity edge list has duplicate (prod1, prod2) pairs: {exc}") from exc
    wide = wide.reindex(products).reindex(products, axis=1)
    matrix = np.array(wide.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)
    if np.isnan(matrix).any():
        check = matrix.copy()
        np.fill_diagonal(check, 1.0)
        nan_share = float(np.isnan(check).sum()) / check.size
        if nan_share > 0:
            warnings.warn(
                f"Proximity edge list misses {nan_share:.2%} of the off-diagonal pairs; "
                "they count as 0 and the diagonal as 1.",
                ComplexityWarning,
                stacklevel=3,
            )
        else:
            warnings.warn(
                "Proximity edge list misses diagonal values; they count as 1.",
                ComplexityWarning,
                stacklevel=3,
            )
        np.fill_diagonal(matrix, 1.0)
        matrix[np.isnan(matrix)] = 0.0
    return matrix


def proximity(
    data: pd.DataFrame,
    cols_input: Mapping[str, str],
    presence_test: str = "rca",
    val_errors_flag: str = "coerce",
    rca_mcp_threshold: float = 1,
    rpop_mcp_threshold: float = 1,
    pop: pd.DataFrame | None = None,
    continuous: bool = False,
    asymmetric: bool = False,
) -> pd.DataFrame:
    """Product proximity per period from a long table; a drop-in for ``ecomplexity.proximity``.

    Input: the long table and column mapping of :func:`chainlead.analytics.complexity`
    (``cols_input`` keys ``time``, ``loc``, ``prod``, ``val``; ``time`` may be omitted for a single
    period). Regions or products whose values sum to zero in a period are left out of it.

    Returns one row per ordered product pair (both orders, and each product with itself) and
    period, periods in order of first appearance, products sorted, with columns

    * ``<time>``: the period (omitted when ``cols_input`` has no ``time``);
    * ``<prod>_1``, ``<prod>_2``: the product pair, e.g. ``hs92_1``, ``hs92_2``;
    * ``proximity``: float64.

    ``presence_test`` is ``"rca"``, ``"rpop"`` (needs ``pop``, columns time, loc, population in
    that order) or ``"manual"`` (values are M). ``ecomplexity``'s ``"both"`` (which adds the two
    0/1 matrices) is refused.
    """
    options = _table.PresenceOptions.build(
        presence_test=presence_test,
        rca_mcp_threshold=rca_mcp_threshold,
        rpop_mcp_threshold=rpop_mcp_threshold,
        pop=pop,
        strict=False,
    )
    table = _table.prepare(data, cols_input, val_errors_flag)
    frames: list[pd.DataFrame] = []
    for period in table.periods(order="appearance"):
        presence_result = options.apply(period.values, table, period)
        if continuous:
            rpop_levels = presence_result.rpop
            phi = continuous_proximity(
                rpop_levels if rpop_levels is not None else presence_result.rca
            )
        else:
            phi = discrete_proximity(presence_result.mcp, asymmetric=asymmetric)
        products = table.prod_labels.take(period.prod_index)
        n = len(products)
        columns: dict[str, object] = {}
        if table.time_name is not None:
            columns[table.time_name] = table.time_labels.take(
                np.full(n * n, period.time_code, dtype=np.int64)
            )
        prod_name = table.prod_name
        columns[f"{prod_name}_1"] = products.take(np.repeat(np.arange(n), n))
        columns[f"{prod_name}_2"] = products.take(np.tile(np.arange(n), n))
        columns["proximity"] = phi.ravel()
        frames.append(pd.DataFrame(columns))
        logger.debug("proximity: period %s done (%d products)", period.label, n)
    return pd.concat(frames, ignore_index=True)


__all__ = [
    "continuous_proximity",
    "discrete_proximity",
    "proximity",
    "proximity_from_edgelist",
]
