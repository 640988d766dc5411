"""REST API of programs (mounted under /api/v1/programs/): the same selectors, services and
permissions as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from chainlead.accounts.access import access_for
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.pagination import PageNumber
from chainlead.programs import selectors, services
from chainlead.programs.filtersets import ApplicationFilterSet
from chainlead.programs.models import Application, Assignment, Award, ConflictDeclaration, Program
from chainlead.programs.permissions import (
    applies,
    awards_money,
    reads_applications,
    reads_awards,
    reads_programs,
    reviews,
)
from chainlead.programs.schemas import (
    ApplicationIn,
    ApplicationOut,
    AwardIn,
    AwardOut,
    DeclarationIn,
    DeclarationOut,
    ProgramOut,
    ReviewOut,
    RoundOut,
    ScoreIn,
)
from chainlead.registry.models import Enterprise

router = Router(tags=["programs"])


def _require(request: HttpRequest, check: Any) -> None:
    if not check(access_for(request.user)):
        raise PermissionDenied("You may not do this.")


@router.get("/programs", response=list[ProgramOut])
def program_list(request: HttpRequest) -> Any:
    """Every program: `slug`, `name`, `kind` and `award_cap` (CNY per recipient)."""
    _require(request, reads_programs)
    return selectors.program_list(user=request.user)


@router.get("/programs/{slug}", response=ProgramOut)
def program_detail(request: HttpRequest, slug: str) -> Program:
    _require(request, reads_programs)
    return selectors.program_by_slug(user=request.user, slug=slug)


@router.get("/programs/{slug}/rounds", response=list[RoundOut])
def round_list(request: HttpRequest, slug: str) -> Any:
    _require(request, reads_programs)
    program = selectors.program_by_slug(user=request.user, slug=slug)
    return selectors.round_list(user=request.user).filter(program=program)


@router.get("/applications", response=list[ApplicationOut])
@paginate(PageNumber)
def application_list(
    request: HttpRequest, q: str = "", program: int | None = None, status: str = ""
) -> Any:
    _require(request, reads_applications)
    params = {"q": q, "program": program or "", "status": status}
    filterset = ApplicationFilterSet(params, queryset=selectors.application_list(user=request.user))
    return filterset.qs if filterset.is_valid() else Application.objects.none()


@router.get("/applications/{application_id}", response=ApplicationOut)
def application_detail(request: HttpRequest, application_id: int) -> Application:
    _require(request, reads_applications)
    return selectors.application_get(user=request.user, pk=application_id)


@router.post("/applications", response={201: ApplicationOut})
def application_create(request: HttpRequest, payload: ApplicationIn) -> Status[Application]:
    """A draft for the caller's firm."""
    _require(request, applies)
    round_ = selectors.round_list(user=request.user).get(pk=payload.round)
    firm = Enterprise.objects.get(pk=min(access_for(request.user).enterprise_ids))
    application = services.application_create(
        actor=request.user,
        round_=round_,
        enterprise=firm,
        title=payload.title,
        institution=payload.institution,
        team=payload.team,
        data=payload.data,
    )
    return Status(201, application)


@router.post("/applications/{application_id}/submit", response=ApplicationOut)
def application_submit(request: HttpRequest, application_id: int) -> Application:
    _require(request, applies)
    application = selectors.application_get(user=request.user, pk=application_id)
    return services.application_submit(actor=request.user, application=application)


@router.post("/applications/{application_id}/withdraw", response=ApplicationOut)
def application_withdraw(request: HttpRequest, application_id: int) -> Application:
    _require(request, applies)
    application = selectors.application_get(user=request.user, pk=application_id)
    return services.application_withdraw(actor=request.user, application=application)


@router.post("/panels/{panel_id}/declarations", response={201: DeclarationOut})
def declaration_create(
    request: HttpRequest, panel_id: int, payload: DeclarationIn
) -> Status[ConflictDeclaration]:
    _require(request, reviews)
    panel = selectors.panel_list_to_declare(user=request.user).get(pk=panel_id)
    application = panel.round.applications.get(pk=payload.application)
    declaration: ConflictDeclaration = services.conflict_declare(
        actor=request.user,
        panel=panel,
        application=application,
        conflict=payload.conflict,
        institution=payload.institution,
        relation=payload.relation,
    )
    return Status(201, declaration)


@router.get("/reviews", response=list[ReviewOut])
def review_list(request: HttpRequest) -> Any:
    """The reviews assigned to the caller (a reviewer); only those."""
    _require(request, reviews)
    return selectors.assignment_list(user=request.user)


@router.post("/reviews/{review_id}/score", response=ReviewOut)
def review_score(request: HttpRequest, review_id: int, payload: ScoreIn) -> Assignment:
    _require(request, reviews)
    assignment = selectors.assignment_list(user=request.user).get(pk=review_id)
    return services.review_score(
        actor=request.user, assignment=assignment, scores=payload.scores, comment=payload.comment
    )


@router.get("/awards", response=list[AwardOut])
@paginate(PageNumber)
def award_list(request: HttpRequest) -> Any:
    _require(request, reads_awards)
    return selectors.award_list(user=request.user)


@router.get("/awards/{award_id}", response=AwardOut)
def award_detail(request: HttpRequest, award_id: int) -> Award:
    _require(request, reads_awards)
    return selectors.award_list(user=request.user).get(pk=award_id)


@router.post("/awards", response={201: AwardOut})
def award_create(request: HttpRequest, payload: AwardIn) -> Status[Award]:
    """Award an application's firm (finance officers); refused above a cap or the line."""
    _require(request, awards_money)
    application = selectors.application_get(user=request.user, pk=payload.application)
    tier = application.round.program.tiers.get(pk=payload.tier) if payload.tier else None
    award = services.award_make(
        actor=request.user,
        round_=application.round,
        enterprise=application.enterprise,
        amount=payload.amount,
        tier=tier,
        application=application,
        today=timezone.localdate(),
    )
    return Status(201, award)
