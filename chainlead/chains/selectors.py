"""Reads of chains: the chain list, the chain map and the firms of a segment."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import (
    BigIntegerField,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Window,
)
from django.db.models.functions import Cast, Coalesce, RowNumber

from chainlead.accounts.access import access_for
from chainlead.accounts.types import Actor, Reader
from chainlead.chains.choices import ReviewStatus, SegmentStatus
from chainlead.chains.constants import TOP_FIRMS_PER_SEGMENT, WEAK_HHI_THRESHOLD, WEAK_MAX_FIRMS
from chainlead.chains.models import Chain, Membership, Segment, SegmentLink
from chainlead.chains.permissions import map_district_ids, reads_chain_maps
from chainlead.core.caching import versions
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.plugins import slot_versions
from chainlead.registry.choices import Origin
from chainlead.registry.models import Enterprise
from chainlead.registry.services import REGISTRY_DATA

CHAINS_DATA = "chains"
CACHE_SECONDS = 600


@dataclass(frozen=True)
class MapFilters:
    """Filters of a chain map; None means "all"."""

    district_ids: tuple[int, ...] | None = None
    size_class: str | None = None
    origin: str | None = None
    include_synthetic: bool = True

    def cache_part(self) -> str:
        # No spaces: memcached rejects keys with whitespace (Django warns with CacheKeyWarning).
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))


@dataclass
class SegmentFigures:
    segment_id: int
    slug: str
    name: str
    name_en: str
    order: int
    firms: int = 0
    local: int = 0
    attracted: int = 0
    revenue: Decimal = Decimal(0)
    rd_spend: Decimal = Decimal(0)
    # Herfindahl index of the measure in `hhi_basis` ("revenue" or "employees") over the
    # `hhi_firms` firms that report it; None when no firm reports either.
    hhi: float | None = None
    hhi_basis: str | None = None
    hhi_firms: int = 0
    status: str = SegmentStatus.MISSING
    pending_review: int = 0
    top_firms: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ChainMap:
    chain_id: int
    slug: str
    name: str
    name_en: str
    segments: list[SegmentFigures]
    links: list[tuple[int, int]]

    @property
    def present(self) -> int:
        return sum(1 for s in self.segments if s.status != SegmentStatus.MISSING)

    @property
    def weak(self) -> int:
        return sum(1 for s in self.segments if s.status == SegmentStatus.WEAK)

    @property
    def missing(self) -> int:
        return sum(1 for s in self.segments if s.status == SegmentStatus.MISSING)

    @property
    def coverage(self) -> float:
        return self.present / len(self.segments) if self.segments else 0.0

    @property
    def full_chain_present(self) -> bool:
        return bool(self.segments) and self.missing == 0

    def as_report(self) -> dict[str, Any]:
        """The JSON shape of `chainlead chain-map` and of the API."""
        return {
            "chain": self.slug,
            "name": self.name,
            "segments": [
                {
                    "slug": s.slug,
                    "name": s.name,
                    "order": s.order,
                    "firms": s.firms,
                    "local": s.local,
                    "attracted": s.attracted,
                    "revenue": float(s.revenue),
                    "rd_spend": float(s.rd_spend),
                    "hhi": None if s.hhi is None else round(s.hhi, 6),
                    "hhi_basis": s.hhi_basis,
                    "hhi_firms": s.hhi_firms,
                    "status": str(s.status),
                    "top_firms": [f["name"] for f in s.top_firms],
                }
                for s in self.segments
            ],
        }


def segment_status(*, firms: int, hhi: float | None) -> SegmentStatus:
    """Missing (缺链) with no firm; weak (弱链) with one firm or a dominant one; else present."""
    if firms == 0:
        return SegmentStatus.MISSING
    if firms <= WEAK_MAX_FIRMS or (hhi is not None and hhi >= WEAK_HHI_THRESHOLD):
        return SegmentStatus.WEAK
    return SegmentStatus.OK


def _set_concentration(fig: SegmentFigures, measures: dict[str, list[Any]] | None) -> None:
    """HHI of revenue where every member reports it, else of employees (listed firms report
    head counts, rarely revenue), else of whichever more members report; says which."""
    if not measures:
        return
    reported = {basis: int(measures[basis][0]) for basis in ("revenue", "employees")}
    if reported["revenue"] == fig.firms:
        basis = "revenue"
    elif reported["employees"] == fig.firms:
        basis = "employees"
    else:
        basis = max(("revenue", "employees"), key=lambda b: reported[b])
    firms, total, total_sq = measures[basis]
    if not firms or not total:
        return
    fig.hhi = float(Decimal(total_sq) / (Decimal(total) * Decimal(total)))
    fig.hhi_basis = basis
    fig.hhi_firms = int(firms)


def chain_list(*, user: Reader, counted: bool = True) -> QuerySet[Chain]:
    """The chains `user` may see; `counted`: with their `segment_count` (a join and a GROUP BY
    that the search, reading names only, does without)."""
    if not reads_chain_maps(access_for(user)):
        return Chain.objects.none()
    if not counted:
        return Chain.objects.all()
    return Chain.objects.annotate(segment_count=Count("segments"))


def chain_get(*, user: Reader, slug: str) -> Chain:
    return chain_list(user=user).get(slug=slug)


def _scoped_filters(user: Reader, filters: MapFilters) -> MapFilters:
    """A district official's map is always limited to their district."""
    limit = map_district_ids(access_for(user))
    if limit is None:
        return filters
    wanted = set(filters.district_ids) & limit if filters.district_ids else limit
    return MapFilters(
        district_ids=tuple(sorted(wanted)) or (-1,),
        size_class=filters.size_class,
        origin=filters.origin,
        include_synthetic=filters.include_synthetic,
    )


