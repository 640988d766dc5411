"""REST API of the registry app (mounted under /api/v1/registry/ by config/api.py).

Reads go through `registry.selectors` (restricted to the user: a firm out of scope is a 404) and
writes through `registry.services` (which refuse with PermissionDenied, a 403).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from chainlead.core.exceptions import ConcurrentEditError
from chainlead.core.pagination import PageNumber
from chainlead.registry import selectors, services
from chainlead.registry.filtersets import EnterpriseFilterSet
from chainlead.registry.models import District, Enterprise, EnterpriseIndicator, Industry
from chainlead.registry.schemas import (
    DistrictOut,
    EnterpriseFilters,
    EnterpriseIn,
    EnterpriseOut,
    EnterprisePatch,
    IndicatorIn,
    IndicatorOut,
    IndustryFilters,
    IndustryOut,
)

router = Router(tags=["registry"])


def _references(data: dict[str, Any]) -> dict[str, Any]:
    """Turn the ids of the input (district id, industry code) into objects; unknown ids → 422."""
    if data.get("district") is not None:
        district = District.objects.filter(pk=data["district"]).first()
        if district is None:
            raise ValidationError({"district": "Unknown district."})
        data["district"] = district
    if data.get("industry") is not None:
        industry = Industry.objects.filter(pk=data["industry"]).first()
        if industry is None:
            raise ValidationError({"industry": "Unknown GB/T 4754-2017 code."})
        data["industry"] = industry
    if "size_class" in data and data["size_class"] is None:
        data["size_class"] = ""
    return data


@router.get("/enterprises", response=list[EnterpriseOut])
@paginate(PageNumber)
def enterprise_list(
    request: HttpRequest, filters: Query[EnterpriseFilters]
) -> QuerySet[Enterprise]:
    """The firms you may see, filtered like the enterprise list page."""
    filterset = EnterpriseFilterSet(
        data=filters.dict(exclude_none=True), queryset=selectors.enterprise_list(user=request.user)
    )
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    matching: QuerySet[Enterprise] = filterset.qs  # django-filter is untyped
    return matching


@router.post("/enterprises", response={201: EnterpriseOut})
def enterprise_create(request: HttpRequest, payload: EnterpriseIn) -> Status[Enterprise]:
    enterprise = services.enterprise_create(
        actor=request.user, **_references(payload.dict(exclude_unset=True))
    )
    return Status(201, selectors.enterprise_get(user=request.user, pk=enterprise.pk))


@router.get("/enterprises/{enterprise_id}", response=EnterpriseOut)
def enterprise_detail(request: HttpRequest, enterprise_id: int) -> Enterprise:
    return selectors.enterprise_get(user=request.user, pk=enterprise_id)


@router.patch("/enterprises/{enterprise_id}", response=EnterpriseOut)
def enterprise_update(
    request: HttpRequest, enterprise_id: int, payload: EnterprisePatch
) -> Enterprise:
    """Change the fields sent. A `version` older than the stored one is refused with 409."""
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    services.enterprise_update(
        actor=request.user,
        enterprise=enterprise,
        expected_version=version,
        **_references(changes),
    )
    return selectors.enterprise_get(user=request.user, pk=enterprise_id)


@router.delete("/enterprises/{enterprise_id}", response={204: None})
def enterprise_delete(
    request: HttpRequest, enterprise_id: int, version: int | None = None
) -> Status[None]:
    """Delete a firm (city admins). With `?version=`, refuse (409) if it changed since."""
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    if version is not None and version != enterprise.version:
        raise ConcurrentEditError()
    services.enterprise_delete(actor=request.user, enterprise=enterprise)
    return Status(204, None)


@router.get("/enterprises/{enterprise_id}/indicators", response=list[IndicatorOut])
def indicator_list(request: HttpRequest, enterprise_id: int) -> QuerySet[EnterpriseIndicator]:
    """The firm's yearly figures, oldest first."""
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    return selectors.indicator_list(enterprise=enterprise)


@router.put("/enterprises/{enterprise_id}/indicators/{year}", response=IndicatorOut)
def indicator_set(
    request: HttpRequest, enterprise_id: int, year: int, payload: IndicatorIn
) -> EnterpriseIndicator:
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    return services.indicator_set(
        actor=request.user, enterprise=enterprise, year=year, **payload.dict()
    )


@router.get("/industries", response=list[IndustryOut])
@paginate(PageNumber)
def industry_list(request: HttpRequest, filters: Query[IndustryFilters]) -> QuerySet[Industry]:
    """GB/T 4754-2017: sections, divisions, groups and classes (a tree through `parent`)."""
    qs = selectors.industry_list()
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.parent:
        qs = qs.filter(parent_id=filters.parent.upper())
    if filters.q:
        qs = qs.filter(Q(code__startswith=filters.q.upper()) | Q(name__contains=filters.q))
    return qs


@router.get("/industries/{code}", response=IndustryOut)
def industry_detail(request: HttpRequest, code: str) -> Industry:
    if "\x00" in code:  # no code holds one, and PostgreSQL cannot compare it: not found
        raise Industry.DoesNotExist
    return selectors.industry_list().get(pk=code.upper())


@router.get("/districts", response=list[DistrictOut])
def district_list(request: HttpRequest) -> QuerySet[District]:
    return selectors.district_list()
