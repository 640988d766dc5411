"""Bad input is refused with a clear, specific error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chainlead.analytics import (
    AnalyticsError,
    EmptyInputError,
    InvalidValueError,
    MissingColumnError,
    MissingKeyError,
    NegativeValueError,
    ShapeError,
    UnsupportedOptionError,
    complexity,
    complexity_matrix,
)

COLS = {"time": "year", "loc": "origin", "prod": "hs92", "val": "export_val"}


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2000] * 4,
            "origin": ["a", "a", "b", "b"],
            "hs92": [1, 2, 1, 2],
            "export_val": [1.0, 2.0, 3.0, 1.0],
        }
    )


def test_errors_are_value_errors() -> None:
    assert issubclass(AnalyticsError, ValueError)


def test_missing_column(table: pd.DataFrame) -> None:
    with pytest.raises(MissingColumnError, match="export_val"):
        complexity(table.drop(columns="export_val"), COLS)


def test_incomplete_or_unknown_mapping(table: pd.DataFrame) -> None:
    with pytest.raises(MissingColumnError, match="prod"):
        complexity(table, {k: v for k, v in COLS.items() if k != "prod"})
    with pytest.raises(MissingColumnError, match="unknown"):
        complexity(table, {**COLS, "weight": "export_val"})
    with pytest.raises(MissingColumnError, match="same column"):
        complexity(table, {**COLS, "loc": "hs92"})


def test_negative_values(table: pd.DataFrame) -> None:
    table.loc[1, "export_val"] = -2.0
    with pytest.raises(NegativeValueError, match="1 negative"):
        complexity(table, COLS)


def test_infinite_values(table: pd.DataFrame) -> None:
    table.loc[1, "export_val"] = np.inf
    with pytest.raises(InvalidValueError, match="infinite"):
        complexity(table, COLS)


def test_non_numeric_values_are_refused_under_raise_and_coerced_otherwise(
    table: pd.DataFrame,
) -> None:
    table["export_val"] = table["export_val"].astype(object)
    table.loc[1, "export_val"] = "n/a"
    with pytest.raises(InvalidValueError, match="non-numeric"):
        complexity(table, COLS, val_errors_flag="raise")
    with pytest.warns(UserWarning, match="NaN"):
        result = complexity(table, COLS)
    assert np.isnan(result.loc[(result["origin"] == "a") & (result["hs92"] == 2), "rca"]).all()
    with pytest.raises(UnsupportedOptionError, match="ignore"):
        complexity(table, COLS, val_errors_flag="ignore")


def test_missing_labels(table: pd.DataFrame) -> None:
    table.loc[2, "origin"] = None
    with pytest.raises(MissingKeyError, match="origin"):
        complexity(table, COLS)


def test_empty_table_and_table_without_positive_values(table: pd.DataFrame) -> None:
    with pytest.raises(EmptyInputError):
        complexity(table.iloc[:0], COLS)
    with pytest.raises(EmptyInputError, match="positive"):
        complexity(table.assign(export_val=0.0), COLS)
    with pytest.raises(EmptyInputError):
        complexity_matrix(np.zeros((2, 3)))
    with pytest.raises(EmptyInputError):
        complexity_matrix(np.zeros((0, 3)))


def test_not_a_dataframe() -> None:
    with pytest.raises(AnalyticsError, match="DataFrame"):
        complexity(np.ones((3, 4)), COLS)  # type: ignore[arg-type]


def test_unsupported_options(table: pd.DataFrame) -> None:
    with pytest.raises(UnsupportedOptionError, match="both"):
        complexity(table, COLS, presence_test="both")
    with pytest.raises(UnsupportedOptionError, match="presence_test"):
        complexity(table, COLS, presence_test="rank")
    with pytest.raises(MissingColumnError, match="pop"):
        complexity(table, COLS, presence_test="rpop")
    with pytest.raises(UnsupportedOptionError, match="stata"):
        complexity(table, COLS, convention="stata", continuous=True)
    with pytest.raises(UnsupportedOptionError, match="convention"):
        complexity(table, COLS, convention="r")  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="threshold"):
        complexity(table, COLS, rca_mcp_threshold=float("nan"))


def test_bad_population_table(table: pd.DataFrame) -> None:
    pop = pd.DataFrame({"origin": ["a", "b"], "year": [2000, 2000], "population": [1.0, 2.0]})
    with pytest.raises(MissingColumnError, match="order"):
        complexity(table, COLS, presence_test="rpop", pop=pop)
    twice = pd.DataFrame({"year": [2000] * 3, "origin": ["a", "a", "b"], "population": [1.0] * 3})
    with pytest.raises(ShapeError, match="several rows"):
        complexity(table, COLS, presence_test="rpop", pop=twice)
    negative = pd.DataFrame({"year": [2000] * 2, "origin": ["a", "b"], "population": [1.0, -1.0]})
    with pytest.raises(NegativeValueError):
        complexity(table, COLS, presence_test="rpop", pop=negative)


def test_bad_matrices() -> None:
    with pytest.raises(ShapeError):
        complexity_matrix(np.ones(3))
    with pytest.raises(NegativeValueError):
        complexity_matrix(-np.ones((2, 2)))
    with pytest.raises(InvalidValueError):
        complexity_matrix(np.full((2, 2), np.inf))
    with pytest.raises(ShapeError):
        complexity_matrix(np.ones((2, 2)), regions=["a"])
    with pytest.raises(ShapeError):
        complexity_matrix(np.ones((2, 2)), presence_test="rpop")
    with pytest.raises(ShapeError):
        complexity_matrix(np.ones((2, 2)), proximity=np.ones((3, 3)))
