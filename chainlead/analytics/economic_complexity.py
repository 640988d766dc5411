"""The entry points: :func:`complexity` (long table, a drop-in for ``ecomplexity.ecomplexity``)
and :func:`complexity_matrix` (one region × product matrix).

Per period both run the same steps as ``ecomplexity`` 0.5.3: RCA (and RPOP), M, diversity and
ubiquity, ECI / PCI by the eigenvector method, proximity, density, COI and COG, then the
normalisation (ECI and PCI by ECI's mean and deviation, COG by ECI's deviation, COI by its own).

``convention="stata"`` reproduces Stata's ``ecomplexity`` instead (the reference outputs in
``stata_ground_truth.csv``), which differs from the Python package in three places:
M is ``RCA > threshold`` (not ``>=``); the proximity diagonal is 0 (not 1) in density and COG;
the deviations are Stata's ``summarize`` over the long table (sample deviation over every
region × product row, larger by ``sqrt(NP / (NP - 1))``). It is refused with the continuous
proximity and ``knn``, which we have no Stata reference for.
"""

from __future__ import annotations

import logging
import os
import threading
import warnings
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from chainlead.analytics import _table
from chainlead.analytics._linalg import blas_threads_for, nansum
from chainlead.analytics._types import FloatArray, IntArray
from chainlead.analytics.density import density as density_of
from chainlead.analytics.eci import (
    EigenvectorComplexity,
    eigenvector_complexity,
    long_table_std,
    normalise,
)
from chainlead.analytics.errors import (
    ComplexityWarning,
    EmptyInputError,
    InvalidValueError,
    NegativeValueError,
    ShapeError,
    UnsupportedOptionError,
)
from chainlead.analytics.outlook import outlook_gain, outlook_index
from chainlead.analytics.proximity import (
    continuous_proximity,
    discrete_proximity,
    proximity_from_edgelist,
)
from chainlead.analytics.rca import presence, rca, rpop

logger = logging.getLogger(__name__)

Convention = Literal["ecomplexity", "stata"]
T = TypeVar("T")

# Output columns after the key columns, in ecomplexity's order.
MEASURE_COLUMNS = ("diversity", "ubiquity", "mcp", "eci", "pci", "density", "coi", "cog", "rca")


@dataclass
class ComplexityResult:
    """Every measure for one period on its region × product grid.

    Rows of the matrices are ``regions``, columns ``products`` (the regions and products whose
    values sum to more than zero, in sorted order for long tables, input order for matrices).

    * ``values``: the input values (float64; NaN where the input was NaN, 0 where missing);
    * ``rca``: Balassa RCA (the values themselves under ``presence_test="manual"``);
    * ``rpop``: RPOP under ``presence_test="rpop"``, else None;
    * ``mcp``: M, int64 0/1 (the values under ``"manual"``);
    * ``diversity`` (per region), ``ubiquity`` (per product): sums of M;
    * ``eci`` (per region), ``pci`` (per product): normalised complexity indices;
    * ``density``, ``cog``: regions × products (density is int64 with ``knn`` and an integer M,
      a count, as in ``ecomplexity``); ``coi``: per region (normalised);
    * ``proximity``: products × products as used for density and COG (None unless kept);
    * ``eigen``: the raw eigenvector result with its eigenvalues (see
      :class:`chainlead.analytics.eci.EigenvectorComplexity`).
    """

    regions: pd.Index
    products: pd.Index
    values: FloatArray
    rca: FloatArray
    rpop: FloatArray | None
    mcp: FloatArray | IntArray
    diversity: npt.NDArray[np.generic]
    ubiquity: npt.NDArray[np.generic]
    eci: FloatArray
    pci: FloatArray
    density: FloatArray | IntArray
    coi: FloatArray
    cog: FloatArray
    proximity: FloatArray | None
    eigen: EigenvectorComplexity


