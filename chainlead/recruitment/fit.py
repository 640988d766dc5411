"""How well a firm outside the city fits a chain segment, read as the chain map reads the city's
firms: `chains.classification`'s placement rule for the segment (its codes, calibrated keywords
and division agreement), so a gap's candidates and the map's members are judged alike."""

from __future__ import annotations

from collections.abc import Iterable

from chainlead.chains.classification import (
    SegmentRule,
    contains,
    make_firm_text,
    text_match,
)
from chainlead.chains.models import Segment
from chainlead.recruitment.models import ExternalFirm
from chainlead.recruitment.ranking import Fit, class_fit


def _stated_keywords(text: str, rule: SegmentRule) -> list[str]:
    """The segment's keywords the text names; one inside a longer one (视觉 in 机器视觉) once."""
    hits = [k for k, pattern in rule.patterns if contains(text, k, pattern)]
    return [k for k in hits if not any(k != other and k in other for other in hits)]


def firm_fit(firm: ExternalFirm, rule: SegmentRule) -> Fit | None:
    by_class = class_fit(firm.industry_id, rule.codes)
    if by_class is not None:
        return by_class
    text = make_firm_text(
        name=firm.name, main_business=firm.main_business, industry_code=firm.industry_id
    )
    match = text_match(text, rule)
    if match is None:
        return None
    division = text.division
    return Fit(
        round(match.confidence, 3),
        "text",
        {
            "keywords": _stated_keywords(f"{text.name}\n{text.main_business}", rule),
            "division": division or "",
            "agrees": None if division is None else division in rule.divisions,
        },
    )


def segment_fits(firms: Iterable[ExternalFirm], segment: Segment) -> dict[int, Fit]:
    """The firms that fit `segment` at all, by primary key."""
    rule = SegmentRule.of(segment)
    fits = {}
    for firm in firms:
        fit = firm_fit(firm, rule)
        if fit is not None:
            fits[firm.pk] = fit
    return fits