def scoped_filters_key(user: Reader, filters: MapFilters) -> str:
    """The cache key part of `filters` as the user's scope narrows them."""
    return _scoped_filters(user, filters).cache_part()


def _membership_filter(filters: MapFilters) -> Q:
    q = Q(review_status=ReviewStatus.ACCEPTED)
    if filters.district_ids is not None:
        q &= Q(enterprise__district_id__in=filters.district_ids)
    if filters.size_class:
        q &= Q(enterprise__size_class=filters.size_class)
    if filters.origin:
        q &= Q(enterprise__origin=filters.origin)
    if not filters.include_synthetic:
        q &= ~Q(enterprise__provenance="synthetic")
    return q


def data_version(*more: str) -> str:
    """The registry's and the chains' data versions, those the chain pages' plug-in fragments
    read (their slots' `versions`, e.g. chain governance's), then those of `more`, in one query.

    Cached chain maps and chain pages are keyed on it, so any write invalidates them.
    """
    page_keys = {*slot_versions("chains.chain_detail"), *slot_versions("chains.chain_card")}
    return versions(REGISTRY_DATA, CHAINS_DATA, *sorted(page_keys), *more)


def _map_key(chain: Chain, version: str, filters: MapFilters) -> str:
    # The map's figures come from the registry and the chains only: a governance write (a
    # meeting, an action item) must not make every chain map be computed again.
    registry_and_chains = ".".join(version.split(".")[:2])
    return f"chainmap:{chain.pk}:{registry_and_chains}:{filters.cache_part()}"


def chain_map(
    *, user: Reader, chain: Chain, filters: MapFilters | None = None, version: str | None = None
) -> ChainMap:
    """The figures of every segment of `chain`, cached until the registry or chains change.

    Pass `version` (from `data_version()`) when drawing many chains in one request, so that the
    versions are read once.
    """
    if not reads_chain_maps(access_for(user)):
        raise PermissionDenied("You may not see chain maps.")
    filters = _scoped_filters(user, filters or MapFilters())
    key = _map_key(chain, version or data_version(), filters)
    cached: ChainMap | None = cache.get(key)
    if cached is not None:
        return cached
    result = compute_chain_map(chain=chain, filters=filters)
    cache.set(key, result, CACHE_SECONDS)
    return result