@dataclass(frozen=True)
class _Options:
    presence_test: Literal["rca", "rpop", "manual"]
    continuous: bool
    asymmetric: bool
    knn: int | None
    stata: bool
    keep_proximity: bool


def _check_convention(convention: str, *, continuous: bool, knn: int | None) -> bool:
    if convention not in ("ecomplexity", "stata"):
        raise UnsupportedOptionError(
            f"convention must be 'ecomplexity' or 'stata', got {convention!r}"
        )
    stata = convention == "stata"
    if stata and (continuous or knn is not None):
        raise UnsupportedOptionError(
            "convention='stata' is only validated for the discrete proximity without knn"
        )
    return stata


def _compute(
    values: FloatArray,
    presence_result: _table.PresenceResult,
    given_proximity: FloatArray | None,
    options: _Options,
    regions: pd.Index,
    products: pd.Index,
    label: object,
) -> ComplexityResult:
    """All measures for one period's grid (no zero rows or columns).

    Two chains of work are independent until the end: the eigen-solver (then COG, which needs
    the PCI and the proximity) and the proximity (then density). On small grids, where BLAS
    runs on one thread, the proximity chain runs on a worker thread beside the main one: the
    cores are used without OpenBLAS's spinning threads, and a busy machine costs no more than
    running the two in turn. Large grids run in turn, with BLAS's own threads.
    """
    mcp = presence_result.mcp
    diversity = nansum(mcp, axis=1)
    ubiquity = nansum(mcp, axis=0)
    if np.any(diversity == 0) or np.any(ubiquity == 0):
        warnings.warn(
            f"Period {label}: diversity or ubiquity is 0 for some regions / products, so ECI "
            "and PCI will be NaN (as in ecomplexity)",
            ComplexityWarning,
            stacklevel=4,  # the caller of complexity()
        )
    # One float copy of M for every product below (an integer M is converted only here).
    m = np.asarray(mcp, dtype=np.float64)
    with blas_threads_for(values.size) as single_thread:
        side = _SideBySide() if single_thread else _InTurn()
        # Nothing here may use warnings.catch_warnings, which is not thread-safe (it swaps
        # the process's filter list): numpy's floating-point warnings are silenced with
        # np.errstate, which is per thread.
        phi_future = side.submit(_proximity_for, m, presence_result, given_proximity, options)
        eigen = eigenvector_complexity(m)
        phi = phi_future.result()
        levels = _density_levels(m, presence_result, options)
        density_future = side.submit(density_of, levels, phi, options.knn)
        kp = np.asarray(eigen.pci, dtype=np.float64)
        cog = outlook_gain(m, kp, phi)
        dens = density_future.result()
        coi = outlook_index(np.asarray(dens, dtype=np.float64), m, kp)
    del m
    n_products = mcp.shape[1]
    normalised = normalise(eigen.eci, eigen.pci, stata=options.stata)
    with np.errstate(divide="ignore", invalid="ignore"):
        cog /= normalised.scale
        coi_scale = long_table_std(coi, n_products) if options.stata else float(coi.std())
        coi = (coi - coi.mean()) / coi_scale
    return ComplexityResult(
        regions=regions,
        products=products,
        values=values,
        rca=presence_result.rca,
        rpop=presence_result.rpop,
        mcp=mcp,
        diversity=diversity,
        ubiquity=ubiquity,
        eci=normalised.eci,
        pci=normalised.pci,
        density=dens,
        coi=coi,
        cog=cog,
        proximity=phi if options.keep_proximity else None,
        eigen=eigen,
    )


def _proximity_for(
    m: FloatArray,
    presence_result: _table.PresenceResult,
    given_proximity: FloatArray | None,
    options: _Options,
) -> FloatArray:
    if given_proximity is not None:
        return given_proximity
    if not options.continuous:
        return discrete_proximity(m, asymmetric=options.asymmetric, zero_diagonal=options.stata)
    source = presence_result.rpop if options.presence_test == "rpop" else presence_result.rca
    return continuous_proximity(source if source is not None else presence_result.rca)


