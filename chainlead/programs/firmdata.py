"""The data dict a rule reads about a firm (`rules.FIRM_FIELDS`), built from the registry
(`registry.Enterprise`, `EnterpriseIndicator`), the chains (`chains.Membership`) and the
support fund's payment holds, a chunk of firms at a time (a few queries per chunk)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import QuerySet

from chainlead.chains.choices import ReviewStatus
from chainlead.chains.models import Membership
from chainlead.funds.models import RecipientHold
from chainlead.registry.models import Enterprise, EnterpriseIndicator

CHUNK = 2000


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def firm_rows(
    firms: Sequence[Enterprise], *, year: int | None = None, team: list[Any] | None = None
) -> list[dict[str, Any]]:
    """The data dicts of `firms` (in their order). `year`: the latest indicator year to use
    (None: the latest reported)."""
    ids = [f.pk for f in firms]
    indicators: dict[int, EnterpriseIndicator] = {}
    rows = EnterpriseIndicator.objects.filter(enterprise_id__in=ids)
    if year is not None:
        rows = rows.filter(year__lte=year)
    for indicator in rows.order_by("enterprise_id", "year"):
        indicators[indicator.enterprise_id] = indicator  # the last one per firm wins
    segments: dict[int, list[str]] = defaultdict(list)
    chains: dict[int, set[str]] = defaultdict(set)
    memberships = (
        Membership.objects.filter(enterprise_id__in=ids, review_status=ReviewStatus.ACCEPTED)
        .values_list("enterprise_id", "segment__slug", "segment__chain__slug")
        .order_by("enterprise_id", "segment__chain__slug", "segment__slug")
    )
    for firm_id, segment, chain in memberships:
        segments[firm_id].append(f"{chain}/{segment}")
        chains[firm_id].add(chain)
    holds: dict[int, int] = defaultdict(int)
    for firm_id in RecipientHold.objects.filter(enterprise_id__in=ids, active=True).values_list(
        "enterprise_id", flat=True
    ):
        holds[firm_id] += 1
    result = []
    for firm in firms:
        latest = indicators.get(firm.pk)
        revenue = _number(latest.revenue if latest else None)
        rd_spend = _number(latest.rd_spend if latest else None)
        if revenue is None:
            revenue = _number(firm.revenue)
        if rd_spend is None:
            rd_spend = _number(firm.rd_spend)
        result.append(
            {
                "name": firm.name,
                "city": firm.city or None,
                "district": firm.district.name if firm.district else None,
                "founded": firm.founded.isoformat() if firm.founded else None,
                "industry": firm.industry_id or None,
                "industry_division": firm.industry_id[:2] if firm.industry_id else None,
                "size_class": firm.size_class or None,
                "above_designated_size": firm.above_designated_size,
                "employees": firm.employees,
                "origin": firm.origin or None,
                "listed": firm.listed,
                "revenue": revenue,
                "rd_spend": rd_spend,
                "rd_share": (rd_spend / revenue) if revenue and rd_spend is not None else None,
                "indicator_year": latest.year if latest else None,
                "segments": segments.get(firm.pk, []),
                "chains": sorted(chains.get(firm.pk, set())),
                "open_violations": holds.get(firm.pk, 0),
                "team": team,
            }
        )
    return result


def firm_data(
    firm: Enterprise, *, year: int | None = None, team: list[Any] | None = None
) -> dict[str, Any]:
    return firm_rows([firm], year=year, team=team)[0]


def firm_chunks(
    firms: QuerySet[Enterprise], *, year: int | None = None, size: int = CHUNK
) -> Iterator[tuple[list[Enterprise], list[dict[str, Any]]]]:
    """The firms of `firms` with their data, `size` at a time (flat memory over any registry)."""
    queryset = firms.select_related("district").order_by("pk")
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last)[:size])
        if not chunk:
            return
        yield chunk, firm_rows(chunk, year=year)
        last = chunk[-1].pk
