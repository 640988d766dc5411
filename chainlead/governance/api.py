"""REST API of the governance app (mounted under /api/v1/governance/ by config/api.py).

The same selectors, services and permissions as the pages: city admins and auditors read every
chain, chain leaders and task forces their own; task forces and admins write; the chain leader
approves the plan.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from chainlead.chains.models import Chain
from chainlead.core.exceptions import PermissionDenied
from chainlead.governance import selectors, services
from chainlead.governance.models import Meeting, PolicyItem, WorkPlan
from chainlead.governance.schemas import (
    ActualIn,
    FiveOnesOut,
    MeetingDetailOut,
    MeetingIn,
    MeetingOut,
    PlanDetailOut,
    PlanIn,
    PlanOut,
    PlanTargetIn,
    PlanTargetOut,
    PolicyIn,
    PolicyOut,
)

router = Router(tags=["governance"])


def _require_reader(request: HttpRequest) -> None:
    if not selectors.reads_governance(request.user):
        raise PermissionDenied("You may not see chain governance.")


def _chain(request: HttpRequest, slug: str) -> Chain:
    _require_reader(request)
    return selectors.governed_chain_get(user=request.user, slug=slug)


def _targets(plan: WorkPlan) -> list[dict[str, Any]]:
    return [
        {
            "indicator": p.indicator,
            "label": p.label,
            "unit": p.unit,
            "target": p.target,
            "actual": p.actual.value,
            "actual_source": p.actual.source,
            "coverage": p.actual.coverage,
            "percent": p.percent,
        }
        for p in selectors.plan_progress(plan)
    ]


def _plan_detail(plan: WorkPlan) -> dict[str, Any]:
    return {**PlanOut.from_orm(plan).dict(), "targets": _targets(plan)}


@router.get("/chains/{slug}/five-ones", response=FiveOnesOut)
def five_ones(request: HttpRequest, slug: str, year: int | None = None) -> dict[str, Any]:
    chain = _chain(request, slug)
    five = selectors.five_ones(chain, year=year)
    return {
        "chain": chain.slug,
        "year": five.year,
        "leader": five.leader,
        "chain_map": five.chain,
        "task_force": five.task_force,
        "work_plan": five.work_plan,
        "policy_package": five.policy_package,
        "complete": five.complete,
        "missing": five.missing,
    }


@router.get("/plans", response=list[PlanOut])
def plan_list(
    request: HttpRequest, chain: str | None = None, year: int | None = None
) -> QuerySet[WorkPlan]:
    _require_reader(request)
    qs = selectors.plan_list(user=request.user)
    if chain:
        qs = qs.filter(chain__slug=chain)
    if year:
        qs = qs.filter(year=year)
    return qs


@router.post("/plans", response={201: PlanDetailOut})
def plan_create(request: HttpRequest, payload: PlanIn) -> Status[dict[str, Any]]:
    chain = _chain(request, payload.chain)
    plan = services.plan_create(
        actor=request.user,
        chain=chain,
        year=payload.year,
        title=payload.title,
        summary=payload.summary,
    )
    return Status(201, _plan_detail(plan))


@router.get("/plans/{plan_id}", response=PlanDetailOut)
def plan_detail(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    _require_reader(request)
    return _plan_detail(selectors.plan_get(user=request.user, pk=plan_id))


@router.post("/plans/{plan_id}/approve", response=PlanDetailOut)
def plan_approve(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    _require_reader(request)
    plan = services.plan_approve(
        actor=request.user, plan=selectors.plan_get(user=request.user, pk=plan_id)
    )
    return _plan_detail(plan)


@router.get("/plans/{plan_id}/targets", response=list[PlanTargetOut])
def target_list(request: HttpRequest, plan_id: int) -> list[dict[str, Any]]:
    _require_reader(request)
    return _targets(selectors.plan_get(user=request.user, pk=plan_id))


@router.post("/plans/{plan_id}/targets", response=list[PlanTargetOut])
def target_set(request: HttpRequest, plan_id: int, payload: PlanTargetIn) -> list[dict[str, Any]]:
    _require_reader(request)
    plan = selectors.plan_get(user=request.user, pk=plan_id)
    services.target_set(
        actor=request.user,
        plan=plan,
        indicator=payload.indicator,
        value=payload.value,
        note=payload.note,
    )
    return _targets(plan)


@router.post("/plans/{plan_id}/targets/{indicator}/actuals", response={201: list[PlanTargetOut]})
def actual_enter(
    request: HttpRequest, plan_id: int, indicator: str, payload: ActualIn
) -> Status[list[dict[str, Any]]]:
    _require_reader(request)
    plan = selectors.plan_get(user=request.user, pk=plan_id)
    target = plan.targets.get(indicator=indicator)
    services.actual_enter(
        actor=request.user,
        target=target,
        value=payload.value,
        as_of=payload.as_of,
        source=payload.source,
    )
    return Status(201, _targets(plan))


@router.get("/meetings", response=list[MeetingOut])
def meeting_list(request: HttpRequest, chain: str | None = None) -> QuerySet[Meeting]:
    _require_reader(request)
    qs = selectors.meeting_list(user=request.user)
    return qs.filter(chain__slug=chain) if chain else qs


def _meeting_detail(meeting: Meeting) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        **MeetingOut.from_orm(meeting).dict(),
        "attendees": [str(u) for u in meeting.attendees.all()],
        "decisions": [{"id": d.pk, "text": d.text} for d in meeting.decisions.all()],
        "action_items": [
            {
                "id": a.pk,
                "title": a.title,
                "owner": str(a.owner),
                "deadline": a.deadline,
                "status": a.status,
                "overdue": a.is_overdue(today),
            }
            for a in meeting.action_items.all()
        ],
    }


@router.get("/meetings/{meeting_id}", response=MeetingDetailOut)
def meeting_detail(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    _require_reader(request)
    return _meeting_detail(selectors.meeting_get(user=request.user, pk=meeting_id))


@router.post("/meetings", response={201: MeetingDetailOut})
def meeting_create(request: HttpRequest, payload: MeetingIn) -> Status[dict[str, Any]]:
    chain = _chain(request, payload.chain)
    attendees = get_user_model().objects.filter(pk__in=payload.attendee_ids, is_active=True)
    meeting = services.meeting_create(
        actor=request.user,
        chain=chain,
        title=payload.title,
        held_at=payload.held_at,
        location=payload.location,
        minutes=payload.minutes,
        attendees=attendees,
    )
    return Status(201, _meeting_detail(selectors.meeting_get(user=request.user, pk=meeting.pk)))


@router.get("/policies", response=list[PolicyOut])
def policy_list(
    request: HttpRequest, topic: str | None = None, chain: str | None = None
) -> QuerySet[PolicyItem]:
    _require_reader(request)
    qs = selectors.policy_list(user=request.user).prefetch_related("package_items__chain")
    if topic:
        qs = qs.filter(topic=topic)
    if chain:
        qs = qs.filter(package_items__chain__slug=chain)
    return qs


@router.get("/policies/{policy_id}", response=PolicyOut)
def policy_detail(request: HttpRequest, policy_id: int) -> PolicyItem:
    _require_reader(request)
    return selectors.policy_get(user=request.user, pk=policy_id)


@router.post("/policies", response={201: PolicyOut})
def policy_create(request: HttpRequest, payload: PolicyIn) -> Status[PolicyItem]:
    policy = services.policy_create(actor=request.user, **payload.dict())
    return Status(201, selectors.policy_get(user=request.user, pk=policy.pk))
