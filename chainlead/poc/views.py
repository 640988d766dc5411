"""Proof-of-concept pages: thin, each with its permission; rules live in services.

Lists, pages and the POSTs that move a project are the generic views of `core.generic`; the
dashboard, the survival page and the two plain lists are written out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainlead.accounts.access import access_for
from chainlead.audit.permissions import reads_audit_log
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.export import Column
from chainlead.core.generic import DetailView, FormView, ListView, TransitionView
from chainlead.core.views import history_for, permission_required
from chainlead.poc import selectors, services
from chainlead.poc.choices import Direction, GateStatus, ReviewStatus, Stage
from chainlead.poc.constants import RUBRIC_LABELS, RUBRIC_WEIGHTS, STAGE_TRL, STALLED_DAYS
from chainlead.poc.filtersets import ProjectFilterSet
from chainlead.poc.forms import (
    DecideForm,
    DeclareForm,
    GateOpenForm,
    IPForm,
    MilestoneForm,
    MilestoneMeetForm,
    OutcomeForm,
    PartnerContactForm,
    ProjectForm,
    ScoreForm,
    SupportForm,
)
from chainlead.poc.models import Centre, GateReview, Project, ReviewAssignment
from chainlead.poc.permissions import (
    edits_project_file,
    manages_project,
    manages_some_projects,
    reads_centres,
    reads_figures,
    reads_projects,
    records_spin_off,
    reviews,
    submits_projects,
)
from chainlead.poc.tables import ProjectTable

EXPORT_COLUMNS: list[Column] = [
    (gettext_lazy("title"), "title"),
    (gettext_lazy("institution"), "institution"),
    (gettext_lazy("centre"), lambda p: p.centre.name if p.centre else ""),
    (gettext_lazy("stage"), "stage"),
    (gettext_lazy("TRL"), "trl"),
    (gettext_lazy("status"), "get_status_display"),
    (gettext_lazy("started on"), "started_on"),
    (gettext_lazy("provenance"), "get_provenance_display"),
]


def _today() -> dt.date:
    return timezone.localdate()


class _ProjectAction(TransitionView[Project]):
    """A POST on a project the reader may see (404 otherwise); back to its page. The services
    decide who may do what (403)."""

    permission = staticmethod(reads_projects)
    selector = staticmethod(selectors.project_list)


# --- centres --------------------------------------------------------------------------------


@permission_required(reads_centres)
def centre_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "poc/centre_list.html", {"centres": selectors.centre_list(user=request.user)}
    )


class CentreDetail(DetailView[Centre]):
    permission = staticmethod(reads_centres)
    selector = staticmethod(selectors.centre_list)
    template_name = "poc/centre_detail.html"
    context_object_name = "centre"

    def context(self, obj: Centre) -> dict[str, Any]:
        projects = selectors.project_list(user=self.request.user).filter(centre=obj)
        return {"per_stage": selectors.projects_per_stage(projects), "projects": projects[:50]}


# --- projects -------------------------------------------------------------------------------


class ProjectList(ListView):
    permission = staticmethod(reads_projects)
    selector = staticmethod(selectors.project_list)
    filterset_class = ProjectFilterSet
    table_class = ProjectTable
    template_name = "poc/project_list.html"
    export_columns = EXPORT_COLUMNS
    export_filename = "poc-projects"

    def extra_context(self) -> dict[str, Any]:
        access = access_for(self.request.user)
        return {"show_figures": reads_figures(access), "can_submit": submits_projects(access)}


class ProjectCreate(FormView[Project]):
    permission = staticmethod(submits_projects)
    form_class = ProjectForm
    template_name = "poc/project_form.html"
    success_message = gettext_lazy("Project submitted.")

    def initial(self, obj: Project | None) -> dict[str, Any]:
        return {
            "institution": getattr(self.request.user, "department", ""),
            "stage": 1,
            "trl": 1,
            "started_on": _today(),
        }

    def context(self, obj: Project | None) -> dict[str, Any]:
        return {"stage_trl": STAGE_TRL.items()}

    def perform(self, obj: Project | None, data: dict[str, Any]) -> Project:
        return services.project_submit(actor=self.request.user, **data)


class ProjectDetail(DetailView[Project]):
    permission = staticmethod(reads_projects)
    selector = staticmethod(selectors.project_list)
    template_name = "poc/project_detail.html"
    context_object_name = "project"

    def context(self, obj: Project) -> dict[str, Any]:
        access = access_for(self.request.user)
        gates = obj.gate_reviews.prefetch_related("assignments__reviewer")
        supports = list(obj.supports.all())
        funding = selectors.stage_funding(user=self.request.user, supports=supports)
        return {
            "trl_band": STAGE_TRL[obj.stage],
            "can_edit_file": edits_project_file(access, obj),
            "can_manage": manages_project(access, obj),
            "can_spin_off": records_spin_off(access),
            "open_gate": next((g for g in gates if g.status == GateStatus.OPEN), None),
            "gates": gates,
            "milestones": obj.milestones.all(),
            "ip_assets": obj.ip_assets.all(),
            "supports": [(s, funding.get(s.pk)) for s in supports],
            "outcomes": obj.outcomes.select_related("enterprise"),
            "contacts": obj.partner_contacts.select_related("enterprise"),
            "stage_changes": obj.stage_changes.all(),
            "allowed_outcomes": services.allowed_outcomes(obj.status),
            "milestone_form": MilestoneForm(),
            "ip_form": IPForm(),
            "gate_form": GateOpenForm(initial={"due_on": _today() + dt.timedelta(days=14)}),
            "support_form": SupportForm(initial={"stage": obj.stage, "granted_on": _today()}),
            "outcome_form": OutcomeForm(initial={"on": _today()}),
            "today": _today(),
            "history": history_for(obj) if reads_audit_log(access) else None,
        }


class MilestoneAdd(_ProjectAction):
    form_class = MilestoneForm

    def perform(self, obj: Project, data: dict[str, Any]) -> str:
        services.milestone_add(actor=self.request.user, project=obj, **data)
        return _("Milestone added.")


class MilestoneMeet(_ProjectAction):
    form_class = MilestoneMeetForm

    def perform(self, obj: Project, data: dict[str, Any]) -> str:
        milestone = get_object_or_404(obj.milestones, pk=data["milestone"])
        services.milestone_meet(actor=self.request.user, milestone=milestone, on=data["on"])
        return _("Milestone met.")


class IPAdd(_ProjectAction):
    form_class = IPForm

    def perform(self, obj: Project, data: dict[str, Any]) -> str:
        services.ip_add(actor=self.request.user, project=obj, **data)
        return _("Intellectual property added.")


# --- gate reviews ---------------------------------------------------------------------------


class GateOpen(_ProjectAction):
    permission = staticmethod(manages_some_projects)
    form_class = GateOpenForm

    def perform(self, obj: Project, data: dict[str, Any]) -> str:
        services.gate_open(
            actor=self.request.user,
            project=obj,
            reviewers=list(data["reviewers"]),
            today=_today(),
            due_on=data["due_on"],
        )
        return _("Gate review opened.")


class GateDetail(DetailView[GateReview]):
    permission = staticmethod(reads_figures)
    selector = staticmethod(selectors.gate_review_list)
    template_name = "poc/gate_detail.html"
    context_object_name = "gate"

    def context(self, obj: GateReview) -> dict[str, Any]:
        access = access_for(self.request.user)
        is_open = obj.status == GateStatus.OPEN
        return {
            "panel": services.panel_scores(obj) if is_open else obj.scores,
            "assignments": obj.assignments.select_related("reviewer"),
            "weights": [(RUBRIC_LABELS[k], w) for k, w in RUBRIC_WEIGHTS.items()],
            "can_decide": manages_project(access, obj.project) and is_open,
            "decide_form": DecideForm(),
        }


class GateDecide(TransitionView[GateReview]):
    permission = staticmethod(manages_some_projects)
    selector = staticmethod(selectors.gate_review_list)
    form_class = DecideForm

    def perform(self, obj: GateReview, data: dict[str, Any]) -> str:
        decided = services.gate_decide(
            actor=self.request.user,
            gate_review=obj,
            decision=data["decision"],
            reasons=data["reasons"],
            today=_today(),
            trl=data["trl"],
        )
        return _("Decided: %(d)s.") % {"d": decided.get_decision_display()}


# --- a reviewer's door ------------------------------------------------------------------------


@permission_required(reviews)
def review_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "poc/review_list.html",
        {"assignments": selectors.assignment_list(user=request.user)},
    )


class ReviewDetail(DetailView[ReviewAssignment]):
    permission = staticmethod(reviews)
    selector = staticmethod(selectors.assignment_list)
    template_name = "poc/review_detail.html"
    context_object_name = "assignment"

    def context(self, obj: ReviewAssignment) -> dict[str, Any]:
        project = obj.gate_review.project
        # The file opens only after the declaration of no conflict.
        file_open = obj.file_open
        return {
            "gate": obj.gate_review,
            "project": project if file_open else None,
            "ip_assets": project.ip_assets.all() if file_open else [],
            "milestones": project.milestones.all() if file_open else [],
            "declare_form": DeclareForm(
                initial={"institution": getattr(self.request.user, "department", "")}
            ),
            "score_form": ScoreForm(),
            "weights": [(RUBRIC_LABELS[k], w) for k, w in RUBRIC_WEIGHTS.items()],
            "statuses": ReviewStatus,
        }


class _ReviewAction(TransitionView[ReviewAssignment]):
    permission = staticmethod(reviews)
    selector = staticmethod(selectors.assignment_list)


class ReviewDeclare(_ReviewAction):
    form_class = DeclareForm

    def perform(self, obj: ReviewAssignment, data: dict[str, Any]) -> str:
        done = services.review_declare(
            actor=self.request.user,
            assignment=obj,
            institution=data["institution"],
            no_conflict=data["no_conflict"],
        )
        if done.status == ReviewStatus.REFUSED:
            return _(
                "You cannot review this project (conflict of interest): the officials will "
                "assign another reviewer."
            )
        return _("Declaration recorded: the file is open.")


class ReviewScore(_ReviewAction):
    form_class = ScoreForm

    def perform(self, obj: ReviewAssignment, data: dict[str, Any]) -> str:
        services.review_score(actor=self.request.user, assignment=obj, **data)
        return _("Scores submitted.")


# --- partners, support, outcomes --------------------------------------------------------------


class Partners(DetailView[Project]):
    permission = staticmethod(reads_figures)
    selector = staticmethod(selectors.project_list)
    template_name = "poc/partners.html"
    context_object_name = "project"

    def context(self, obj: Project) -> dict[str, Any]:
        return {
            "suggestions": selectors.partner_suggestions(project=obj),
            "contacts": obj.partner_contacts.select_related("enterprise"),
            "can_manage": manages_project(access_for(self.request.user), obj),
            "contact_form": PartnerContactForm(initial={"approached_on": _today()}),
            "directions": Direction,
        }


class PartnerContact(_ProjectAction):
    permission = staticmethod(manages_some_projects)
    form_class = PartnerContactForm

    def perform(self, obj: Project, data: dict[str, Any]) -> str:
        services.partner_contact_record(actor=self.request.user, project=obj, **data)
        return _("Contact recorded.")

    def back_url(self, obj: Project) -> str:
        return f"{obj.get_absolute_url()}partners/"


class SupportAdd(_ProjectAction):
    permission = staticmethod(manages_some_projects)
    form_class = SupportForm

    def perform(self, obj: Project, data: dict[str, Any]) -> str:
        try:
            support = services.support_grant(actor=self.request.user, project=obj, **data)
        except PermissionDenied as exc:  # funding needs a fund manager: say so on the page
            raise ValidationError(str(exc)) from exc
        if support.fund_reference:
            return _("Funding committed from the support fund: %(ref)s.") % {
                "ref": support.fund_reference
            }
        return _("Support recorded.")


class OutcomeAdd(_ProjectAction):
    permission = staticmethod(manages_some_projects)
    form_class = OutcomeForm

    def perform(self, obj: Project, data: dict[str, Any]) -> str:
        outcome = services.outcome_record(
            actor=self.request.user,
            project=obj,
            kind=data["kind"],
            on=data["on"],
            reason=data["reason"],
            counterparty=data["counterparty"],
            district=data["district"],
            credit_code=data["credit_code"] or None,
        )
        return _("Outcome recorded: %(o)s.") % {"o": outcome.get_kind_display()}


# --- dashboard and survival -------------------------------------------------------------------


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(value or default), low), high)
    except ValueError:
        return default


@permission_required(reads_figures)
def dashboard(request: HttpRequest) -> HttpResponse:
    today = _today()
    projects = selectors.project_list(user=request.user)
    centres = selectors.centre_list(user=request.user).filter(projects__in=projects).distinct()
    centre_id = request.GET.get("centre", "")
    if centre_id:
        from chainlead.poc import figures  # pandas and scipy: loaded by the pages that use them

        projects = figures.filter_projects(projects, centre=centre_id)
    stalled_days = _int(request.GET.get("stalled_days"), STALLED_DAYS, 1, 3650)
    years = _int(request.GET.get("years"), 10, 1, 30)
    per_stage = selectors.projects_per_stage(projects)
    totals = dict.fromkeys(Stage.values, 0)
    for row in per_stage:
        totals[row["stage"]] += row["n"]
    return render(
        request,
        "poc/dashboard.html",
        {
            "centres": centres,
            "centre_id": centre_id,
            "stage_totals": [(Stage(s), n) for s, n in totals.items()],
            "per_stage": per_stage,
            "sankey": selectors.stage_flows(projects, since=today - dt.timedelta(days=365 * years)),
            "years": years,
            "stalled": selectors.stalled_projects(projects, today=today, days=stalled_days)[:20],
            "stalled_count": selectors.stalled_projects(
                projects, today=today, days=stalled_days
            ).count(),
            "stalled_days": stalled_days,
            "upcoming": selectors.upcoming_reviews(projects, today=today),
        },
    )


@permission_required(reads_figures)
def survival(request: HttpRequest) -> HttpResponse:
    projects = selectors.project_list(user=request.user)
    centre = request.GET.get("centre", "")
    field = request.GET.get("field", "")
    from chainlead.poc import figures  # pandas and scipy: loaded by the pages that use them

    report = figures.survival_report(
        figures.filter_projects(projects, centre=centre, field=field), as_of=_today()
    )
    return render(
        request,
        "poc/survival.html",
        {
            "report": report,
            "centres": selectors.centre_list(user=request.user).filter(project_count__gt=0),
            "centre": centre,
            "field": field,
        },
    )
