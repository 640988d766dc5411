"""The search results page: one section per kind of record (thin; `core.search` does the work)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from chainlead.core.search import search
from chainlead.core.views import is_fragment, permission_required
from chainlead.search.permissions import searches

PAGE_LIMIT = 10  # records per section on the page
ONE_KIND_LIMIT = 50  # when the reader asks for one kind only


@permission_required(searches)
@require_http_methods(["GET"])
def results(request: HttpRequest) -> HttpResponse:
    kinds = [k for k in request.GET.getlist("kind") if k]
    limit = ONE_KIND_LIMIT if len(kinds) == 1 else PAGE_LIMIT
    query, sections = search(request.user, request.GET.get("q"), kinds=kinds or None, limit=limit)
    for section in sections:
        name = section.provider.more_url_name
        section.more_url = (  # type: ignore[attr-defined]
            f"{reverse(name)}?{urlencode({'q': query.raw})}" if name and section.more else ""
        )
    context = {
        "query": query,
        "sections": sections,
        "found": sum(len(s.hits) for s in sections),
    }
    if is_fragment(request):
        return render(request, "search/partials/_results.html", context)
    return render(request, "search/results.html", context)
