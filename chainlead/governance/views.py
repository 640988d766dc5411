"""Chain governance pages: the dashboards, the five ones, plans, meetings and policy packages.

Views are thin: the generic views of `core.generic` (scoped lookup, service errors shown one
way), each declaring its permission; object-level rules (which chain) are in the selectors and
services, whose PermissionDenied becomes a 403. The dashboards, the briefing download and the
two pages that list and add on one page (task force, package) are written out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from chainlead.accounts.access import access_for
from chainlead.chains.models import Chain
from chainlead.chains.permissions import edits_some_chain, works_on_chains
from chainlead.chains.selectors import data_version
from chainlead.core.caching import cached_fragment
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.generic import DetailView, FormView, ListView, TransitionView, get_or_404
from chainlead.core.views import authenticated, permission_required
from chainlead.governance import briefing, forms, selectors, services
from chainlead.governance.choices import Indicator, MilestoneStatus
from chainlead.governance.constants import INDICATOR_SOURCES
from chainlead.governance.dashboard import chain_dashboard
from chainlead.governance.filtersets import PolicyItemFilterSet
from chainlead.governance.models import (
    ActionItem,
    Meeting,
    Milestone,
    PackageItem,
    PolicyItem,
    Target,
    TaskForceMember,
    WorkPlan,
)
from chainlead.governance.permissions import administers_governance
from chainlead.governance.requests_data import requests_summary
from chainlead.governance.tables import POLICY_EXPORT_COLUMNS, PolicyItemTable


def _chain(request: HttpRequest, slug: str) -> Chain:
    """The chain by its slug: 404 if there is none, 403 if its governance is not the reader's."""
    try:
        return selectors.governed_chain_get(user=request.user, slug=slug)
    except Chain.DoesNotExist as exc:
        raise Http404 from exc


