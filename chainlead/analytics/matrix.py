"""Long table ↔ region × industry (product) matrix.

A *long table* has one row per (region, industry[, year]) with a non-negative amount: employment,
revenue, exports. The *matrix* has regions as rows and industries as columns. Typical use: the
enterprise registry gives one row per firm (district, industry code, employment, year);
:func:`region_industry_matrices` sums the firms of each cell and returns one matrix per year,
ready for :func:`chainlead.analytics.complexity_matrix`.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from chainlead.analytics._types import FloatArray, IntArray
from chainlead.analytics.errors import (
    EmptyInputError,
    InvalidValueError,
    MissingColumnError,
    MissingKeyError,
    NegativeValueError,
    ShapeError,
)


@dataclass(frozen=True)
class LabelledMatrix:
    """A regions × products float64 matrix with its row and column labels."""

    values: FloatArray
    regions: pd.Index
    products: pd.Index

    def __post_init__(self) -> None:
        if self.values.shape != (len(self.regions), len(self.products)):
            raise ShapeError(
                f"matrix {self.values.shape} does not match {len(self.regions)} regions × "
                f"{len(self.products)} products"
            )

    def to_frame(self) -> pd.DataFrame:
        """The matrix as a wide DataFrame (index regions, columns products)."""
        return pd.DataFrame(self.values, index=self.regions, columns=self.products)


def _check_columns(data: pd.DataFrame, columns: list[str]) -> None:
    if not isinstance(data, pd.DataFrame):
        raise MissingColumnError(f"expected a pandas DataFrame, got {type(data).__name__}")
    absent = [c for c in columns if c not in data.columns]
    if absent:
        raise MissingColumnError(f"column(s) {absent} not in the table ({list(data.columns)})")


def _codes(column: pd.Series, name: str, labels: npt.ArrayLike | None) -> tuple[IntArray, pd.Index]:
    if column.isna().any():
        raise MissingKeyError(f"column {name!r} has missing labels")
    if labels is None:
        codes, uniques = pd.factorize(column, sort=True)
        return np.asarray(codes, dtype=np.int64), pd.Index(uniques)
    index = pd.Index(labels)
    if index.has_duplicates:
        raise ShapeError(f"the {name!r} labels given are not unique")
    codes = np.asarray(index.get_indexer(column), dtype=np.int64)
    if (codes < 0).any():
        unknown = pd.unique(column[codes < 0])[:5]
        raise ShapeError(f"column {name!r} has labels outside those given, e.g. {list(unknown)}")
    return codes, index


def _amounts(column: pd.Series, name: str) -> FloatArray:
    try:
        numeric = pd.to_numeric(column, errors="raise")
        amounts = np.asarray(numeric.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidValueError(f"column {name!r} has non-numeric values: {exc}") from exc
    if not np.isfinite(amounts).all():
        raise InvalidValueError(f"column {name!r} has missing or infinite values")
    if (amounts < 0).any():
        raise NegativeValueError(f"column {name!r} has negative values")
    return amounts


def long_to_matrix(
    data: pd.DataFrame,
    *,
    region: str,
    product: str,
    value: str,
    duplicates: Literal["sum", "first", "refuse"] = "sum",
    regions: npt.ArrayLike | None = None,
    products: npt.ArrayLike | None = None,
) -> LabelledMatrix:
    """Pivot a long table (columns ``region``, ``product``, ``value``) to a matrix.

    Missing cells are 0. Several rows for one cell are added (``duplicates="sum"``), reduced to
    the first (``"first"``, what ``ecomplexity`` does) or refused (``"refuse"``). Labels are
    sorted unless ``regions`` / ``products`` give the rows / columns (then every label in the table
    must be among them; labels without rows give zero rows / columns). Missing labels, and
    missing, negative or infinite values are refused.
    """
    _check_columns(data, [region, product, value])
    if len(data) == 0:
        raise EmptyInputError("the table has no rows")
    row, row_labels = _codes(data[region], region, regions)
    col, col_labels = _codes(data[product], product, products)
    amounts = _amounts(data[value], value)
    flat = row * len(col_labels) + col
    if duplicates != "sum":
        first = ~pd.Series(flat).duplicated(keep="first").to_numpy()
        if duplicates == "refuse" and not first.all():
            raise ShapeError(f"{int((~first).sum())} duplicate ({region}, {product}) row(s)")
        flat, amounts = flat[first], amounts[first]
    cells = np.bincount(flat, weights=amounts, minlength=len(row_labels) * len(col_labels))
    return LabelledMatrix(
        values=cells.astype(np.float64).reshape(len(row_labels), len(col_labels)),
        regions=row_labels,
        products=col_labels,
    )


def matrix_to_long(
    matrix: LabelledMatrix,
    *,
    region: str = "region",
    product: str = "product",
    value: str = "value",
    drop_zeros: bool = True,
) -> pd.DataFrame:
    """The matrix back as a long table with columns ``region``, ``product``, ``value``.

    Rows in region-major order; cells equal to 0 are left out unless ``drop_zeros=False``.
    """
    n_p = matrix.values.shape[1]
    flat = matrix.values.reshape(-1)
    cells = np.flatnonzero(flat) if drop_zeros else np.arange(flat.size)
    return pd.DataFrame(
        {
            region: matrix.regions.take(cells // n_p),
            product: matrix.products.take(cells % n_p),
            value: flat[cells],
        }
    )


def region_industry_matrices(
    data: pd.DataFrame,
    *,
    region: str,
    industry: str,
    weight: str,
    year: str | None = None,
) -> dict[Hashable, LabelledMatrix]:
    """One region × industry matrix per year, summing ``weight`` over the rows of each cell.

    Input: a long table, e.g. one row per enterprise with columns district (``region``), industry
    code (``industry``), employment or revenue (``weight``) and ``year``. All matrices share the
    same rows and columns: every region and industry seen in any year, sorted, so years line up;
    a region or industry absent in a year is a zero row / column there. Without ``year`` the
    result has one entry under the key ``None``. Missing labels and missing, negative or
    infinite weights are refused.
    """
    _check_columns(data, [region, industry, weight] + ([year] if year is not None else []))
    if len(data) == 0:
        raise EmptyInputError("the table has no rows")
    row, row_labels = _codes(data[region], region, None)
    col, col_labels = _codes(data[industry], industry, None)
    amounts = _amounts(data[weight], weight)
    size = len(row_labels) * len(col_labels)
    flat = row * len(col_labels) + col
    if year is None:
        groups: list[tuple[Hashable, npt.NDArray[np.bool_]]] = [(None, np.ones(len(data), bool))]
    else:
        year_codes, years = _codes(data[year], year, None)
        groups = [(years[i], year_codes == i) for i in range(len(years))]
    result: dict[Hashable, LabelledMatrix] = {}
    for label, mask in groups:
        cells = np.bincount(flat[mask], weights=amounts[mask], minlength=size)
        result[label] = LabelledMatrix(
            values=cells.astype(np.float64).reshape(len(row_labels), len(col_labels)),
            regions=row_labels,
            products=col_labels,
        )
    return result


__all__ = ["LabelledMatrix", "long_to_matrix", "matrix_to_long", "region_industry_matrices"]
