"""Ranking candidate firms for a chain's gap: pure functions, no Django (DOMAIN.md §9).

score = Σ weight_t × term_t over four terms, each in [0, 1]:

* ``fit``: how well the firm's industry and business text match the segment: 1.0 for an
  industry class (or group) the segment lists, 0.7 for the same division only, and 0.35 per
  segment keyword found in the main business (at most 1.0); the larger of the two counts.
* ``relatedness``: the city's density (economic-complexity relatedness, 0..1) in the firm's
  industry division: how close the firm's industry is to what the city already does.
* ``size``: the percentile of log(employees) among the candidates with a figure.
* ``growth``: the percentile of yearly revenue growth among the candidates with a figure.

A term without data scores 0 and says so; the weights are a setting
(``CHAINLEAD_RANKING_WEIGHTS``) and are normalised to sum to 1.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

DEFAULT_WEIGHTS: Mapping[str, float] = {"fit": 0.4, "relatedness": 0.3, "size": 0.2, "growth": 0.1}
CODE_FIT_CLASS = 1.0
CODE_FIT_DIVISION = 0.7
KEYWORD_FIT_EACH = 0.35


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
class Term:
    name: str
    value: float
    weight: float
    why: str

    @property
    def contribution(self) -> float:
        return self.value * self.weight


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    score: float
    terms: list[Term] = field(default_factory=list)


def normalised_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    merged = {**DEFAULT_WEIGHTS, **(weights or {})}
    unknown = set(merged) - set(DEFAULT_WEIGHTS)
    if unknown:
        raise ValueError(f"unknown ranking terms: {sorted(unknown)}")
    if any(w < 0 for w in merged.values()) or sum(merged.values()) <= 0:
        raise ValueError("ranking weights must be non-negative and not all zero")
    total = sum(merged.values())
    return {k: v / total for k, v in merged.items()}


def code_fit(industry_code: str | None, segment_codes: Sequence[str]) -> tuple[float, str]:
    if not industry_code or not industry_code[:1].isdigit():
        return 0.0, "no industry code"
    for code in segment_codes:
        if code[:1].isdigit() and len(code) >= 3 and industry_code.startswith(code):
            return CODE_FIT_CLASS, f"industry {industry_code} is in the segment's {code}"
    for code in segment_codes:
        if code[:1].isdigit() and code[:2] == industry_code[:2]:
            return CODE_FIT_DIVISION, f"same division {industry_code[:2]} as the segment's {code}"
    return 0.0, "industry outside the segment"


def keyword_fit(text: str, keywords: Sequence[str]) -> tuple[float, list[str]]:
    hits = [k for k in keywords if k and k in text]
    return min(1.0, KEYWORD_FIT_EACH * len(hits)), hits


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


def rank_candidates(
    candidates: Sequence[Candidate],
    *,
    segment_codes: Sequence[str],
    keywords: Sequence[str],
    density_by_division: Mapping[str, float],
    weights: Mapping[str, float] | None = None,
    limit: int | None = None,
) -> list[Ranked]:
    """Candidates that fit the segment at all, best first, each score explained term by term."""
    w = normalised_weights(weights)
    sizes = _percentiles(
        {c.key: math.log1p(c.employees) for c in candidates if c.employees is not None}
    )
    growths = _percentiles(
        {c.key: c.revenue_growth for c in candidates if c.revenue_growth is not None}
    )
    ranked: list[Ranked] = []
    for c in candidates:
        fit_code, code_why = code_fit(c.industry_code, segment_codes)
        fit_text, hits = keyword_fit(c.main_business or c.name, keywords)
        fit = max(fit_code, fit_text)
        if fit <= 0:
            continue
        fit_why = code_why if fit_code >= fit_text else "keywords: " + "、".join(hits)
        division = c.industry_code[:2] if c.industry_code and c.industry_code[:1].isdigit() else ""
        density = density_by_division.get(division)
        terms = [
            Term("fit", fit, w["fit"], fit_why),
            Term(
                "relatedness",
                float(density) if density is not None and math.isfinite(density) else 0.0,
                w["relatedness"],
                f"the city's density in division {division}: {density:.3f}"
                if density is not None and math.isfinite(density)
                else "no density for this industry",
            ),
            Term(
                "size",
                sizes.get(c.key, 0.0),
                w["size"],
                f"{c.employees} employees" if c.employees is not None else "no employee figure",
            ),
            Term(
                "growth",
                growths.get(c.key, 0.0),
                w["growth"],
                f"revenue growth {c.revenue_growth:.1%}"
                if c.revenue_growth is not None
                else "no growth figure",
            ),
        ]
        ranked.append(Ranked(c, sum(t.contribution for t in terms), terms))
    ranked.sort(key=lambda r: (-r.score, r.candidate.name))
    return ranked[:limit] if limit else ranked
