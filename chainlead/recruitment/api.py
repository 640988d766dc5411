"""REST API of the recruitment pipeline (mounted under /api/v1/recruitment/)."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import PageNumberPagination, paginate

from chainlead.chains.models import Chain, Segment
from chainlead.recruitment import selectors, services
from chainlead.recruitment.filtersets import TargetFilterSet
from chainlead.recruitment.models import Target
from chainlead.recruitment.schemas import LandIn, LandOut, MoveIn, TargetIn, TargetOut
from chainlead.registry.models import District

router = Router(tags=["recruitment"])


@router.get("/targets", response=list[TargetOut])
@paginate(PageNumberPagination, page_size=50)
def target_list(
    request: HttpRequest,
    q: str = "",
    chain: int | None = None,
    stage: str = "",
    location: str = "",
) -> Any:
    params = {"q": q, "chain": chain or "", "stage": stage, "location": location}
    filterset = TargetFilterSet(params, queryset=selectors.target_list(user=request.user))
    return filterset.qs if filterset.is_valid() else Target.objects.none()


@router.get("/targets/{target_id}", response=TargetOut)
def target_detail(request: HttpRequest, target_id: int) -> Target:
    return selectors.target_list(user=request.user).get(pk=target_id)


@router.post("/targets", response={201: TargetOut})
def target_create(request: HttpRequest, payload: TargetIn) -> Status:
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
