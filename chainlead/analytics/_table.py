"""Long-table handling shared by :func:`complexity` and :func:`proximity`.

Reproduces what ``ecomplexity`` 0.5.3 (``ComplexityData``) does to the input, without building
pandas MultiIndexes: values through ``pd.to_numeric``; duplicate (time, loc, prod) keys keep
their first row; per period, regions and products whose values sum to zero are dropped and the
rest is made rectangular (missing cells are 0). Refusals are explicit errors (see
:mod:`chainlead.analytics.errors`) where ``ecomplexity`` would compute nonsense or crash:
missing columns, missing labels, negative or infinite values, an empty table.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from chainlead.analytics._types import BoolArray, FloatArray, IntArray
from chainlead.analytics.errors import (
    AnalyticsError,
    ComplexityWarning,
    EmptyInputError,
    InvalidValueError,
    MissingColumnError,
    MissingKeyError,
    NegativeValueError,
    ShapeError,
    UnsupportedOptionError,
)
from chainlead.analytics.rca import presence, rca, rpop

ROLES = ("time", "loc", "prod", "val")
REQUIRED_ROLES = ("loc", "prod", "val")


@dataclass(frozen=True)
class Period:
    """One period's rectangular grid: the kept regions × the kept products.

    A period without any positive value has an empty grid; ``ecomplexity`` then reports its rows
    with NaN outputs, and so do we.
    """

    time_code: int
    label: object
    loc_index: IntArray  # global region codes of the grid rows (sorted labels)
    prod_index: IntArray  # global product codes of the grid columns
    outside_rows: int  # rows of this period outside the grid (zero-sum region or product)
    values: FloatArray  # len(loc_index) × len(prod_index); NaN where the input value is NaN


@dataclass(frozen=True)
class Table:
    """A validated long table: integer codes for the labels and float64 values."""

    data: pd.DataFrame
    names: dict[str, str]  # role -> column name in ``data``, in the caller's order
    value: FloatArray  # pd.to_numeric(values) as float64
    value_dtype: np.dtype[np.generic]  # dtype pd.to_numeric gave (int64 for integer input)
    time_codes: IntArray  # all zeros when there is no time column
    time_labels: pd.Index
    loc_codes: IntArray
    loc_labels: pd.Index
    prod_codes: IntArray
    prod_labels: pd.Index
    first: BoolArray  # first occurrence of its (time, loc, prod) key
    appearance: IntArray  # time codes in order of first appearance

    @property
    def time_name(self) -> str | None:
        return self.names.get("time")

    @property
    def loc_name(self) -> str:
        return self.names["loc"]

    @property
    def prod_name(self) -> str:
        return self.names["prod"]

    @property
    def val_name(self) -> str:
        return self.names["val"]

    @property
    def has_duplicates(self) -> bool:
        return not bool(self.first.all())

    def periods(self, order: Literal["sorted", "appearance"] = "sorted") -> Iterator[Period]:
        """Yield each period's grid, in sorted label order or in order of first appearance."""
        keep = np.flatnonzero(self.first)
        single = len(self.time_labels) == 1
        by_time = keep if single else keep[np.argsort(self.time_codes[keep], kind="stable")]
        counts = np.bincount(self.time_codes[keep], minlength=len(self.time_labels))
        starts = np.concatenate(([0], np.cumsum(counts)))
        codes = self.appearance if order == "appearance" else np.arange(len(self.time_labels))
        n_loc, n_prod = len(self.loc_labels), len(self.prod_labels)
        for code in codes:
            rows = by_time[starts[code] : starts[code + 1]]
            locs = self.loc_codes[rows]
            prods = self.prod_codes[rows]
            weights = np.nan_to_num(self.value[rows])
            loc_index = np.flatnonzero(np.bincount(locs, weights=weights, minlength=n_loc) > 0)
            prod_index = np.flatnonzero(np.bincount(prods, weights=weights, minlength=n_prod) > 0)
            loc_map = np.full(n_loc, -1, dtype=np.int64)
            loc_map[loc_index] = np.arange(loc_index.size)
            prod_map = np.full(n_prod, -1, dtype=np.int64)
            prod_map[prod_index] = np.arange(prod_index.size)
            local_loc = loc_map[locs]
            local_prod = prod_map[prods]
            inside = (local_loc >= 0) & (local_prod >= 0)
            cells = local_loc[inside] * prod_index.size + local_prod[inside]
            values = np.zeros(loc_index.size * prod_index.size, dtype=np.float64)
            values[cells] = self.value[rows[inside]]
            period = Period(
                time_code=int(code),
                label=self.time_labels[code],
                loc_index=loc_index,
                prod_index=prod_index,
                outside_rows=int(rows.size - cells.size),
                values=values.reshape(loc_index.size, prod_index.size),
            )
            # Nothing row-sized may stay alive while the caller works on the period.
            del rows, locs, prods, weights, local_loc, local_prod, inside, cells, values
            yield period

    def without_rows(self) -> Table:
        """The same table without its row-sized arrays (labels and names stay), once the
        periods have been read."""
        empty = np.empty(0, dtype=np.int64)
        return replace(
            self,
            value=np.empty(0),
            time_codes=empty,
            loc_codes=empty,
            prod_codes=empty,
            first=np.empty(0, dtype=bool),
        )


