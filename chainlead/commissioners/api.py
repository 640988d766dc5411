"""REST API of the commissioners app (mounted under /api/v1/commissioners/): the same
selectors, services and permissions as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from chainlead.accounts.access import access_for
from chainlead.chains.models import Segment
from chainlead.commissioners import selectors, services
from chainlead.commissioners.evaluation import evaluation_rows
from chainlead.commissioners.models import (
    Assignment,
    Commissioner,
    MatchingRun,
    ProposedPair,
    ServiceLog,
)
from chainlead.commissioners.permissions import (
    manages_commissioners,
    reads_commissioners,
    reads_evaluations,
    reads_matchings,
)
from chainlead.commissioners.schemas import (
    AnswerIn,
    ApproveIn,
    AssignmentIn,
    AssignmentOut,
    CommissionerIn,
    CommissionerOut,
    DecideIn,
    EndIn,
    EvaluationOut,
    LogIn,
    LogOut,
    MatchingIn,
    MatchingOut,
    PairOut,
)
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.pagination import PageNumber
from chainlead.registry.models import District, Enterprise, Industry

router = Router(tags=["commissioners"])
# The years an evaluation can be asked for (the page has the same bounds).
MIN_YEAR, MAX_YEAR = 2000, 2100


def _require(check: Any, request: HttpRequest) -> None:
    if not check(access_for(request.user)):
        raise PermissionDenied("You may not see this.")


@router.get("/commissioners", response=list[CommissionerOut])
@paginate(PageNumber)
def commissioner_list(request: HttpRequest, q: str = "") -> Any:
    _require(reads_commissioners, request)
    qs = selectors.commissioner_list(user=request.user)
    return qs.filter(name__icontains=q) if q else qs


@router.get("/commissioners/{commissioner_id}", response=CommissionerOut)
def commissioner_detail(request: HttpRequest, commissioner_id: int) -> Commissioner:
    _require(reads_commissioners, request)
    return selectors.commissioner_get(user=request.user, pk=commissioner_id)


@router.post("/commissioners", response={201: CommissionerOut})
def commissioner_create(request: HttpRequest, payload: CommissionerIn) -> Status[Commissioner]:
    district = get_object_or_404(District, name=payload.district) if payload.district else None
    created = services.commissioner_create(
        actor=request.user,
        kind=payload.kind,
        name=payload.name,
        home_institution=payload.home_institution,
        district=district,
        contact=payload.contact,
        industries=Industry.objects.filter(code__in=payload.industry_codes),
        segments=Segment.objects.filter(pk__in=payload.segment_ids),
        keywords=payload.keywords,
        capacity=payload.capacity,
        service_start=payload.service_start,
        service_end=payload.service_end,
    )
    return Status(201, created)


@router.get("/assignments", response=list[AssignmentOut])
@paginate(PageNumber)
def assignment_list(request: HttpRequest) -> Any:
    _require(reads_commissioners, request)
    return selectors.assignment_list(user=request.user)


@router.get("/assignments/{assignment_id}", response=AssignmentOut)
def assignment_detail(request: HttpRequest, assignment_id: int) -> Assignment:
    _require(reads_commissioners, request)
    return selectors.assignment_get(user=request.user, pk=assignment_id)


@router.post("/assignments", response={201: AssignmentOut})
def assignment_create(request: HttpRequest, payload: AssignmentIn) -> Status[Assignment]:
    if not manages_commissioners(access_for(request.user)):
        raise PermissionDenied(_("Only a city administrator manages commissioners."))
    created = services.assignment_create(
        actor=request.user,
        commissioner=Commissioner.objects.get(pk=payload.commissioner_id),
        enterprise=Enterprise.objects.get(pk=payload.enterprise_id),
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        reason=payload.reason,
    )
    return Status(201, created)


@router.post("/assignments/{assignment_id}/end", response=AssignmentOut)
def assignment_end(request: HttpRequest, assignment_id: int, payload: EndIn) -> Assignment:
    assignment = selectors.assignment_get(user=request.user, pk=assignment_id)
    return services.assignment_end(
        actor=request.user, assignment=assignment, on=payload.on, reason=payload.reason
    )


@router.get("/logs", response=list[LogOut])
@paginate(PageNumber)
def log_list(request: HttpRequest) -> Any:
    _require(reads_commissioners, request)
    return selectors.log_list(user=request.user).prefetch_related("requests")


@router.get("/logs/{log_id}", response=LogOut)
def log_detail(request: HttpRequest, log_id: int) -> Any:
    _require(reads_commissioners, request)
    return selectors.log_get(user=request.user, pk=log_id)


@router.post("/assignments/{assignment_id}/logs", response={201: LogOut})
def log_create(request: HttpRequest, assignment_id: int, payload: LogIn) -> Status[ServiceLog]:
    from chainlead.requests.models import EnterpriseRequest

    assignment = selectors.assignment_get(user=request.user, pk=assignment_id)
    log = services.log_create(
        actor=request.user,
        assignment=assignment,
        mode=payload.mode,
        served_on=payload.served_on,
        hours=payload.hours,
        work_done=payload.work_done,
        solved=payload.solved,
        requests=EnterpriseRequest.objects.filter(pk__in=payload.request_ids),
    )
    return Status(201, log)


@router.post("/logs/{log_id}/answer", response=LogOut)
def log_answer(request: HttpRequest, log_id: int, payload: AnswerIn) -> Any:
    log = selectors.log_get(user=request.user, pk=log_id)
    return services.log_answer(
        actor=request.user,
        log=log,
        confirm=payload.confirm,
        rating=payload.rating,
        comment=payload.comment,
    )


@router.post("/logs/{log_id}/approve", response=LogOut)
def log_approve(request: HttpRequest, log_id: int, payload: ApproveIn) -> Any:
    log = selectors.log_get(user=request.user, pk=log_id)
    return services.log_approve(
        actor=request.user, log=log, approve=payload.approve, note=payload.note
    )


@router.get("/evaluations", response=list[EvaluationOut])
def evaluation_list(
    request: HttpRequest, year: int | None = None, district_id: int | None = None
) -> list[dict[str, Any]]:
    _require(reads_evaluations, request)
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:  # as the evaluation page
        raise ValidationError({"year": f"A year from {MIN_YEAR} to {MAX_YEAR}."})
    rows = evaluation_rows(
        user=request.user, year=year or timezone.localdate().year, district_id=district_id
    )
    return [
        {
            "commissioner_id": r.commissioner.pk,
            "commissioner": r.commissioner.name,
            "district": r.district_name,
            "firms_served": r.firms_served,
            "hours": r.hours,
            "requests_closed": r.requests_closed,
            "rating_mean": r.rating_mean,
            "disputed_logs": r.disputed_logs,
            "terms": r.terms,
            "score": r.score,
            "district_rank": r.district_rank,
        }
        for r in rows
    ]


@router.get("/matchings", response=list[MatchingOut])
@paginate(PageNumber)
def matching_list(request: HttpRequest) -> Any:
    _require(reads_matchings, request)
    return selectors.run_list(user=request.user)


@router.get("/matchings/{run_id}", response=MatchingOut)
def matching_detail(request: HttpRequest, run_id: int) -> MatchingRun:
    _require(reads_matchings, request)
    return selectors.run_get(user=request.user, pk=run_id)


@router.post("/matchings", response={201: MatchingOut})
def matching_create(request: HttpRequest, payload: MatchingIn) -> Status[MatchingRun]:
    district = District.objects.get(pk=payload.district_id) if payload.district_id else None
    return Status(201, services.matching_run_create(actor=request.user, district=district))


@router.get("/matchings/{run_id}/pairs", response=list[PairOut])
@paginate(PageNumber)
def pair_list(request: HttpRequest, run_id: int, decision: str = "") -> Any:
    _require(reads_matchings, request)
    run = selectors.run_get(user=request.user, pk=run_id)
    return selectors.pair_list(run=run, decision=decision)


@router.post("/pairs/{pair_id}/decide", response=PairOut)
def pair_decide(request: HttpRequest, pair_id: int, payload: DecideIn) -> ProposedPair:
    _require(reads_matchings, request)
    pair = selectors.pair_get(user=request.user, pk=pair_id)
    if payload.commissioner_id is not None:
        return services.pair_change(
            actor=request.user,
            pair=pair,
            commissioner=Commissioner.objects.get(pk=payload.commissioner_id),
            note=payload.note,
        )
    return services.pair_decide(
        actor=request.user, pair=pair, accept=payload.accept, note=payload.note
    )