def chain_map_summary(*, user: Reader, chain: Chain, version: str | None = None) -> ChainMap:
    """The chain map without its top firms (every segment's `top_firms` is empty), for pages
    that only count present, weak and missing segments, like the governance dashboard.

    Read off the full map when it is cached; else the ranking of the top firms, the costlier
    half of a cold map, is skipped and the result cached apart.
    """
    if not reads_chain_maps(access_for(user)):
        raise PermissionDenied("You may not see chain maps.")
    filters = _scoped_filters(user, MapFilters())
    version = version or data_version()
    full: ChainMap | None = cache.get(_map_key(chain, version, filters))
    if full is not None:
        return replace(full, segments=[replace(s, top_firms=[]) for s in full.segments])
    key = f"{_map_key(chain, version, filters)}:summary"
    cached: ChainMap | None = cache.get(key)
    if cached is not None:
        return cached
    result = compute_chain_map(chain=chain, filters=filters, top_firms=False)
    cache.set(key, result, CACHE_SECONDS)
    return result


def compute_chain_map(*, chain: Chain, filters: MapFilters, top_firms: bool = True) -> ChainMap:
    """Aggregate the chain's memberships in one grouped query, plus one for the top firms
    (left out with `top_firms=False`)."""
    segments = list(Segment.objects.filter(chain=chain).order_by("order"))
    figures = {
        s.pk: SegmentFigures(
            segment_id=s.pk, slug=s.slug, name=s.name, name_en=s.name_en, order=s.order
        )
        for s in segments
    }
    member_q = _membership_filter(filters)
    rows = (
        Membership.objects.filter(member_q, segment__chain=chain)
        .values("segment_id", "enterprise__origin")
        .annotate(
            n=Count("id"),
            revenue=Sum("enterprise__revenue"),
            rd=Sum("enterprise__rd_spend"),
            revenue_sq=Sum(F("enterprise__revenue") * F("enterprise__revenue")),
            revenue_firms=Count("enterprise__revenue", filter=Q(enterprise__revenue__gt=0)),
            employees=Sum("enterprise__employees", filter=Q(enterprise__employees__gt=0)),
            # Squares of head counts pass 2**31: PostgreSQL multiplies integers as integers.
            employees_sq=Sum(
                Cast("enterprise__employees", BigIntegerField())
                * Cast("enterprise__employees", BigIntegerField()),
                filter=Q(enterprise__employees__gt=0),
            ),
            employees_firms=Count("enterprise__employees", filter=Q(enterprise__employees__gt=0)),
        )
        .order_by()
    )
    measures: dict[int, dict[str, list[Any]]] = {}
    for row in rows:
        fig = figures[row["segment_id"]]
        fig.firms += row["n"]
        if row["enterprise__origin"] == Origin.ATTRACTED:
            fig.attracted += row["n"]
        else:
            fig.local += row["n"]
        fig.revenue += Decimal(row["revenue"] or 0)
        fig.rd_spend += Decimal(row["rd"] or 0)
        seen = measures.setdefault(
            fig.segment_id, {"revenue": [0, Decimal(0), Decimal(0)], "employees": [0, 0, 0]}
        )
        revenue, employees = seen["revenue"], seen["employees"]
        revenue[0] += row["revenue_firms"]
        revenue[1] += row["revenue"] or 0
        revenue[2] += row["revenue_sq"] or 0
        employees[0] += row["employees_firms"]
        employees[1] += row["employees"] or 0
        employees[2] += row["employees_sq"] or 0
    for fig in figures.values():
        _set_concentration(fig, measures.get(fig.segment_id))
        fig.status = segment_status(firms=fig.firms, hhi=fig.hhi)

    pending_filter = filters_without_review(filters)
    for pending in (
        Membership.objects.filter(pending_filter, segment__chain=chain)
        .values("segment_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        figures[pending["segment_id"]].pending_review = pending["n"]

    if top_firms:
        _add_top_firms(figures, chain=chain, member_q=member_q)
    links = list(
        SegmentLink.objects.filter(upstream__chain=chain).values_list(
            "upstream_id", "downstream_id"
        )
    )
    return ChainMap(
        chain_id=chain.pk,
        slug=chain.slug,
        name=chain.name,
        name_en=chain.name_en,
        segments=[figures[s.pk] for s in segments],
        links=links,
    )


def _add_top_firms(figures: dict[int, SegmentFigures], *, chain: Chain, member_q: Q) -> None:
    """Each segment's largest firms by revenue, else employees, ranked in one window query."""
    top = (
        Membership.objects.filter(member_q, segment__chain=chain)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("segment_id")],
                # Largest first: by revenue, else head count (listed firms rarely report revenue).
                order_by=[
                    F("enterprise__revenue").desc(nulls_last=True),
                    F("enterprise__employees").desc(nulls_last=True),
                    F("enterprise__name"),
                ],
            )
        )
        .filter(rank__lte=TOP_FIRMS_PER_SEGMENT)
        .values(
            "segment_id",
            "enterprise_id",
            "enterprise__name",
            "enterprise__revenue",
            "enterprise__provenance",
            "role",
        )
        .order_by("segment_id", "rank")
    )
    for row in top:
        figures[row["segment_id"]].top_firms.append(
            {
                "id": row["enterprise_id"],
                "name": row["enterprise__name"],
                "revenue": row["enterprise__revenue"],
                "synthetic": row["enterprise__provenance"] == "synthetic",
                "role": row["role"],
            }
        )


