"""Template tags other apps' pages use to show a chain's "five ones" (no Python import of ours)."""

from collections.abc import Iterable, Mapping
from typing import Any

from django import template

from chainlead.governance.selectors import FiveOnes, five_ones_cached

register = template.Library()


@register.simple_tag(takes_context=True)
def five_ones_of(context: template.Context, chain_ids: Iterable[int]) -> dict[int, FiveOnes]:
    """The five ones of many chains, cached: `{% five_ones_of ids as fives %}`. Read once per
    request, however many fragments of the page ask (one per chain card)."""
    ids = tuple(chain_ids)
    request = context.get("request")
    memo: dict[tuple[int, ...], dict[int, FiveOnes]] = getattr(request, "_five_ones", {})
    if ids not in memo:
        memo[ids] = five_ones_cached(ids)
        if request is not None:
            request._five_ones = memo
    return memo[ids]


@register.filter
def lookup(mapping: Mapping[Any, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None
