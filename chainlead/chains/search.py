"""The chains' search provider (chainlead.core.search): the chains the reader may see, by
Chinese or English name or description, typos forgiven."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import get_language

from chainlead.chains.selectors import chain_list
from chainlead.core.search import SearchHit, SearchQuery, rank_records

FIELDS = ("name", "name_en", "description")


def chain_hits(user: Any, query: SearchQuery, limit: int) -> list[SearchHit]:
    ranked = rank_records(chain_list(user=user, counted=False), FIELDS, query, limit)
    english = (get_language() or "").startswith("en")
    return [
        SearchHit(
            kind="chain",
            pk=obj.pk,
            title=obj.name_en if english and obj.name_en else obj.name,
            url=reverse("chains:chain_detail", args=[obj.slug]),
            subtitle=obj.name if english and obj.name_en else obj.name_en,
            score=score,
        )
        for score, obj in ranked
    ]