def check_mapping(data: object, cols_input: Mapping[str, str]) -> dict[str, str]:
    """Validate the ``ecomplexity``-style column mapping against the table's columns."""
    if not isinstance(data, pd.DataFrame):
        raise AnalyticsError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    unknown = sorted(set(cols_input) - set(ROLES))
    if unknown:
        raise MissingColumnError(
            f"cols_input has unknown key(s) {unknown}; expected keys {list(ROLES)}"
        )
    absent_roles = [role for role in REQUIRED_ROLES if role not in cols_input]
    if absent_roles:
        raise MissingColumnError(f"cols_input lacks key(s) {absent_roles}")
    names = dict(cols_input.items())  # the caller's order: ecomplexity sorts the rows by it
    if len(set(names.values())) != len(names):
        raise MissingColumnError(f"cols_input maps two roles to the same column: {names}")
    absent = [name for name in names.values() if name not in data.columns]
    if absent:
        raise MissingColumnError(
            f"column(s) {absent} named in cols_input are not in the table "
            f"(columns: {list(data.columns)})"
        )
    return names


def numeric_values(
    column: pd.Series, val_errors_flag: str, name: str
) -> tuple[FloatArray, np.dtype[np.generic]]:
    """``pd.to_numeric`` the value column; refuse infinite and negative values."""
    if val_errors_flag not in ("coerce", "raise"):
        raise UnsupportedOptionError(
            f"val_errors_flag must be 'coerce' or 'raise', got {val_errors_flag!r} "
            "('ignore' was removed from pd.to_numeric in pandas 3)"
        )
    try:
        numeric = pd.to_numeric(column, errors=val_errors_flag)
    except (ValueError, TypeError) as exc:
        raise InvalidValueError(f"column {name!r} has non-numeric values: {exc}") from exc
    dtype = np.dtype(numeric.dtype) if isinstance(numeric.dtype, np.dtype) else np.dtype("float64")
    value = numeric.to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isinf(value).any():
        raise InvalidValueError(f"column {name!r} has infinite values")
    negative = int(np.count_nonzero(value < 0))
    if negative:
        raise NegativeValueError(
            f"column {name!r} has {negative} negative value(s); RCA needs values >= 0"
        )
    return value, dtype


def factorize(column: pd.Series, name: str) -> tuple[IntArray, pd.Index]:
    """Sorted integer codes for a label column; refuse missing labels."""
    try:
        if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "python":
            # The strings' own object array factorizes in half the time of the StringArray.
            codes, uniques = pd.factorize(column.to_numpy(dtype=object), sort=True)
            labels = pd.Index(uniques, dtype=column.dtype)
        else:
            codes, labels = pd.factorize(column, sort=True)
    except TypeError as exc:
        raise AnalyticsError(f"labels in column {name!r} cannot be sorted: {exc}") from exc
    missing = int(np.count_nonzero(codes < 0))  # factorize codes missing labels as -1
    if missing:
        raise MissingKeyError(f"column {name!r} has {missing} missing label(s)")
    return np.asarray(codes, dtype=np.int64), pd.Index(labels)


# Key spaces up to this many cells are checked for duplicates with a byte per cell.
_DENSE_KEY_SPACE = 50_000_000


def _first_occurrences(
    time_codes: IntArray, loc_codes: IntArray, prod_codes: IntArray, n_loc: int, n_prod: int
) -> BoolArray:
    """True for the first row of each (time, loc, prod) key.

    Keys are usually unique: a byte-per-cell scatter proves it in a fraction of pandas'
    hashing time, which is only paid when a key repeats or the key space is huge.
    """
    key = (time_codes * n_loc + loc_codes) * n_prod + prod_codes
    space = (int(time_codes.max(initial=0)) + 1) * n_loc * n_prod
    if space <= _DENSE_KEY_SPACE:
        seen = np.zeros(space, dtype=bool)
        seen[key] = True
        if int(np.count_nonzero(seen)) == key.size:
            return np.ones(key.size, dtype=bool)
    first: BoolArray = ~pd.Series(key).duplicated(keep="first").to_numpy()
    return first


