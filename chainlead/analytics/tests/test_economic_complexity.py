"""complexity() against ecomplexity (1e-6 absolute, every column, per year) and against the
Stata reference outputs (the fixture README's tolerances) on ecomplexity's own trade sample."""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pandas as pd
import pytest

from chainlead.analytics import (
    ComplexityWarning,
    complexity,
    complexity_matrix,
)
from chainlead.analytics.tests.helpers import (
    assert_agree_per_period,
    assert_columns_agree,
    run_ecomplexity,
    run_ours,
)
from chainlead.analytics.tests.test_density import DENSITY
from chainlead.analytics.tests.test_rca import RCA, X

OPTIONS = {
    "default": {},
    "rca-0.5": {"rca_mcp_threshold": 0.5},
    "rca-2": {"rca_mcp_threshold": 2},
    "rca-5": {"rca_mcp_threshold": 5},  # products with ubiquity 0: NaN ECI / PCI
    "asymmetric": {"asymmetric": True},
    "continuous": {"continuous": True},
    "knn-5": {"knn": 5},
    "knn-20": {"knn": 20},
    "continuous-knn-10": {"continuous": True, "knn": 10},
}


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS.keys())
def test_agrees_with_ecomplexity_on_the_trade_sample(
    trade_data: pd.DataFrame, trade_cols: dict[str, str], options: dict[str, object]
) -> None:
    expected = run_ecomplexity(trade_data, trade_cols, **options)
    assert_agree_per_period(expected, run_ours(trade_data, trade_cols, **options), "year")


def test_agrees_with_ecomplexity_with_rpop(
    trade_data: pd.DataFrame, trade_cols: dict[str, str], population_data: pd.DataFrame
) -> None:
    for data in (trade_data[trade_data["origin"] != "blx"], trade_data):  # blx has no population
        for options in ({}, {"rpop_mcp_threshold": 2}, {"continuous": True}):
            expected = run_ecomplexity(
                data, trade_cols, presence_test="rpop", pop=population_data, **options
            )
            actual = run_ours(
                data, trade_cols, presence_test="rpop", pop=population_data, **options
            )
            assert_agree_per_period(expected, actual, "year")


def test_agrees_with_ecomplexity_with_manual_mcp(
    trade_data: pd.DataFrame, trade_cols: dict[str, str]
) -> None:
    presence = run_ecomplexity(trade_data, trade_cols)[["year", "origin", "hs92", "mcp"]]
    presence = presence.rename(columns={"mcp": "present"})  # ecomplexity's own names collide
    cols = {**trade_cols, "val": "present"}
    for options in ({}, {"continuous": True}):
        expected = run_ecomplexity(presence, cols, presence_test="manual", **options)
        actual = run_ours(presence, cols, presence_test="manual", **options)
        assert_agree_per_period(expected, actual, "year")


def test_agrees_with_ecomplexity_with_a_proximity_edgelist(
    trade_data: pd.DataFrame, trade_cols: dict[str, str]
) -> None:
    from chainlead.analytics import proximity

    edges = proximity(trade_data[trade_data["year"] == 1995], trade_cols)
    edges = edges.rename(columns={"hs92_1": "prod1", "hs92_2": "prod2"})
    edges = edges[["prod1", "prod2", "proximity"]].assign(proximity=lambda e: e["proximity"] ** 2)
    expected = run_ecomplexity(trade_data, trade_cols, proximity_edgelist=edges)
    actual = run_ours(trade_data, trade_cols, proximity_edgelist=edges)
    assert_agree_per_period(expected, actual, "year")