def _density_levels(
    m: FloatArray, presence_result: _table.PresenceResult, options: _Options
) -> npt.NDArray[np.generic]:
    """What density sums: M (discrete proximity or manual M), or RCA / RPOP (continuous)."""
    test = options.presence_test
    if not options.continuous or test == "manual":
        # With knn, ecomplexity's density counts M itself: integer M, integer density.
        return presence_result.mcp if options.knn is not None else m
    if test == "rpop" and presence_result.rpop is not None:
        return presence_result.rpop
    return presence_result.rca


class _InTurn:
    """Runs a submitted call at once (the sequential stand-in for :class:`_SideBySide`)."""

    def submit(self, fn: Callable[..., T], *args: object) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # re-raised by result(), as from a worker thread
            future.set_exception(exc)
        return future


class _SideBySide:
    """Runs a submitted call on the module's worker thread."""

    def submit(self, fn: Callable[..., T], *args: object) -> Future[T]:
        return _worker().submit(fn, *args)


_worker_pool: ThreadPoolExecutor | None = None
_worker_lock = threading.Lock()


def _worker() -> ThreadPoolExecutor:
    """The process's worker thread. One for the whole process: calls from several threads
    queue up rather than oversubscribing the cores."""
    global _worker_pool
    with _worker_lock:
        if _worker_pool is None:
            _worker_pool = ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="chainlead-analytics"
            )
        return _worker_pool


def _forget_worker_after_fork() -> None:
    # A forked child inherits the executor but not its thread: work queued there would wait
    # forever, so the child starts its own.
    global _worker_pool, _worker_lock
    _worker_pool = None
    _worker_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_worker_after_fork)


def complexity_matrix(
    values: npt.ArrayLike,
    *,
    regions: npt.ArrayLike | None = None,
    products: npt.ArrayLike | None = None,
    presence_test: str = "rca",
    rca_mcp_threshold: float = 1,
    rpop_mcp_threshold: float = 1,
    population: npt.ArrayLike | None = None,
    continuous: bool = False,
    asymmetric: bool = False,
    proximity: npt.ArrayLike | None = None,
    knn: int | None = None,
    convention: Convention = "ecomplexity",
    keep_proximity: bool = True,
) -> ComplexityResult:
    """Every measure for one region × product matrix (rows regions, columns products).

    Regions and products whose values sum to zero are dropped first, as ``ecomplexity`` does;
    ``result.regions`` / ``result.products`` name the rest (the labels given, else the input
    positions). NaN values count as 0 (with a ComplexityWarning); negative or infinite values
    are refused. ``population`` (one per row) is needed for ``presence_test="rpop"``;
    ``proximity`` (products × products, in the input's column order) replaces the computed
    proximity. The other options are those of :func:`complexity`.
    """
    stata = _check_convention(convention, continuous=continuous, knn=knn)
    options = _table.PresenceOptions.build(
        presence_test=presence_test,
        rca_mcp_threshold=rca_mcp_threshold,
        rpop_mcp_threshold=rpop_mcp_threshold,
        pop=None,
        strict=stata,
        needs_pop=False,
    )
    x = np.array(values, dtype=np.float64)
    if x.ndim != 2:
        raise ShapeError(f"values must be a 2-D region × product matrix, got {x.ndim}-D")
    if x.size == 0:
        raise EmptyInputError("the matrix is empty")
    if np.isinf(x).any():
        raise InvalidValueError("values must be finite")
    if (x < 0).any():
        raise NegativeValueError("values must not be negative")
    if np.isnan(x).any():
        warnings.warn(
            "NaN value(s) count as 0 in every sum and give NaN RCA, as in ecomplexity",
            ComplexityWarning,
            stacklevel=2,
        )
    row_labels = pd.Index(np.arange(x.shape[0]) if regions is None else regions)
    col_labels = pd.Index(np.arange(x.shape[1]) if products is None else products)
    if len(row_labels) != x.shape[0] or len(col_labels) != x.shape[1]:
        raise ShapeError("regions / products labels do not match the matrix shape")
    filled = np.nan_to_num(x)
    keep_r = filled.sum(axis=1) > 0
    keep_p = filled.sum(axis=0) > 0
    del filled
    if not keep_r.any():
        raise EmptyInputError("the matrix has no positive value")
    if not (keep_r.all() and keep_p.all()):
        x = np.ascontiguousarray(x[keep_r][:, keep_p])
    test = options.presence_test
    if test == "manual":
        presence_result = _table.PresenceResult(rca=x, rpop=None, mcp=x)
    elif test == "rca":
        rca_x = rca(x)
        presence_result = _table.PresenceResult(
            rca=rca_x, rpop=None, mcp=presence(rca_x, options.rca_mcp_threshold, strict=stata)
        )
    else:
        if population is None:
            raise ShapeError("presence_test='rpop' needs population (one value per row)")
        pop = np.asarray(population, dtype=np.float64).reshape(-1)
        if pop.shape[0] != keep_r.shape[0]:
            raise ShapeError(f"population has {pop.shape[0]} entries for {keep_r.shape[0]} rows")
        rpop_x = rpop(x, pop[keep_r])
        presence_result = _table.PresenceResult(
            rca=rca(x),
            rpop=rpop_x,
            mcp=presence(rpop_x, options.rpop_mcp_threshold, strict=stata),
        )
    given: FloatArray | None = None
    if proximity is not None:
        given = np.array(proximity, dtype=np.float64)
        if given.shape != (keep_p.shape[0], keep_p.shape[0]):
            raise ShapeError(f"proximity must be {keep_p.shape[0]} × {keep_p.shape[0]}")
        given = np.ascontiguousarray(given[keep_p][:, keep_p])
    return _compute(
        x,
        presence_result,
        given,
        _Options(
            presence_test=test,
            continuous=continuous,
            asymmetric=asymmetric,
            knn=knn,
            stata=stata,
            keep_proximity=keep_proximity,
        ),
        row_labels[keep_r],
        col_labels[keep_p],
        "matrix",
    )


