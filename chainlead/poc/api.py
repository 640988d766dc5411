"""REST API of proof of concept (mounted under /api/v1/poc/): the same selectors, services and
permissions as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from chainlead.accounts.access import access_for
from chainlead.accounts.models import User
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.pagination import PageNumber
from chainlead.poc import selectors, services
from chainlead.poc.filtersets import ProjectFilterSet
from chainlead.poc.models import Centre, GateReview, Outcome, Project, ReviewAssignment
from chainlead.poc.permissions import (
    manages_some_projects,
    reads_centres,
    reads_figures,
    reads_projects,
    reviews,
)
from chainlead.poc.schemas import (
    CentreOut,
    DecideIn,
    DeclareIn,
    GateOpenIn,
    GateReviewOut,
    OutcomeIn,
    OutcomeOut,
    ProjectIn,
    ProjectOut,
    ReviewOut,
    ScoreIn,
)
from chainlead.registry.models import District, Industry

router = Router(tags=["poc"])


def _require(request: HttpRequest, check: Any) -> None:
    if not check(access_for(request.user)):
        raise PermissionDenied("You may not do this.")


@router.get("/centres", response=list[CentreOut])
def centre_list(request: HttpRequest) -> Any:
    _require(request, reads_centres)
    return selectors.centre_list(user=request.user)


@router.get("/centres/{centre_id}", response=CentreOut)
def centre_detail(request: HttpRequest, centre_id: int) -> Centre:
    _require(request, reads_centres)
    return selectors.centre_list(user=request.user).get(pk=centre_id)


@router.get("/projects", response=list[ProjectOut])
@paginate(PageNumber)
def project_list(
    request: HttpRequest,
    q: str = "",
    centre: int | None = None,
    stage: int | None = None,
    status: str = "",
    field: str = "",
) -> Any:
    _require(request, reads_projects)
    params = {
        "q": q,
        "centre": centre or "",
        "stage": stage or "",
        "status": status,
        "field": field,
    }
    filterset = ProjectFilterSet(params, queryset=selectors.project_list(user=request.user))
    return filterset.qs if filterset.is_valid() else Project.objects.none()


@router.get("/projects/{project_id}", response=ProjectOut)
def project_detail(request: HttpRequest, project_id: int) -> Project:
    _require(request, reads_projects)
    return selectors.project_get(user=request.user, pk=project_id)


@router.post("/projects", response={201: ProjectOut})
def project_submit(request: HttpRequest, payload: ProjectIn) -> Status[Project]:
    data = payload.dict()
    industry = data.pop("industry")
    project = services.project_submit(
        actor=request.user,
        industry=get_object_or_404(Industry, pk=industry) if industry else None,
        **data,
    )
    return Status(201, project)


@router.post("/projects/{project_id}/gate-reviews", response={201: GateReviewOut})
def gate_open(request: HttpRequest, project_id: int, payload: GateOpenIn) -> Status[GateReview]:
    _require(request, manages_some_projects)
    project = selectors.project_get(user=request.user, pk=project_id)
    reviewers = list(User.objects.filter(pk__in=payload.reviewer_ids))
    gate = services.gate_open(
        actor=request.user,
        project=project,
        reviewers=reviewers,
        today=timezone.localdate(),
        due_on=payload.due_on,
    )
    return Status(201, gate)


@router.get("/gate-reviews/{gate_id}", response=GateReviewOut)
def gate_detail(request: HttpRequest, gate_id: int) -> GateReview:
    _require(request, reads_figures)
    return selectors.gate_review_list(user=request.user).get(pk=gate_id)


@router.post("/gate-reviews/{gate_id}/decide", response=GateReviewOut)
def gate_decide(request: HttpRequest, gate_id: int, payload: DecideIn) -> GateReview:
    _require(request, manages_some_projects)
    gate = selectors.gate_review_list(user=request.user).get(pk=gate_id)
    return services.gate_decide(
        actor=request.user,
        gate_review=gate,
        decision=payload.decision,
        reasons=payload.reasons,
        today=timezone.localdate(),
        trl=payload.trl,
    )


@router.get("/reviews", response=list[ReviewOut])
def review_list(request: HttpRequest) -> Any:
    _require(request, reviews)
    return selectors.assignment_list(user=request.user)


@router.get("/reviews/{review_id}", response=ReviewOut)
def review_detail(request: HttpRequest, review_id: int) -> ReviewAssignment:
    _require(request, reviews)
    return selectors.assignment_list(user=request.user).get(pk=review_id)


@router.post("/reviews/{review_id}/declare", response=ReviewOut)
def review_declare(request: HttpRequest, review_id: int, payload: DeclareIn) -> ReviewAssignment:
    _require(request, reviews)
    assignment = selectors.assignment_list(user=request.user).get(pk=review_id)
    return services.review_declare(
        actor=request.user,
        assignment=assignment,
        institution=payload.institution,
        no_conflict=payload.no_conflict,
    )


@router.post("/reviews/{review_id}/score", response=ReviewOut)
def review_score(request: HttpRequest, review_id: int, payload: ScoreIn) -> ReviewAssignment:
    _require(request, reviews)
    assignment = selectors.assignment_list(user=request.user).get(pk=review_id)
    return services.review_score(actor=request.user, assignment=assignment, **payload.dict())


@router.get("/projects/{project_id}/outcomes", response=list[OutcomeOut])
def outcome_list(request: HttpRequest, project_id: int) -> Any:
    _require(request, reads_projects)
    return selectors.project_get(user=request.user, pk=project_id).outcomes.all()


@router.post("/projects/{project_id}/outcomes", response={201: OutcomeOut})
def outcome_record(request: HttpRequest, project_id: int, payload: OutcomeIn) -> Status[Outcome]:
    _require(request, manages_some_projects)
    project = selectors.project_get(user=request.user, pk=project_id)
    district = None
    if payload.district:
        district = District.objects.filter(name=payload.district).first() or get_object_or_404(
            District, code=payload.district
        )
    outcome: Outcome = services.outcome_record(
        actor=request.user,
        project=project,
        kind=payload.kind,
        on=payload.on,
        reason=payload.reason,
        counterparty=payload.counterparty,
        district=district,
        credit_code=payload.credit_code,
    )
    return Status(201, outcome)


@router.get("/survival")
def survival(request: HttpRequest, centre: str = "", field: str = "") -> dict[str, Any]:
    """The survival figures of the projects the reader sees (as the survival page)."""
    _require(request, reads_figures)
    from chainlead.poc import figures  # pandas and scipy: loaded by the calls that use them

    projects = figures.filter_projects(
        selectors.project_list(user=request.user), centre=centre, field=field
    )
    return figures.survival_report(projects, as_of=timezone.localdate())
