"""Reads of the proof-of-concept organ, restricted to the reader (permissions.py)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from chainlead.accounts.access import access_for
from chainlead.accounts.types import Reader
from chainlead.chains.models import Membership, SegmentLink
from chainlead.funds import selectors as fund_selectors
from chainlead.poc.choices import Direction, GateStatus, ProjectStatus, Stage
from chainlead.poc.constants import STALLED_DAYS, UPCOMING_REVIEW_DAYS
from chainlead.poc.models import (
    Centre,
    GateReview,
    PartnerContact,
    Project,
    ReviewAssignment,
    StageChange,
    StageSupport,
)
from chainlead.poc.permissions import project_scope, reads_centres


def project_list(*, user: Reader) -> QuerySet[Project]:
    condition = project_scope(access_for(user))
    if condition is None:
        return Project.objects.none()
    return (
        Project.objects.filter(condition)
        .select_related("centre", "segment__chain", "industry", "pi")
        .distinct()
    )


def project_get(*, user: Reader, pk: int) -> Project:
    """The project if `user` may see it; Project.DoesNotExist (a 404) otherwise."""
    return project_list(user=user).get(pk=pk)


if TYPE_CHECKING:  # django-stubs' annotated model type exists for the type checker only
    from django_stubs_ext import WithAnnotations

    class _ProjectCount(TypedDict):
        project_count: int

    CentreWithCount: TypeAlias = WithAnnotations[Centre, _ProjectCount]


def centre_list(*, user: Reader) -> QuerySet[CentreWithCount]:
    """The centres, each with its `project_count`."""
    centres = Centre.objects.select_related("district").annotate(project_count=Count("projects"))
    if not reads_centres(access_for(user)):
        return centres.none()
    return centres


def assignment_list(*, user: Reader) -> QuerySet[ReviewAssignment]:
    """The reviews assigned to `user`, and only those."""
    if not user.is_authenticated:
        return ReviewAssignment.objects.none()
    return ReviewAssignment.objects.filter(reviewer=user).select_related(
        "gate_review__project__centre", "gate_review__project__industry"
    )


def gate_review_list(*, user: Reader) -> QuerySet[GateReview]:
    """Gate reviews of the projects `user` sees (not a reviewer's door: see assignment_list)."""
    return GateReview.objects.filter(project__in=project_list(user=user)).select_related(
        "project", "decided_by"
    )


# --- partners from the chain map ------------------------------------------------------------


@dataclass
class PartnerSuggestion:
    enterprise_id: int
    name: str
    segment: str
    direction: str
    score: float
    reasons: list[str] = field(default_factory=list)
    approached: bool = False


def partner_suggestions(*, project: Project, limit: int = 20) -> list[PartnerSuggestion]:
    """Firms of the segments next to the project's on the chain map, ranked and explained.

    Score: 2 for a firm of an adjacent segment (upstream supplies the project, downstream
    would use it), 1 for the project's own segment; +1 for a chain-lead or key firm; +0.5
    for the centre's district; +0.5 for the same GB/T 4754 division as the project; plus
    log10(employees) / 4 for size (larger firms can host a pilot line). Rejected
    memberships are left out."""
    if project.segment_id is None:
        return []
    upstream = set(
        SegmentLink.objects.filter(downstream_id=project.segment_id).values_list(
            "upstream_id", flat=True
        )
    )
    downstream = set(
        SegmentLink.objects.filter(upstream_id=project.segment_id).values_list(
            "downstream_id", flat=True
        )
    )
    segments = upstream | downstream | {project.segment_id}
    memberships = (
        Membership.objects.filter(segment_id__in=segments)
        .exclude(review_status="rejected")
        .select_related("enterprise", "segment")
    )
    approached = set(
        PartnerContact.objects.filter(project=project).values_list("enterprise_id", flat=True)
    )
    district_id = project.centre.district_id if project.centre else None
    division = (project.industry_id or "")[:2] if (project.industry_id or "").isdigit() else ""
    own = project.segment.label if project.segment is not None else ""
    best: dict[int, PartnerSuggestion] = {}
    for m in memberships:
        firm = m.enterprise
        if m.segment_id in upstream:
            direction, score = Direction.UPSTREAM, 2.0
            reasons = [_("upstream: %(s)s supplies %(own)s") % {"s": m.segment.label, "own": own}]
        elif m.segment_id in downstream:
            direction, score = Direction.DOWNSTREAM, 2.0
            reasons = [_("downstream: %(s)s uses %(own)s") % {"s": m.segment.label, "own": own}]
        else:
            direction, score = Direction.SAME, 1.0
            reasons = [_("same segment: %(s)s") % {"s": m.segment.label}]
        if m.role in ("chain_lead", "key"):
            score += 1.0
            reasons.append(f"{m.get_role_display()}")
        if district_id and firm.district_id == district_id:
            score += 0.5
            reasons.append(_("in the centre's district"))
        if division and (firm.industry_id or "").startswith(division):
            score += 0.5
            reasons.append(_("same industry division %(d)s") % {"d": division})
        if firm.employees:
            score += math.log10(max(firm.employees, 1)) / 4
            reasons.append(_("%(n)s employees") % {"n": firm.employees})
        suggestion = PartnerSuggestion(
            enterprise_id=firm.pk,
            name=firm.name,
            segment=m.segment.name,
            direction=direction,
            score=round(score, 2),
            reasons=[str(r) for r in reasons],
            approached=firm.pk in approached,
        )
        if firm.pk not in best or best[firm.pk].score < suggestion.score:
            best[firm.pk] = suggestion
    return sorted(best.values(), key=lambda s: (-s.score, s.name))[:limit]


# --- the dashboard ---------------------------------------------------------------------------


class StageCount(TypedDict):
    centre_id: int
    centre__name: str
    stage: int
    n: int


def projects_per_stage(projects: QuerySet[Project]) -> list[StageCount]:
    """Active projects per stage and centre (None: all centres)."""
    rows = (
        projects.filter(status=ProjectStatus.ACTIVE)
        .values("centre_id", "centre__name", "stage")
        .annotate(n=Count("id"))
        .order_by("centre__name", "stage")
    )
    return list(rows)


def stage_flows(projects: QuerySet[Project], *, since: dt.date | None = None) -> dict[str, Any]:
    """Moves between stages (and into outcomes) for the Sankey: nodes and weighted links."""
    changes = StageChange.objects.filter(project__in=projects, from_stage__isnull=False)
    if since is not None:
        changes = changes.filter(on__gte=since)
    links: list[dict[str, Any]] = []
    for row in changes.values("from_stage", "to_stage").annotate(n=Count("id")):
        if row["from_stage"] is None:  # never, by the filter: this narrows the column's type
            continue
        links.append(
            {
                "source": str(Stage(row["from_stage"]).label),
                "target": str(Stage(row["to_stage"]).label),
                "value": row["n"],
            }
        )
    ended = projects.exclude(status=ProjectStatus.ACTIVE)
    if since is not None:
        ended = ended.filter(outcomes__on__gte=since)
    for ended_row in ended.values("stage", "status").annotate(n=Count("id", distinct=True)):
        links.append(
            {
                "source": str(Stage(ended_row["stage"]).label),
                "target": str(ProjectStatus(ended_row["status"]).label),
                "value": ended_row["n"],
            }
        )
    names = {link["source"] for link in links} | {link["target"] for link in links}
    return {"nodes": [{"name": n} for n in sorted(names)], "links": links}


def stalled_projects(
    projects: QuerySet[Project], *, today: dt.date, days: int = STALLED_DAYS
) -> QuerySet[Project]:
    """Active projects with no milestone met in `days` (counting from the stage's start when
    none was ever met)."""
    cutoff = today - dt.timedelta(days=days)
    return (
        projects.filter(status=ProjectStatus.ACTIVE)
        .annotate(last_met=Max("milestones__met_on"))
        .filter(Q(last_met__lt=cutoff) | Q(last_met__isnull=True, stage_entered_on__lt=cutoff))
        .order_by("stage_entered_on")
    )


def upcoming_reviews(
    projects: QuerySet[Project], *, today: dt.date, days: int = UPCOMING_REVIEW_DAYS
) -> QuerySet[GateReview]:
    return (
        GateReview.objects.filter(
            project__in=projects,
            status=GateStatus.OPEN,
            due_on__lte=today + dt.timedelta(days=days),
        )
        .select_related("project")
        .order_by("due_on")
    )


@dataclass(frozen=True)
class StageFunding:
    """A stage's funding as the support fund's books show it to the reader."""

    ref: str
    recipient: str
    awarded: Decimal  # still owed + paid (net of releases)
    paid: Decimal

    @property
    def owed(self) -> Decimal:
        return self.awarded - self.paid

    @property
    def state(self) -> str:
        """committed (nothing paid yet), partly paid, paid, or released (nothing owed)."""
        if self.owed > 0:
            return gettext("partly paid") if self.paid > 0 else gettext("committed")
        return gettext("paid") if self.paid > 0 else gettext("released")


def stage_funding(*, user: Reader, supports: Iterable[StageSupport]) -> dict[int, StageFunding]:
    """Support row id → its commitment in the fund, for the rows the reader's fund scope
    shows (funds.selectors.commitment_list); rows without one, or outside it, are absent."""
    references = {f"poc.StageSupport:{s.pk}": s.pk for s in supports if s.fund_reference}
    if not references:
        return {}
    commitments = fund_selectors.commitment_list(user=user).filter(reference__in=references)
    return {
        references[c.reference]: StageFunding(
            ref=c.ref,
            recipient=c.recipient.name,
            awarded=c.account.balance + c.paid_account.balance,
            paid=c.paid_account.balance,
        )
        for c in commitments
    }
