"""Chain governance pages: the dashboards, the five ones, plans, meetings and policy packages.

Views are thin: parse the request, call a selector or a service, render. Each states its
permission with `@permission_required`; object-level rules (which chain) are in the selectors
and services, whose PermissionDenied becomes a 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chainlead.accounts.access import Access, access_for
from chainlead.chains.models import Chain
from chainlead.chains.permissions import edits_some_chain, works_on_chains
from chainlead.chains.selectors import data_version
from chainlead.core.caching import cached_fragment
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.views import object_list, permission_required
from chainlead.governance import briefing, forms, selectors, services
from chainlead.governance.choices import Indicator, MilestoneStatus
from chainlead.governance.constants import INDICATOR_SOURCES
from chainlead.governance.dashboard import chain_dashboard
from chainlead.governance.filtersets import PolicyItemFilterSet
from chainlead.governance.models import (
    ActionItem,
    Milestone,
    PackageItem,
    Target,
    TaskForceMember,
    WorkPlan,
)
from chainlead.governance.requests_data import requests_summary
from chainlead.governance.tables import POLICY_EXPORT_COLUMNS, PolicyItemTable


def _admin(access: Access) -> bool:
    return access.is_admin


def _any_user(access: Access) -> bool:
    return access.authenticated


def _chain(request: HttpRequest, slug: str) -> Chain:
    try:
        return selectors.governed_chain_get(user=request.user, slug=slug)
    except Chain.DoesNotExist as exc:
        raise Http404 from exc


def _error(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- dashboards -------------------------------------------------------------------------------


@permission_required(works_on_chains)
def dashboard_list(request: HttpRequest) -> HttpResponse:
    """All chains the user governs side by side: the five ones, actions and requests."""
    today = timezone.localdate()
    chains = list(selectors.governed_chains(user=request.user))
    five = selectors.five_ones_many(chains, year=today.year)
    actions = selectors.action_figures([c.pk for c in chains], today=today)
    rows = [
        selectors.ChainRow(
            chain=c,
            five=five[c.pk],
            actions=actions[c.pk],
            requests=requests_summary(user=request.user, chain=c, today=today, limit=0),
        )
        for c in chains
    ]
    return render(
        request,
        "governance/dashboard_list.html",
        {"rows": rows, "year": today.year, "complete": sum(1 for r in rows if r.five.complete)},
    )


@permission_required(works_on_chains)
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    chain = _chain(request, slug)
    # The page body is cached per user (their scope), the registry, chains, governance and
    # requests data versions and the day, for a minute: overdue items move with the clock.
    dashboard_key = ":".join(
        [
            str(request.user.pk),
            str(chain.pk),
            data_version("requests"),
            timezone.localdate().isoformat(),
        ]
    )
    vary = [dashboard_key, translation.get_language()]
    cached_body = cached_fragment("governance-dashboard", *vary)
    cached_scripts = cached_fragment("governance-dashboard-scripts", *vary)
    if cached_body is not None and cached_scripts is not None:
        return render(
            request,
            "governance/dashboard.html",
            {
                "chain": chain,
                "cached_body": cached_body,
                "cached_scripts": cached_scripts,
                "dashboard_key": dashboard_key,
            },
        )
    board = chain_dashboard(user=request.user, chain=chain)
    today = board.today
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    return render(
        request,
        "governance/dashboard.html",
        {
            "board": board,
            "chain": chain,
            "chart": board.progress_chart(),
            "briefing_form": forms.BriefingForm(initial={"month": last_month}),
            "can_edit": services.can_edit_chain(request.user, chain.pk),
            "can_approve": services.can_approve_plan(request.user, chain.pk),
            "dashboard_key": dashboard_key,
        },
    )


@permission_required(works_on_chains)
def briefing_download(request: HttpRequest, slug: str) -> HttpResponse:
    chain = _chain(request, slug)
    form = forms.BriefingForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose a month as YYYY-MM."))
        return redirect("governance:dashboard", slug=chain.slug)
    month = form.cleaned_data["month"]
    data = briefing.briefing_data(user=request.user, chain=chain, month=month)
    if form.cleaned_data["format"] == "xlsx":
        content = briefing.render_xlsx(data)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ext = "xlsx"
    else:
        content = briefing.render_pdf(data)
        content_type = "application/pdf"
        ext = "pdf"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="briefing-{chain.slug}-{month}.{ext}"'
    return response


# --- leader and task force --------------------------------------------------------------------


@permission_required(_admin)
@require_http_methods(["GET", "POST"])
def leader_appoint(request: HttpRequest, slug: str) -> HttpResponse:
    chain = _chain(request, slug)
    form = forms.LeaderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.leader_appoint(
                actor=request.user,
                chain=chain,
                user=form.cleaned_data["user"],
                title=form.cleaned_data["title"],
                replace=form.cleaned_data["replace"],
            )
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("The chain leader was appointed."))
            return redirect("governance:dashboard", slug=chain.slug)
    return render(
        request,
        "governance/form.html",
        {"chain": chain, "form": form, "title": _("Appoint the chain leader")},
    )


@permission_required(works_on_chains)
@require_http_methods(["GET", "POST"])
def task_force(request: HttpRequest, slug: str) -> HttpResponse:
    chain = _chain(request, slug)
    form = forms.TaskForceMemberForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.task_force_member_add(actor=request.user, chain=chain, **form.cleaned_data)
            except ValidationError as exc:
                _error(request, exc)
            else:
                messages.success(request, _("The task force was updated."))
                return redirect("governance:task_force", slug=chain.slug)
        elif not access_for(request.user).is_admin:
            raise PermissionDenied
    return render(
        request,
        "governance/task_force.html",
        {
            "chain": chain,
            "members": selectors.task_force(chain=chain),
            "form": form,
            "is_admin": access_for(request.user).is_admin,
        },
    )


@permission_required(_admin)
@require_POST
def task_force_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(TaskForceMember.objects.select_related("chain", "user"), pk=pk)
    services.task_force_member_remove(actor=request.user, member=member)
    messages.success(request, _("%(user)s left the task force.") % {"user": member.user})
    return redirect("governance:task_force", slug=member.chain.slug)


# --- work plans -------------------------------------------------------------------------------


@permission_required(edits_some_chain)
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, slug: str) -> HttpResponse:
    chain = _chain(request, slug)
    if not services.can_edit_chain(request.user, chain.pk):
        raise PermissionDenied
    form = forms.PlanForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, chain=chain, **form.cleaned_data)
        except ValidationError as exc:
            _error(request, exc)
        else:
            return redirect("governance:plan_detail", pk=plan.pk)
    return render(
        request, "governance/form.html", {"chain": chain, "form": form, "title": _("New work plan")}
    )


def _plan(request: HttpRequest, pk: int) -> WorkPlan:
    try:
        return selectors.plan_get(user=request.user, pk=pk)
    except WorkPlan.DoesNotExist as exc:
        raise Http404 from exc


@permission_required(works_on_chains)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    progress = selectors.plan_progress(plan)
    targets = {t.indicator: t for t in plan.targets.all()}
    for row in progress:
        row.target_obj = targets.get(row.indicator)  # type: ignore[attr-defined]
        row.entered = INDICATOR_SOURCES[Indicator(row.indicator)] == "entered"  # type: ignore[attr-defined]
    return render(
        request,
        "governance/plan_detail.html",
        {
            "plan": plan,
            "chain": plan.chain,
            "progress": progress,
            "milestones": plan.milestones.select_related("owner"),
            "today": timezone.localdate(),
            "can_edit": services.can_edit_chain(request.user, plan.chain_id),
            "can_approve": services.can_approve_plan(request.user, plan.chain_id),
            "target_form": forms.TargetForm(),
            "actual_form": forms.ActualForm(initial={"as_of": timezone.localdate()}),
            "milestone_form": forms.MilestoneForm(),
            "milestone_statuses": MilestoneStatus.choices,
        },
    )


def _run(request: HttpRequest, func: Any, success: str, **kwargs: Any) -> None:
    try:
        func(actor=request.user, **kwargs)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, success)


@permission_required(works_on_chains)
@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    _run(request, services.plan_approve, _("The work plan was approved."), plan=plan)
    return redirect("governance:plan_detail", pk=plan.pk)


@permission_required(edits_some_chain)
@require_POST
def target_set(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = forms.TargetForm(request.POST)
    if form.is_valid():
        _run(
            request, services.target_set, _("The target was saved."), plan=plan, **form.cleaned_data
        )
    else:
        messages.error(request, _("Give an indicator and a target of zero or more."))
    return redirect("governance:plan_detail", pk=plan.pk)


@permission_required(edits_some_chain)
@require_POST
def actual_enter(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(Target.objects.select_related("plan"), pk=pk)
    plan = _plan(request, target.plan_id)
    form = forms.ActualForm(request.POST)
    if form.is_valid():
        _run(
            request,
            services.actual_enter,
            _("The actual was entered."),
            target=target,
            **form.cleaned_data,
        )
    else:
        messages.error(request, _("Give the figure, its date and its source."))
    return redirect("governance:plan_detail", pk=plan.pk)


@permission_required(edits_some_chain)
@require_POST
def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = forms.MilestoneForm(request.POST)
    if form.is_valid():
        _run(
            request,
            services.milestone_create,
            _("The milestone was added."),
            plan=plan,
            **form.cleaned_data,
        )
    else:
        messages.error(request, _("Give the milestone, its owner and its deadline."))
    return redirect("governance:plan_detail", pk=plan.pk)


@permission_required(edits_some_chain)
@require_POST
def milestone_status(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(Milestone.objects.select_related("plan"), pk=pk)
    plan = _plan(request, milestone.plan_id)
    form = forms.MilestoneStatusForm(request.POST)
    if form.is_valid():
        _run(
            request,
            services.milestone_set_status,
            _("The milestone was updated."),
            milestone=milestone,
            status=form.cleaned_data["status"],
        )
    return redirect("governance:plan_detail", pk=plan.pk)


# --- meetings and action items ----------------------------------------------------------------


@permission_required(works_on_chains)
def meeting_list(request: HttpRequest, slug: str) -> HttpResponse:
    chain = _chain(request, slug)
    today = timezone.localdate()
    return render(
        request,
        "governance/meeting_list.html",
        {
            "chain": chain,
            "meetings": selectors.meeting_list(user=request.user, chain=chain),
            "actions": selectors.action_item_list(user=request.user, chain=chain).order_by(
                "status", "deadline"
            ),
            "today": today,
            "can_edit": services.can_edit_chain(request.user, chain.pk),
        },
    )


@permission_required(edits_some_chain)
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, slug: str) -> HttpResponse:
    chain = _chain(request, slug)
    if not services.can_edit_chain(request.user, chain.pk):
        raise PermissionDenied
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, chain=chain, **form.cleaned_data)
        except ValidationError as exc:
            _error(request, exc)
        else:
            return redirect("governance:meeting_detail", pk=meeting.pk)
    return render(
        request, "governance/form.html", {"chain": chain, "form": form, "title": _("New meeting")}
    )


def _meeting(request: HttpRequest, pk: int) -> Any:
    from chainlead.governance.models import Meeting

    try:
        return selectors.meeting_get(user=request.user, pk=pk)
    except Meeting.DoesNotExist as exc:
        raise Http404 from exc


@permission_required(works_on_chains)
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    return render(
        request,
        "governance/meeting_detail.html",
        {
            "meeting": meeting,
            "chain": meeting.chain,
            "today": timezone.localdate(),
            "can_edit": services.can_edit_chain(request.user, meeting.chain_id),
            "decision_form": forms.DecisionForm(),
            "action_form": forms.ActionItemForm(meeting=meeting),
        },
    )


@permission_required(edits_some_chain)
@require_POST
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        _run(
            request,
            services.decision_create,
            _("The decision was recorded."),
            meeting=meeting,
            text=form.cleaned_data["text"],
        )
    return redirect("governance:meeting_detail", pk=meeting.pk)


@permission_required(edits_some_chain)
@require_POST
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = forms.ActionItemForm(request.POST, meeting=meeting)
    if form.is_valid():
        _run(
            request,
            services.action_item_create,
            _("The action item was added."),
            chain=meeting.chain,
            meeting=meeting,
            **form.cleaned_data,
        )
    else:
        messages.error(request, _("Give the action, its owner and its deadline."))
    return redirect("governance:meeting_detail", pk=meeting.pk)


@permission_required(_any_user)
@require_POST
def action_transition(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = selectors.action_item_get(user=request.user, pk=pk)
    except ActionItem.DoesNotExist as exc:
        raise Http404 from exc
    form = forms.ActionTransitionForm(request.POST)
    if form.is_valid():
        _run(
            request,
            services.action_item_transition,
            _("The action item was updated."),
            item=item,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
    if item.meeting_id:
        return redirect("governance:meeting_detail", pk=item.meeting_id)
    return redirect("governance:meeting_list", slug=item.chain.slug)


# --- policies ---------------------------------------------------------------------------------


@permission_required(works_on_chains)
def policy_list(request: HttpRequest) -> HttpResponse:
    return object_list(
        request,
        queryset=selectors.policy_list(user=request.user),
        filterset_class=PolicyItemFilterSet,
        table_class=PolicyItemTable,
        template_name="governance/policy_list.html",
        export_columns=POLICY_EXPORT_COLUMNS,
        export_filename="policies",
        context={"is_admin": access_for(request.user).is_admin},
    )


@permission_required(works_on_chains)
def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from chainlead.governance.models import PolicyItem

    try:
        policy = selectors.policy_get(user=request.user, pk=pk)
    except PolicyItem.DoesNotExist as exc:
        raise Http404 from exc
    # Link a package only for the chains whose governance the reader may open.
    package_links = {
        item.chain_id
        for item in policy.package_items.all()
        if services.can_read_chain(request.user, item.chain_id)
    }
    return render(
        request,
        "governance/policy_detail.html",
        {"policy": policy, "package_links": package_links},
    )


@permission_required(_admin)
@require_http_methods(["GET", "POST"])
def policy_create(request: HttpRequest) -> HttpResponse:
    form = forms.PolicyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.policy_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _error(request, exc)
        else:
            return redirect("governance:policy_detail", pk=policy.pk)
    return render(request, "governance/form.html", {"form": form, "title": _("New policy item")})


@permission_required(works_on_chains)
@require_http_methods(["GET", "POST"])
def package(request: HttpRequest, slug: str) -> HttpResponse:
    chain = _chain(request, slug)
    can_edit = services.can_edit_chain(request.user, chain.pk)
    form = forms.PackageAddForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            _run(
                request,
                services.package_item_add,
                _("The policy was added to the package."),
                chain=chain,
                **form.cleaned_data,
            )
            return redirect("governance:package", slug=chain.slug)
    return render(
        request,
        "governance/package.html",
        {
            "chain": chain,
            "items": selectors.package_items(user=request.user, chain=chain),
            "form": form,
            "can_edit": can_edit,
        },
    )


@permission_required(edits_some_chain)
@require_POST
def package_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(PackageItem.objects.select_related("chain"), pk=pk)
    services.package_item_remove(actor=request.user, item=item)
    messages.success(request, _("The policy was removed from the package."))
    return redirect("governance:package", slug=item.chain.slug)