def filters_without_review(filters: MapFilters) -> Q:
    q = _membership_filter(filters)
    # Same filters, but counting the text-rule guesses that wait for an official's review.
    return Q(*[c for c in q.children if c != ("review_status", ReviewStatus.ACCEPTED)]) & Q(
        review_status=ReviewStatus.PENDING
    )


def segment_firms(
    *, user: Reader, segment: Segment, filters: MapFilters | None = None
) -> QuerySet[Enterprise]:
    """The firms of one segment the user may see, largest first."""
    filters = _scoped_filters(user, filters or MapFilters())
    from chainlead.registry.selectors import enterprise_list

    member_q = _membership_filter(filters)
    member_ids = Membership.objects.filter(member_q, segment=segment).values("enterprise_id")
    return (
        enterprise_list(user=user)
        .filter(pk__in=member_ids)
        .order_by(F("revenue").desc(nulls_last=True), F("employees").desc(nulls_last=True), "name")
    )


def membership_list(*, user: Reader) -> QuerySet[Membership]:
    """Memberships of chains the user reads, of firms the user sees."""
    from chainlead.registry.selectors import enterprise_list

    return Membership.objects.filter(
        segment__chain__in=chain_list(user=user),
        enterprise__in=enterprise_list(user=user),
    ).select_related("enterprise", "segment", "segment__chain")


def membership_review_queue(*, user: Actor) -> QuerySet[Membership]:
    """The guesses waiting for `user`'s decision (a service may ask for its actor's queue;
    the platform, None, has none)."""
    access = access_for(user)
    qs = Membership.objects.filter(review_status=ReviewStatus.PENDING).select_related(
        "enterprise", "segment", "segment__chain"
    )
    if access.reads_everything:
        return qs
    if access.task_force_chain_ids:
        return qs.filter(segment__chain_id__in=access.task_force_chain_ids)
    return qs.none()


def membership_review_ranked(*, user: Reader) -> QuerySet[Membership]:
    """The review queue, the decisions that would change the chain map most first.

    `segment_accepted` is how many accepted firms the guess's segment has now: accepting a guess
    in an empty segment fills a missing link (缺链), in a one-firm segment it ends a weak one
    (弱链), elsewhere it adds one firm to many. Within a rank, the likelier guesses come first.
    """
    accepted = (
        Membership.objects.filter(
            segment_id=OuterRef("segment_id"), review_status=ReviewStatus.ACCEPTED
        )
        .order_by()
        .values("segment_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        membership_review_queue(user=user)
        .annotate(segment_accepted=Coalesce(Subquery(accepted), 0))
        .order_by(
            "segment_accepted",
            F("confidence").desc(nulls_last=True),
            "segment__chain__order",
            "segment__order",
            "enterprise__name",
        )
    )


def firm_memberships(*, enterprise: Enterprise) -> QuerySet[Membership]:
    """A visible firm's places in the chains (the firm being visible, so are they)."""
    return enterprise.memberships.select_related("segment__chain", "reviewed_by").order_by(
        "segment__chain__order", "segment__order"
    )
