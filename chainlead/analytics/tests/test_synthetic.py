"""The seeded synthetic table generator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chainlead.analytics import InvalidValueError, complexity_matrix, region_product_table


def test_columns_dtypes_and_grid() -> None:
    table = region_product_table(30, 50, density=0.2, seed=1, years=2)
    assert list(table.columns) == ["year", "region", "product", "value"]
    assert table["year"].dtype == np.int64 and table["value"].dtype == np.float64
    # lifelines (pinned for the survival checks) keeps pandas below 3, whose string dtype is "str".
    assert pd.api.types.is_string_dtype(table["region"])
    assert isinstance(table["region"].iloc[0], str)
    assert sorted(table["year"].unique()) == [2000, 2001]
    for _, year in table.groupby("year"):
        assert year["region"].nunique() == 30 and year["product"].nunique() == 50
    assert (table["value"] > 0).all()
    assert not table.duplicated(["year", "region", "product"]).any()
    keys = list(zip(table["year"], table["region"], table["product"], strict=True))
    assert keys == sorted(keys)


def test_same_seed_same_table_other_seed_other_table() -> None:
    a = region_product_table(20, 30, 0.3, seed=7)
    pd.testing.assert_frame_equal(a, region_product_table(20, 30, 0.3, seed=7))
    assert not a.equals(region_product_table(20, 30, 0.3, seed=8))


@pytest.mark.parametrize("density", [0.05, 0.2, 0.6])
def test_density_is_roughly_the_share_of_filled_cells(density: float) -> None:
    table = region_product_table(200, 300, density, seed=3)
    assert len(table) / (200 * 300) == pytest.approx(density, rel=0.25)


def test_values_are_heavy_tailed_and_complexity_well_defined() -> None:
    table = region_product_table(60, 80, 0.3, seed=2)
    assert table["value"].max() / table["value"].median() > 100
    wide = table.pivot_table(index="region", columns="product", values="value", fill_value=0)
    result = complexity_matrix(wide.to_numpy())
    assert result.eigen.well_defined and result.eigen.eigengap > 1e-3


def test_year_labels_and_full_density() -> None:
    table = region_product_table(5, 6, 1.0, seed=0, years=[2019, 2021])
    assert sorted(table["year"].unique()) == [2019, 2021]
    assert len(table) == 2 * 5 * 6


def test_bad_arguments() -> None:
    with pytest.raises(InvalidValueError):
        region_product_table(0, 5)
    with pytest.raises(InvalidValueError):
        region_product_table(5, 5, density=0)
    with pytest.raises(InvalidValueError):
        region_product_table(5, 5, years=0)
    with pytest.raises(InvalidValueError):
        region_product_table(5, 5, years=[2000, 2000])
