"""Property tests: on generated tables of many shapes and sparsities, every output column of
complexity() agrees with ecomplexity (run here) to 1e-6 absolute, per year, with NaN exactly
where ecomplexity has NaN.

Inputs are restricted (``assume``) to periods where the answer is unique: if ECI / PCI are not
all NaN, the second eigenvalue must be simple (relative gap to the third above 1e-6), below 1
(a connected region-product network: otherwise COI and COG depend on which eigenvector of
eigenvalue 1 LAPACK returns) and positive, and the eigenvector's correlation with diversity must
be clearly non-zero (it fixes the sign). Outside these cases ecomplexity's output is an
arbitrary choice of its eigen-solver, which no other implementation can reproduce; ours warns
(``ComplexityWarning``) there, see ``test_eci.py``. Cases where ecomplexity yields NaN
(zero diversity or ubiquity, constant diversity, tiny matrices) are *not* excluded: NaN must
match NaN; where ecomplexity crashes (the continuous proximity of a single product), we must
raise an AnalyticsError. Small integer values make exact RCA ties (RCA == 1) common, which must
match too.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from chainlead.analytics import AnalyticsError, complexity_matrix, proximity, region_product_table
from chainlead.analytics.tests.helpers import (
    assert_agree_per_period,
    assert_columns_agree,
    quiet,
    run_ecomplexity,
    run_ours,
)

COLS = {"time": "year", "loc": "region", "prod": "product", "val": "value"}
PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # seeded: the same examples on every run and machine
    database=None,  # no .hypothesis/ directory in the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def well_defined(table: pd.DataFrame, threshold: float) -> bool:
    """True when every period's ECI / PCI are unique (see the module docstring) or all NaN."""
    for _, period in table.groupby("year"):
        if not (period["value"] > 0).any():
            continue  # an all-zero year: NaN rows in both implementations
        wide = period.pivot_table(
            index="region", columns="product", values="value", aggfunc="first", fill_value=0
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = complexity_matrix(wide.to_numpy(), rca_mcp_threshold=threshold)
        eigen = result.eigen
        if np.isnan(eigen.eci).all():
            continue
        lam2 = eigen.eigenvalues[1]
        gap = eigen.eigengap if eigen.eigenvalues.size == 3 else 1.0
        if not (
            eigen.well_defined
            and gap > 1e-6
            and 1e-8 < lam2 < 1 - 1e-6
            and abs(eigen.correlation) > 1e-6
        ):
            return False
    return True


@st.composite
def small_integer_tables(draw: st.DrawFn) -> pd.DataFrame:
    """2-10 regions × 2-12 products × 1-2 years of small integers, 15-100 % of cells filled;
    empty cells either left out of the table or written as explicit zeros."""
    n_regions = draw(st.integers(2, 10))
    n_products = draw(st.integers(2, 12))
    n_years = draw(st.integers(1, 2))
    shape = (n_years, n_regions, n_products)
    values = draw(hnp.arrays(np.int64, shape, elements=st.integers(1, 30)))
    fill = draw(st.sampled_from([1.0, 0.7, 0.4, 0.15]))
    mask = np.random.default_rng(draw(st.integers(0, 2**16))).random(shape) < fill
    values = np.where(mask, values, 0)
    assume(values.any())  # an all-zero table is refused (EmptyInputError), see test_errors.py
    year, region, product = np.indices(shape).reshape(3, -1)
    table = pd.DataFrame(
        {
            "year": 2000 + year,
            "region": [f"r{i}" for i in region],
            "product": product * 7 + 100,
            "value": values.reshape(-1).astype(float),
        }
    )
    if draw(st.booleans()):
        table = table[table["value"] > 0]
    return table.reset_index(drop=True)


@st.composite
def generated_tables(draw: st.DrawFn) -> pd.DataFrame:
    """The package's own generator: 3-40 regions × 3-60 products × 1-3 years, 5-100 % dense."""
    return region_product_table(
        n_regions=draw(st.integers(3, 40)),
        n_products=draw(st.integers(3, 60)),
        density=draw(st.sampled_from([0.05, 0.15, 0.4, 0.8, 1.0])),
        seed=draw(st.integers(0, 2**16)),
        years=draw(st.integers(1, 3)),
    )


OPTION_SETS: list[dict[str, Any]] = [
    {},
    {},
    {"rca_mcp_threshold": 0.5},
    {"rca_mcp_threshold": 2.0},
    {"asymmetric": True},
    {"continuous": True},
    {"knn": 2},
]


def check_against_ecomplexity(table: pd.DataFrame, options: dict[str, Any]) -> None:
    threshold = float(options.get("rca_mcp_threshold", 1.0))
    assume(well_defined(table, threshold))
    if "knn" in options:
        assume(table.groupby("year")["product"].nunique().min() > options["knn"])
    try:
        expected = run_ecomplexity(table, COLS, **options)
    except Exception:  # whatever ecomplexity trips on, we must refuse clearly
        with pytest.raises(AnalyticsError):
            run_ours(table, COLS, **options)
        return
    assert_agree_per_period(expected, run_ours(table, COLS, **options), "year")


@PROPERTY_SETTINGS
@given(table=small_integer_tables(), options=st.sampled_from(OPTION_SETS))
def test_small_integer_tables_agree_with_ecomplexity(
    table: pd.DataFrame, options: dict[str, Any]
) -> None:
    check_against_ecomplexity(table, options)


@settings(PROPERTY_SETTINGS, max_examples=25)
@given(table=generated_tables(), options=st.sampled_from(OPTION_SETS))
def test_generated_tables_agree_with_ecomplexity(
    table: pd.DataFrame, options: dict[str, Any]
) -> None:
    check_against_ecomplexity(table, options)


@settings(PROPERTY_SETTINGS, max_examples=25)
@given(table=small_integer_tables(), asymmetric=st.booleans())
def test_proximity_agrees_with_ecomplexity(table: pd.DataFrame, asymmetric: bool) -> None:
    from ecomplexity import proximity as reference_proximity

    with quiet():
        expected = reference_proximity(table, COLS, asymmetric=asymmetric)
    assert_columns_agree(expected, proximity(table, COLS, asymmetric=asymmetric))