def test_integer_values_keep_their_dtype(
    trade_data: pd.DataFrame, trade_cols: dict[str, str]
) -> None:
    data = trade_data.assign(export_val=(trade_data["export_val"] // 1000).astype("int64"))
    assert_agree_per_period(run_ecomplexity(data, trade_cols), run_ours(data, trade_cols), "year")


def test_rows_sort_by_the_mapping_order_as_ecomplexitys_merge_does(
    trade_data: pd.DataFrame,
) -> None:
    cols = {"loc": "origin", "prod": "hs92", "time": "year", "val": "export_val"}
    shuffled = trade_data.sample(frac=1, random_state=3)
    assert_columns_agree(run_ecomplexity(shuffled, cols), run_ours(shuffled, cols))


def messy_table() -> pd.DataFrame:
    """Missing cells, a NaN value, a duplicate key, a region and a product whose values sum to
    zero, an all-zero year, unsorted rows and an extra column."""
    rng = np.random.default_rng(0)
    rows = [
        (year, region, product, float(rng.lognormal(3, 2)))
        for year in (2001, 2000)
        for region in "baced"
        for product in (30, 10, 20, 40, 50, 60, 70)
        if rng.random() < 0.8
    ]
    table = pd.DataFrame(rows, columns=["year", "origin", "hs92", "export_val"])
    extra = pd.DataFrame(
        [
            (2000, "z", 10, 0.0),  # region z sums to zero in 2000
            (2000, "z", 20, 0.0),
            (2001, "a", 90, np.nan),  # product 90 only has a NaN
            (2001, "b", 30, 5.0),  # a later duplicate of (2001, b, 30)
            (2001, "c", 40, np.nan),  # a NaN inside the grid
            (2002, "a", 10, 0.0),  # an all-zero year
        ],
        columns=table.columns,
    )
    table = pd.concat([table, extra], ignore_index=True)
    table.loc[table.index[:3], "export_val"] = table["export_val"].iloc[:3]
    return table.assign(note=np.arange(len(table)))


def test_messy_table_gives_ecomplexitys_rows_and_columns(trade_cols: dict[str, str]) -> None:
    table = messy_table()
    expected = run_ecomplexity(table, trade_cols)
    with pytest.warns(ComplexityWarning):
        actual = complexity(table, trade_cols)
    # The same rows in the same order (the zero-sum region, the NaN-only product, the later
    # duplicate and the all-zero year come back with NaN measures), the same dtypes (integer
    # columns turn float64 once such rows join) and the same values.
    assert_agree_per_period(expected, actual, "year")
    assert actual["note"].dtype == np.float64 and actual["diversity"].dtype == np.float64


def test_disconnected_network_is_flagged_and_coi_cog_left_out(trade_cols: dict[str, str]) -> None:
    """Two separate region-product blocks: lambda2 = 1. The normalised ECI and PCI are still
    unique, COI and COG (built on the raw eigenvector) are not; we warn and do not compare them."""
    from chainlead.analytics.tests.test_eci import nested_matrix

    blocks = np.zeros((12, 16), dtype=np.int64)
    blocks[:6, :8] = nested_matrix(6, 8, seed=2)
    blocks[6:, 8:] = nested_matrix(6, 8, seed=3)
    values = blocks * np.random.default_rng(4).lognormal(3, 1, size=blocks.shape)
    region, product = np.nonzero(values)
    table = pd.DataFrame(
        {
            "year": 2000,
            "origin": [f"r{i:02d}" for i in region],
            "hs92": product,
            "export_val": values[region, product],
        }
    )
    expected = run_ecomplexity(table, trade_cols)
    with pytest.warns(ComplexityWarning, match="falls apart"):
        actual = complexity(table, trade_cols)
    assert_columns_agree(expected.drop(columns=["coi", "cog"]), actual.drop(columns=["coi", "cog"]))


def test_stata_convention_matches_the_stata_reference(
    trade_data: pd.DataFrame, trade_cols: dict[str, str], stata_ground_truth: pd.DataFrame
) -> None:
    ours = complexity(trade_data, trade_cols, convention="stata")
    merged = ours.merge(
        stata_ground_truth, on=["year", "origin", "hs92"], suffixes=("", "_stata"), validate="1:1"
    )
    assert len(merged) == len(stata_ground_truth) == len(ours)
    np.testing.assert_array_equal(merged["mcp"], merged["M"])
    np.testing.assert_array_equal(merged["diversity"], merged["diversity_stata"])
    np.testing.assert_array_equal(merged["ubiquity"], merged["ubiquity_stata"])
    for column in ("rca", "eci", "pci"):
        np.testing.assert_allclose(merged[column], merged[f"{column}_stata"], rtol=1e-5)
    for column in ("density", "coi", "cog"):
        np.testing.assert_allclose(merged[column], merged[f"{column}_stata"], rtol=1e-4, atol=0)


def test_python_ecomplexity_itself_departs_from_stata(
    trade_data: pd.DataFrame, trade_cols: dict[str, str], stata_ground_truth: pd.DataFrame
) -> None:
    """Why there are two conventions: ecomplexity 0.5.3 keeps the proximity diagonal at 1 and
    normalises with numpy's population deviation, so its density, ECI and PCI miss the Stata
    tolerances (ECI by the factor sqrt(300 / 299) - 1 = 1.7e-3)."""
    merged = run_ecomplexity(trade_data, trade_cols).merge(
        stata_ground_truth, on=["year", "origin", "hs92"], suffixes=("", "_stata")
    )
    ratio = merged["eci"] / merged["eci_stata"]
    np.testing.assert_allclose(ratio, np.sqrt(300 / 299), rtol=1e-9)
    assert not np.allclose(merged["density"], merged["density_stata"], rtol=1e-4)


def test_matrix_entry_point_by_hand() -> None:
    result = complexity_matrix(X, regions=["A", "B", "C"], products=["p1", "p2", "p3", "p4"])
    np.testing.assert_allclose(result.rca, RCA)
    np.testing.assert_allclose(result.density, DENSITY)
    assert list(result.regions) == ["A", "B", "C"]
    assert result.proximity is not None and result.proximity.shape == (4, 4)


def test_matrix_entry_point_drops_zero_rows_and_columns_like_the_long_table(
    trade_data: pd.DataFrame, trade_cols: dict[str, str]
) -> None:
    one_year = trade_data[trade_data["year"] == 1995]
    wide = one_year.pivot(index="origin", columns="hs92", values="export_val")
    padded = np.zeros((wide.shape[0] + 1, wide.shape[1] + 1))
    padded[1:, 1:] = wide.to_numpy()
    result = complexity_matrix(padded)
    assert list(result.regions) == list(range(1, padded.shape[0]))
    long = run_ours(one_year, trade_cols)
    np.testing.assert_allclose(result.eci, long.groupby("origin")["eci"].first().to_numpy())
    np.testing.assert_allclose(result.cog.ravel(), long["cog"].to_numpy(), atol=1e-12)


def test_time_is_optional(trade_data: pd.DataFrame) -> None:
    one_year = trade_data[trade_data["year"] == 1995].drop(columns="year")
    cols = {"loc": "origin", "prod": "hs92", "val": "export_val"}
    result = complexity(one_year, cols)
    assert list(result.columns[:3]) == ["origin", "hs92", "export_val"]
    assert "year" not in result.columns
    with_year = complexity(trade_data[trade_data["year"] == 1995], {**cols, "time": "year"})
    np.testing.assert_allclose(result["eci"], with_year["eci"])


def test_verbose_logs_instead_of_printing(
    trade_data: pd.DataFrame,
    trade_cols: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="chainlead.analytics"):
        complexity(trade_data, trade_cols, verbose=True)
    assert capsys.readouterr().out == ""
    assert any("1995" in record.getMessage() for record in caplog.records)


def test_does_not_modify_its_input(trade_data: pd.DataFrame, trade_cols: dict[str, str]) -> None:
    before = trade_data.copy()
    complexity(trade_data, trade_cols)
    pd.testing.assert_frame_equal(trade_data, before)


def test_side_by_side_steps_give_the_same_bits_as_running_them_in_turn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from chainlead.analytics import economic_complexity, region_product_table

    table = region_product_table(40, 120, density=0.3, seed=3)
    cols = {"time": "year", "loc": "region", "prod": "product", "val": "value"}
    side_by_side = complexity(table, cols, verbose=False)
    monkeypatch.setattr(economic_complexity, "_SideBySide", economic_complexity._InTurn)
    in_turn = complexity(table, cols, verbose=False)
    pd.testing.assert_frame_equal(side_by_side, in_turn, check_exact=True)


def test_concurrent_callers_share_the_worker_safely() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from chainlead.analytics import region_product_table

    cols = {"time": "year", "loc": "region", "prod": "product", "val": "value"}
    tables = [region_product_table(30, 80, density=0.3, seed=seed) for seed in range(6)]
    expected = [complexity(table, cols, verbose=False) for table in tables]
    filters_before = list(warnings.filters)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda t: complexity(t, cols, verbose=False), tables * 3))
    for index, result in enumerate(results):
        pd.testing.assert_frame_equal(result, expected[index % len(tables)], check_exact=True)
    assert list(warnings.filters) == filters_before


