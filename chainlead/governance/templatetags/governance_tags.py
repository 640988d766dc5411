"""Template tags other apps' pages use to show a chain's "five ones" (no Python import of ours)."""

from collections.abc import Iterable, Mapping
from typing import Any

from django import template

from chainlead.governance.selectors import FiveOnes, five_ones_cached

register = template.Library()


@register.simple_tag
def five_ones_of(chain_ids: Iterable[int]) -> dict[int, FiveOnes]:
    """The five ones of many chains, cached: `{% five_ones_of ids as fives %}`."""
    return five_ones_cached(chain_ids)


@register.filter
def lookup(mapping: Mapping[Any, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None
