"""The requests' search provider (chainlead.core.search): the requests the reader may see, by
title, description, 12345 ticket number or firm name, typos forgiven.

The text columns are searched through their trigram indexes (migration 0005: pg_trgm on
PostgreSQL; on SQLite a plain scan, the size of a small office's requests); a firm's name
through the registry's own search (`matching_firm_ids`), so the requests of the firms the query
names are candidates without a join over the registry."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from chainlead.core.search import SearchHit, SearchQuery, rank_records
from chainlead.requests.selectors import request_list

FIELDS = ("title", "description", "hotline_ticket")
DOCUMENT_FIELDS = (*FIELDS, "enterprise__name")
FIRMS = 200  # the best-matching firms whose requests are candidates


def request_hits(user: Any, query: SearchQuery, limit: int) -> list[SearchHit]:
    from chainlead.registry.search import matching_firm_ids

    requests = request_list(user=user)
    if not query or not requests.exists():  # no request to find: spare the firm search
        return []
    # (A one-character query names no firm precisely enough: the registry's prefix match.)
    firms = None if query.short else Q(enterprise_id__in=matching_firm_ids(query, FIRMS))
    ranked = rank_records(
        requests, FIELDS, query, limit, also=firms, document_fields=DOCUMENT_FIELDS
    )
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
