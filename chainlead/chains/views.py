"""Chain pages: the chain list, the chain map, a segment's firms, the review queue and editing.

Views are thin: they parse the request, ask a selector or a service, and render. Each view states
its permission with `@permission_required(check)` (an `Access` predicate; anonymous users go to
the log-in page, others failing it get 403) and, for writes on one chain, `_require_chain_editor`.
Exports are the page URLs with `?export=csv|xlsx`, so the filters of the page apply to them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from chainlead.accounts.access import access_for
from chainlead.chains import review, selectors, services
from chainlead.chains.choices import MembershipRole, SegmentStatus
from chainlead.chains.filtersets import MapFilterForm, MembershipReviewFilterSet
from chainlead.chains.forms import (
    BulkReviewForm,
    ChainEditForm,
    MembershipAddForm,
    ReviewDecisionForm,
    SegmentEditForm,
)
from chainlead.chains.models import Chain, Membership, Segment
from chainlead.chains.permissions import (
    edits_chain,
    edits_some_chain,
    map_district_ids,
    reads_chain_maps,
    sees_chain_firms,
)
from chainlead.chains.selectors import ChainMap, SegmentFigures
from chainlead.chains.tables import (
    CHAIN_MAP_COLUMNS,
    REVIEW_EXPORT_COLUMNS,
    SEGMENT_FIRM_COLUMNS,
    ReviewQueueTable,
)
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.export import export_response, wants_export
from chainlead.core.plugins import RelatedLink, related_links
from chainlead.core.text import localized
from chainlead.core.views import is_fragment, object_list, permission_required
from chainlead.registry.models import Enterprise

FIRMS_PER_PAGE = 25
# Where other apps add links on a gap of the chain map (core.plugins.register_links).
GAP_LINKS = "chains.segment_gap"


def _require_chain_editor(request: HttpRequest, chain: Chain) -> None:
    if not edits_chain(access_for(request.user), chain.pk):
        raise PermissionDenied(_("Only the chain's task force and city admins edit it."))


def _chain(request: HttpRequest, slug: str) -> Chain:
    try:
        return selectors.chain_get(user=request.user, slug=slug)
    except Chain.DoesNotExist as exc:
        raise Http404 from exc


def _segment(chain: Chain, segment_slug: str) -> Segment:
    return get_object_or_404(
        Segment.objects.select_related("chain"), chain=chain, slug=segment_slug
    )


def _label(name: str, name_en: str) -> str:
    return localized(name, name_en)


def _firm_count(n: int) -> str:
    return ngettext("%(count)d firm", "%(count)d firms", n) % {"count": n}


def _status_label(status: str) -> str:
    return str(SegmentStatus(status).label)


def _graph(chain_map: ChainMap, segment_url: Callable[[str], str]) -> dict[str, Any]:
    """Nodes and edges of the ECharts graph: upstream left, downstream right.

    A segment's column is its longest distance from a source along the links (segments without
    links fall back to their position), so parallel segments stack in one column.
    """
    by_id = {s.segment_id: s for s in chain_map.segments}
    column: dict[int, int] = {}
    incoming: dict[int, list[int]] = {sid: [] for sid in by_id}
    for up, down in chain_map.links:
        if up in by_id and down in by_id:
            incoming[down].append(up)
    linked = {sid for pair in chain_map.links for sid in pair}

    def col(sid: int, seen: frozenset[int] = frozenset()) -> int:
        if sid not in column:
            ups = [u for u in incoming[sid] if u not in seen]
            column[sid] = 1 + max((col(u, seen | {sid}) for u in ups), default=-1)
        return column[sid]

    if linked:
        for sid in by_id:
            col(sid)
        # Unlinked segments keep their reading order after the linked graph.
        last = max(column[s] for s in linked) if linked else -1
        for s in chain_map.segments:
            if s.segment_id not in linked:
                last += 1
                column[s.segment_id] = last
    else:
        for i, s in enumerate(chain_map.segments):
            column[s.segment_id] = i
    rows_used: dict[int, int] = {}
    stacks: dict[int, int] = {}
    for s in chain_map.segments:
        stacks[column[s.segment_id]] = stacks.get(column[s.segment_id], 0) + 1
    nodes = []
    for s in chain_map.segments:
        c = column[s.segment_id]
        row = rows_used.get(c, 0)
        rows_used[c] = row + 1
        nodes.append(
            {
                "id": str(s.segment_id),
                "slug": s.slug,
                "name": _label(s.name, s.name_en),
                "count": _firm_count(s.firms),
                "firms": s.firms,
                "status": str(s.status),
                "statusLabel": _status_label(s.status),
                "col": c,
                "row": row - (stacks[c] - 1) / 2,
                "url": segment_url(s.slug),
                "local": s.local,
                "attracted": s.attracted,
                "revenue": float(s.revenue) if s.revenue else None,
                "pending": s.pending_review,
            }
        )
    edges = [
        {"source": str(u), "target": str(d)}
        for u, d in chain_map.links
        if u in by_id and d in by_id
    ]
    return {
        "nodes": nodes,
        "edges": edges,
        "height": 132 + 80 * (max(stacks.values(), default=1) - 1),
        "text": {
            "local": _("local"),
            "attracted": _("attracted"),
            "revenue": _("revenue (10,000 CNY)"),
            "unknown": _("unknown"),
            "pending": _("awaiting review"),
            "hint": _("Click to see the firms"),
        },
    }


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


# ----------------------------------------------------------------------------- chain list


@permission_required(reads_chain_maps)
def chain_list(request: HttpRequest) -> HttpResponse:
    version = selectors.data_version()  # read once for all the chains
    maps = [
        selectors.chain_map(user=request.user, chain=chain, version=version)
        for chain in selectors.chain_list(user=request.user)
    ]
    cards = [
        {
            "map": m,
            "label": _label(m.name, m.name_en),
            "segments": [
                {
                    "s": s,
                    "label": _label(s.name, s.name_en),
                    "status_label": _status_label(s.status),
                    "count": _firm_count(s.firms),
                }
                for s in m.segments
            ],
            "firms": sum(s.firms for s in m.segments),
        }
        for m in maps
    ]
    return render(
        request,
        "chains/chain_list.html",
        {
            "cards": cards,
            "chain_ids": [m.chain_id for m in maps],
            "full_chains": sum(1 for m in maps if m.full_chain_present),
            "pending_review": sum(s.pending_review for m in maps for s in m.segments),
            "reviews": edits_some_chain(access_for(request.user)),
        },
    )


# ----------------------------------------------------------------------------- chain map


def _map_context(request: HttpRequest, chain: Chain) -> dict[str, Any]:
    form = MapFilterForm(request.GET or None, user=request.user)
    filters = form.map_filters()
    version = selectors.data_version()
    chain_map = selectors.chain_map(
        user=request.user, chain=chain, filters=filters, version=version
    )
    can_edit = edits_chain(access_for(request.user), chain.pk)
    firm_links = sees_chain_firms(access_for(request.user), chain.pk)
    query = form.querystring()

    def segment_url(segment_slug: str) -> str:
        return _with_query(reverse("chains:segment_detail", args=[chain.slug, segment_slug]), query)

    access = access_for(request.user)

    def gap_links(segment: Any) -> list[RelatedLink]:
        """What other apps offer on a missing or weak segment (recruitment: its candidates)."""
        if segment.status == SegmentStatus.OK:
            return []
        return related_links(GAP_LINKS, access, chain=chain, segment_slug=segment.slug)

    @functools.cache
    def rows() -> list[dict[str, Any]]:
        return [
            {
                "s": s,
                "label": _label(s.name, s.name_en),
                "url": segment_url(s.slug),
                "status_label": _status_label(s.status),
                "gap_links": gap_links(s),
            }
            for s in chain_map.segments
        ]

    # Which gap links this reader gets depends on their rights on the chain only: the kinds
    # offered on any segment are part of the cache key of the page body.
    probe = chain_map.segments[0].slug if chain_map.segments else ""
    link_kinds = (
        ",".join(
            link.kind for link in related_links(GAP_LINKS, access, chain=chain, segment_slug=probe)
        )
        if probe
        else ""
    )

    @functools.cache
    def graph() -> dict[str, Any]:
        return _graph(chain_map, segment_url)

    return {
        "chain": chain,
        "chain_ids": [chain.pk],
        "chain_label": _label(chain.name, chain.name_en),
        "map": chain_map,
        # Called by the template only when it draws the page body, which is cached: a cached
        # page builds neither (nor reverses a URL per segment).
        "rows": rows,
        "form": form,
        "query": query,
        "graph": graph,
        "firms_total": sum(s.firms for s in chain_map.segments),
        "attracted_total": sum(s.attracted for s in chain_map.segments),
        "can_edit": can_edit,
        "district_limited": map_district_ids(access_for(request.user)) is not None,
        "firm_links": firm_links,
        # The rendered graph and table are cached per data version, filters (a district
        # official's scope included) and whether the user may edit.
        "fragment_key": ":".join(
            [
                str(chain.pk),
                version,
                selectors.scoped_filters_key(request.user, filters),
                str(int(can_edit)),
                str(int(firm_links)),
                link_kinds,
            ]
        ),
    }


@permission_required(reads_chain_maps)
def chain_detail(request: HttpRequest, slug: str) -> HttpResponse:
    chain = _chain(request, slug)
    context = _map_context(request, chain)
    fmt = wants_export(request)
    if fmt:
        # A streamed download; core's view type names HttpResponse, which it is not.
        return export_response(  # type: ignore[return-value]
            context["map"].segments, CHAIN_MAP_COLUMNS, f"chain-{chain.slug}", fmt
        )
    return render(request, "chains/chain_detail.html", context)


# ----------------------------------------------------------------------------- segment firms


def _segment_firms(
    request: HttpRequest, segment: Segment, form: MapFilterForm
) -> QuerySet[Enterprise]:
    """The segment's visible firms, each with its role in the segment."""
    role = Membership.objects.filter(segment=segment, enterprise=OuterRef("pk")).values("role")
    membership = Membership.objects.filter(segment=segment, enterprise=OuterRef("pk")).values("pk")
    return selectors.segment_firms(
        user=request.user, segment=segment, filters=form.map_filters()
    ).annotate(segment_role=Subquery(role[:1]), membership_id=Subquery(membership[:1]))


