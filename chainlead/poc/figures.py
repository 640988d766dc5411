"""The survival figures of the projects a reader sees: the database read once, the arithmetic
in `chainlead.analytics.survival` (checked against lifelines there)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import Exists, OuterRef, QuerySet

from chainlead.analytics import survival
from chainlead.analytics.errors import AnalyticsError
from chainlead.poc.choices import ProjectStatus, Stage
from chainlead.poc.models import Project, StageChange, StageSupport
from chainlead.registry.models import Industry

GROUPINGS = ("centre", "field", "supported")
# The curve sent to the page keeps at most this many points (ECharts draws steps between them).
CURVE_POINTS = 400


def field_of(industry_id: str | None) -> str:
    """A project's field for grouping: its GB/T 4754 division (two digits), or its code."""
    code = industry_id or ""
    return code[:2] if code[:2].isdigit() else code


def filter_projects(
    projects: QuerySet[Project], *, centre: str = "", field: str = ""
) -> QuerySet[Project]:
    """`centre`: a centre's id or exact name; `field`: a division code (e.g. 39)."""
    if centre:
        projects = (
            projects.filter(centre_id=int(centre))
            if centre.isdigit()
            else projects.filter(centre__name=centre)
        )
    if field:
        projects = projects.filter(industry__code__startswith=field)
    return projects


def project_frame(projects: QuerySet[Project], *, as_of: dt.date) -> pd.DataFrame:
    """One row per project: duration in days (to the stop, or to `as_of`: censored),
    stopped, stage reached, centre, field, supported."""
    rows = projects.annotate(
        supported=Exists(StageSupport.objects.filter(project_id=OuterRef("pk")))
    ).values_list(
        "id",
        "started_on",
        "ended_on",
        "status",
        "stage",
        "centre__name",
        "industry_id",
        "supported",
    )
    frame = pd.DataFrame(
        list(rows),
        columns=[
            "project",
            "started",
            "ended",
            "status",
            "stage",
            "centre",
            "industry",
            "supported",
        ],
    )
    if frame.empty:
        return frame
    started = pd.to_datetime(frame["started"])
    stopped = (frame["status"] == ProjectStatus.STOPPED).to_numpy()
    end = pd.to_datetime(frame["ended"]).where(stopped, pd.Timestamp(as_of))
    frame["duration"] = ((end - started) / pd.Timedelta(days=1)).clip(lower=0).astype(float)
    frame["stopped"] = stopped
    frame["centre"] = frame["centre"].fillna("—")
    frame["field"] = [field_of(code) for code in frame["industry"]]
    return frame


@dataclass
class Comparison:
    grouping: str
    groups: list[dict[str, Any]]
    statistic: float
    p_value: float
    degrees_of_freedom: int


def _finite(value: float) -> float | None:
    return None if math.isinf(value) or math.isnan(value) else round(value, 1)


def _curve(frame: pd.DataFrame) -> list[list[float]]:
    table = survival.kaplan_meier(frame["duration"], frame["stopped"])
    if len(table) > CURVE_POINTS:
        keep = np.unique(np.linspace(0, len(table) - 1, CURVE_POINTS).round().astype(int))
        table = table.iloc[keep]
    return [
        [
            float(t),
            round(float(r.survival), 4),
            round(float(r.ci_lower), 4),
            round(float(r.ci_upper), 4),
        ]
        for t, r in zip(table.index, table.itertuples(), strict=True)
    ]


def _labels(grouping: str, values: list[str]) -> dict[str, str]:
    if grouping == "field":
        names = dict(Industry.objects.filter(code__in=values).values_list("code", "name"))
        return {v: f"{v} {names.get(v, '')}".strip() for v in values}
    if grouping == "supported":
        return {"True": "with support", "False": "without support"}
    return {v: v for v in values}


def compare(frame: pd.DataFrame, grouping: str) -> Comparison | None:
    """The log-rank test across the groups (None with fewer than two groups)."""
    labels = frame[grouping].astype(str)
    if labels.nunique() < 2:
        return None
    try:
        result = survival.compare_groups(frame["duration"], frame["stopped"], labels)
    except AnalyticsError:
        return None
    names = _labels(grouping, list(result.summary.index))
    groups = [
        {
            "key": key,
            "label": names.get(key, key),
            "projects": int(row.projects),
            "stopped": int(row.events),
            "censored": int(row.censored),
            "median_days": _finite(float(row.median)),
        }
        for key, row in zip(result.summary.index, result.summary.itertuples(), strict=True)
    ]
    return Comparison(
        grouping=grouping,
        groups=groups,
        statistic=round(result.statistic, 3),
        p_value=result.p_value,
        degrees_of_freedom=result.degrees_of_freedom,
    )


def stage_history(projects: QuerySet[Project], *, as_of: dt.date) -> pd.DataFrame:
    """One row per project and stage entered (survival.STAGE_HISTORY_COLUMNS)."""
    changes = pd.DataFrame(
        list(
            StageChange.objects.filter(project__in=projects)
            .order_by("project_id", "on", "id")
            .values_list("project_id", "to_stage", "on")
        ),
        columns=["project", "stage", "entered"],
    )
    if changes.empty:
        return changes
    changes = changes.drop_duplicates(["project", "stage"], keep="last")
    changes["entered"] = pd.to_datetime(changes["entered"])
    following = changes.groupby("project")["entered"].shift(-1)
    ends = dict(projects.filter(status=ProjectStatus.STOPPED).values_list("id", "ended_on"))
    stop = pd.to_datetime(changes["project"].map(ends))
    changes["left"] = following.fillna(stop)
    return changes[list(survival.STAGE_HISTORY_COLUMNS)]


def survival_report(projects: QuerySet[Project], *, as_of: dt.date) -> dict[str, Any]:
    """Everything the survival page, the API and the CLI show, as plain data."""
    frame = project_frame(projects, as_of=as_of)
    if frame.empty:
        return {"projects": 0, "as_of": as_of.isoformat()}
    reach = survival.stage_reach(frame["stage"].astype(int))
    history = stage_history(projects, as_of=as_of)
    times = survival.stage_times(history, as_of=pd.Timestamp(as_of)) if not history.empty else None
    comparisons = [c for g in GROUPINGS if (c := compare(frame, g)) is not None]
    median = survival.median_survival(frame["duration"], frame["stopped"])
    return {
        "as_of": as_of.isoformat(),
        "projects": len(frame),
        "stopped": int(frame["stopped"].sum()),
        "censored": int((~frame["stopped"]).sum()),
        "median_days": _finite(median),
        "curve": _curve(frame),
        "stage_reach": [
            {"stage": int(s), "label": str(Stage(int(s)).label), "share": round(float(v), 4)}
            for s, v in reach.items()
        ],
        "stage_times": [
            {
                "stage": int(s),
                "label": str(Stage(int(s)).label),
                "entered": int(r.entered),
                "left": int(r.left),
                "ongoing": int(r.ongoing),
                "mean_completed_days": _finite(float(r.mean_completed)),
                "median_days": _finite(float(r.median)),
            }
            for s, r in zip(times.index, times.itertuples(), strict=True)
        ]
        if times is not None
        else [],
        "comparisons": [c.__dict__ for c in comparisons],
    }
