"""Score normalisation and ranking of a round's applications (pure Python; no Django).

**Normalisation (z-score per reviewer).** Reviewer r's weighted totals over the applications
assigned to them have mean m_r and population standard deviation s_r (ddof = 0). Each of
their scores becomes z = (x − m_r) / s_r: how far above or below *their own* average they put
the application, in their own spread. A harsh reviewer (low m_r) or a narrow one (small s_r)
then weighs as much as a generous one, so no single reviewer sinks an application. A
reviewer with one scored application, or who gave every application the same total (s_r = 0),
says nothing about order: their z-scores are 0.

An application's normalised score is the mean z of its reviewers.

**Ranking.** By normalised score, highest first. Ties (scores within 1e-9) are broken by the
higher mean raw total, then by the earlier submission, then by the lower application id (so
the order is total and reproducible).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

TIE = 1e-9


@dataclass(frozen=True)
class Ranked:
    application: int
    normalised: float
    raw_mean: float
    rank: int


def normalise(scores: Iterable[tuple[Hashable, int, float]]) -> dict[tuple[Hashable, int], float]:
    """(reviewer, application, total) → z-score within the reviewer's own totals."""
    per_reviewer: dict[Hashable, list[tuple[int, float]]] = defaultdict(list)
    for reviewer, application, total in scores:
        per_reviewer[reviewer].append((application, float(total)))
    result: dict[tuple[Hashable, int], float] = {}
    for reviewer, items in per_reviewer.items():
        values = [v for _, v in items]
        mean = sum(values) / len(values)
        spread = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
        for application, value in items:
            result[(reviewer, application)] = (value - mean) / spread if spread > 0 else 0.0
    return result


def rank(
    scores: Iterable[tuple[Hashable, int, float]],
    submitted_order: Mapping[int, float],
) -> list[Ranked]:
    """The applications with at least one score, ranked (see module doc). `submitted_order`:
    application → its submission time as a number (earlier is smaller)."""
    rows = list(scores)
    z = normalise(rows)
    per_application: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for reviewer, application, total in rows:
        per_application[application].append((z[(reviewer, application)], float(total)))
    entries = []
    for application, values in per_application.items():
        normalised = sum(v[0] for v in values) / len(values)
        raw = sum(v[1] for v in values) / len(values)
        entries.append((application, normalised, raw))
    # Round to the tie tolerance so "equal" scores compare equal, then break ties.
    entries.sort(
        key=lambda e: (
            -round(e[1] / TIE) * TIE,
            -e[2],
            submitted_order.get(e[0], math.inf),
            e[0],
        )
    )
    return [
        Ranked(application=a, normalised=n, raw_mean=r, rank=i)
        for i, (a, n, r) in enumerate(entries, start=1)
    ]
