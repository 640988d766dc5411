"""Seeded synthetic region × product tables and proof-of-concept project histories for tests
and benchmarks.

The structure mimics trade or employment data: a *nested* presence pattern (regions with more
capabilities make more products, and rarer ones; Hidalgo & Hausmann 2009), heavy-tailed region
sizes and product markets, and multiplicative log-normal noise, so values span several orders of
magnitude and ECI / PCI are well defined. Nothing here uses global random state.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from chainlead.analytics._types import FloatArray
from chainlead.analytics.errors import InvalidValueError

# Logistic slope of presence in (capability - sophistication): steep enough for nestedness,
# soft enough that every region keeps some rare and miss some common products.
NESTEDNESS = 2.0
ROWS_PER_CHUNK = 256


def _sigmoid(x: FloatArray) -> FloatArray:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * x)), dtype=np.float64)


def _calibrate(
    capability: FloatArray, sophistication: FloatArray, density: float, rng: np.random.Generator
) -> float:
    """Offset of the logistic so that the expected share of present cells is ``density``."""
    if density >= 1.0:
        return np.inf
    rows = rng.choice(capability, size=min(capability.size, 400), replace=False)
    cols = rng.choice(sophistication, size=min(sophistication.size, 400), replace=False)
    grid = NESTEDNESS * (rows[:, np.newaxis] - cols[np.newaxis, :])
    low, high = -40.0, 40.0
    for _ in range(60):
        middle = (low + high) / 2
        if _sigmoid(grid + middle).mean() < density:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def _year_labels(years: int | Sequence[int]) -> list[int]:
    if isinstance(years, int | np.integer) and not isinstance(years, bool):
        if years < 1:
            raise InvalidValueError(f"years must be at least 1, got {years}")
        return [2000 + i for i in range(int(years))]
    labels = [int(y) for y in years]  # type: ignore[union-attr]
    if not labels or len(set(labels)) != len(labels):
        raise InvalidValueError("years must be a positive count or distinct year labels")
    return labels


def region_product_table(
    n_regions: int,
    n_products: int,
    density: float = 0.2,
    seed: int = 0,
    years: int | Sequence[int] = 1,
) -> pd.DataFrame:
    """A long table of positive values for about ``density`` of the region × product cells.

    Columns (one row per non-zero cell, sorted by year, region, product):

    * ``year``: int64, ``2000, 2001, ...`` for ``years=n``, or the labels given;
    * ``region``: str, ``"R0001"``... (zero-padded, so string order is numeric order);
    * ``product``: str, ``"P00001"``...;
    * ``value``: float64 > 0, heavy-tailed (region size × product market × log-normal noise).

    Every region and every product has at least one row in every year, so the grid is exactly
    ``n_regions × n_products``. The same arguments always give the same table; consecutive years
    drift a little, as real data does.
    """
    if n_regions < 1 or n_products < 1:
        raise InvalidValueError("n_regions and n_products must be at least 1")
    if not 0.0 < density <= 1.0:
        raise InvalidValueError(f"density must be in (0, 1], got {density}")
    year_labels = _year_labels(years)
    rng = np.random.default_rng(seed)
    capability = rng.normal(size=n_regions)
    sophistication = rng.normal(size=n_products)
    region_size = rng.lognormal(0.0, 1.5, size=n_regions)
    market_size = rng.lognormal(0.0, 1.2, size=n_products)
    offset = _calibrate(capability, sophistication, density, rng)

    region_names = np.array([f"R{i + 1:0{max(4, len(str(n_regions)))}d}" for i in range(n_regions)])
    product_names = np.array(
        [f"P{i + 1:0{max(5, len(str(n_products)))}d}" for i in range(n_products)]
    )
    region_names = region_names.astype(object)
    product_names = product_names.astype(object)

    year_parts, region_parts, product_parts, value_parts = [], [], [], []
    drift = np.zeros(n_regions)
    for year in year_labels:
        capability_y = capability + drift
        drift = drift + rng.normal(0.0, 0.05, size=n_regions)
        rows_y, cols_y, values_y = [], [], []
        for start in range(0, n_regions, ROWS_PER_CHUNK):
            stop = min(start + ROWS_PER_CHUNK, n_regions)
            logits = NESTEDNESS * (capability_y[start:stop, np.newaxis] - sophistication)
            probability = np.ones_like(logits) if np.isinf(offset) else _sigmoid(logits + offset)
            present = rng.random(logits.shape, dtype=np.float32) < probability
            empty = ~present.any(axis=1)
            present[empty, np.argmax(probability[empty], axis=1)] = True
            r, c = np.nonzero(present)
            noise = rng.lognormal(0.0, 1.0, size=r.size)
            values_y.append(
                1000.0 * region_size[start + r] * market_size[c] * probability[r, c] * noise
            )
            rows_y.append(r + start)
            cols_y.append(c)
        rows = np.concatenate(rows_y)
        cols = np.concatenate(cols_y)
        values = np.concatenate(values_y)
        missing = np.setdiff1d(np.arange(n_products), cols)
        if missing.size:
            best = np.argmax(capability_y)
            rows = np.concatenate([rows, np.full(missing.size, best)])
            cols = np.concatenate([cols, missing])
            values = np.concatenate([values, 1000.0 * region_size[best] * market_size[missing]])
            order = np.lexsort((cols, rows))
            rows, cols, values = rows[order], cols[order], values[order]
        year_parts.append(np.full(rows.size, year, dtype=np.int64))
        region_parts.append(rows)
        product_parts.append(cols)
        value_parts.append(values)

    return pd.DataFrame(
        {
            "year": np.concatenate(year_parts),
            "region": pd.array(region_names[np.concatenate(region_parts)], dtype="str"),
            "product": pd.array(product_names[np.concatenate(product_parts)], dtype="str"),
            "value": np.concatenate(value_parts),
        }
    )


# Proof-of-concept projects (DOMAIN.md §6). Invented parameters that give the usual shape: most
# projects that stop do so in stages 2-4, the valley of death, and support helps a little.
POC_STAGE_MEAN_DAYS = (300.0, 450.0, 540.0, 400.0)  # mean stay in stages 1-4
POC_ADVANCE_PROBABILITY = (0.75, 0.45, 0.5, 0.7)  # chance of moving on at the end of stages 1-4
POC_SUPPORT_LIFT = 0.3  # support removes this share of the chance of being stopped
POC_FIELDS = ("ai", "biomedicine", "new_materials", "equipment", "new_energy")
POC_CENTRES = 12


def poc_project_histories(n_projects: int, seed: int = 0, years: int = 10) -> pd.DataFrame:
    """Seeded synthetic proof-of-concept project histories over ``years`` of observation.

    Projects start uniformly over the window at stage 1 and move through stages 1-5, staying a
    gamma-distributed number of whole days in each of stages 1-4; at the end of a stay a
    project advances or is stopped (supported projects are stopped less often); stage 5
    (engineering production) is final. Observation ends on day ``365 * years``, which
    censors every project not stopped by then. One row per project, columns:

    * ``project``: int64 id from 0; ``centre``: str ``"C01"``…; ``field``: str (one of
      :data:`POC_FIELDS`); ``supported``: bool;
    * ``started``: int64 day the project started (0 is the first day of observation);
    * ``stage_reached``: int64 highest stage reached (1-5) by the end of observation;
    * ``duration``: int64 days from start to the stop, or to the end of observation;
    * ``stopped``: bool, True where the project was stopped (the event), False if censored;
    * ``entered_1`` … ``entered_5``: float64 day each stage was entered, NaN if not reached.

    Whole days make tied durations common, as in real reporting. Same arguments, same table.
    """
    if n_projects < 1:
        raise InvalidValueError(f"n_projects must be at least 1, got {n_projects}")
    if years < 1:
        raise InvalidValueError(f"years must be at least 1, got {years}")
    rng = np.random.default_rng(seed)
    horizon = 365 * years
    supported = rng.random(n_projects) < 0.4
    field = rng.integers(0, len(POC_FIELDS), n_projects)
    centre = rng.integers(0, POC_CENTRES, n_projects)
    centre_effect = rng.normal(0.0, 0.05, POC_CENTRES)
    started = rng.integers(0, horizon, n_projects)

    clock = started.astype(np.int64)  # the day the current stage was entered
    stage = np.ones(n_projects, dtype=np.int64)
    stop_day = np.full(n_projects, np.iinfo(np.int64).max)
    entered = np.full((n_projects, 5), np.nan)
    entered[:, 0] = clock
    moving = np.ones(n_projects, dtype=bool)  # still in a stage of 1-4 that may end
    for index, (mean_days, advance) in enumerate(
        zip(POC_STAGE_MEAN_DAYS, POC_ADVANCE_PROBABILITY, strict=True)
    ):
        stay = 1 + np.floor(rng.gamma(2.0, mean_days / 2.0, n_projects)).astype(np.int64)
        leave_day = clock + stay
        chance = np.clip(advance + centre_effect[centre], 0.0, 1.0)
        chance = np.where(supported, chance + POC_SUPPORT_LIFT * (1.0 - chance), chance)
        advances = rng.random(n_projects) < chance
        ends = moving & (leave_day <= horizon)
        stopping = ends & ~advances
        stop_day[stopping] = leave_day[stopping]
        moving_on = ends & advances
        stage[moving_on] = index + 2
        clock = np.where(moving_on, leave_day, clock)
        entered[moving_on, index + 1] = leave_day[moving_on]
        moving = moving_on

    stopped = stop_day <= horizon
    duration = np.where(stopped, stop_day, horizon) - started
    return pd.DataFrame(
        {
            "project": np.arange(n_projects, dtype=np.int64),
            "centre": pd.array(
                np.array([f"C{i + 1:02d}" for i in range(POC_CENTRES)], dtype=object)[centre],
                dtype="str",
            ),
            "field": pd.array(np.array(POC_FIELDS, dtype=object)[field], dtype="str"),
            "supported": supported,
            "started": started.astype(np.int64),
            "stage_reached": stage,
            "duration": duration.astype(np.int64),
            "stopped": stopped,
            **{f"entered_{s + 1}": entered[:, s] for s in range(5)},
        }
    )


__all__ = ["poc_project_histories", "region_product_table"]
