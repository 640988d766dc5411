"""Comparison helpers for the analytics tests."""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd

ABS_TOLERANCE = 1e-6


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence ecomplexity: it prints every year and warns freely."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


def run_ecomplexity(data: pd.DataFrame, cols: Mapping[str, str], **options: Any) -> pd.DataFrame:
    """The reference implementation, without its printing and its log-supermodularity check
    (an unseeded sample that only prints and warns; it never changes the table)."""
    from ecomplexity import ecomplexity

    options.setdefault("check_logsupermodularity", False)
    with quiet():
        return ecomplexity(data, dict(cols), verbose=False, **options)


def run_ours(data: pd.DataFrame, cols: Mapping[str, str], **options: Any) -> pd.DataFrame:
    from chainlead.analytics import complexity

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return complexity(data, dict(cols), **options)


def assert_columns_agree(
    reference: pd.DataFrame, ours: pd.DataFrame, *, atol: float = ABS_TOLERANCE, where: str = ""
) -> None:
    """Same columns, dtypes and rows in the same order; floats within ``atol`` (absolute) with
    NaN exactly where the reference has NaN; everything else equal."""
    assert list(ours.columns) == list(reference.columns), where
    assert len(ours) == len(reference), where
    assert ours.dtypes.to_dict() == reference.dtypes.to_dict(), where
    for column in reference.columns:
        expected, actual = reference[column], ours[column]
        if expected.dtype.kind == "f":
            e = expected.to_numpy(dtype=np.float64)
            a = actual.to_numpy(dtype=np.float64)
            np.testing.assert_array_equal(np.isnan(a), np.isnan(e), err_msg=f"{where} {column} NaN")
            finite = ~np.isnan(e)
            if finite.any():
                worst = float(np.max(np.abs(a[finite] - e[finite])))
                assert worst <= atol, f"{where} {column}: max abs difference {worst:.3g}"
        else:
            assert actual.tolist() == expected.tolist(), f"{where} {column} differs"


def assert_agree_per_period(
    reference: pd.DataFrame,
    ours: pd.DataFrame,
    time: str | None,
    *,
    atol: float = ABS_TOLERANCE,
) -> None:
    """:func:`assert_columns_agree` on the whole table and on each period separately."""
    assert_columns_agree(reference, ours, atol=atol, where="all periods")
    if time is None:
        return
    for label in pd.unique(reference[time]):
        assert_columns_agree(
            reference[reference[time] == label].reset_index(drop=True),
            ours[ours[time] == label].reset_index(drop=True),
            atol=atol,
            where=f"period {label}",
        )
