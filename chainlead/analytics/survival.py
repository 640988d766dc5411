"""Survival of proof-of-concept projects through the "valley of death" (DOMAIN.md §6); no Django.

A project's *duration* is the time from its start until it was stopped (an observed event) or,
for projects still running or already in engineering production, until the end of observation
(censored). On such data:

* :func:`kaplan_meier`: the Kaplan-Meier survival curve with its 95 % Greenwood-exponential
  ("log-log") confidence band, a drop-in for ``lifelines.KaplanMeierFitter``'s
  ``survival_function_`` and ``confidence_interval_``;
* :func:`median_survival`: the first time the curve reaches 0.5 (``median_survival_time_``);
* :func:`logrank`: the log-rank test of two groups (``lifelines.statistics.logrank_test``), and
  :func:`compare_groups` for any number of groups (centres, fields, with or without a support;
  ``multivariate_logrank_test``) with a per-group summary;
* :func:`stage_reach`: the share of projects reaching each of the five stages;
* :func:`stage_times`: time spent per stage, with stays still open censored.

Every figure agrees with ``lifelines`` 0.30.3 to 1e-9 (``tests/test_survival.py`` runs it): the
same arithmetic in the same order, vectorised with numpy (one sort of the durations and
cumulative sums) instead of pandas group-bys, so a million histories take well under a second.
Inputs are validated; refusals are :class:`~chainlead.analytics.errors.AnalyticsError`
(``ValueError``) subclasses.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from chainlead.analytics._types import BoolArray, FloatArray, IntArray
from chainlead.analytics.errors import (
    EmptyInputError,
    InvalidValueError,
    MissingColumnError,
    MissingKeyError,
    NegativeValueError,
    ShapeError,
)

CONFIDENCE_ALPHA = 0.05  # lifelines' default: a 95 % band
STAGES = 5  # basic research → engineering production (DOMAIN.md §6)
STAGE_HISTORY_COLUMNS = ("project", "stage", "entered", "left")
# Whole-number durations are counted in a table of max + 1 slots when that is at most this many
# per duration (plus a floor): memory stays proportional to the input.
DENSE_SLOTS_PER_DURATION = 4
DENSE_SLOTS_MINIMUM = 1 << 16


# --- validation ---------------------------------------------------------------------------


def _durations(values: npt.ArrayLike, name: str = "durations") -> FloatArray:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise InvalidValueError(f"{name} must be numbers: {error}") from None
    if array.ndim != 1:
        raise ShapeError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.size == 0:
        raise EmptyInputError(f"{name} is empty")
    if np.isnan(array).any():
        raise InvalidValueError(f"{name} contains NaN (a missing duration)")
    if np.isinf(array).any():
        raise InvalidValueError(f"{name} contains an infinite duration")
    if (array < 0).any():
        raise NegativeValueError(f"{name} contains a negative duration")
    # -0.0 and 0.0 are one time; adding 0.0 turns the first into the second.
    return array + 0.0


def _observed(values: npt.ArrayLike, size: int, name: str = "observed") -> BoolArray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ShapeError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.size != size:
        raise ShapeError(f"{name} has {array.size} values but the durations have {size}")
    if array.dtype == np.bool_:
        return array
    try:
        numeric = array.astype(np.float64)
    except (TypeError, ValueError) as error:
        raise InvalidValueError(f"{name} must be booleans or 0/1: {error}") from None
    if np.isnan(numeric).any():
        raise InvalidValueError(f"{name} contains NaN (unknown whether the event happened)")
    if not np.isin(numeric, (0.0, 1.0)).all():
        raise InvalidValueError(f"{name} must be booleans or 0/1")
    return np.asarray(numeric == 1.0, dtype=np.bool_)


def _inputs(durations: npt.ArrayLike, observed: npt.ArrayLike) -> tuple[FloatArray, BoolArray]:
    times = _durations(durations)
    return times, _observed(observed, times.size)


# --- Kaplan-Meier -------------------------------------------------------------------------


@dataclass(frozen=True)
class _EventTable:
    """One row per distinct time (with 0 prepended when no duration is 0), as lifelines'
    ``survival_table_from_events``: ``at_risk`` just before the time, ``deaths`` at it."""

    times: FloatArray
    at_risk: IntArray
    deaths: IntArray


def _dense_codes(durations: FloatArray) -> IntArray | None:
    """Whole-number durations (days, months) over a range not much longer than the sample are
    their own codes: counting them is a ``bincount``, no sort. None otherwise."""
    if durations.max() > DENSE_SLOTS_PER_DURATION * durations.size + DENSE_SLOTS_MINIMUM:
        return None
    codes = durations.astype(np.int64)
    return codes if np.array_equal(codes, durations) else None


def _event_table(durations: FloatArray, observed: BoolArray) -> _EventTable:
    codes = _dense_codes(durations)
    if codes is not None:
        removed = np.bincount(codes)
        deaths = np.bincount(codes[observed], minlength=removed.size)
        present = np.flatnonzero(removed)
        times = present.astype(np.float64)
        removed, deaths = removed[present].astype(np.int64), deaths[present].astype(np.int64)
    else:
        times, removed = np.unique(durations, return_counts=True)
        death_times, death_counts = np.unique(durations[observed], return_counts=True)
        deaths = np.zeros(times.size, dtype=np.int64)
        deaths[np.searchsorted(times, death_times)] = death_counts
        removed = removed.astype(np.int64)
    if times[0] > 0:  # everyone enters at 0 (lifelines' birth time for non-negative data)
        times = np.concatenate(([0.0], times))
        removed = np.concatenate(([0], removed))
        deaths = np.concatenate(([0], deaths))
    at_risk = durations.size - (np.cumsum(removed) - removed)
    return _EventTable(times, at_risk, deaths)


def _log_survival(table: _EventTable) -> FloatArray:
    # lifelines: cumsum(log(n - d) - log(n)); log(0) = -inf once everyone at risk has died.
    with np.errstate(divide="ignore", invalid="ignore"):
        steps = np.log(table.at_risk - table.deaths) - np.log(table.at_risk)
    return np.asarray(np.cumsum(steps), dtype=np.float64)


def _greenwood_sum(table: _EventTable) -> FloatArray:
    at_risk = table.at_risk.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        steps = table.deaths / (at_risk * (at_risk - table.deaths))
    steps[np.isposinf(steps)] = 0.0  # the step where the last at risk die adds nothing
    return np.asarray(np.cumsum(steps), dtype=np.float64)


def _check_alpha(alpha: float) -> None:
    if not 0.0 < alpha < 1.0:
        raise InvalidValueError(f"alpha must be in (0, 1), got {alpha}")


def kaplan_meier(
    durations: npt.ArrayLike, observed: npt.ArrayLike, *, alpha: float = CONFIDENCE_ALPHA
) -> pd.DataFrame:
    """The Kaplan-Meier survival curve and its ``1 - alpha`` confidence band.

    ``durations``: non-negative, finite times (any unit); ``observed``: True (or 1) where the
    event (the project was stopped) happened at that time, False (0) where the project was
    censored (still running, or out of the valley). Returns a DataFrame indexed by
    ``timeline`` (float64: 0, then every distinct duration, ascending, as lifelines) with
    float64 columns ``survival`` (S(t), right-continuous), ``ci_lower`` and ``ci_upper``
    (Greenwood's variance on the log(-log S) scale, lifelines' default; 1 while S is 1).
    """
    _check_alpha(alpha)
    times, events = _inputs(durations, observed)
    table = _event_table(times, events)
    log_survival = _log_survival(table)
    survival = np.exp(log_survival)
    z = float(stats.norm.ppf(1 - alpha / 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.log(survival)
        spread = z * np.sqrt(_greenwood_sum(table)) / v
        lower = np.exp(-np.exp(np.log(-v) - spread))
        upper = np.exp(-np.exp(np.log(-v) + spread))
    return pd.DataFrame(
        {
            "survival": survival,
            "ci_lower": np.where(np.isnan(lower), 1.0, lower),
            "ci_upper": np.where(np.isnan(upper), 1.0, upper),
        },
        index=pd.Index(table.times, name="timeline"),
    )


def _median(times: FloatArray, survival: FloatArray) -> float:
    # lifelines' qth_survival_time: inf if S never falls to 0.5, else the first t with S <= 0.5.
    if survival[-1] > 0.5:
        return float("inf")
    return float(times[np.searchsorted(-survival, -0.5)])


def median_survival(durations: npt.ArrayLike, observed: npt.ArrayLike) -> float:
    """The first time at which the Kaplan-Meier curve is at most 0.5; ``inf`` where it stays
    above (as ``KaplanMeierFitter.median_survival_time_``)."""
    times, events = _inputs(durations, observed)
    table = _event_table(times, events)
    return _median(table.times, np.exp(_log_survival(table)))


# --- log-rank -----------------------------------------------------------------------------


def _logrank(durations: FloatArray, observed: BoolArray, codes: IntArray, groups: int) -> float:
    """The log-rank chi-squared statistic of ``groups`` groups (codes 0 … groups - 1), as
    lifelines' ``multivariate_logrank_test``: only times with a death contribute."""
    # Times with nobody removed (empty slots of the dense codes) change nothing below.
    time_codes = _dense_codes(durations)
    if time_codes is None:
        time_codes = np.unique(durations, return_inverse=True)[1].reshape(-1)
    slots = int(time_codes.max()) + 1
    cells = time_codes * groups + codes
    removed = np.bincount(cells, minlength=slots * groups).reshape(slots, groups)
    dead = np.bincount(cells[observed], minlength=slots * groups).reshape(slots, groups)
    sizes = removed.sum(axis=0)
    at_risk = (sizes - (np.cumsum(removed, axis=0) - removed)).astype(np.float64)
    with_deaths = dead.sum(axis=1) > 0
    at_risk, dead = at_risk[with_deaths], dead[with_deaths].astype(np.float64)
    n = at_risk.sum(axis=1)
    d = dead.sum(axis=1)
    expected = (at_risk * (d / n)[:, np.newaxis]).sum(axis=0)
    difference = dead.sum(axis=0) - expected
    with np.errstate(divide="ignore", invalid="ignore"):
        correction = (n - d) / (n - 1)
    correction[~np.isfinite(correction)] = 1.0  # one at risk: no tie correction
    factor = correction * d / n**2
    weighted = at_risk * factor[:, np.newaxis]
    covariance = -(weighted.T @ at_risk)
    covariance[np.diag_indices(groups)] += weighted.T @ n
    kept = difference[:-1]
    return float(kept @ np.linalg.pinv(covariance[:-1, :-1]) @ kept)


