"""Long table <-> region × industry matrix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chainlead.analytics import (
    EmptyInputError,
    InvalidValueError,
    LabelledMatrix,
    MissingColumnError,
    MissingKeyError,
    NegativeValueError,
    ShapeError,
    long_to_matrix,
    matrix_to_long,
    region_industry_matrices,
)

FIRMS = pd.DataFrame(
    {
        "district": ["西湖区", "西湖区", "滨江区", "滨江区", "滨江区", "西湖区"],
        "industry": ["C39", "I65", "C39", "C39", "I65", "C39"],
        "employment": [100.0, 40.0, 250.0, 50.0, 10.0, 20.0],
        "year": [2023, 2023, 2023, 2023, 2023, 2024],
    }
)


def test_region_industry_matrices_sum_firms_per_cell_and_year() -> None:
    matrices = region_industry_matrices(
        FIRMS, region="district", industry="industry", weight="employment", year="year"
    )
    assert list(matrices) == [2023, 2024]
    m2023 = matrices[2023]
    assert list(m2023.regions) == ["滨江区", "西湖区"]  # sorted
    assert list(m2023.products) == ["C39", "I65"]
    np.testing.assert_array_equal(m2023.values, [[300.0, 10.0], [100.0, 40.0]])
    # Same rows and columns in every year, zero where nothing was recorded.
    np.testing.assert_array_equal(matrices[2024].values, [[0.0, 0.0], [20.0, 0.0]])
    assert m2023.to_frame().loc["滨江区", "C39"] == 300.0


def test_without_year_there_is_one_matrix() -> None:
    matrices = region_industry_matrices(
        FIRMS, region="district", industry="industry", weight="employment"
    )
    assert list(matrices) == [None]
    assert matrices[None].values.sum() == FIRMS["employment"].sum()


def test_long_to_matrix_and_back() -> None:
    first = FIRMS[FIRMS["year"] == 2023]
    matrix = long_to_matrix(first, region="district", product="industry", value="employment")
    np.testing.assert_array_equal(matrix.values, [[300.0, 10.0], [100.0, 40.0]])
    long = matrix_to_long(matrix, region="district", product="industry", value="employment")
    assert list(long.columns) == ["district", "industry", "employment"]
    assert long["employment"].sum() == first["employment"].sum()
    assert len(matrix_to_long(matrix, drop_zeros=False)) == 4


def test_duplicate_policies() -> None:
    first = FIRMS[FIRMS["year"] == 2023]
    kwargs = {"region": "district", "product": "industry", "value": "employment"}
    assert long_to_matrix(first, duplicates="first", **kwargs).values[0, 0] == 250.0
    with pytest.raises(ShapeError, match="duplicate"):
        long_to_matrix(first, duplicates="refuse", **kwargs)


def test_given_labels_fix_rows_and_columns() -> None:
    matrix = long_to_matrix(
        FIRMS,
        region="district",
        product="industry",
        value="employment",
        regions=["西湖区", "滨江区", "上城区"],
        products=["I65", "C39", "C40"],
    )
    assert matrix.values.shape == (3, 3)
    assert matrix.values[2].sum() == 0 and matrix.values[:, 2].sum() == 0
    with pytest.raises(ShapeError, match="outside"):
        long_to_matrix(
            FIRMS, region="district", product="industry", value="employment", regions=["西湖区"]
        )


def test_bad_input() -> None:
    kwargs = {"region": "district", "product": "industry", "value": "employment"}
    with pytest.raises(MissingColumnError):
        long_to_matrix(FIRMS.drop(columns="employment"), **kwargs)
    with pytest.raises(EmptyInputError):
        long_to_matrix(FIRMS.iloc[:0], **kwargs)
    with pytest.raises(NegativeValueError):
        long_to_matrix(FIRMS.assign(employment=-1.0), **kwargs)
    with pytest.raises(InvalidValueError):
        long_to_matrix(FIRMS.assign(employment=np.nan), **kwargs)
    with pytest.raises(MissingKeyError):
        long_to_matrix(FIRMS.assign(district=None), **kwargs)
    with pytest.raises(ShapeError):
        LabelledMatrix(values=np.zeros((2, 2)), regions=pd.Index([1]), products=pd.Index([1, 2]))
