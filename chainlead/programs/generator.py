"""Synthetic firm data for tests and the eligibility benchmark (seeded; marked synthetic by
being generated: nothing here is presented as real). Rows have the shape of
`firmdata.firm_rows`, so the same rules run on them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import numpy as np

DISTRICTS = ("滨江区", "余杭区", "西湖区", "萧山区", "上城区", "拱墅区", "临平区", "钱塘区")
SIZES = ("large", "medium", "small", "micro")
DIVISIONS = ("39", "65", "64", "27", "35", "73", "40", "38")
SEGMENTS = ("ai/chips", "ai/models", "ai/apps", "bio/drugs", "ev/batteries")
EPOCH = dt.date(1990, 1, 1)


def firm_columns(n: int, *, seed: int, start: int = 0) -> dict[str, np.ndarray[Any, Any]]:
    """`n` synthetic firms as columns (numbers as float with NaN for "not reported")."""
    rng = np.random.default_rng(seed)
    founded_days = rng.integers(0, 35 * 365, n)
    revenue = np.round(rng.lognormal(6.5, 1.6, n), 2)
    revenue[rng.random(n) < 0.1] = np.nan
    rd_spend = np.round(revenue * rng.uniform(0, 0.15, n), 2)
    rd_spend[rng.random(n) < 0.05] = np.nan
    founded = (np.datetime64(EPOCH) + founded_days.astype("timedelta64[D]")).astype(str)
    founded[rng.random(n) < 0.02] = ""
    division = np.array(DIVISIONS)[rng.integers(0, len(DIVISIONS), n)]
    segments = np.array(["", *SEGMENTS])[rng.integers(0, len(SEGMENTS) + 1, n)]
    return {
        "id": np.arange(start, start + n),
        "city": np.where(rng.random(n) < 0.9, "杭州", "宁波"),
        "district": np.array(DISTRICTS)[rng.integers(0, len(DISTRICTS), n)],
        "founded": founded,
        "industry_division": division,
        "size_class": np.array(SIZES)[rng.integers(0, len(SIZES), n)],
        "employees": rng.integers(1, 2000, n).astype(float),
        "revenue": revenue,
        "rd_spend": rd_spend,
        "rd_share": np.where(revenue > 0, rd_spend / revenue, np.nan),
        "segments": np.where(segments == "", "", "|" + segments + "|"),
        "open_violations": (rng.random(n) < 0.03).astype(float),
        "origin": np.where(rng.random(n) < 0.2, "attracted", "local"),
    }


def firm_rows(columns: dict[str, np.ndarray[Any, Any]]) -> Iterator[dict[str, Any]]:
    """The per-firm dicts of `firm_columns` (None for not reported), for JSON Logic."""
    n = len(columns["id"])
    for i in range(n):
        row: dict[str, Any] = {}
        for name, values in columns.items():
            value = values[i]
            if name == "segments":
                row[name] = [s for s in str(value).split("|") if s]
            elif isinstance(value, np.floating):
                row[name] = None if np.isnan(value) else float(value)
            elif isinstance(value, np.integer):
                row[name] = int(value)
            else:
                row[name] = str(value) or None
        yield row


# Ten rules of the kinds officials use (issue 11 §2), all with a column form.
TEN_RULES: list[dict[str, Any]] = [
    {
        "kind": "registered_in",
        "label": "Registered in Hangzhou",
        "logic": {"==": [{"var": "city"}, "杭州"]},
        "reason_template": "registered in {city}",
    },
    {
        "kind": "registered_in",
        "label": "In an eligible district",
        "logic": {"in": [{"var": "district"}, ["滨江区", "余杭区", "西湖区", "萧山区"]]},
        "reason_template": "district {district}",
    },
    {
        "kind": "industry",
        "label": "Eligible industry division",
        "logic": {"in": [{"var": "industry_division"}, ["39", "65", "64", "73"]]},
        "reason_template": "division {industry_division}",
    },
    {
        "kind": "size",
        "label": "SME",
        "logic": {"in": [{"var": "size_class"}, ["medium", "small", "micro"]]},
        "reason_template": "size {size_class}",
    },
    {
        "kind": "founded",
        "label": "Founded since 2000",
        "logic": {">=": [{"var": "founded"}, "2000-01-01"]},
        "reason_template": "founded {founded}",
    },
    {
        "kind": "threshold",
        "label": "Revenue at least 2M CNY",
        "logic": {">=": [{"var": "revenue"}, 200]},
        "reason_template": "revenue {revenue}",
    },
    {
        "kind": "threshold",
        "label": "R&D at least 0.5M CNY",
        "logic": {">=": [{"var": "rd_spend"}, 50]},
        "reason_template": "R&D {rd_spend}",
    },
    {
        "kind": "threshold",
        "label": "R&D share at least 3%",
        "logic": {">=": [{"var": "rd_share"}, 0.03]},
        "reason_template": "R&D share {rd_share}",
    },
    {
        "kind": "threshold",
        "label": "At most 1,000 employees",
        "logic": {"<=": [{"var": "employees"}, 1000]},
        "reason_template": "{employees} employees",
    },
    {
        "kind": "no_violations",
        "label": "No unresolved violations",
        "logic": {"==": [{"var": "open_violations"}, 0]},
        "reason_template": "{open_violations} open",
    },
]


def firm_frame(columns: dict[str, np.ndarray[Any, Any]]) -> Any:
    """The column form of `firm_columns` straight from the arrays, with the semantics of
    `vectorised.frame` over `firm_rows` (text "" is not reported: None), without building a
    dict per firm. A test checks both frames give the same verdicts."""
    import pandas as pd

    data: dict[str, Any] = {}
    for name, values in columns.items():
        if values.dtype.kind in "US":
            text = values.astype(object)
            text[values == ""] = None
            data[name] = text
        else:
            data[name] = values
    data["segments"] = columns["segments"]  # "" is an empty list, which is known
    return pd.DataFrame(data)
