"""Feeding the analytics package from the registry, and storing its results reproducibly.

Levels (the rows of the region × industry matrix):

* ``province``: every province, from the firms outside the city (ExternalFirm) and the city's own
  registry (counted in the installation's province unless a firm records another);
* ``city``: every city the same way (the city's registry firms count for the city);
* ``district``: the city's districts, from the registry alone (firms with no district are left
  out, and the run says how many).

Columns are GB/T 4754-2017 divisions (2 digits) or classes (4 digits); a firm whose code is
coarser than the level is left out. Values are employees or revenue (万元). Synthetic firms are
left out unless asked for.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.conf import settings
from django.db import transaction

from chainlead import analytics
from chainlead.accounts.access import access_for
from chainlead.accounts.models import User
from chainlead.accounts.types import Actor, Reader
from chainlead.chains.models import Chain, Segment
from chainlead.chains.selectors import MapFilters, chain_map, data_version
from chainlead.core.exceptions import PermissionDenied
from chainlead.recruitment import permissions, ranking
from chainlead.recruitment.fit import segment_fits
from chainlead.recruitment.models import AnalysisRun, ExternalFirm
from chainlead.registry.choices import DataProvenance
from chainlead.registry.models import Enterprise, EnterpriseIndicator

if TYPE_CHECKING:
    import pandas as pd

Level = Literal["province", "city", "district"]
IndustryLevel = Literal["division", "class"]
Weight = Literal["employees", "revenue"]
LEVELS: tuple[str, ...] = ("province", "city", "district")
COLUMNS = {"time": "year", "loc": "region", "prod": "industry", "val": "value"}
CURRENT = 0  # the "year" of current figures (no yearly series)


def reads_analytics(user: Reader) -> bool:
    return permissions.reads_analytics(access_for(user))


def _industry_key(code: str | None, industry_level: str) -> str | None:
    if not code or not code[:1].isdigit():
        return None
    if industry_level == "division":
        return code[:2]
    return code if len(code) == 4 else None


def region_industry_table(
    *,
    level: Level,
    industry_level: IndustryLevel = "division",
    weight: Weight = "employees",
    year: int | None = None,
    include_synthetic: bool = False,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """The long table (year, region, industry, value) and counts of what was left out."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}")
    left_out = {"no_region": 0, "no_industry": 0, "no_value": 0}
    records: list[tuple[str, str, float]] = []

    def add(region: str, code: str | None, value: Any) -> None:
        key = _industry_key(code, industry_level)
        if not region:
            left_out["no_region"] += 1
        elif key is None:
            left_out["no_industry"] += 1
        elif value is None or float(value) <= 0:
            left_out["no_value"] += 1
        else:
            records.append((region, key, float(value)))

    firms = Enterprise.objects.all()
    if not include_synthetic:
        firms = firms.exclude(provenance=DataProvenance.SYNTHETIC)
    yearly: dict[int, Any] = {}
    if year is not None:
        yearly = dict(
            EnterpriseIndicator.objects.filter(year=year).values_list("enterprise_id", weight)
        )
    for pk, code, province, city, district, value in firms.values_list(
        "pk", "industry_id", "province", "city", "district__name", weight
    ).iterator(chunk_size=5000):
        if year is not None:
            value = yearly.get(pk)
        if level == "district":
            add(district or "", code, value)
        elif level == "city":
            add(city or settings.CHAINLEAD_CITY_NAME, code, value)
        else:
            add(province or settings.CHAINLEAD_PROVINCE_NAME, code, value)
    if level != "district":
        ext_weight = weight
        for code, province, city, value in ExternalFirm.objects.values_list(
            "industry_id", "province", "city", ext_weight
        ).iterator(chunk_size=5000):
            add(city if level == "city" else province, code, value)
    import pandas as pd  # loaded by the analysis, not by every web process (config.api imports us)

    frame = pd.DataFrame.from_records(records, columns=["region", "industry", "value"])
    frame = frame.groupby(["region", "industry"], as_index=False)["value"].sum()
    frame.insert(0, "year", year if year is not None else CURRENT)
    return frame, left_out


