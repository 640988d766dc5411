"""The Herfindahl-Hirschman index."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainlead.analytics import InvalidValueError, NegativeValueError, herfindahl


def test_by_hand() -> None:
    # Shares 0.5, 0.3, 0.2: 0.25 + 0.09 + 0.04 = 0.38.
    assert herfindahl([50, 30, 20]) == pytest.approx(0.38)
    assert herfindahl([7.0]) == 1.0
    assert herfindahl([1, 1, 1, 1]) == pytest.approx(0.25)
    assert herfindahl([5, 0, 5]) == pytest.approx(0.5)  # a zero participant changes nothing


def test_accepts_arrays_series_and_generators() -> None:
    assert herfindahl(np.array([2.0, 2.0])) == pytest.approx(0.5)
    assert herfindahl(pd.Series([3, 1])) == pytest.approx(0.625)
    assert herfindahl(x for x in (1, 3)) == pytest.approx(0.625)


def test_empty_and_all_zero_are_nan() -> None:
    assert math.isnan(herfindahl([]))
    assert math.isnan(herfindahl([0, 0, 0]))


def test_refusals() -> None:
    with pytest.raises(NegativeValueError):
        herfindahl([1, -1])
    with pytest.raises(InvalidValueError):
        herfindahl([1, float("nan")])
    with pytest.raises(InvalidValueError):
        herfindahl([1, float("inf")])
    with pytest.raises(InvalidValueError):
        herfindahl(["a", "b"])


@settings(max_examples=50, derandomize=True, database=None, deadline=None)
@given(st.lists(st.floats(0, 1e9, allow_nan=False), min_size=1, max_size=50))
def test_bounds_and_scale_invariance(values: list[float]) -> None:
    index = herfindahl(values)
    positive = sum(v > 0 for v in values)
    if positive == 0:
        assert math.isnan(index)
        return
    assert 1 / positive - 1e-12 <= index <= 1 + 1e-12
    assert herfindahl([v * 3.5 for v in values]) == pytest.approx(index)
