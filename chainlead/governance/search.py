"""The policies' search provider (chainlead.core.search): the policy items the reader may see,
by title, issuing body, document number (文号) or what they support, typos forgiven."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from chainlead.core.search import SearchHit, SearchQuery, rank_records
from chainlead.governance.selectors import policy_list

FIELDS = ("title", "issuing_body", "doc_number", "supports")


def policy_hits(user: Any, query: SearchQuery, limit: int) -> list[SearchHit]:
    ranked = rank_records(policy_list(user=user, counted=False), FIELDS, query, limit)
    return [
        SearchHit(
            kind="policy",
            pk=obj.pk,
            title=obj.title,
            url=reverse("governance:policy_detail", args=[obj.pk]),
            subtitle=" · ".join(filter(None, [obj.issuing_body, obj.doc_number, obj.date_text])),
            score=score,
        )
        for score, obj in ranked
    ]