def _figures_of(chain_map: ChainMap, segment: Segment) -> SegmentFigures:
    return next(s for s in chain_map.segments if s.segment_id == segment.pk)


@permission_required(reads_chain_maps)
def segment_detail(request: HttpRequest, slug: str, segment_slug: str) -> HttpResponse:
    chain = _chain(request, slug)
    segment = _segment(chain, segment_slug)
    form = MapFilterForm(request.GET or None, user=request.user)
    firms = _segment_firms(request, segment, form)
    fmt = wants_export(request)
    if fmt:
        # A streamed download; core's view type names HttpResponse, which it is not.
        return export_response(  # type: ignore[return-value]
            firms.iterator(chunk_size=2000),
            SEGMENT_FIRM_COLUMNS,
            f"chain-{chain.slug}-{segment.slug}",
            fmt,
        )
    chain_map = selectors.chain_map(user=request.user, chain=chain, filters=form.map_filters())
    page: Page[Enterprise] = Paginator(firms, FIRMS_PER_PAGE).get_page(request.GET.get("page"))
    query = form.querystring()
    base_url = reverse("chains:segment_detail", args=[chain.slug, segment.slug])
    fig = _figures_of(chain_map, segment)
    context = {
        "chain": chain,
        "chain_ids": [chain.pk],
        "chain_label": _label(chain.name, chain.name_en),
        "segment": segment,
        "segment_label": _label(segment.name, segment.name_en),
        "fig": fig,
        "status_label": _status_label(fig.status),
        "export_csv_url": _with_query(base_url, "&".join(filter(None, [query, "export=csv"]))),
        "export_xlsx_url": _with_query(base_url, "&".join(filter(None, [query, "export=xlsx"]))),
        "page": page,
        "query": query,
        "page_url": _with_query(base_url, "&".join(filter(None, [query, "page="]))),
        "self_url": _with_query(base_url, query),
        "map_url": _with_query(reverse("chains:chain_detail", args=[chain.slug]), query),
        "can_edit": edits_chain(access_for(request.user), chain.pk),
        "roles": MembershipRole,
        "form": form,
    }
    if is_fragment(request):
        return render(request, "chains/partials/_segment_firms.html", context)
    return render(request, "chains/segment_detail.html", context)


