"""The requests app's figures, as the dashboard and the briefing show them.

Reads through `chainlead.requests.selectors` only (`request_figures`, `overdue_list`,
`request_list`, `request_scope_key`). If that app is not installed the dashboard shows an
explicit empty state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from chainlead.accounts.types import Reader
from chainlead.chains.models import Chain


@dataclass
class RequestsSummary:
    """Open and overdue requests of a chain, and the figures of a period."""

    available: bool
    open: int = 0
    overdue: int = 0
    opened: int = 0
    closed: int = 0
    closing_rate: float | None = None
    median_days: float | None = None
    p90_days: int | None = None
    satisfaction_avg: float | None = None
    ratings: int = 0
    overdue_items: list[Any] = field(default_factory=list)
    open_items: list[Any] = field(default_factory=list)


def _selectors() -> Any | None:
    try:
        from chainlead.requests import selectors
    except ImportError:  # the requests app is not part of this installation
        return None
    if not hasattr(selectors, "request_figures"):
        return None
    return selectors


def requests_scope(user: Reader) -> str:
    """Whose requests `user` sees, as a cache-key part: readers of all requests share one."""
    selectors = _selectors()
    if selectors is None or not hasattr(selectors, "request_scope_key"):
        return f"user{user.pk}"
    return str(selectors.request_scope_key(user))


def requests_summary(
    *,
    user: Reader,
    chain: Chain,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    today: dt.date | None = None,
    limit: int = 10,
) -> RequestsSummary:
    selectors = _selectors()
    if selectors is None:
        return RequestsSummary(available=False)
    today = today or timezone.localdate()
    figures = selectors.request_figures(
        user=user, chain=chain, period_start=period_start, period_end=period_end, today=today
    )
    overdue_items: list[Any] = []
    open_items: list[Any] = []
    if limit:
        overdue_items = list(selectors.overdue_list(user=user, chain=chain, today=today)[:limit])
        open_items = list(
            selectors.request_list(user=user)
            .filter(chain=chain, status__in=_open_statuses())
            .order_by("deadline", "pk")[:limit]
        )
    return RequestsSummary(
        available=True,
        open=figures.open,
        overdue=figures.overdue,
        opened=figures.opened,
        closed=figures.closed,
        closing_rate=figures.closing_rate,
        median_days=figures.median_days,
        p90_days=figures.p90_days,
        satisfaction_avg=figures.satisfaction_avg,
        ratings=figures.ratings,
        overdue_items=overdue_items,
        open_items=open_items,
    )


def _open_statuses() -> tuple[str, ...]:
    from chainlead.requests.choices import OPEN_STATUSES

    return tuple(OPEN_STATUSES)