def _p_value(statistic: float, degrees_of_freedom: int) -> float:
    return float(stats.chi2.sf(statistic, degrees_of_freedom))


def logrank(
    durations_a: npt.ArrayLike,
    observed_a: npt.ArrayLike,
    durations_b: npt.ArrayLike,
    observed_b: npt.ArrayLike,
) -> tuple[float, float]:
    """The log-rank test that groups A and B share one survival curve: ``(statistic,
    p_value)``, chi-squared with one degree of freedom (``lifelines.statistics.logrank_test``'s
    ``test_statistic`` and ``p_value``). Neither group may be empty."""
    times_a = _durations(durations_a, "durations_a")
    times_b = _durations(durations_b, "durations_b")
    events_a = _observed(observed_a, times_a.size, "observed_a")
    events_b = _observed(observed_b, times_b.size, "observed_b")
    codes = np.repeat(np.array([0, 1], dtype=np.int64), [times_a.size, times_b.size])
    statistic = _logrank(
        np.concatenate([times_a, times_b]), np.concatenate([events_a, events_b]), codes, 2
    )
    return statistic, _p_value(statistic, 1)


@dataclass(frozen=True)
class GroupComparison:
    """Survival by group and the log-rank test that all groups share one curve.

    ``summary``: one row per group (sorted labels) with int64 ``projects``, ``events``,
    ``censored`` and float64 ``median`` (:func:`median_survival`, ``inf`` where the group's
    curve stays above 0.5). ``statistic`` is chi-squared with ``degrees_of_freedom`` = groups - 1
    (``lifelines.statistics.multivariate_logrank_test``).
    """

    summary: pd.DataFrame
    statistic: float
    p_value: float
    degrees_of_freedom: int


