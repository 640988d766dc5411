"""REST API of the recruitment pipeline (mounted under /api/v1/recruitment/)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from chainlead import analytics
from chainlead.accounts.access import access_for
from chainlead.chains.models import Chain, Segment
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.pagination import PageNumber
from chainlead.recruitment import analysis, selectors, services
from chainlead.recruitment.filtersets import TargetFilterSet
from chainlead.recruitment.models import AnalysisRun, Target
from chainlead.recruitment.permissions import (
    ranks_segment,
    reads_segment_ranking,
    starts_complexity_run,
)
from chainlead.recruitment.schemas import (
    AnalysisRunOut,
    ComplexityIn,
    LandIn,
    LandOut,
    MoveBackIn,
    MoveIn,
    OpportunityOut,
    TargetIn,
    TargetOut,
)
from chainlead.registry.models import District

router = Router(tags=["recruitment"])


@router.get("/targets", response=list[TargetOut])
@paginate(PageNumber)
def target_list(
    request: HttpRequest,
    q: str = "",
    chain: int | None = None,
    stage: str = "",
    location: str = "",
) -> Any:
    params = {"q": q, "chain": chain or "", "stage": stage, "location": location}
    filterset = TargetFilterSet(params, queryset=selectors.target_list(user=request.user))
    if not filterset.is_valid():  # e.g. a NUL in `q`: say so (422), as the other lists do
        raise ValidationError(filterset.errors)
    return filterset.qs


@router.get("/targets/{target_id}", response=TargetOut)
def target_detail(request: HttpRequest, target_id: int) -> Target:
    return selectors.target_list(user=request.user).get(pk=target_id)


@router.post("/targets", response={201: TargetOut})
def target_create(request: HttpRequest, payload: TargetIn) -> Status[Target]:
    chain = get_object_or_404(Chain, slug=payload.chain)
    segment = (
        get_object_or_404(Segment, chain=chain, slug=payload.segment) if payload.segment else None
    )
    target = services.target_create(
        actor=request.user,
        chain_id=chain.pk,
        name=payload.name,
        location=payload.location,
        segment=segment,
        employees=payload.employees,
        main_business=payload.main_business,
        owner=request.user,
    )
    return Status(201, target)


@router.post("/targets/{target_id}/move", response=TargetOut)
def target_move(request: HttpRequest, target_id: int, payload: MoveIn) -> Target:
    target = selectors.target_list(user=request.user).get(pk=target_id)
    return services.target_move(
        actor=request.user,
        target=target,
        to_stage=payload.to_stage,
        note=payload.note,
        lost_reason=payload.lost_reason,
    )


@router.post("/targets/{target_id}/move-back", response=TargetOut)
def target_move_back(request: HttpRequest, target_id: int, payload: MoveBackIn) -> Target:
    """Back one stage, with the reason (kept in the stage history)."""
    target = selectors.target_list(user=request.user).get(pk=target_id)
    return services.target_move_back(actor=request.user, target=target, reason=payload.reason)


@router.post("/targets/{target_id}/land", response=LandOut)
def target_land(request: HttpRequest, target_id: int, payload: LandIn) -> dict[str, int]:
    target = selectors.target_list(user=request.user).get(pk=target_id)
    district = District.objects.filter(name=payload.district).first() or get_object_or_404(
        District, code=payload.district
    )
    firm = services.target_land(
        actor=request.user,
        target=target,
        district=district,
        landed_on=payload.landed_on,
        credit_code=payload.credit_code,
    )
    return {"target_id": target.pk, "enterprise_id": firm.pk}


# --- Analytics results ----------------------------------------------------------------------------


def _require_analytics_reader(request: HttpRequest) -> None:
    if not analysis.reads_analytics(request.user):
        raise PermissionDenied("You may not see the analytics.")


@router.get("/complexity", response=AnalysisRunOut)
def complexity_latest(request: HttpRequest, level: str = "city") -> AnalysisRun:
    """The latest complexity run at `level` (province, city or district), with its snapshot."""
    _require_analytics_reader(request)
    run = analysis.latest_complexity_run(level=level)
    if run is None:
        raise Http404("Nothing computed at this level yet.")
    return run


@router.post("/complexity", response={201: AnalysisRunOut})
def complexity_compute(request: HttpRequest, payload: ComplexityIn) -> Status[AnalysisRun]:
    """Recompute the city's complexity analysis (city admins only: it steers every chain)."""
    if not starts_complexity_run(access_for(request.user)):
        raise PermissionDenied("Only a city admin starts the city's complexity analysis.")
    if payload.level not in analysis.LEVELS:
        raise ValidationError({"level": f"one of {', '.join(analysis.LEVELS)}"})
    try:
        run = analysis.complexity_run_create(
            actor=request.user,
            level=payload.level,  # type: ignore[arg-type]
            year=payload.year,
            industry_level=payload.industry_level,
            weight=payload.weight,
        )
    except analytics.AnalyticsError as exc:
        raise ValidationError(str(exc)) from exc
    return Status(201, run)


@router.get("/opportunities", response=list[OpportunityOut])
def opportunities(
    request: HttpRequest, level: str = "city", region: str = ""
) -> list[dict[str, Any]]:
    """The missing and weak segments of every chain, most feasible first."""
    _require_analytics_reader(request)
    run = analysis.latest_complexity_run(level=level)
    if run is None:
        raise Http404("Nothing computed at this level yet.")
    regions = analysis.regions_of_interest(level)
    region = region or (regions[0] if regions else "")
    if region not in regions:
        raise Http404("Unknown region.")
    found = analysis.segment_opportunities(
        user=request.user, run=run, region=region, chains=Chain.objects.prefetch_related("segments")
    )
    return [
        {
            "chain": o.chain.slug,
            "segment": o.segment.slug,
            "segment_name": o.segment.name,
            "status": o.status,
            "firms": o.firms,
            "density": o.density,
            "cog": o.cog,
            "rca": o.rca,
            "industries": o.industries,
        }
        for o in found
    ]


def _chain_segment(request: HttpRequest, chain: str, segment: str) -> tuple[Chain, Segment]:
    access = access_for(request.user)
    found = Chain.objects.filter(slug=chain).first()
    if found is None or not reads_segment_ranking(access, found.pk):
        raise Http404("Unknown chain.")
    return found, get_object_or_404(Segment, chain=found, slug=segment)


@router.get("/rankings/{chain}/{segment}", response=AnalysisRunOut)
def ranking_latest(request: HttpRequest, chain: str, segment: str) -> AnalysisRun:
    found, seg = _chain_segment(request, chain, segment)
    run = (
        AnalysisRun.objects.filter(
            kind=AnalysisRun.Kind.RANKING, params__chain=found.slug, params__segment=seg.slug
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if run is None:
        raise Http404("Not ranked yet.")
    return run


@router.post("/rankings/{chain}/{segment}", response={201: AnalysisRunOut})
def ranking_compute(request: HttpRequest, chain: str, segment: str) -> Status[AnalysisRun]:
    found, seg = _chain_segment(request, chain, segment)
    if not ranks_segment(access_for(request.user), found.pk):
        raise PermissionDenied("Only the chain's task force ranks its candidates.")
    return Status(201, analysis.ranking_run_create(actor=request.user, chain=found, segment=seg))