def complexity(
    data: pd.DataFrame,
    cols_input: Mapping[str, str],
    presence_test: str = "rca",
    val_errors_flag: str = "coerce",
    rca_mcp_threshold: float = 1,
    rpop_mcp_threshold: float = 1,
    pop: pd.DataFrame | None = None,
    continuous: bool = False,
    proximity_edgelist: pd.DataFrame | None = None,
    asymmetric: bool = False,
    knn: int | None = None,
    check_logsupermodularity: bool | int = True,
    report_logsupermodularity: bool = False,
    verbose: bool = True,
    *,
    convention: Convention = "ecomplexity",
) -> pd.DataFrame:
    """Economic complexity of a long table; a drop-in for ``ecomplexity.ecomplexity``.

    Input ``data``: one row per (period, region, product) with a non-negative value, e.g.
    ``year, origin, hs92, export_val`` or ``year, district, industry, employment``. Other columns
    are carried through. ``cols_input`` maps the roles to column names:
    ``{"time": "year", "loc": "origin", "prod": "hs92", "val": "export_val"}``; ``time`` may be
    left out for a single period (an extension: ``ecomplexity`` requires it).

    Returns ``ecomplexity``'s table, same columns, dtypes and rows: the columns
    ``<loc>, <prod>, <val>, <time>`` then

    * ``diversity``, ``ubiquity``: number of products of the region / regions of the product
      (int64);
    * ``mcp``: M, 1 if RCA (RPOP) >= the threshold else 0 (int64; the values under ``manual``);
    * ``eci``, ``pci``: complexity indices, standardised by ECI's mean and deviation;
    * ``density``: relatedness of the product to the region's products;
    * ``coi`` (standardised), ``cog``: complexity outlook index and gain;
    * ``rca`` (and ``rpop`` under ``presence_test="rpop"``);
    * then the table's other columns.

    Rows: every region × product of each period (missing cells have value 0), plus the table's
    rows that are outside that grid (regions / products whose values sum to zero in the period,
    later duplicates of a key, all-zero periods) with NaN measures, sorted by the keys in
    ``cols_input`` order; the integer columns become float64 when such rows exist, as pandas'
    outer merge makes them in ``ecomplexity``.

    Options as ``ecomplexity``: ``presence_test`` ``"rca"`` | ``"rpop"`` (with ``pop``: columns
    time, loc, population in that order) | ``"manual"`` (values are M); ``val_errors_flag``
    ``"coerce"`` | ``"raise"``; the thresholds; ``continuous`` (correlation proximity);
    ``proximity_edgelist`` (columns ``prod1, prod2, proximity``); ``asymmetric``; ``knn``.
    ``check_logsupermodularity`` and ``report_logsupermodularity`` are accepted for call
    compatibility and ignored: in ``ecomplexity`` they only print and warn (from an unseeded
    sample) and never change the table. ``verbose`` logs each period at INFO level instead of
    printing. ``convention="stata"`` follows Stata's ``ecomplexity`` (module docstring).

    Refused with an :class:`~chainlead.analytics.errors.AnalyticsError`: missing columns or
    mapping keys, missing labels, negative or infinite values, an empty table or one without a
    positive value, ``presence_test="both"``, ``val_errors_flag="ignore"``.
    """
    del check_logsupermodularity, report_logsupermodularity  # diagnostics only, see docstring
    stata = _check_convention(convention, continuous=continuous, knn=knn)
    presence_options = _table.PresenceOptions.build(
        presence_test=presence_test,
        rca_mcp_threshold=rca_mcp_threshold,
        rpop_mcp_threshold=rpop_mcp_threshold,
        pop=pop,
        strict=stata,
    )
    options = _Options(
        presence_test=presence_options.presence_test,
        continuous=continuous,
        asymmetric=asymmetric,
        knn=knn,
        stata=stata,
        keep_proximity=False,
    )
    table = _table.prepare(data, cols_input, val_errors_flag)
    duplicates = table.has_duplicates
    grids: list[tuple[_table.Period, ComplexityResult]] = []
    outside = 0
    for period in table.periods(order="sorted"):
        outside += period.outside_rows
        if period.loc_index.size == 0:
            continue
        logger.log(
            logging.INFO if verbose else logging.DEBUG,
            "complexity: period %s, %d regions × %d products",
            period.label,
            period.loc_index.size,
            period.prod_index.size,
        )
        result = _period_result(table, period, presence_options, options, proximity_edgelist)
        grids.append((period, result))
    # Release the row-sized arrays (codes, values; ~35 bytes a row) before the output is built.
    slim = table.without_rows()
    del table
    return _assemble(
        slim,
        grids,
        complete=outside == 0 and not duplicates,
        manual=options.presence_test == "manual",
    )


