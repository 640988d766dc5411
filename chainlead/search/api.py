"""REST API of site search (mounted under /api/v1/search/ by config/api.py).

One query, a section per kind of record (enterprises, requests, policies, chains), each holding
only what the caller may see in that app's own list: the same providers as the results page."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from chainlead.accounts.access import access_for
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.search import search
from chainlead.search.permissions import searches

router = Router(tags=["search"])

MAX_LIMIT = 50


class SearchFilters(Schema):
    q: str = Field(
        "",
        description=(
            "What to find: a Chinese or English name, short name, stock or credit code, words "
            "of a firm's business, a request's or policy's title. Traditional and Simplified "
            "characters are equal; small typos are forgiven."
        ),
    )
    kind: list[str] | None = Field(
        None, description="Only these kinds: enterprise, request, policy, chain."
    )
    limit: int = Field(10, ge=1, le=MAX_LIMIT, description="Records per kind.")


class HitOut(Schema):
    pk: int
    title: str
    url: str
    subtitle: str
    score: float = Field(description="Higher is better; exact codes score highest.")
    synthetic: bool = Field(description="Generated demonstration data, not real.")


class SectionOut(Schema):
    kind: str
    label: str
    hits: list[HitOut]
    more: bool = Field(description="More records match than `limit`.")


class SearchOut(Schema):
    query: str = Field(description="The query as searched: Simplified, case-folded.")
    sections: list[SectionOut]


@router.get("/", response=SearchOut)
def search_all(request: HttpRequest, filters: Query[SearchFilters]) -> SearchOut:
    """Search every kind of record you may see; best matches first in each section."""
    if not searches(access_for(request.user)):
        raise PermissionDenied("You may not search.")
    query, sections = search(request.user, filters.q, kinds=filters.kind, limit=filters.limit)
    return SearchOut(
        query=query.normal,
        sections=[
            SectionOut(
                kind=s.provider.kind,
                label=str(s.provider.label),
                more=s.more,
                hits=[
                    HitOut(
                        pk=h.pk,
                        title=h.title,
                        url=h.url,
                        subtitle=h.subtitle,
                        score=round(h.score, 4),
                        synthetic=h.synthetic,
                    )
                    for h in s.hits
                ],
            )
            for s in sections
        ],
    )
