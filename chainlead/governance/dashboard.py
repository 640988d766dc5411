"""What the chain leader's dashboard and the monthly briefing show, gathered once."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from chainlead.accounts.types import Reader
from chainlead.chains.models import Chain
from chainlead.chains.selectors import ChainMap, chain_map_summary
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.models import DataVersion
from chainlead.governance import selectors
from chainlead.governance.constants import RECENT_ACTIONS, RECENT_DECISIONS
from chainlead.governance.models import ActionItem, Decision, WorkPlan
from chainlead.governance.requests_data import (
    RequestsSummary,
    requests_scope,
    requests_summary,
)
from chainlead.governance.selectors import ActionFigures, FiveOnes, Progress


@dataclass
class Dashboard:
    chain: Chain
    year: int
    today: dt.date
    five: FiveOnes
    plan: WorkPlan | None
    progress: list[Progress]
    chain_map: ChainMap | None
    requests: RequestsSummary
    decisions: list[Decision]
    actions: list[ActionItem]
    action_figures: ActionFigures
    overdue_milestones: list[Any] = field(default_factory=list)

    @property
    def gaps(self) -> list[Any]:
        if self.chain_map is None:
            return []
        return [s for s in self.chain_map.segments if s.status != "ok"]

    def progress_chart(self) -> dict[str, Any]:
        """ECharts data: percent of each target reached."""
        rows = [p for p in self.progress if p.target is not None]
        return {
            "labels": [p.label for p in rows],
            "percent": [round(p.percent, 1) if p.percent is not None else None for p in rows],
            "actual": [float(p.actual.value) if p.actual.value is not None else None for p in rows],
            "target": [float(p.target) for p in rows if p.target is not None],
            "units": [p.unit for p in rows],
        }


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a "YYYY-MM" month."""
    year, mon = (int(x) for x in month.split("-"))
    return dt.date(year, mon, 1), dt.date(year, mon, calendar.monthrange(year, mon)[1])


def _cached_requests_summary(
    *, user: Reader, chain: Chain, period: tuple[dt.date, dt.date] | None, today: dt.date
) -> RequestsSummary:
    """The requests part of the dashboard, cached per scope (readers of all requests share
    one), chain and requests data version.

    Over 200,000 requests its figures read every request of the chain; any request written
    bumps the version, and overdue status moves with the clock, so entries live one minute.
    """
    version = DataVersion.current("requests")
    span = f"{period[0].isoformat()}_{period[1].isoformat()}" if period else "now"
    scope = requests_scope(user)
    key = f"dashboard-requests:{scope}:{chain.pk}:{version}:{span}:{today.isoformat()}"
    summary: RequestsSummary | None = cache.get(key)
    if summary is None:
        summary = requests_summary(
            user=user,
            chain=chain,
            period_start=period[0] if period else None,
            period_end=period[1] if period else None,
            today=today if not period else min(today, period[1] + dt.timedelta(days=1)),
        )
        cache.set(key, summary, 60)
    return summary


def chain_dashboard(
    *,
    user: Reader,
    chain: Chain,
    today: dt.date | None = None,
    period: tuple[dt.date, dt.date] | None = None,
) -> Dashboard:
    """The dashboard of `chain` on `today`; with a `period` (a month) the figures are of it."""
    today = today or timezone.localdate()
    as_of = period[1] if period else today
    year = as_of.year
    plan = selectors.current_plan(chain, year=year)
    progress = selectors.plan_progress(plan, as_of=as_of) if plan is not None else []
    try:
        # The dashboard counts present, weak and missing segments; it shows no top firms.
        cmap: ChainMap | None = chain_map_summary(user=user, chain=chain)
    except PermissionDenied:
        cmap = None
    req = _cached_requests_summary(user=user, chain=chain, period=period, today=today)
    since = until = None
    if period:
        tz = timezone.get_current_timezone()
        since = dt.datetime.combine(period[0], dt.time.min, tzinfo=tz)
        until = dt.datetime.combine(period[1] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    decisions = selectors.recent_decisions(
        chain, limit=RECENT_DECISIONS if not period else 100, since=since, until=until
    )
    milestones = [m for m in plan.milestones.all() if m.is_overdue(as_of)] if plan else []
    return Dashboard(
        chain=chain,
        year=year,
        today=today,
        five=(
            selectors.five_ones_cached([chain.pk])[chain.pk]
            if year == timezone.localdate().year
            else selectors.five_ones(chain, year=year)
        ),
        plan=plan,
        progress=progress,
        chain_map=cmap,
        requests=req,
        decisions=decisions,
        actions=selectors.open_action_items(chain, limit=RECENT_ACTIONS),
        action_figures=selectors.action_figures([chain.pk], today=as_of)[chain.pk],
        overdue_milestones=milestones,
    )
