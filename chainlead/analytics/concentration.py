"""Concentration measures for the chain map (e.g. how concentrated a segment's output is)."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from chainlead.analytics.errors import InvalidValueError, NegativeValueError


def herfindahl(values: Iterable[float] | np.ndarray) -> float:
    """Herfindahl-Hirschman index of the shares of ``values``: ``sum((v / sum(v)) ** 2)``.

    Input: amounts of any non-negative kind (revenue, employment, patents...) per participant,
    e.g. the revenue of each firm in a chain segment. Returns a float in ``[1 / n, 1]``: 1 when one
    participant holds everything, ``1 / n`` for ``n`` equal participants (multiply by 10,000 for
    the "points" scale of competition authorities).

    Defined behaviour at the edges: an empty input or one whose values are all zero has no
    shares, and the result is NaN (not 0, which would read as "perfectly competitive").
    Zeros among positive values are participants without a share and do not change the index.
    Negative values raise :class:`NegativeValueError`; NaN or infinite values raise
    :class:`InvalidValueError` (drop or fill missing amounts first, deliberately).
    """
    array = np.asarray(list(values) if not isinstance(values, np.ndarray) else values)
    if array.size == 0:
        return math.nan
    try:
        amounts = array.astype(np.float64).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise InvalidValueError(f"herfindahl needs numbers: {exc}") from exc
    if not np.isfinite(amounts).all():
        raise InvalidValueError("herfindahl needs finite values (no NaN or infinity)")
    if (amounts < 0).any():
        raise NegativeValueError("herfindahl needs non-negative values")
    total = float(amounts.sum())
    if total == 0.0:
        return math.nan
    shares = amounts / total
    return float(np.dot(shares, shares))


__all__ = ["herfindahl"]