def compare_groups(
    durations: npt.ArrayLike, observed: npt.ArrayLike, groups: npt.ArrayLike
) -> GroupComparison:
    """Compare survival between the groups given per project (a centre, a field, whether a
    support was received...): per-group counts and medians, and the log-rank test."""
    times, events = _inputs(durations, observed)
    labels = pd.Series(np.asarray(groups, dtype=object)) if np.ndim(groups) == 1 else None
    if labels is None or labels.size != times.size:
        raise ShapeError("groups must be one-dimensional with one label per duration")
    if labels.isna().any():
        raise MissingKeyError("groups contains a missing label")
    codes, names = pd.factorize(labels, sort=True)
    if names.size < 2:
        raise InvalidValueError("compare_groups needs at least two groups")
    codes = codes.astype(np.int64)
    statistic = _logrank(times, events, codes, names.size)
    # Medians group by group: a loop over the (few) groups, each step vectorised.
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(names.size + 1))
    medians = []
    for start, stop in itertools.pairwise(bounds):
        part = order[start:stop]
        table = _event_table(times[part], events[part])
        medians.append(_median(table.times, np.exp(_log_survival(table))))
    projects = np.bincount(codes, minlength=names.size)
    deaths = np.bincount(codes[events], minlength=names.size)
    summary = pd.DataFrame(
        {
            "projects": projects.astype(np.int64),
            "events": deaths.astype(np.int64),
            "censored": (projects - deaths).astype(np.int64),
            "median": np.asarray(medians, dtype=np.float64),
        },
        index=pd.Index(names, name="group"),
    )
    degrees = int(names.size - 1)
    return GroupComparison(summary, statistic, _p_value(statistic, degrees), degrees)


