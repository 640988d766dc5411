"""Proximity: by hand on the 3 × 4 example, and against ecomplexity.proximity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chainlead.analytics import (
    ComplexityWarning,
    MissingColumnError,
    ShapeError,
    UnsupportedOptionError,
    continuous_proximity,
    discrete_proximity,
    proximity,
    proximity_from_edgelist,
)
from chainlead.analytics.proximity import cooccurrence
from chainlead.analytics.tests.helpers import assert_columns_agree, quiet
from chainlead.analytics.tests.test_rca import M

# Co-occurrence C = M'M (in how many regions both products are present) and ubiquity u:
#   p1 is in A, C; p2 in B; p3 in A, B; p4 in A, C  ->  u = (2, 1, 2, 2)
#   C = [[2, 0, 1, 2],
#        [0, 1, 1, 0],
#        [1, 1, 2, 1],
#        [2, 0, 1, 2]]
# phi[p, q] = C[p, q] / max(u[p], u[q]), e.g. phi(p1, p3) = 1/2, phi(p2, p3) = 1/max(1, 2) = 1/2.
PHI = np.array(
    [
        [1.0, 0.0, 0.5, 1.0],
        [0.0, 1.0, 0.5, 0.0],
        [0.5, 0.5, 1.0, 0.5],
        [1.0, 0.0, 0.5, 1.0],
    ]
)
# Asymmetric: phi[p, q] = C[p, q] / u[p], the probability of q given p.
PHI_ASYMMETRIC = np.array(
    [
        [1.0, 0.0, 0.5, 1.0],
        [0.0, 1.0, 1.0, 0.0],
        [0.5, 0.5, 1.0, 0.5],
        [1.0, 0.0, 0.5, 1.0],
    ]
)


def test_cooccurrence_by_hand() -> None:
    expected = [[2, 0, 1, 2], [0, 1, 1, 0], [1, 1, 2, 1], [2, 0, 1, 2]]
    np.testing.assert_array_equal(cooccurrence(M), expected)
    np.testing.assert_array_equal(cooccurrence(M.astype(float)), expected)


def test_discrete_proximity_by_hand() -> None:
    np.testing.assert_array_equal(discrete_proximity(M), PHI)
    np.testing.assert_array_equal(discrete_proximity(M, asymmetric=True), PHI_ASYMMETRIC)


def test_zero_diagonal_is_statas_proximity() -> None:
    np.testing.assert_array_equal(discrete_proximity(M, zero_diagonal=True), PHI - np.eye(4))


def test_product_without_regions_gives_nan_row_and_column() -> None:
    with_absent = np.column_stack([M, np.zeros(3, dtype=np.int64)])
    phi = discrete_proximity(with_absent)
    assert np.isnan(phi[4]).all() and np.isnan(phi[:, 4]).all()
    np.testing.assert_array_equal(phi[:4, :4], PHI)


def test_discrete_proximity_matches_ecomplexity_formula_on_random_matrices() -> None:
    from ecomplexity.calc_proximity import calc_discrete_proximity

    rng = np.random.default_rng(5)
    for fill in (0.01, 0.3, 0.9):
        m = (rng.random((40, 60)) < fill).astype(np.int64)
        for asymmetric in (False, True):
            with np.errstate(all="ignore"):
                expected = calc_discrete_proximity(m, m.sum(axis=0), asymmetric)
            np.testing.assert_array_equal(discrete_proximity(m, asymmetric=asymmetric), expected)


def test_continuous_proximity_is_rescaled_correlation() -> None:
    rng = np.random.default_rng(1)
    levels = rng.lognormal(size=(20, 6))
    np.testing.assert_allclose(continuous_proximity(levels), (1 + np.corrcoef(levels.T)) / 2)


def test_edgelist_fills_missing_pairs_with_zero_and_diagonal_with_one() -> None:
    edges = pd.DataFrame({"prod1": ["a", "b"], "prod2": ["b", "a"], "proximity": [0.3, 0.4]})
    with pytest.warns(ComplexityWarning):
        matrix = proximity_from_edgelist(edges, pd.Index(["a", "b"]))
    np.testing.assert_array_equal(matrix, [[1.0, 0.3], [0.4, 1.0]])


def test_edgelist_errors() -> None:
    with pytest.raises(MissingColumnError):
        proximity_from_edgelist(pd.DataFrame({"prod1": [1]}), pd.Index([1]))
    lopsided = pd.DataFrame({"prod1": ["a"], "prod2": ["b"], "proximity": [0.5]})
    with pytest.raises(ShapeError):
        proximity_from_edgelist(lopsided, pd.Index(["a", "b"]))
    twice = pd.DataFrame({"prod1": ["a", "a"], "prod2": ["a", "a"], "proximity": [1.0, 0.9]})
    with pytest.raises(ShapeError):
        proximity_from_edgelist(twice, pd.Index(["a"]))


@pytest.mark.parametrize(
    "options",
    [{}, {"asymmetric": True}, {"continuous": True}, {"rca_mcp_threshold": 2}],
    ids=["default", "asymmetric", "continuous", "rca-2"],
)
def test_long_table_proximity_matches_ecomplexity(
    trade_data: pd.DataFrame, trade_cols: dict[str, str], options: dict[str, object]
) -> None:
    from ecomplexity import proximity as reference_proximity

    with quiet():
        expected = reference_proximity(trade_data, trade_cols, **options)
    assert_columns_agree(expected, proximity(trade_data, trade_cols, **options))


def test_long_table_proximity_with_rpop_and_manual(
    trade_data: pd.DataFrame, trade_cols: dict[str, str], population_data: pd.DataFrame
) -> None:
    from ecomplexity import proximity as reference_proximity

    data = trade_data[trade_data["origin"] != "blx"]
    with quiet():
        expected = reference_proximity(data, trade_cols, presence_test="rpop", pop=population_data)
    actual = proximity(data, trade_cols, presence_test="rpop", pop=population_data)
    assert_columns_agree(expected, actual)
    binary = data.assign(export_val=(data["export_val"] > data["export_val"].median()).astype(int))
    with quiet():
        expected = reference_proximity(binary, trade_cols, presence_test="manual")
    assert_columns_agree(expected, proximity(binary, trade_cols, presence_test="manual"))


def test_long_table_proximity_without_time(trade_data: pd.DataFrame) -> None:
    one_year = trade_data[trade_data["year"] == 1995]
    table = proximity(one_year, {"loc": "origin", "prod": "hs92", "val": "export_val"})
    assert list(table.columns) == ["hs92_1", "hs92_2", "proximity"]
    assert len(table) == 30 * 30


def test_presence_test_both_is_refused(
    trade_data: pd.DataFrame, trade_cols: dict[str, str]
) -> None:
    with pytest.raises(UnsupportedOptionError, match="both"):
        proximity(trade_data, trade_cols, presence_test="both")


def test_continuous_proximity_of_a_single_product_is_refused() -> None:
    with pytest.raises(ShapeError, match="two products"):
        continuous_proximity(np.ones((3, 1)))


def test_long_table_proximity_matches_ecomplexity_on_a_messy_table(
    trade_cols: dict[str, str],
) -> None:
    """NaN values, duplicates, zero-sum regions and products, an all-zero year (no rows)."""
    from ecomplexity import proximity as reference_proximity

    from chainlead.analytics.tests.test_economic_complexity import messy_table

    table = messy_table()
    with quiet():
        expected = reference_proximity(table, trade_cols)
    with pytest.warns(ComplexityWarning):
        actual = proximity(table, trade_cols)
    assert_columns_agree(expected, actual)
    assert 2002 not in set(actual["year"])
