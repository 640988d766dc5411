"""Reads of the overview: the city (or district) at a glance, and a firm's file (一企一档).

Every figure comes from the owning app's selectors, restricted to the reader: the chain maps
(chains), the five ones (governance), the requests' figures (requests), the recruitment
pipeline (recruitment) and the fund's position (funds). The overview computes nothing of its
own but the grouping; it caches the result per reader on the data versions it reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import timezone, translation

from chainlead.accounts.access import Access, access_for
from chainlead.accounts.types import Reader
from chainlead.chains.choices import ReviewStatus
from chainlead.chains.models import Membership
from chainlead.chains.permissions import map_district_ids
from chainlead.chains.selectors import CHAINS_DATA, chain_list, chain_map_summary, data_version
from chainlead.core.caching import versions
from chainlead.funds.constants import FUNDS_DATA
from chainlead.governance.constants import GOVERNANCE_DATA
from chainlead.governance.selectors import FiveOnes, five_ones_cached, readable_chain_ids
from chainlead.overview.constants import (
    CACHE_SECONDS,
    OVERVIEW_DATA,
    RECRUITMENT_DATA,
    REQUEST_PERIOD_DAYS,
)
from chainlead.overview.models import FirmTag
from chainlead.registry.models import District, Enterprise
from chainlead.registry.services import REGISTRY_DATA
from chainlead.requests.constants import REQUESTS_DATA
from chainlead.requests.selectors import RequestFigures, request_figures, request_figures_by

WAN = 10_000


def may_open(access: Access, url_name: str) -> bool:
    """Whether `access` passes the permission the view of `url_name` declares (so the overview
    links only to pages that let the reader in, as the menu does)."""
    try:
        view = resolve(reverse(url_name)).func
    except NoReverseMatch:
        return False
    check: Callable[[Access], bool] | None = getattr(view, "permission_check", None)
    return check is None or check(access)


@dataclass(frozen=True)
class ChainLine:
    """One chain on the overview."""

    chain_id: int
    slug: str
    name: str
    segments: int
    present: int
    weak: int
    missing: int
    firms: int
    # Firms of the chain whose district is unknown (counted only for a district's reader).
    unknown_district: int = 0
    five: FiveOnes | None = None
    governance_link: bool = False
    requests: RequestFigures | None = None

    @property
    def coverage_percent(self) -> int:
        return round(100 * self.present / self.segments) if self.segments else 0

    @property
    def coverage_unknown(self) -> bool:
        """No firm of the district is known on the chain, but some firms' districts are not
        known: the map cannot say the segments are missing."""
        return self.firms == 0 and self.unknown_district > 0


@dataclass(frozen=True)
class DepartmentLine:
    department_id: int
    name: str
    figures: RequestFigures


@dataclass(frozen=True)
class FunnelStage:
    stage: str
    label: str
    count: int


@dataclass(frozen=True)
class FundLine:
    fund_id: int
    name: str
    appropriated: Any
    committed: Any
    paid: Any
    available: Any
    synthetic: bool

    # The amounts in 万元 (10,000 CNY), as officials read them.
    @property
    def appropriated_wan(self) -> Any:
        return self.appropriated / WAN

    @property
    def committed_wan(self) -> Any:
        return self.committed / WAN

    @property
    def paid_wan(self) -> Any:
        return self.paid / WAN

    @property
    def available_wan(self) -> Any:
        return self.available / WAN


@dataclass
class Overview:
    """The city (or the reader's districts) at a glance."""

    today: dt.date
    period_start: dt.date
    district_names: list[str]
    chains: list[ChainLine]
    unknown_district_firms: int = 0
    requests: RequestFigures | None = None
    departments: list[DepartmentLine] = field(default_factory=list)
    funnel: list[FunnelStage] | None = None
    funds: list[FundLine] | None = None
    share_warnings: list[Any] = field(default_factory=list)

    @property
    def full_chains(self) -> int:
        return sum(1 for c in self.chains if c.segments and not c.missing)

    @property
    def complete_five_ones(self) -> int:
        return sum(1 for c in self.chains if c.five is not None and c.five.complete)

    @property
    def funnel_total(self) -> int:
        return sum(s.count for s in self.funnel or [])


def overview_versions() -> str:
    """The data versions the overview reads, in one query."""
    return versions(
        REGISTRY_DATA,
        CHAINS_DATA,
        GOVERNANCE_DATA,
        REQUESTS_DATA,
        FUNDS_DATA,
        RECRUITMENT_DATA,
        OVERVIEW_DATA,
    )


def _unknown_district_counts(chain_ids: list[int]) -> dict[int, int]:
    """Per chain, the city's firms on it whose district is not recorded."""
    rows = (
        Membership.objects.filter(
            segment__chain_id__in=chain_ids,
            review_status=ReviewStatus.ACCEPTED,
            enterprise__district__isnull=True,
            enterprise__city=settings.CHAINLEAD_CITY_NAME,
        )
        .values("segment__chain_id")
        .annotate(n=Count("enterprise_id", distinct=True))
        .values_list("segment__chain_id", "n")
    )
    return dict(rows)


def _chain_firm_counts(chain_ids: list[int], district_ids: frozenset[int] | None) -> dict[int, int]:
    """Per chain, its distinct firms (a firm in two segments counts once)."""
    q = Q(segment__chain_id__in=chain_ids, review_status=ReviewStatus.ACCEPTED)
    if district_ids is not None:
        q &= Q(enterprise__district_id__in=district_ids)
    rows = (
        Membership.objects.filter(q)
        .values("segment__chain_id")
        .annotate(n=Count("enterprise_id", distinct=True))
        .values_list("segment__chain_id", "n")
    )
    return dict(rows)


def _chains(
    user: Reader, access: Access, requests: dict[int, RequestFigures] | None
) -> tuple[list[ChainLine], int]:
    chains = list(chain_list(user=user).order_by("pk"))
    ids = [c.pk for c in chains]
    version = data_version()
    districts = map_district_ids(access)
    firms = _chain_firm_counts(ids, districts)
    unknown = _unknown_district_counts(ids) if districts is not None else {}
    fives = five_ones_cached(ids)
    governed = readable_chain_ids(user)
    lines = []
    for chain in chains:
        summary = chain_map_summary(user=user, chain=chain, version=version)
        lines.append(
            ChainLine(
                chain_id=chain.pk,
                slug=chain.slug,
                name=chain.label,
                segments=len(summary.segments),
                present=summary.present,
                weak=summary.weak,
                missing=summary.missing,
                firms=firms.get(chain.pk, 0),
                unknown_district=unknown.get(chain.pk, 0),
                five=fives.get(chain.pk),
                governance_link=governed is None or chain.pk in governed,
                requests=(requests or {}).get(chain.pk),
            )
        )
    unknown_total = 0
    if districts is not None:
        unknown_total = (
            Enterprise.objects.filter(city=settings.CHAINLEAD_CITY_NAME, district__isnull=True)
            .filter(memberships__review_status=ReviewStatus.ACCEPTED)
            .distinct()
            .count()
        )
    return lines, unknown_total


def _funnel(user: Reader) -> list[FunnelStage]:
    from chainlead.recruitment.choices import PIPELINE, Stage
    from chainlead.recruitment.selectors import target_list

    counts = dict(
        target_list(user=user)
        .order_by()
        .values("stage")
        .annotate(n=Count("pk"))
        .values_list("stage", "n")
    )
    return [FunnelStage(str(s), str(s.label), counts.get(s, 0)) for s in [*PIPELINE, Stage.LOST]]


def _funds(user: Reader, today: dt.date) -> tuple[list[FundLine], list[Any]]:
    from chainlead.funds.permissions import reads_all_funds
    from chainlead.funds.selectors import fund_list, fund_position, share_warnings

    lines = []
    funds = fund_list(user=user).filter(fiscal_year=today.year)
    for fund in funds:
        position = fund_position(fund)
        lines.append(
            FundLine(
                fund_id=fund.pk,
                name=fund.name,
                appropriated=position.appropriated,
                committed=position.committed,
                paid=position.paid,
                available=position.available,
                synthetic=fund.provenance == "synthetic",
            )
        )
    warnings = share_warnings() if reads_all_funds(access_for(user)) else []
    return lines, warnings


def compute_overview(*, user: Reader, today: dt.date) -> Overview:
    """The overview of what `user` may see on `today` (not cached)."""
    access = access_for(user)
    period_start = today - dt.timedelta(days=REQUEST_PERIOD_DAYS)
    reads_requests = may_open(access, "requests:request_list")
    by_chain: dict[int, RequestFigures] | None = None
    overview_requests = None
    departments: list[DepartmentLine] = []
    if reads_requests:
        by_chain = {
            chain.pk: figures
            for chain, figures in request_figures_by(
                user=user, group="chain", period_start=period_start, today=today
            )
        }
        overview_requests = request_figures(user=user, period_start=period_start, today=today)
        departments = [
            DepartmentLine(department.pk, department.name, figures)
            for department, figures in request_figures_by(
                user=user, group="department", period_start=period_start, today=today
            )
        ]
        departments.sort(key=lambda d: (-d.figures.open, d.name))
    chains, unknown_total = _chains(user, access, by_chain)
    districts = map_district_ids(access)
    overview = Overview(
        today=today,
        period_start=period_start,
        district_names=(
            [d.label for d in District.objects.filter(pk__in=districts)]
            if districts is not None
            else []
        ),
        chains=chains,
        unknown_district_firms=unknown_total,
        requests=overview_requests,
        departments=departments,
    )
    if may_open(access, "recruitment:target_list"):
        overview.funnel = _funnel(user)
    if may_open(access, "funds:position"):
        overview.funds, overview.share_warnings = _funds(user, today)
    return overview


def city_overview(*, user: Reader, today: dt.date | None = None) -> Overview:
    """`compute_overview`, cached per reader until a figure it reads changes or the day turns."""
    today = today or timezone.localdate()
    # Names are in the reader's language (English names where they exist): one entry per language.
    language = translation.get_language() or ""
    key = f"overview:{user.pk}:{overview_versions()}:{today.isoformat()}:{language}"
    cached: Overview | None = cache.get(key)
    if cached is not None:
        return cached
    result = compute_overview(user=user, today=today)
    cache.set(key, result, CACHE_SECONDS)
    return result


# --- the firm file ---------------------------------------------------------------------------


def firm_tags(*, enterprise: Enterprise) -> QuerySet[FirmTag]:
    """The firm's qualification tags (the reader already sees the firm's page)."""
    return FirmTag.objects.filter(enterprise=enterprise)


def firm_requests(*, user: Reader, enterprise: Enterprise) -> QuerySet[Any]:
    """The firm's requests that `user` may see, newest first."""
    from chainlead.requests.selectors import request_list

    return request_list(user=user).filter(enterprise=enterprise).order_by("-raised_at", "-pk")


def firm_policies(*, user: Reader, enterprise: Enterprise) -> list[Any]:
    """The policy items of the packages of the chains the firm is on (what it may benefit
    from), if the reader reads those chains' governance."""
    from chainlead.governance.models import PackageItem

    chain_ids = set(
        Membership.objects.filter(enterprise=enterprise, review_status=ReviewStatus.ACCEPTED)
        .values_list("segment__chain_id", flat=True)
        .distinct()
    )
    governed = readable_chain_ids(user)
    if governed is not None:
        chain_ids &= set(governed)
    items = (
        PackageItem.objects.filter(chain_id__in=chain_ids)
        .select_related("policy", "chain")
        .order_by("policy__title", "chain_id")
    )
    seen: dict[int, Any] = {}
    for item in items:
        seen.setdefault(item.policy_id, item)
    return list(seen.values())


def firm_awards(*, user: Reader, enterprise: Enterprise) -> QuerySet[Any]:
    """The program awards of the firm the reader may see."""
    from chainlead.programs.selectors import award_list

    return award_list(user=user).filter(enterprise=enterprise)


def firm_recruitment(*, user: Reader, enterprise: Enterprise) -> list[Any]:
    """The recruitment target the firm landed from, with its stage history, if the reader
    works on its chain."""
    from chainlead.recruitment.selectors import target_list

    return list(
        target_list(user=user)
        .filter(landed_enterprise=enterprise)
        .prefetch_related("stage_changes", "activities")
    )


def firm_contacts(*, enterprise: Enterprise) -> list[Any]:
    """The firm's users on the platform (its contacts), by name."""
    from chainlead.accounts.choices import Role
    from chainlead.accounts.models import User

    return list(
        User.objects.filter(grants__role=Role.ENTERPRISE, grants__enterprise=enterprise)
        .distinct()
        .order_by("display_name", "username")
    )


def firm_commissioners(*, user: Reader, enterprise: Enterprise) -> list[Any]:
    """The commissioners assigned to the firm, as far as the reader sees assignments."""
    from chainlead.commissioners.selectors import assignment_list

    return list(
        assignment_list(user=user).filter(enterprise=enterprise).select_related("commissioner")
    )


@dataclass(frozen=True)
class FirmFile:
    """The parts of a firm's file that the other apps hold, as far as the reader sees them."""

    tags: list[FirmTag]
    requests: list[Any]
    requests_total: int
    requests_open: int
    synthetic_request_ids: frozenset[int]
    policies: list[Any]
    awards: list[Any]
    recruitment: list[Any]
    contacts: list[Any]
    commissioners: list[Any]


FIRM_FILE_REQUESTS = 10


def firm_file(*, user: Reader, enterprise: Enterprise) -> FirmFile:
    """Everything the firm file (一企一档) adds to the firm's page, restricted to `user`."""
    from chainlead.requests.choices import OPEN_STATUSES
    from chainlead.requests.demo import SYNTHETIC_TAG

    requests = firm_requests(user=user, enterprise=enterprise)
    shown = list(requests[:FIRM_FILE_REQUESTS])
    counts = requests.order_by().aggregate(
        total=Count("pk"), open=Count("pk", filter=Q(status__in=OPEN_STATUSES))
    )
    return FirmFile(
        tags=list(firm_tags(enterprise=enterprise)),
        requests=shown,
        requests_total=counts["total"],
        requests_open=counts["open"],
        synthetic_request_ids=frozenset(
            requests.filter(pk__in=[r.pk for r in shown], tags__name=SYNTHETIC_TAG).values_list(
                "pk", flat=True
            )
        ),
        policies=firm_policies(user=user, enterprise=enterprise),
        awards=list(firm_awards(user=user, enterprise=enterprise)),
        recruitment=firm_recruitment(user=user, enterprise=enterprise),
        contacts=firm_contacts(enterprise=enterprise),
        commissioners=firm_commissioners(user=user, enterprise=enterprise),
    )