def _snapshot(frame: pd.DataFrame, left_out: dict[str, int]) -> dict[str, Any]:
    ordered = frame.sort_values(["region", "industry"]).reset_index(drop=True)
    digest = hashlib.sha256(ordered.to_csv(index=False).encode("utf-8")).hexdigest()
    return {
        "sha256": digest,
        "rows": len(ordered),
        "regions": int(ordered["region"].nunique()) if len(ordered) else 0,
        "industries": int(ordered["industry"].nunique()) if len(ordered) else 0,
        "left_out": left_out,
        "data_version": data_version(),
        "method": "chainlead.analytics.complexity (agrees with ecomplexity 0.5.3)",
    }


def _finite(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def regions_of_interest(level: str) -> list[str]:
    if level == "province":
        return [settings.CHAINLEAD_PROVINCE_NAME]
    if level == "city":
        return [settings.CHAINLEAD_CITY_NAME]
    from chainlead.registry.models import District

    return list(District.objects.values_list("name", flat=True))


@transaction.atomic
def complexity_run_create(
    *,
    actor: Actor,
    level: Level,
    year: int | None = None,
    industry_level: IndustryLevel = "division",
    weight: Weight = "employees",
    rca_threshold: float = 1.0,
    include_synthetic: bool = False,
    reuse: bool = False,
) -> AnalysisRun:
    """Compute complexity over the level's matrix and store the result with its snapshot.

    With `reuse`, the latest run is returned instead when its parameters and input fingerprint
    are the same (so re-running the demo writes nothing).
    """
    if actor is not None and not permissions.starts_complexity_run(access_for(actor)):
        raise PermissionDenied("Only a city admin starts the city's complexity analysis.")
    params = {
        "level": level,
        "year": year,
        "industry_level": industry_level,
        "weight": weight,
        "rca_threshold": rca_threshold,
        "include_synthetic": include_synthetic,
    }
    frame, left_out = region_industry_table(
        level=level,
        industry_level=industry_level,
        weight=weight,
        year=year,
        include_synthetic=include_synthetic,
    )
    if frame.empty:
        raise analytics.EmptyInputError("No firm has a region, an industry and a value.")
    snapshot = _snapshot(frame, left_out)
    if reuse:
        latest = latest_complexity_run(level=level)
        if (
            latest is not None
            and latest.params == params
            and latest.snapshot.get("sha256") == snapshot["sha256"]
        ):
            return latest
    out = analytics.complexity(
        frame, COLUMNS, rca_mcp_threshold=rca_threshold, verbose=False
    ).dropna(subset=["rca"])
    interest = set(regions_of_interest(level))
    region_rows = out.drop_duplicates("region")
    results = {
        "regions": {
            r.region: {
                "eci": _finite(r.eci),
                "coi": _finite(r.coi),
                "diversity": int(r.diversity),
            }
            for r in region_rows.itertuples()
        },
        "industries": {
            r.industry: {"pci": _finite(r.pci), "ubiquity": int(r.ubiquity)}
            for r in out.drop_duplicates("industry").itertuples()
        },
        "cells": {
            region: {
                r.industry: {
                    "value": float(r.value),
                    "rca": _finite(r.rca),
                    "mcp": int(r.mcp),
                    "density": _finite(r.density),
                    "cog": _finite(r.cog),
                }
                for r in out[out["region"] == region].itertuples()
            }
            for region in sorted(interest & set(out["region"]))
        },
    }
    return AnalysisRun.objects.create(
        kind=AnalysisRun.Kind.COMPLEXITY,
        params=params,
        snapshot=snapshot,
        results=results,
        created_by=actor if isinstance(actor, User) and actor.pk else None,
    )


def latest_complexity_run(*, level: str) -> AnalysisRun | None:
    return (
        AnalysisRun.objects.filter(kind=AnalysisRun.Kind.COMPLEXITY, params__level=level)
        .order_by("-created_at", "-id")
        .first()
    )


@dataclass
class SegmentOpportunity:
    chain: Chain
    segment: Segment
    status: str
    firms: int
    density: float | None
    cog: float | None
    rca: float | None
    industries: list[str]


def _segment_industries(segment: Segment, industry_level: str) -> list[str]:
    keys = {_industry_key(code, industry_level) for code in segment.industry_codes}
    return sorted(k for k in keys if k)


def _mean(values: Iterable[float | None]) -> float | None:
    numbers = [v for v in values if v is not None]
    return sum(numbers) / len(numbers) if numbers else None


def segment_opportunities(
    *, user: Reader, run: AnalysisRun, region: str, chains: Iterable[Chain]
) -> list[SegmentOpportunity]:
    """Missing and weak segments of each chain, ranked by density, then opportunity gain."""
    cells = run.results["cells"].get(region, {})
    industry_level = run.params["industry_level"]
    district_ids = None
    if run.params["level"] == "district":
        from chainlead.registry.models import District

        district_ids = tuple(District.objects.filter(name=region).values_list("pk", flat=True))
    result: list[SegmentOpportunity] = []
    for chain in chains:
        figures = {
            f.segment_id: f
            for f in chain_map(
                user=user, chain=chain, filters=MapFilters(district_ids=district_ids)
            ).segments
        }
        for segment in chain.segments.all():
            fig = figures.get(segment.pk)
            if fig is None or fig.status == "ok":
                continue
            industries = _segment_industries(segment, industry_level)
            result.append(
                SegmentOpportunity(
                    chain=chain,
                    segment=segment,
                    status=str(fig.status),
                    firms=fig.firms,
                    density=_mean(cells.get(i, {}).get("density") for i in industries),
                    cog=_mean(cells.get(i, {}).get("cog") for i in industries),
                    rca=_mean(cells.get(i, {}).get("rca") for i in industries),
                    industries=industries,
                )
            )
    result.sort(key=lambda o: (-(o.density or -1), -(o.cog or -math.inf), o.segment.order))
    return result


@transaction.atomic
def ranking_run_create(
    *,
    actor: Actor,
    chain: Chain,
    segment: Segment,
    weights: dict[str, float] | None = None,
    limit: int = 50,
) -> AnalysisRun:
    """Rank the firms outside the city for `segment`; the run stores its inputs and each term."""
    access = access_for(actor) if actor is not None else None
    if access is not None and not (access.is_admin or chain.pk in access.chain_ids):
        raise PermissionDenied("Recruitment is the task force's work for its own chain.")
    weights = ranking.normalised_weights(
        weights if weights is not None else getattr(settings, "CHAINLEAD_RANKING_WEIGHTS", None)
    )
    run = latest_complexity_run(level="city")
    if run is None:
        try:
            run = complexity_run_create(actor=None, level="city")
        except analytics.EmptyInputError:
            run = None  # no figures yet: relatedness scores 0 and says why
    cells = run.results["cells"].get(settings.CHAINLEAD_CITY_NAME, {}) if run else {}
    density = {k: v["density"] for k, v in cells.items() if v.get("density") is not None}
    firms = list(
        ExternalFirm.objects.only(
            "name", "province", "city", "industry", "employees", "revenue_growth", "main_business"
        )
    )
    fits = segment_fits(firms, segment)
    candidates = [
        ranking.Candidate(
            key=f.pk,
            name=f.name,
            location=" ".join(filter(None, [f.province, f.city])),
            industry_code=f.industry_id,
            employees=f.employees,
            revenue_growth=f.revenue_growth,
            main_business=f.main_business,
        )
        for f in firms
        if f.pk in fits
    ]
    result = ranking.rank_candidates(
        candidates, fits=fits, density_by_division=density, weights=weights, limit=limit
    )
    snapshot = {
        "complexity_run": run.pk if run else None,
        "complexity_sha256": run.snapshot["sha256"] if run else None,
        "candidates": len(firms),
        "fitting": result.fitting,
        "segment_codes": list(segment.industry_codes),
        "keywords": list(segment.keywords),
    }
    return AnalysisRun.objects.create(
        kind=AnalysisRun.Kind.RANKING,
        params={
            "chain": chain.slug,
            "segment": segment.slug,
            "weights": result.weights,
            "requested_weights": weights,
            "dropped": list(result.dropped),
            "limit": limit,
        },
        snapshot=snapshot,
        results={
            "ranked": [
                {
                    "external_firm": r.candidate.key,
                    "name": r.candidate.name,
                    "location": r.candidate.location,
                    "industry": r.candidate.industry_code,
                    "main_business": r.candidate.main_business[:200],
                    "score": round(r.score, 6),
                    "terms": [
                        {
                            "name": t.name,
                            "value": round(t.value, 6),
                            "weight": round(t.weight, 6),
                            "contribution": round(t.contribution, 6),
                            "reason": t.reason,
                            "args": dict(t.args),
                        }
                        for t in r.terms
                    ],
                }
                for r in result.ranked
            ]
        },
        created_by=actor if isinstance(actor, User) and actor.pk else None,
    )