def _period_result(
    table: _table.Table,
    period: _table.Period,
    presence_options: _table.PresenceOptions,
    options: _Options,
    proximity_edgelist: pd.DataFrame | None,
) -> ComplexityResult:
    regions = table.loc_labels.take(period.loc_index)
    products = table.prod_labels.take(period.prod_index)
    given = (
        proximity_from_edgelist(proximity_edgelist, products)
        if proximity_edgelist is not None
        else None
    )
    presence_result = presence_options.apply(period.values, table, period)
    return _compute(period.values, presence_result, given, options, regions, products, period.label)


def _assemble(
    table: _table.Table,
    grids: list[tuple[_table.Period, ComplexityResult]],
    *,
    complete: bool,
    manual: bool,
) -> pd.DataFrame:
    """The long output table, built column by column.

    With one period the matrices become columns without a copy (``ravel`` of a contiguous
    array); with several, each column is concatenated and the per-period pieces are released
    at once, so the peak stays near the size of the output.
    """
    names = table.names
    first = grids[0][1] if grids else None
    integer_values = table.value_dtype.kind in "iub"

    def column(name: str) -> npt.NDArray[np.generic]:
        pieces: list[npt.NDArray[np.generic]] = []
        for period, result in grids:
            n_r, n_p = period.loc_index.size, period.prod_index.size
            if name == "loc":
                pieces.append(_each_repeated(_raw(table.loc_labels.take(period.loc_index)), n_p))
            elif name == "prod":
                pieces.append(_repeated_whole(_raw(table.prod_labels.take(period.prod_index)), n_r))
            elif name == "time":
                pieces.append(
                    np.repeat(_raw(table.time_labels.take([period.time_code])), n_r * n_p)
                )
            elif name in ("diversity", "eci", "coi"):
                pieces.append(_each_repeated(getattr(result, name), n_p))
            elif name in ("ubiquity", "pci"):
                pieces.append(_repeated_whole(getattr(result, name), n_r))
            else:
                pieces.append(getattr(result, name).reshape(-1))
                setattr(result, name, _RELEASED)
        if not pieces:
            return np.empty(0)
        return pieces[0] if len(pieces) == 1 else np.concatenate(pieces)

    columns: dict[str, object] = {
        names["loc"]: _labels(column("loc"), table.loc_labels),
        names["prod"]: _labels(column("prod"), table.prod_labels),
    }
    values = column("values")
    columns[names["val"]] = values.astype(table.value_dtype) if integer_values else values
    del values
    if "time" in names:
        columns[names["time"]] = _labels(column("time"), table.time_labels)
    for name in MEASURE_COLUMNS:
        data = column(name)
        if manual and integer_values and name in ("mcp", "rca"):
            data = data.astype(table.value_dtype)
        elif manual and integer_values and name in ("diversity", "ubiquity"):
            data = data.astype(np.int64)
        columns[name] = data
    if first is not None and first.rpop is not None:
        columns["rpop"] = column("rpop")
    output = pd.DataFrame(columns, copy=False)
    del columns
    keys = list(names.values())
    canonical = [names[role] for role in _table.ROLES if role in names]
    others = [c for c in table.data.columns if c not in set(keys)]
    if complete and not others and keys == canonical:
        return output
    # Rows outside the grids, duplicates, extra columns or another key order: do what
    # ecomplexity does (an outer merge on every key, which also sorts the rows by the keys).
    original = table.data.copy()
    original[names["val"]] = pd.to_numeric(original[names["val"]], errors="coerce")
    return output.merge(original, how="outer", on=keys)


