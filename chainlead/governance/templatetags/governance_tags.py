"""Template tags other apps' pages use to show a chain's "five ones" (no Python import of ours)."""

from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.core.cache import cache
from django.utils import timezone

from chainlead.chains.models import Chain
from chainlead.core.models import DataVersion
from chainlead.governance.selectors import FiveOnes, five_ones_many

register = template.Library()


@register.simple_tag
def five_ones_of(chain_ids: Iterable[int]) -> dict[int, FiveOnes]:
    """The five ones of many chains in constant queries: `{% five_ones_of ids as f %}`."""
    ids = sorted(chain_ids)
    if not ids:
        return {}
    # Cached until a leader, task force, plan, package or segment changes (or the year turns).
    versions = DataVersion.objects.filter(key__in=["governance", "chains"]).values_list(
        "key", "version"
    )
    key = "fiveones:{}:{}:{}".format(
        ",".join(map(str, ids)),
        ".".join(f"{k}{v}" for k, v in sorted(versions)),
        timezone.localdate().year,
    )
    result: dict[int, FiveOnes] | None = cache.get(key)
    if result is None:
        result = five_ones_many(list(Chain.objects.filter(pk__in=ids)))
        cache.set(key, result, 600)
    return result


@register.filter
def lookup(mapping: Mapping[Any, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None