# ----------------------------------------------------------------------------- review queue


@permission_required(edits_some_chain)
def review_queue(request: HttpRequest) -> HttpResponse:
    # Decisions that would change the chain map most first (a missing segment filled).
    queue = selectors.membership_review_ranked(user=request.user)
    return object_list(
        request,
        queryset=queue,
        filterset_class=MembershipReviewFilterSet,
        table_class=ReviewQueueTable,
        template_name="chains/review_queue.html",
        export_columns=REVIEW_EXPORT_COLUMNS,
        export_filename="membership-review",
    )


@permission_required(edits_some_chain)
@require_POST
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(selectors.membership_review_queue(user=request.user), pk=pk)
    form = ReviewDecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        membership = services.membership_review(
            actor=request.user, membership=membership, accept=accept
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("chains:review_queue")
    if is_fragment(request):
        return render(request, "chains/partials/_review_row.html", {"m": membership})
    messages.success(
        request,
        _("Accepted: %(m)s") % {"m": membership}
        if accept
        else _("Rejected: %(m)s") % {"m": membership},
    )
    return redirect(reverse("chains:review_queue") + "?" + request.GET.urlencode())


@permission_required(edits_some_chain)
@require_POST
def review_bulk(request: HttpRequest) -> HttpResponse:
    """Accept or reject every ticked row at once; all or nothing (chains.review)."""
    # Back to the same filtered page: the query is re-encoded, never used as a URL.
    query = QueryDict(request.POST.get("query", "")).urlencode()
    back = reverse("chains:review_queue") + ("?" + query if query else "")
    form = BulkReviewForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        decided = review.memberships_review_bulk(
            actor=request.user, pks=form.cleaned_data["pks"], accept=accept
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect(back)
    n = len(decided)
    messages.success(
        request,
        (
            ngettext("%(n)d guess accepted.", "%(n)d guesses accepted.", n)
            if accept
            else ngettext("%(n)d guess rejected.", "%(n)d guesses rejected.", n)
        )
        % {"n": n},
    )
    return redirect(back)


# ----------------------------------------------------------------------------- editing


@permission_required(reads_chain_maps)
@require_http_methods(["GET", "POST"])
def chain_edit(request: HttpRequest, slug: str) -> HttpResponse:
    chain = _chain(request, slug)
    _require_chain_editor(request, chain)
    initial = {
        "name": chain.name,
        "name_en": chain.name_en,
        "description": chain.description,
        "description_en": chain.description_en,
    }
    form = ChainEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.chain_update(actor=request.user, chain=chain, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The chain was saved."))
            return redirect("chains:chain_detail", slug=chain.slug)
    return render(request, "chains/chain_edit.html", {"chain": chain, "form": form})


@permission_required(reads_chain_maps)
@require_http_methods(["GET", "POST"])
def segment_edit(request: HttpRequest, slug: str, segment_slug: str) -> HttpResponse:
    chain = _chain(request, slug)
    segment = _segment(chain, segment_slug)
    _require_chain_editor(request, chain)
    initial = {
        "name": segment.name,
        "name_en": segment.name_en,
        "keywords": segment.keywords,
        "industry_codes": segment.industry_codes,
        "description": segment.description,
        "description_en": segment.description_en,
    }
    form = SegmentEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.segment_update(actor=request.user, segment=segment, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The segment was saved."))
            return redirect("chains:segment_detail", slug=chain.slug, segment_slug=segment.slug)
    return render(
        request,
        "chains/segment_edit.html",
        {"chain": chain, "segment": segment, "form": form},
    )


@permission_required(reads_chain_maps)
@require_http_methods(["GET", "POST"])
def membership_add(request: HttpRequest, slug: str, segment_slug: str) -> HttpResponse:
    chain = _chain(request, slug)
    segment = _segment(chain, segment_slug)
    _require_chain_editor(request, chain)
    form = MembershipAddForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_set(
                actor=request.user,
                enterprise=form.cleaned_data["enterprise"],
                segment=segment,
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(firm)s was added to %(segment)s.")
                % {"firm": form.cleaned_data["enterprise"], "segment": segment.name},
            )
            return redirect("chains:segment_detail", slug=chain.slug, segment_slug=segment.slug)
    return render(
        request,
        "chains/membership_add.html",
        {"chain": chain, "segment": segment, "form": form},
    )


@permission_required(reads_chain_maps)
@require_POST
def membership_remove(request: HttpRequest, slug: str, segment_slug: str, pk: int) -> HttpResponse:
    chain = _chain(request, slug)
    segment = _segment(chain, segment_slug)
    _require_chain_editor(request, chain)
    membership = get_object_or_404(
        Membership.objects.select_related("enterprise"), pk=pk, segment=segment
    )
    firm = membership.enterprise
    services.membership_delete(actor=request.user, membership=membership)
    messages.success(
        request,
        _("%(firm)s was removed from %(segment)s.") % {"firm": firm, "segment": segment.name},
    )
    return HttpResponseRedirect(reverse("chains:segment_detail", args=[chain.slug, segment.slug]))
