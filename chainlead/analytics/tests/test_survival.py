"""Survival through the valley of death: every figure against lifelines 0.30.3 (run here) to
1e-9, hand-checked stage summaries, input validation, and the project-history generator."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test, multivariate_logrank_test

from chainlead.analytics import (
    AnalyticsError,
    EmptyInputError,
    InvalidValueError,
    MissingColumnError,
    NegativeValueError,
    ShapeError,
    compare_groups,
    kaplan_meier,
    logrank,
    median_survival,
    poc_project_histories,
    stage_reach,
    stage_times,
)

TOLERANCE = 1e-9
PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


# --- generated survival data ----------------------------------------------------------------

integer_times = st.integers(min_value=0, max_value=12)  # few values: ties everywhere
# Whole numbers too spread out to count in a dense table: the sorting path.
wide_integer_times = st.integers(min_value=0, max_value=10**9)
float_times = st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def samples(draw: st.DrawFn, min_size: int = 1, max_size: int = 60) -> tuple[Any, np.ndarray]:
    """Durations (ints with ties and zeros, spread-out ints, or floats) and events: all
    censored, none censored, or a mix."""
    size = draw(st.integers(min_value=min_size, max_value=max_size))
    times = draw(st.sampled_from([integer_times, wide_integer_times, float_times]))
    durations: Any = draw(st.lists(times, min_size=size, max_size=size))
    censoring = draw(st.sampled_from(["mixed", "none censored", "all censored"]))
    if censoring == "mixed":
        observed = np.array(draw(st.lists(st.booleans(), min_size=size, max_size=size)))
    else:
        observed = np.full(size, censoring == "none censored")
    return durations, observed


def lifelines_km(durations: Any, observed: np.ndarray) -> KaplanMeierFitter:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lifelines warns about int durations and log(0)
        return KaplanMeierFitter().fit(durations, observed)


@PROPERTY_SETTINGS
@given(samples())
def test_kaplan_meier_agrees_with_lifelines(sample: tuple[Any, np.ndarray]) -> None:
    durations, observed = sample
    reference = lifelines_km(durations, observed)
    ours = kaplan_meier(durations, observed)
    assert list(ours.columns) == ["survival", "ci_lower", "ci_upper"]
    assert ours.index.name == "timeline" and ours.index[0] == 0.0
    np.testing.assert_array_equal(ours.index.to_numpy(), reference.timeline)
    np.testing.assert_allclose(
        ours["survival"].to_numpy(),
        reference.survival_function_.iloc[:, 0].to_numpy(),
        rtol=0,
        atol=TOLERANCE,
    )
    np.testing.assert_allclose(
        ours[["ci_lower", "ci_upper"]].to_numpy(),
        reference.confidence_interval_.to_numpy(),
        rtol=0,
        atol=TOLERANCE,
    )
    assert median_survival(durations, observed) == reference.median_survival_time_


@PROPERTY_SETTINGS
@given(samples(), samples())
def test_logrank_agrees_with_lifelines(
    a: tuple[Any, np.ndarray], b: tuple[Any, np.ndarray]
) -> None:
    reference = logrank_test(a[0], b[0], event_observed_A=a[1], event_observed_B=b[1])
    statistic, p_value = logrank(a[0], a[1], b[0], b[1])
    assert statistic == pytest.approx(reference.test_statistic, abs=TOLERANCE, rel=TOLERANCE)
    assert p_value == pytest.approx(reference.p_value, abs=TOLERANCE)


@PROPERTY_SETTINGS
@given(samples(min_size=2), st.data())
def test_group_comparison_agrees_with_lifelines(
    sample: tuple[Any, np.ndarray], data: st.DataObject
) -> None:
    durations, observed = sample
    size = len(durations)
    labels = data.draw(
        st.lists(
            st.sampled_from(["C01", "C02", "C03", "C04"]), min_size=size, max_size=size
        ).filter(lambda groups: len(set(groups)) >= 2)
    )
    reference = multivariate_logrank_test(durations, labels, observed)
    ours = compare_groups(durations, observed, labels)
    assert ours.degrees_of_freedom == len(set(labels)) - 1
    assert ours.statistic == pytest.approx(reference.test_statistic, abs=TOLERANCE, rel=TOLERANCE)
    assert ours.p_value == pytest.approx(reference.p_value, abs=TOLERANCE)
    assert list(ours.summary.index) == sorted(set(labels))
    for label, row in ours.summary.iterrows():
        mine = np.asarray(labels) == label
        assert row["projects"] == mine.sum() and row["events"] == observed[mine].sum()
        assert row["censored"] == row["projects"] - row["events"]
        expected = lifelines_km(np.asarray(durations)[mine], observed[mine]).median_survival_time_
        assert row["median"] == expected


def test_generated_histories_agree_with_lifelines_at_scale() -> None:
    projects = poc_project_histories(50_000, seed=3)
    durations, stopped = projects["duration"], projects["stopped"]
    reference = lifelines_km(durations, stopped)
    ours = kaplan_meier(durations, stopped)
    assert len(ours) > 3000  # whole days over ten years: many distinct times, many ties
    expected_curve = np.c_[reference.survival_function_, reference.confidence_interval_]
    assert np.abs(ours.to_numpy() - expected_curve).max() <= TOLERANCE
    supported = projects["supported"].to_numpy()
    expected = logrank_test(
        durations[supported], durations[~supported], stopped[supported], stopped[~supported]
    )
    statistic, p_value = logrank(
        durations[supported], stopped[supported], durations[~supported], stopped[~supported]
    )
    assert statistic == pytest.approx(expected.test_statistic, rel=TOLERANCE)
    assert p_value == pytest.approx(expected.p_value, abs=TOLERANCE)
    assert statistic > 100  # support changes survival in the generator, and the test sees it


# --- hand-checked examples ------------------------------------------------------------------


def test_kaplan_meier_by_hand() -> None:
    # Six projects: stopped at 1, 3, 3 and 6; still running at 2 and 5.
    curve = kaplan_meier([1, 2, 3, 3, 5, 6], [1, 0, 1, 1, 0, 1])
    assert list(curve.index) == [0.0, 1.0, 2.0, 3.0, 5.0, 6.0]
    # S(1) = 5/6; at 3, 4 at risk and 2 stop: 5/6 · 2/4; at 6, the last one stops.
    expected = [1.0, 5 / 6, 5 / 6, 5 / 12, 5 / 12, 0.0]
    np.testing.assert_allclose(curve["survival"], expected, rtol=1e-12)
    assert curve.loc[0.0, "ci_lower"] == curve.loc[0.0, "ci_upper"] == 1.0
    assert (curve["ci_lower"] <= curve["survival"]).all()
    assert (curve["survival"] <= curve["ci_upper"]).all()
    assert median_survival([1, 2, 3, 3, 5, 6], [1, 0, 1, 1, 0, 1]) == 3.0
    assert median_survival([1, 2, 3], [0, 0, 1]) == 3.0
    assert median_survival([1, 2, 3], [1, 0, 0]) == np.inf  # S stays at 2/3


def test_logrank_of_identical_groups_is_zero() -> None:
    statistic, p_value = logrank([1, 2, 3], [1, 1, 0], [1, 2, 3], [1, 1, 0])
    assert statistic == pytest.approx(0.0, abs=1e-15) and p_value == pytest.approx(1.0)


def test_stage_reach_by_hand() -> None:
    share = stage_reach([1, 2, 2, 3, 5])
    assert share.index.name == "stage" and list(share.index) == [1, 2, 3, 4, 5]
    assert share.tolist() == [1.0, 0.8, 0.4, 0.2, 0.2]
    assert stage_reach(np.array([3, 3]), max_stage=3).tolist() == [1.0, 1.0, 1.0]


def test_stage_times_by_hand() -> None:
    history = pd.DataFrame(
        {
            "project": ["a", "a", "b", "b", "c", "d"],
            "stage": [1, 2, 1, 2, 1, 1],
            "entered": [0.0, 4.0, 1.0, 3.0, 2.0, 5.0],
            "left": [4.0, np.nan, 3.0, 9.0, np.nan, 11.0],
        }
    )
    times = stage_times(history, as_of=10.0)
    assert list(times.index) == [1, 2]
    stage_1, stage_2 = times.loc[1], times.loc[2]
    # Stage 1: stays of 4, 2 and 6 ended; c's stay is open at 10 - 2 = 8 (censored).
    assert (stage_1["entered"], stage_1["left"], stage_1["ongoing"]) == (4, 3, 1)
    assert stage_1["mean_completed"] == pytest.approx(4.0)
    # KM over 2, 4, 6, 8+: S = 3/4, 2/4, 1/4; first time at or below 0.5 is 4.
    assert stage_1["median"] == 4.0
    # Stage 2: b stayed 6; a is open for 6 at as_of. S(6) = 1/2, so the median is 6.
    assert (stage_2["entered"], stage_2["left"], stage_2["ongoing"]) == (2, 1, 1)
    assert stage_2["median"] == 6.0
    assert times["entered"].dtype == np.int64


def test_stage_times_with_dates_counts_days() -> None:
    history = pd.DataFrame(
        {
            "project": [1, 2],
            "stage": [2, 2],
            "entered": pd.to_datetime(["2024-01-01", "2024-03-01"]),
            "left": pd.to_datetime(["2024-01-31", None]),
        }
    )
    times = stage_times(history, as_of=pd.Timestamp("2024-03-11"))
    assert times.loc[2, "mean_completed"] == 30.0
    assert times.loc[2, "median"] == 30.0  # the 10-day open stay is censored before that


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("durations", "observed", "error", "message"),
    [
        ([1, 2], [1], ShapeError, "has 1 values but the durations have 2"),
        ([1, -2], [1, 1], NegativeValueError, "negative"),
        ([1, np.nan], [1, 1], InvalidValueError, "NaN"),
        ([1, np.inf], [1, 1], InvalidValueError, "infinite"),
        ([1, 2], [1, np.nan], InvalidValueError, "NaN"),
        ([1, 2], [1, 2], InvalidValueError, "0/1"),
        ([], [], EmptyInputError, "empty"),
        (["x"], [1], InvalidValueError, "numbers"),
        ([[1, 2]], [[1, 1]], ShapeError, "one-dimensional"),
    ],
)
def test_bad_input_is_refused_clearly(
    durations: Any, observed: Any, error: type[AnalyticsError], message: str
) -> None:
    for call in (kaplan_meier, median_survival):
        with pytest.raises(error, match=message):
            call(durations, observed)
    with pytest.raises(ValueError, match=message):  # every refusal is a ValueError
        logrank(durations, observed, [1], [1])


def test_bad_group_and_stage_input() -> None:
    with pytest.raises(EmptyInputError):
        logrank([1, 2], [1, 1], [], [])
    with pytest.raises(InvalidValueError, match="two groups"):
        compare_groups([1, 2], [1, 1], ["a", "a"])
    with pytest.raises(ShapeError):
        compare_groups([1, 2], [1, 1], ["a"])
    with pytest.raises(ValueError, match="missing label"):
        compare_groups([1, 2], [1, 1], ["a", None])
    with pytest.raises(InvalidValueError, match="from 1 to 5"):
        stage_reach([1, 6])
    with pytest.raises(InvalidValueError, match="from 1 to 5"):
        stage_reach([0.5])
    history = pd.DataFrame({"project": [1], "stage": [1], "entered": [0.0], "left": [np.nan]})
    with pytest.raises(InvalidValueError, match="as_of"):
        stage_times(history)
    with pytest.raises(InvalidValueError, match="ends before"):
        stage_times(history, as_of=-1.0)
    with pytest.raises(MissingColumnError):
        stage_times(history.drop(columns="left"))
    with pytest.raises(InvalidValueError, match="at most once"):
        stage_times(pd.concat([history, history]), as_of=1.0)


# --- the generator --------------------------------------------------------------------------


def test_project_histories_are_seeded_and_consistent() -> None:
    projects = poc_project_histories(20_000, seed=5, years=10)
    pd.testing.assert_frame_equal(projects, poc_project_histories(20_000, seed=5, years=10))
    assert not projects.equals(poc_project_histories(20_000, seed=6, years=10))
    assert projects["duration"].dtype == np.int64 and projects["stopped"].dtype == bool
    assert (projects["duration"] >= 0).all()
    assert (projects["started"] + projects["duration"] <= 3650).all()
    # Censored projects run to the end of observation; engineering production never stops.
    censored = ~projects["stopped"]
    assert (projects.loc[censored, "started"] + projects.loc[censored, "duration"] == 3650).all()
    assert not projects.loc[projects["stage_reached"] == 5, "stopped"].any()
    entered = projects[[f"entered_{s}" for s in range(1, 6)]].to_numpy()
    np.testing.assert_array_equal((~np.isnan(entered)).sum(axis=1), projects["stage_reached"])
    assert (np.diff(entered, axis=1)[~np.isnan(np.diff(entered, axis=1))] > 0).all()
    # The valley of death: fewer than a third of those reaching stage 2 reach stage 5.
    share = stage_reach(projects["stage_reached"])
    assert share[5] / share[2] < 1 / 3
    assert projects["centre"].nunique() == 12 and projects["field"].nunique() == 5


def test_bad_generator_arguments() -> None:
    with pytest.raises(InvalidValueError):
        poc_project_histories(0)
    with pytest.raises(InvalidValueError):
        poc_project_histories(10, years=0)