def prepare(data: pd.DataFrame, cols_input: Mapping[str, str], val_errors_flag: str) -> Table:
    """Validate and encode a long table (see the module docstring)."""
    names = check_mapping(data, cols_input)
    if len(data) == 0:
        raise EmptyInputError("the table has no rows")
    value, value_dtype = numeric_values(data[names["val"]], val_errors_flag, names["val"])
    if "time" in names:
        time_codes, time_labels = factorize(data[names["time"]], names["time"])
    else:
        time_codes, time_labels = np.zeros(len(data), dtype=np.int64), pd.Index([None])
    loc_codes, loc_labels = factorize(data[names["loc"]], names["loc"])
    prod_codes, prod_labels = factorize(data[names["prod"]], names["prod"])
    first = _first_occurrences(time_codes, loc_codes, prod_codes, len(loc_labels), len(prod_labels))
    if not first.all():
        warnings.warn(
            f"{int((~first).sum())} duplicate (time, loc, prod) row(s); keeping the first "
            "occurrence, as ecomplexity does",
            ComplexityWarning,
            stacklevel=3,
        )
    if np.isnan(value).any():
        warnings.warn(
            f"{int(np.isnan(value).sum())} NaN value(s); they count as 0 in every sum and "
            "give NaN RCA, as in ecomplexity",
            ComplexityWarning,
            stacklevel=3,
        )
    if not (np.nan_to_num(value) > 0).any():
        raise EmptyInputError("the table has no positive value")
    appearance = pd.unique(time_codes)  # codes in order of first appearance
    return Table(
        data=data,
        names=names,
        value=value,
        value_dtype=value_dtype,
        time_codes=time_codes,
        time_labels=time_labels,
        loc_codes=loc_codes,
        loc_labels=loc_labels,
        prod_codes=prod_codes,
        prod_labels=prod_labels,
        first=first,
        appearance=appearance.astype(np.int64),
    )


@dataclass(frozen=True)
class PresenceResult:
    """RCA (the values themselves under ``manual``), RPOP if computed, and M."""

    rca: FloatArray
    rpop: FloatArray | None
    mcp: FloatArray | IntArray


@dataclass(frozen=True)
class PresenceOptions:
    """How M is derived from the values: ``ecomplexity``'s presence_test and thresholds."""

    presence_test: Literal["rca", "rpop", "manual"]
    rca_mcp_threshold: float
    rpop_mcp_threshold: float
    pop: pd.DataFrame | None
    strict: bool

    @classmethod
    def build(
        cls,
        *,
        presence_test: str,
        rca_mcp_threshold: float,
        rpop_mcp_threshold: float,
        pop: pd.DataFrame | None,
        strict: bool,
        needs_pop: bool = True,
    ) -> PresenceOptions:
        if presence_test == "both":
            raise UnsupportedOptionError(
                "presence_test='both' is refused: ecomplexity adds the RCA and RPOP 0/1 matrices "
                "(giving M = 2) where Stata takes their union; compute M yourself and pass "
                "presence_test='manual'"
            )
        if presence_test not in ("rca", "rpop", "manual"):
            raise UnsupportedOptionError(
                f"presence_test must be 'rca', 'rpop' or 'manual', got {presence_test!r}"
            )
        if presence_test == "rpop" and pop is None and needs_pop:
            raise MissingColumnError("presence_test='rpop' needs pop (time, loc, population)")
        for label, threshold in (("rca", rca_mcp_threshold), ("rpop", rpop_mcp_threshold)):
            if not np.isfinite(threshold):
                raise InvalidValueError(f"{label}_mcp_threshold must be finite")
        test: Literal["rca", "rpop", "manual"] = (
            "rca" if presence_test == "rca" else "rpop" if presence_test == "rpop" else "manual"
        )
        return cls(
            presence_test=test,
            rca_mcp_threshold=float(rca_mcp_threshold),
            rpop_mcp_threshold=float(rpop_mcp_threshold),
            pop=pop,
            strict=strict,
        )

    def apply(self, values: FloatArray, table: Table, period: Period) -> PresenceResult:
        if self.presence_test == "manual":
            return PresenceResult(rca=values, rpop=None, mcp=values)
        rca_t = rca(values)
        if self.presence_test == "rca":
            return PresenceResult(
                rca=rca_t,
                rpop=None,
                mcp=presence(rca_t, self.rca_mcp_threshold, strict=self.strict),
            )
        rpop_t = rpop(values, self.population(table, period))
        return PresenceResult(
            rca=rca_t,
            rpop=rpop_t,
            mcp=presence(rpop_t, self.rpop_mcp_threshold, strict=self.strict),
        )

    def population(self, table: Table, period: Period) -> FloatArray:
        """Population of the period's regions (NaN where the pop table has none)."""
        pop = self.pop
        if pop is None:  # pragma: no cover - build() refuses this
            raise MissingColumnError("presence_test='rpop' needs pop")
        time_name = table.time_name
        expected = 3 if time_name is not None else 2
        if pop.shape[1] != expected or (time_name is not None and pop.columns[0] != time_name):
            raise MissingColumnError(
                f"pop must have {expected} columns in the order "
                f"{'time, ' if time_name is not None else ''}loc, population "
                f"(time column {time_name!r}); got {list(pop.columns)}"
            )
        rows = pop[pop[time_name] == period.label] if time_name is not None else pop
        series = pd.Series(
            pd.to_numeric(rows.iloc[:, -1], errors="coerce").to_numpy(dtype=np.float64),
            index=pd.Index(rows.iloc[:, -2]),
        )
        if series.index.has_duplicates:
            raise ShapeError(f"pop has several rows for one region in period {period.label!r}")
        if (series < 0).any():
            raise NegativeValueError("pop has negative population")
        regions = table.loc_labels.take(period.loc_index)
        return np.asarray(series.reindex(regions).to_numpy(dtype=np.float64), dtype=np.float64)
