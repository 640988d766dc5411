"""Ranking candidate firms for a chain's gap: pure functions, no Django (DOMAIN.md §9).

score = Σ weight_t × term_t over four terms, each in [0, 1]:

* ``fit``: how well the firm fits the *segment*, not merely its industry division: 1.0 when its
  industry class (or group) is one the segment lists; otherwise the confidence with which the
  segment's own placement rule reads its business text (the same rule that places the city's
  firms on the chain map: keywords weighted by field, raised when the division agrees). A firm
  whose division matches but whose text says nothing of the segment's work does not fit: an IT
  outsourcing firm (division 65) is no candidate for a computing-centre gap, nor a display maker
  (division 39) for storage. The caller computes the fits (`Fit`).
* ``relatedness``: the city's density (economic-complexity relatedness, 0..1) in the firm's
  industry division: how close the firm's industry is to what the city already does.
* ``size``: the percentile of log(employees) among the fitting candidates with a figure.
* ``growth``: the percentile of yearly revenue growth among the fitting candidates with a figure.

A term without data for one firm scores 0 and says so. A term without data for *any* fitting
firm cannot separate them: it is left out and the other weights are scaled up (`Ranking.dropped`
says which). The weights are a setting (``CHAINLEAD_RANKING_WEIGHTS``) normalised to sum to 1.

Each term carries a reason code and its arguments, never prose: the page renders them in the
reader's language.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

TERMS = ("fit", "relatedness", "size", "growth")
DEFAULT_WEIGHTS: Mapping[str, float] = {"fit": 0.4, "relatedness": 0.3, "size": 0.2, "growth": 0.1}
CODE_FIT_CLASS = 1.0


@dataclass(frozen=True)
class Candidate:
    key: int
    name: str
    location: str
    industry_code: str | None
    employees: int | None
    revenue_growth: float | None
    main_business: str


@dataclass(frozen=True)
class Fit:
    """How a candidate fits the segment: a value in (0, 1] and why (``class`` or ``text``)."""

    value: float
    reason: str
    args: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Term:
    name: str
    value: float
    weight: float
    reason: str
    args: Mapping[str, Any] = field(default_factory=dict)

    @property
    def contribution(self) -> float:
        return self.value * self.weight


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    score: float
    terms: list[Term] = field(default_factory=list)


@dataclass(frozen=True)
class Ranking:
    ranked: list[Ranked]
    weights: dict[str, float]  # as used: normalised, dropped terms at 0
    dropped: tuple[str, ...]  # terms no fitting candidate has data for
    fitting: int  # candidates that fit the segment at all


def normalised_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    merged = {**DEFAULT_WEIGHTS, **(weights or {})}
    unknown = set(merged) - set(DEFAULT_WEIGHTS)
    if unknown:
        raise ValueError(f"unknown ranking terms: {sorted(unknown)}")
    if any(w < 0 for w in merged.values()) or sum(merged.values()) <= 0:
        raise ValueError("ranking weights must be non-negative and not all zero")
    total = sum(merged.values())
    return {k: v / total for k, v in merged.items()}


def class_fit(industry_code: str | None, segment_codes: Sequence[str]) -> Fit | None:
    """The firm's industry class (or group) is one the segment lists; a division is too coarse."""
    if not industry_code or not industry_code[:1].isdigit() or len(industry_code) < 3:
        return None
    for code in sorted(segment_codes, key=len, reverse=True):
        if code[:1].isdigit() and industry_code.startswith(code):
            return Fit(CODE_FIT_CLASS, "class", {"industry": industry_code, "code": code})
    return None


def _percentiles(values: Mapping[int, float]) -> dict[int, float]:
    """Rank-based percentile in [0, 1] (ties share the mean rank); one value scores 1."""
    if not values:
        return {}
    ordered = sorted(values.items(), key=lambda kv: kv[1])
    n = len(ordered)
    result: dict[int, float] = {}
    i = 0
    while i < n:
        j = i
        while j + 1 < n and ordered[j + 1][1] == ordered[i][1]:
            j += 1
        rank = (i + j) / 2
        for k in range(i, j + 1):
            result[ordered[k][0]] = 1.0 if n == 1 else rank / (n - 1)
        i = j + 1
    return result


def _division(code: str | None) -> str:
    return code[:2] if code and code[:1].isdigit() else ""


def rank_candidates(
    candidates: Sequence[Candidate],
    *,
    fits: Mapping[int, Fit],
    density_by_division: Mapping[str, float],
    weights: Mapping[str, float] | None = None,
    limit: int | None = None,
) -> Ranking:
    """The candidates that fit the segment (`fits`, by key), best first, each score explained."""
    fitting = [c for c in candidates if c.key in fits and fits[c.key].value > 0]
    sizes = _percentiles(
        {c.key: math.log1p(c.employees) for c in fitting if c.employees is not None}
    )
    growths = _percentiles(
        {
            c.key: c.revenue_growth
            for c in fitting
            if c.revenue_growth is not None and math.isfinite(c.revenue_growth)
        }
    )
    densities: dict[int, float] = {}
    for c in fitting:
        density = density_by_division.get(_division(c.industry_code))
        if density is not None and math.isfinite(density):
            densities[c.key] = float(density)
    has_data = {"fit": True, "relatedness": bool(densities), "size": bool(sizes)}
    has_data["growth"] = bool(growths)
    requested = normalised_weights(weights)
    dropped = tuple(t for t in TERMS if not has_data[t] and requested[t] > 0)
    kept = {t: (0.0 if t in dropped else w) for t, w in requested.items()}
    w = normalised_weights(kept)
    ranked: list[Ranked] = []
    for c in fitting:
        fit = fits[c.key]
        division = _division(c.industry_code)
        terms = [
            Term("fit", fit.value, w["fit"], fit.reason, fit.args),
            Term(
                "relatedness",
                densities.get(c.key, 0.0),
                w["relatedness"],
                "density" if c.key in densities else "no_density",
                {"division": division, "density": densities.get(c.key)},
            ),
            Term(
                "size",
                sizes.get(c.key, 0.0),
                w["size"],
                "employees" if c.employees is not None else "no_employees",
                {"employees": c.employees},
            ),
            Term(
                "growth",
                growths.get(c.key, 0.0),
                w["growth"],
                "growth" if c.key in growths else "no_growth",
                {"growth": c.revenue_growth if c.key in growths else None},
            ),
        ]
        terms = [t for t in terms if t.name not in dropped]
        ranked.append(Ranked(c, sum(t.contribution for t in terms), terms))
    ranked.sort(key=lambda r: (-r.score, r.candidate.name))
    return Ranking(ranked[:limit] if limit else ranked, w, dropped, len(fitting))
