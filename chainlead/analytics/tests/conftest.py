"""Fixtures for the analytics tests, which need neither Django nor a database.

The project's root ``conftest.py`` clears Django's cache before every test (an autouse fixture);
that needs Django settings, which ``-p no:django`` runs (and a bare ``pytest`` without the
settings module) do not have. This package imports no Django, so the fixture is overridden here
by a no-op of the same name, for the tests under this directory only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

# ecomplexity's reference data, copied into the package's tests (fixtures/PROVENANCE.md).
COMPLEXITY_DIR = Path(__file__).resolve().parent / "fixtures"
TRADE_COLS = {"time": "year", "loc": "origin", "prod": "hs92", "val": "export_val"}


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Override of the root fixture: nothing to clear, and no Django to ask."""


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(COMPLEXITY_DIR / name)


@pytest.fixture(scope="session")
def trade_data() -> pd.DataFrame:
    """ecomplexity's own fixture: 10 countries × 30 HS92 products × 1995-1996 (PROVENANCE.md)."""
    return _read("trade_data_sample.csv")


@pytest.fixture(scope="session")
def stata_ground_truth() -> pd.DataFrame:
    """Stata ``ecomplexity export_val, i(origin) p(hs92) t(year)`` on ``trade_data``."""
    return _read("stata_ground_truth.csv")


@pytest.fixture(scope="session")
def population_data() -> pd.DataFrame:
    """WDI population (year, origin, population) for the fixture countries, without ``blx``."""
    return _read("population_data_sample.csv")


@pytest.fixture
def trade_cols() -> dict[str, str]:
    return dict(TRADE_COLS)
