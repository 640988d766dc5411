"""Proof-of-concept pages: thin, each with its permission; rules live in services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from chainlead.accounts.access import access_for
from chainlead.audit.permissions import reads_audit_log
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.export import Column
from chainlead.core.views import history_for, object_list, permission_required
from chainlead.poc import figures, selectors, services
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
from chainlead.poc.models import Centre, GateReview, Milestone, Project, ReviewAssignment
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


def _project(request: HttpRequest, pk: int) -> Project:
    try:
        return selectors.project_get(user=request.user, pk=pk)
    except Project.DoesNotExist as exc:
        raise Http404 from exc


def _act(
    request: HttpRequest,
    form: Any,
    action: Callable[[dict[str, Any]], str],
    back: str,
) -> HttpResponse:
    """Validate the form, run the service, report its answer on the page we came from."""
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(errors)}")
        return redirect(back)
    try:
        message = action(form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, message)
    return redirect(back)


# --- centres --------------------------------------------------------------------------------


@permission_required(reads_centres)
def centre_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "poc/centre_list.html", {"centres": selectors.centre_list(user=request.user)}
    )


@permission_required(reads_centres)
def centre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        centre = selectors.centre_list(user=request.user).get(pk=pk)
    except Centre.DoesNotExist as exc:
        raise Http404 from exc
    projects = selectors.project_list(user=request.user).filter(centre=centre)
    return render(
        request,
        "poc/centre_detail.html",
        {
            "centre": centre,
            "per_stage": selectors.projects_per_stage(projects),
            "projects": projects[:50],
        },
    )


# --- projects -------------------------------------------------------------------------------


@permission_required(reads_projects)
def project_list(request: HttpRequest) -> HttpResponse:
    return object_list(
        request,
        queryset=selectors.project_list(user=request.user),
        filterset_class=ProjectFilterSet,
        table_class=ProjectTable,
        template_name="poc/project_list.html",
        export_columns=EXPORT_COLUMNS,
        export_filename="poc-projects",
        context={
            "show_figures": reads_figures(access_for(request.user)),
            "can_submit": submits_projects(access_for(request.user)),
        },
    )


@permission_required(submits_projects)
def project_create(request: HttpRequest) -> HttpResponse:
    initial = {
        "institution": getattr(request.user, "department", ""),
        "stage": 1,
        "trl": 1,
        "started_on": _today(),
    }
    form = ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            project = services.project_submit(actor=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Project submitted."))
            return redirect(project)
    return render(request, "poc/project_form.html", {"form": form, "stage_trl": STAGE_TRL.items()})


@permission_required(reads_projects)
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    access = access_for(request.user)
    manager = manages_project(access, project)
    gates = project.gate_reviews.prefetch_related("assignments__reviewer")
    supports = list(project.supports.all())
    funding = selectors.stage_funding(user=request.user, supports=supports)
    return render(
        request,
        "poc/project_detail.html",
        {
            "project": project,
            "trl_band": STAGE_TRL[project.stage],
            "can_edit_file": edits_project_file(access, project),
            "can_manage": manager,
            "can_spin_off": records_spin_off(access),
            "open_gate": next((g for g in gates if g.status == GateStatus.OPEN), None),
            "gates": gates,
            "milestones": project.milestones.all(),
            "ip_assets": project.ip_assets.all(),
            "supports": [(s, funding.get(s.pk)) for s in supports],
            "outcomes": project.outcomes.select_related("enterprise"),
            "contacts": project.partner_contacts.select_related("enterprise"),
            "stage_changes": project.stage_changes.all(),
            "allowed_outcomes": services.allowed_outcomes(project.status),
            "milestone_form": MilestoneForm(),
            "ip_form": IPForm(),
            "gate_form": GateOpenForm(initial={"due_on": _today() + dt.timedelta(days=14)}),
            "support_form": SupportForm(initial={"stage": project.stage, "granted_on": _today()}),
            "outcome_form": OutcomeForm(initial={"on": _today()}),
            "today": _today(),
            "history": history_for(project) if reads_audit_log(access) else None,
        },
    )


@require_POST
@permission_required(reads_projects)
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)

    def add(data: dict[str, Any]) -> str:
        services.milestone_add(actor=request.user, project=project, **data)
        return _("Milestone added.")

    return _act(request, MilestoneForm(request.POST), add, project.get_absolute_url())


@require_POST
@permission_required(reads_projects)
def milestone_meet(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)

    def meet(data: dict[str, Any]) -> str:
        try:
            milestone = project.milestones.get(pk=data["milestone"])
        except Milestone.DoesNotExist as exc:
            raise Http404 from exc
        services.milestone_meet(actor=request.user, milestone=milestone, on=data["on"])
        return _("Milestone met.")

    return _act(request, MilestoneMeetForm(request.POST), meet, project.get_absolute_url())


@require_POST
@permission_required(reads_projects)
def ip_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)

    def add(data: dict[str, Any]) -> str:
        services.ip_add(actor=request.user, project=project, **data)
        return _("Intellectual property added.")

    return _act(request, IPForm(request.POST), add, project.get_absolute_url())


# --- gate reviews ---------------------------------------------------------------------------


@require_POST
@permission_required(manages_some_projects)
def gate_open(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)

    def open_(data: dict[str, Any]) -> str:
        services.gate_open(
            actor=request.user,
            project=project,
            reviewers=list(data["reviewers"]),
            today=_today(),
            due_on=data["due_on"],
        )
        return _("Gate review opened.")

    return _act(request, GateOpenForm(request.POST), open_, project.get_absolute_url())


def _gate(request: HttpRequest, pk: int) -> GateReview:
    try:
        return selectors.gate_review_list(user=request.user).get(pk=pk)
    except GateReview.DoesNotExist as exc:
        raise Http404 from exc


@permission_required(reads_figures)
def gate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    gate = _gate(request, pk)
    access = access_for(request.user)
    return render(
        request,
        "poc/gate_detail.html",
        {
            "gate": gate,
            "panel": services.panel_scores(gate) if gate.status == GateStatus.OPEN else gate.scores,
            "assignments": gate.assignments.select_related("reviewer"),
            "weights": [(RUBRIC_LABELS[k], w) for k, w in RUBRIC_WEIGHTS.items()],
            "can_decide": manages_project(access, gate.project) and gate.status == GateStatus.OPEN,
            "decide_form": DecideForm(),
        },
    )


@require_POST
@permission_required(manages_some_projects)
def gate_decide(request: HttpRequest, pk: int) -> HttpResponse:
    gate = _gate(request, pk)

    def decide(data: dict[str, Any]) -> str:
        decided = services.gate_decide(
            actor=request.user,
            gate_review=gate,
            decision=data["decision"],
            reasons=data["reasons"],
            today=_today(),
            trl=data["trl"],
        )
        return _("Decided: %(d)s.") % {"d": decided.get_decision_display()}

    return _act(request, DecideForm(request.POST), decide, gate.get_absolute_url())


# --- a reviewer's door ------------------------------------------------------------------------


def _assignment(request: HttpRequest, pk: int) -> ReviewAssignment:
    try:
        return selectors.assignment_list(user=request.user).get(pk=pk)
    except ReviewAssignment.DoesNotExist as exc:
        raise Http404 from exc


@permission_required(reviews)
def review_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "poc/review_list.html",
        {"assignments": selectors.assignment_list(user=request.user)},
    )


@permission_required(reviews)
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    project = assignment.gate_review.project
    return render(
        request,
        "poc/review_detail.html",
        {
            "assignment": assignment,
            "gate": assignment.gate_review,
            # The file opens only after the declaration of no conflict.
            "project": project if assignment.file_open else None,
            "ip_assets": project.ip_assets.all() if assignment.file_open else [],
            "milestones": project.milestones.all() if assignment.file_open else [],
            "declare_form": DeclareForm(
                initial={"institution": getattr(request.user, "department", "")}
            ),
            "score_form": ScoreForm(),
            "weights": [(RUBRIC_LABELS[k], w) for k, w in RUBRIC_WEIGHTS.items()],
            "statuses": ReviewStatus,
        },
    )


@require_POST
@permission_required(reviews)
def review_declare(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)

    def declare(data: dict[str, Any]) -> str:
        done = services.review_declare(
            actor=request.user,
            assignment=assignment,
            institution=data["institution"],
            no_conflict=data["no_conflict"],
        )
        if done.status == ReviewStatus.REFUSED:
            return _(
                "You cannot review this project (conflict of interest): the officials will "
                "assign another reviewer."
            )
        return _("Declaration recorded: the file is open.")

    return _act(request, DeclareForm(request.POST), declare, assignment.get_absolute_url())


@require_POST
@permission_required(reviews)
def review_score(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)

    def score(data: dict[str, Any]) -> str:
        services.review_score(actor=request.user, assignment=assignment, **data)
        return _("Scores submitted.")

    return _act(request, ScoreForm(request.POST), score, assignment.get_absolute_url())


# --- partners, support, outcomes --------------------------------------------------------------


@permission_required(reads_figures)
def partners(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    return render(
        request,
        "poc/partners.html",
        {
            "project": project,
            "suggestions": selectors.partner_suggestions(project=project),
            "contacts": project.partner_contacts.select_related("enterprise"),
            "can_manage": manages_project(access_for(request.user), project),
            "contact_form": PartnerContactForm(initial={"approached_on": _today()}),
            "directions": Direction,
        },
    )


@require_POST
@permission_required(manages_some_projects)
def partner_contact(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)

    def record(data: dict[str, Any]) -> str:
        services.partner_contact_record(actor=request.user, project=project, **data)
        return _("Contact recorded.")

    return _act(
        request, PartnerContactForm(request.POST), record, f"{project.get_absolute_url()}partners/"
    )


@require_POST
@permission_required(manages_some_projects)
def support_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)

    def grant(data: dict[str, Any]) -> str:
        try:
            support = services.support_grant(actor=request.user, project=project, **data)
        except PermissionDenied as exc:  # funding needs a fund manager: say so on the page
            raise ValidationError(str(exc)) from exc
        if support.fund_reference:
            return _("Funding committed from the support fund: %(ref)s.") % {
                "ref": support.fund_reference
            }
        return _("Support recorded.")

    return _act(request, SupportForm(request.POST), grant, project.get_absolute_url())


@require_POST
@permission_required(manages_some_projects)
def outcome_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)

    def record(data: dict[str, Any]) -> str:
        outcome = services.outcome_record(
            actor=request.user,
            project=project,
            kind=data["kind"],
            on=data["on"],
            reason=data["reason"],
            counterparty=data["counterparty"],
            district=data["district"],
            credit_code=data["credit_code"] or None,
        )
        return _("Outcome recorded: %(o)s.") % {"o": outcome.get_kind_display()}

    return _act(request, OutcomeForm(request.POST), record, project.get_absolute_url())


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