def test_an_error_on_the_worker_reaches_the_caller() -> None:
    from chainlead.analytics import ShapeError

    one_product = pd.DataFrame({"loc": ["a", "b"], "prod": ["x", "x"], "val": [1.0, 2.0]})
    cols = {"loc": "loc", "prod": "prod", "val": "val"}
    with pytest.raises(ShapeError, match="at least two products"):
        complexity(one_product, cols, continuous=True, verbose=False)


def _complexity_in_forked_child(queue: object) -> None:
    from chainlead.analytics import region_product_table

    table = region_product_table(30, 80, density=0.3, seed=1)
    cols = {"time": "year", "loc": "region", "prod": "product", "val": "value"}
    queue.put(float(complexity(table, cols, verbose=False)["eci"].sum()))  # type: ignore[attr-defined]


def test_a_forked_child_gets_a_worker_of_its_own() -> None:
    import multiprocessing

    from chainlead.analytics import region_product_table

    table = region_product_table(30, 80, density=0.3, seed=1)
    cols = {"time": "year", "loc": "region", "prod": "product", "val": "value"}
    expected = float(complexity(table, cols, verbose=False)["eci"].sum())  # parent's worker up
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_complexity_in_forked_child, args=(queue,))
    child.start()
    child.join(timeout=30)
    if child.is_alive():
        child.kill()
        pytest.fail("the forked child hung waiting for the parent's worker thread")
    assert child.exitcode == 0
    assert queue.get(timeout=5) == pytest.approx(expected, abs=1e-12)