_RELEASED: FloatArray = np.empty((0, 0))


def _each_repeated(items: npt.NDArray[np.generic], times: int) -> npt.NDArray[np.generic]:
    """``np.repeat(items, times)``, copied from a broadcast view (faster for object labels)."""
    return np.broadcast_to(items[:, np.newaxis], (items.size, times)).reshape(-1)


def _repeated_whole(items: npt.NDArray[np.generic], times: int) -> npt.NDArray[np.generic]:
    """``np.tile(items, times)`` for a 1-D array, copied from a broadcast view."""
    return np.broadcast_to(items, (times, items.size)).reshape(-1)


def _raw(labels: pd.Index) -> npt.NDArray[np.generic]:
    """A few labels as a numpy array to repeat: their own dtype if numpy's, else objects."""
    if isinstance(labels.dtype, np.dtype):
        return np.asarray(labels.to_numpy())
    return np.asarray(labels, dtype=object)


def _labels(raw: npt.NDArray[np.generic], like: pd.Index) -> object:
    """A repeated label column back in the input's dtype, wrapping the array without a copy
    (with pandas' default string dtype a copy would cost 8 bytes a row)."""
    if isinstance(like.dtype, np.dtype):
        return raw
    return pd.array(raw, dtype=like.dtype, copy=False)


__all__ = ["ComplexityResult", "complexity", "complexity_matrix"]
