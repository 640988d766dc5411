"""The requests' search provider (chainlead.core.search): the requests the reader may see, by
title, description, 12345 ticket number or firm name, typos forgiven."""

from __future__ import annotations

from typing import Any

from chainlead.core.search import SearchHit, SearchQuery, rank_records
from chainlead.requests.selectors import request_list

FIELDS = ("title", "description", "hotline_ticket", "enterprise__name")


def request_hits(user: Any, query: SearchQuery, limit: int) -> list[SearchHit]:
    ranked = rank_records(request_list(user=user), FIELDS, query, limit)
    return [
        SearchHit(
            kind="request",
            pk=obj.pk,
            title=obj.title,
            url=obj.get_absolute_url(),
            subtitle=f"{obj.reference} · {obj.enterprise.name} · {obj.get_status_display()}",
            score=score,
            synthetic=obj.enterprise.is_synthetic,
        )
        for score, obj in ranked
    ]