# --- stages -------------------------------------------------------------------------------


def stage_reach(stages_reached: npt.ArrayLike, max_stage: int = STAGES) -> pd.Series:
    """The share of projects that reached each stage 1 … ``max_stage``.

    ``stages_reached``: the highest stage (an integer from 1) each project reached. Returns a
    float64 Series indexed by ``stage`` (1 … ``max_stage``), non-increasing, 1.0 at stage 1.
    Projects still running count at the stage they are in, so for a young cohort this
    understates how far it will get: the Kaplan-Meier curve corrects for that.
    """
    if max_stage < 1:
        raise InvalidValueError(f"max_stage must be at least 1, got {max_stage}")
    try:
        values = np.asarray(stages_reached, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise InvalidValueError(f"stages_reached must be stage numbers: {error}") from None
    if values.ndim != 1:
        raise ShapeError(f"stages_reached must be one-dimensional, got shape {values.shape}")
    if values.size == 0:
        raise EmptyInputError("stages_reached is empty")
    if np.isnan(values).any():
        raise InvalidValueError("stages_reached contains NaN")
    if (values != np.round(values)).any() or (values < 1).any() or (values > max_stage).any():
        raise InvalidValueError(f"stages_reached must be whole numbers from 1 to {max_stage}")
    counts = np.bincount(values.astype(np.int64) - 1, minlength=max_stage)
    reached = np.cumsum(counts[::-1])[::-1]  # reached stage s = stopped at s or beyond
    return pd.Series(
        reached / values.size,
        index=pd.Index(np.arange(1, max_stage + 1), name="stage"),
        name="share",
        dtype=np.float64,
    )


def _stay_lengths(history: pd.DataFrame, as_of: Any) -> tuple[FloatArray, BoolArray]:
    """Length of every stay and whether it ended; open stays run until ``as_of``. Datetime
    columns give lengths in days."""
    entered, left = history["entered"], history["left"]
    datetimes = pd.api.types.is_datetime64_any_dtype(entered)
    if entered.isna().any():
        raise InvalidValueError("every stay needs an 'entered' time")
    ended = left.notna().to_numpy()
    if not ended.all() and as_of is None:
        raise InvalidValueError("some stays are still open (no 'left'): give as_of")
    if datetimes:
        end = left.fillna(pd.Timestamp(as_of)) if not ended.all() else left
        lengths = ((end - entered) / pd.Timedelta(days=1)).to_numpy(dtype=np.float64)
    else:
        try:
            start = entered.to_numpy(dtype=np.float64)
            stop = left.to_numpy(dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise InvalidValueError(f"'entered' and 'left' must be times: {error}") from None
        stop = np.where(ended, stop, np.nan if as_of is None else float(as_of))
        lengths = stop - start
    if (lengths < 0).any():
        raise InvalidValueError("a stay ends before it begins ('left' or as_of before 'entered')")
    return lengths, ended


def stage_times(history: pd.DataFrame, *, as_of: Any = None) -> pd.DataFrame:
    """Time spent in each stage, with stays still open censored at ``as_of``.

    ``history``: one row per project and stage entered, columns ``project`` (any label),
    ``stage`` (integer 1 … 5), ``entered`` and ``left`` (numbers in one unit, or datetimes;
    ``left`` missing while the project is still in that stage). ``as_of``: the end of
    observation, needed when a stay is open. Returns a DataFrame indexed by ``stage`` (only
    stages entered at least once) with int64 ``entered`` (stays begun), ``left`` (ended:
    advanced or stopped) and ``ongoing``, float64 ``mean_completed`` (mean length of ended
    stays, NaN if none) and ``median`` (Kaplan-Meier median stay, open stays censored; ``inf``
    when fewer than half have ended for sure). Lengths are in the input's unit, days for
    datetimes.
    """
    missing = [column for column in STAGE_HISTORY_COLUMNS if column not in history.columns]
    if missing:
        raise MissingColumnError(f"history lacks the column(s) {missing}")
    if history.empty:
        raise EmptyInputError("history has no rows")
    if history["project"].isna().any() or history["stage"].isna().any():
        raise MissingKeyError("every row needs a project and a stage")
    if history.duplicated(["project", "stage"]).any():
        raise InvalidValueError("a project enters each stage at most once")
    stages = history["stage"].to_numpy()
    if not np.isin(stages, np.arange(1, STAGES + 1)).all():
        raise InvalidValueError(f"stages must be whole numbers from 1 to {STAGES}")
    stages = stages.astype(np.int64)
    lengths, ended = _stay_lengths(history, as_of)
    rows = []
    for stage in np.unique(stages):  # at most five stages, each step vectorised
        mine = stages == stage
        stay, done = lengths[mine], ended[mine]
        table = _event_table(stay + 0.0, done)
        rows.append(
            {
                "stage": int(stage),
                "entered": int(mine.sum()),
                "left": int(done.sum()),
                "ongoing": int((~done).sum()),
                "mean_completed": float(stay[done].mean()) if done.any() else float("nan"),
                "median": _median(table.times, np.exp(_log_survival(table))),
            }
        )
    return (
        pd.DataFrame(rows)
        .set_index("stage")
        .astype({"entered": np.int64, "left": np.int64, "ongoing": np.int64})
    )


__all__ = [
    "GroupComparison",
    "compare_groups",
    "kaplan_meier",
    "logrank",
    "median_survival",
    "stage_reach",
    "stage_times",
]