def _error(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _plan_url(plan_id: int) -> str:
    return reverse("governance:plan_detail", args=[plan_id])


def _meeting_url(meeting_id: int) -> str:
    return reverse("governance:meeting_detail", args=[meeting_id])


class _ChainFormView(FormView[Chain]):
    """A form that creates something under the chain its URL names (`slug`), for those who
    may edit that chain; the page is governance's form, with the chain in its breadcrumbs."""

    permission = staticmethod(edits_some_chain)
    template_name = "governance/form.html"
    chain: Chain

    def get_object(self) -> Chain:
        self.chain = _chain(self.request, self.kwargs["slug"])
        return self.chain

    def allows(self, obj: Chain | None) -> bool:
        return services.can_edit_chain(self.request.user, self.chain.pk)

    def context(self, obj: Chain | None) -> dict[str, Any]:
        return {"chain": self.chain}


class _PlanTransition(TransitionView[WorkPlan]):
    """A POST on a work plan the reader may see; back to the plan."""

    permission = staticmethod(edits_some_chain)
    selector = staticmethod(selectors.plan_list)

    def back_url(self, obj: WorkPlan) -> str:
        return _plan_url(obj.pk)


class _MeetingTransition(TransitionView[Meeting]):
    """A POST on a meeting the reader may see; back to the meeting."""

    permission = staticmethod(edits_some_chain)

    def get_object(self) -> Meeting:
        return get_or_404(selectors.meeting_get, user=self.request.user, pk=self.kwargs["pk"])

    def back_url(self, obj: Meeting) -> str:
        return _meeting_url(obj.pk)


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


class LeaderAppoint(_ChainFormView):
    permission = staticmethod(administers_governance)
    form_class = forms.LeaderForm
    title = gettext_lazy("Appoint the chain leader")
    success_message = gettext_lazy("The chain leader was appointed.")

    def perform(self, obj: Chain | None, data: dict[str, Any]) -> Chain:
        services.leader_appoint(
            actor=self.request.user,
            chain=self.chain,
            user=data["user"],
            title=data["title"],
            replace=data["replace"],
        )
        return self.chain

    def success_url(self, saved: Chain) -> str:
        return reverse("governance:dashboard", args=[saved.slug])


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
        elif not administers_governance(access_for(request.user)):
            raise PermissionDenied
    return render(
        request,
        "governance/task_force.html",
        {
            "chain": chain,
            "members": selectors.task_force(chain=chain),
            "form": form,
            "is_admin": administers_governance(access_for(request.user)),
        },
    )


class TaskForceRemove(TransitionView[TaskForceMember]):
    permission = staticmethod(administers_governance)

    def get_object(self) -> TaskForceMember:
        # Only city admins come here; the service decides.
        return get_object_or_404(
            TaskForceMember.objects.select_related("chain", "user"), pk=self.kwargs["pk"]
        )

    def perform(self, obj: TaskForceMember, data: dict[str, Any]) -> str:
        services.task_force_member_remove(actor=self.request.user, member=obj)
        return _("%(user)s left the task force.") % {"user": obj.user}

    def back_url(self, obj: TaskForceMember) -> str:
        return reverse("governance:task_force", args=[obj.chain.slug])


# --- work plans -------------------------------------------------------------------------------


class PlanCreate(_ChainFormView):
    form_class = forms.PlanForm
    title = gettext_lazy("New work plan")

    def initial(self, obj: Chain | None) -> dict[str, Any]:
        return {"year": timezone.localdate().year}

    def perform(self, obj: Chain | None, data: dict[str, Any]) -> WorkPlan:
        return services.plan_create(actor=self.request.user, chain=self.chain, **data)

    def success_url(self, saved: WorkPlan) -> str:
        return _plan_url(saved.pk)


class PlanDetail(DetailView[WorkPlan]):
    permission = staticmethod(works_on_chains)
    selector = staticmethod(selectors.plan_list)
    template_name = "governance/plan_detail.html"
    context_object_name = "plan"

    def context(self, obj: WorkPlan) -> dict[str, Any]:
        progress = selectors.plan_progress(obj)
        targets = {t.indicator: t for t in obj.targets.all()}
        for row in progress:
            row.target_obj = targets.get(row.indicator)  # type: ignore[attr-defined]
            row.entered = INDICATOR_SOURCES[Indicator(row.indicator)] == "entered"  # type: ignore[attr-defined]
        user = self.request.user
        return {
            "chain": obj.chain,
            "progress": progress,
            "milestones": obj.milestones.select_related("owner"),
            "today": timezone.localdate(),
            "can_edit": services.can_edit_chain(user, obj.chain_id),
            "can_approve": services.can_approve_plan(user, obj.chain_id),
            "target_form": forms.TargetForm(),
            "actual_form": forms.ActualForm(initial={"as_of": timezone.localdate()}),
            "milestone_form": forms.MilestoneForm(),
            "milestone_statuses": MilestoneStatus.choices,
        }


class PlanApprove(_PlanTransition):
    permission = staticmethod(works_on_chains)

    def perform(self, obj: WorkPlan, data: dict[str, Any]) -> str:
        services.plan_approve(actor=self.request.user, plan=obj)
        return _("The work plan was approved.")


class TargetSet(_PlanTransition):
    form_class = forms.TargetForm
    invalid_message = gettext_lazy("Give an indicator and a target of zero or more.")

    def perform(self, obj: WorkPlan, data: dict[str, Any]) -> str:
        services.target_set(actor=self.request.user, plan=obj, **data)
        return _("The target was saved.")


class ActualEnter(TransitionView[Target]):
    permission = staticmethod(edits_some_chain)
    selector = staticmethod(selectors.target_list)
    form_class = forms.ActualForm
    invalid_message = gettext_lazy("Give the figure, its date and its source.")

    def perform(self, obj: Target, data: dict[str, Any]) -> str:
        services.actual_enter(actor=self.request.user, target=obj, **data)
        return _("The actual was entered.")

    def back_url(self, obj: Target) -> str:
        return _plan_url(obj.plan_id)


class MilestoneCreate(_PlanTransition):
    form_class = forms.MilestoneForm
    invalid_message = gettext_lazy("Give the milestone, its owner and its deadline.")

    def perform(self, obj: WorkPlan, data: dict[str, Any]) -> str:
        services.milestone_create(actor=self.request.user, plan=obj, **data)
        return _("The milestone was added.")


class MilestoneStatusSet(TransitionView[Milestone]):
    permission = staticmethod(edits_some_chain)
    form_class = forms.MilestoneStatusForm

    def get_object(self) -> Milestone:
        milestone = get_object_or_404(
            Milestone.objects.select_related("plan"), pk=self.kwargs["pk"]
        )
        get_or_404(selectors.plan_get, user=self.request.user, pk=milestone.plan_id)  # in scope
        return milestone

    def perform(self, obj: Milestone, data: dict[str, Any]) -> str:
        services.milestone_set_status(actor=self.request.user, milestone=obj, status=data["status"])
        return _("The milestone was updated.")

    def back_url(self, obj: Milestone) -> str:
        return _plan_url(obj.plan_id)


# --- meetings and action items ----------------------------------------------------------------


class MeetingList(DetailView[Chain]):
    """A chain's meetings and action items."""

    permission = staticmethod(works_on_chains)
    template_name = "governance/meeting_list.html"
    context_object_name = "chain"

    def get_object(self) -> Chain:
        return _chain(self.request, self.kwargs["slug"])

    def context(self, obj: Chain) -> dict[str, Any]:
        user = self.request.user
        return {
            "meetings": selectors.meeting_list(user=user, chain=obj),
            "actions": selectors.action_item_list(user=user, chain=obj).order_by(
                "status", "deadline"
            ),
            "today": timezone.localdate(),
            "can_edit": services.can_edit_chain(user, obj.pk),
        }


class MeetingCreate(_ChainFormView):
    form_class = forms.MeetingForm
    title = gettext_lazy("New meeting")

    def perform(self, obj: Chain | None, data: dict[str, Any]) -> Meeting:
        return services.meeting_create(actor=self.request.user, chain=self.chain, **data)

    def success_url(self, saved: Meeting) -> str:
        return _meeting_url(saved.pk)


class MeetingDetail(DetailView[Meeting]):
    permission = staticmethod(works_on_chains)
    template_name = "governance/meeting_detail.html"
    context_object_name = "meeting"

    def get_object(self) -> Meeting:
        return get_or_404(selectors.meeting_get, user=self.request.user, pk=self.kwargs["pk"])

    def context(self, obj: Meeting) -> dict[str, Any]:
        return {
            "chain": obj.chain,
            "today": timezone.localdate(),
            "can_edit": services.can_edit_chain(self.request.user, obj.chain_id),
            "decision_form": forms.DecisionForm(),
            "action_form": forms.ActionItemForm(meeting=obj),
        }


class DecisionCreate(_MeetingTransition):
    form_class = forms.DecisionForm

    def perform(self, obj: Meeting, data: dict[str, Any]) -> str:
        services.decision_create(actor=self.request.user, meeting=obj, text=data["text"])
        return _("The decision was recorded.")


class ActionCreate(_MeetingTransition):
    form_class = forms.ActionItemForm
    invalid_message = gettext_lazy("Give the action, its owner and its deadline.")

    def form_kwargs(self, obj: Meeting) -> dict[str, Any]:
        return {"meeting": obj}

    def perform(self, obj: Meeting, data: dict[str, Any]) -> str:
        services.action_item_create(actor=self.request.user, chain=obj.chain, meeting=obj, **data)
        return _("The action item was added.")


class ActionTransition(TransitionView[ActionItem]):
    """Any reader may try: the owner of an item moves it even outside their chains."""

    permission = staticmethod(authenticated)
    form_class = forms.ActionTransitionForm

    def get_object(self) -> ActionItem:
        return get_or_404(selectors.action_item_get, user=self.request.user, pk=self.kwargs["pk"])

    def perform(self, obj: ActionItem, data: dict[str, Any]) -> str:
        services.action_item_transition(
            actor=self.request.user, item=obj, status=data["status"], note=data["note"]
        )
        return _("The action item was updated.")

    def back_url(self, obj: ActionItem) -> str:
        if obj.meeting_id:
            return _meeting_url(obj.meeting_id)
        return reverse("governance:meeting_list", args=[obj.chain.slug])


# --- policies ---------------------------------------------------------------------------------


class PolicyList(ListView):
    permission = staticmethod(works_on_chains)
    selector = staticmethod(selectors.policy_list)
    filterset_class = PolicyItemFilterSet
    table_class = PolicyItemTable
    template_name = "governance/policy_list.html"
    export_columns = POLICY_EXPORT_COLUMNS
    export_filename = "policies"

    def extra_context(self) -> dict[str, Any]:
        return {"is_admin": administers_governance(access_for(self.request.user))}


class PolicyDetail(DetailView[PolicyItem]):
    permission = staticmethod(works_on_chains)
    template_name = "governance/policy_detail.html"
    context_object_name = "policy"

    def get_object(self) -> PolicyItem:
        return get_or_404(selectors.policy_get, user=self.request.user, pk=self.kwargs["pk"])

    def context(self, obj: PolicyItem) -> dict[str, Any]:
        # Link a package only for the chains whose governance the reader may open.
        package_links = {
            item.chain_id
            for item in obj.package_items.all()
            if services.can_read_chain(self.request.user, item.chain_id)
        }
        return {"package_links": package_links}


class PolicyCreate(FormView[PolicyItem]):
    permission = staticmethod(administers_governance)
    form_class = forms.PolicyForm
    template_name = "governance/form.html"
    title = gettext_lazy("New policy item")

    def perform(self, obj: PolicyItem | None, data: dict[str, Any]) -> PolicyItem:
        return services.policy_create(actor=self.request.user, **data)

    def success_url(self, saved: PolicyItem) -> str:
        return reverse("governance:policy_detail", args=[saved.pk])


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
            try:
                services.package_item_add(actor=request.user, chain=chain, **form.cleaned_data)
            except ValidationError as exc:
                _error(request, exc)
            else:
                messages.success(request, _("The policy was added to the package."))
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


class PackageRemove(TransitionView[PackageItem]):
    permission = staticmethod(edits_some_chain)

    def get_object(self) -> PackageItem:
        # The service decides whether the reader may edit the item's chain (else 403).
        return get_object_or_404(PackageItem.objects.select_related("chain"), pk=self.kwargs["pk"])

    def perform(self, obj: PackageItem, data: dict[str, Any]) -> str:
        services.package_item_remove(actor=self.request.user, item=obj)
        return _("The policy was removed from the package.")

    def back_url(self, obj: PackageItem) -> str:
        return reverse("governance:package", args=[obj.chain.slug])
