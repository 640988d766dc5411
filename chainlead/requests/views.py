"""Pages of the requests app: the problem list, the request page with its timeline and
actions, raising a request, figures per chain and department, recurring problems, the 12345
and hotline import.

The request's own pages are the generic views of `core.generic`; the list (cached), the
figures, the recurring problems, the download and the import are written out.

Who may do what (each view declares it; selectors scope, services decide):
- every logged-in user may open the list and the figures; they cover only the requests their
  roles reach (see selectors.request_list). A request outside that scope is a 404.
- raising: enterprise users (their firms), commissioners, task-force members, city admins.
- transitions, take, route, link, attach: as constants.TRANSITIONS and the selectors' `can_*`
  say; a visible request the user may not move is a 403.
- the hotline import: city admins.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from chainlead.accounts.access import access_for
from chainlead.accounts.choices import Role
from chainlead.audit.permissions import reads_audit_log
from chainlead.core.caching import cached_fragment, versions
from chainlead.core.export import export_response, wants_export
from chainlead.core.generic import DetailView, FormView, TransitionView, get_or_404
from chainlead.core.views import (
    authenticated,
    history_for,
    object_list,
    permission_required,
)
from chainlead.registry.models import Enterprise
from chainlead.requests import hotline, selectors, services
from chainlead.requests.choices import Channel, Transition
from chainlead.requests.constants import RECURRING_MIN_FIRMS, RECURRING_PERIOD_DAYS, REQUESTS_DATA
from chainlead.requests.filtersets import RequestFilterSet
from chainlead.requests.forms import (
    AttachmentForm,
    HotlineImportForm,
    LinkForm,
    PeriodForm,
    RequestForm,
    RouteForm,
    TransitionForm,
)
from chainlead.requests.models import EnterpriseRequest, RequestAttachment
from chainlead.requests.permissions import (
    firms_to_raise_for,
    imports_hotline,
    raises_as_official,
    raises_requests,
)
from chainlead.requests.tables import RequestTable

REQUEST_EXPORT_COLUMNS = [
    (gettext_lazy("number"), "reference"),
    (gettext_lazy("title"), "title"),
    (gettext_lazy("firm"), "enterprise.name"),
    (gettext_lazy("credit code"), "enterprise.credit_code"),
    (gettext_lazy("category"), "get_category_display"),
    (gettext_lazy("chain"), "chain.name"),
    (gettext_lazy("department"), "department.name"),
    (gettext_lazy("channel"), "get_channel_display"),
    (gettext_lazy("status"), "get_status_display"),
    (gettext_lazy("raised"), "raised_at"),
    (gettext_lazy("deadline"), "deadline"),
    (gettext_lazy("deadline estimated"), "deadline_estimated"),
    (gettext_lazy("escalation"), "get_escalation_level_display"),
    (gettext_lazy("resolved"), "resolved_at"),
    (gettext_lazy("working days to close"), "days_to_close"),
    (gettext_lazy("rating"), "rating"),
    (gettext_lazy("12345 ticket number"), "hotline_ticket"),
]


@permission_required(authenticated)
@require_http_methods(["GET"])
def request_list(request: HttpRequest) -> HttpResponse:
    # The rendered table and filter form are cached per scope (the user's, or "all" for
    # readers of every request), requests data version, query and day, for a minute: overdue
    # flags move with the clock, not with writes.
    list_cache_key = (
        f"{selectors.request_scope_key(request.user)}:{versions(REQUESTS_DATA)}:"
        f"{request.GET.urlencode()}:{timezone.localdate().isoformat()}"
    )
    context: dict[str, Any] = {
        "can_raise": selectors.can_raise(request.user),
        "list_cache_key": list_cache_key,
    }
    if not wants_export(request):
        vary = [list_cache_key, translation.get_language()]
        cached_table = cached_fragment("request-list", *vary)
        cached_filters = cached_fragment("request-filters", *vary)
        if cached_table is not None and cached_filters is not None:
            # Both fragments are ready: skip filtering, counting and paginating 200,000 rows.
            context.update(cached_table=cached_table, cached_filters=cached_filters)
            return render(request, "requests/request_list.html", context)
    return object_list(
        request,
        queryset=selectors.request_list(user=request.user),
        filterset_class=RequestFilterSet,
        table_class=RequestTable,
        template_name="requests/request_list.html",
        export_columns=REQUEST_EXPORT_COLUMNS,
        export_filename="requests",
        context=context,
    )


class RequestCreate(FormView[EnterpriseRequest]):
    permission = staticmethod(raises_requests)
    form_class = RequestForm
    template_name = "requests/request_form.html"
    success_message = gettext_lazy("Your request was raised.")

    def _firms(self) -> tuple[QuerySet[Enterprise] | None, QuerySet[Enterprise], bool]:
        """The firms a firm's user raises for (None for officials), the firms in the reader's
        scope, and whether the reader raises as an official."""
        access = access_for(self.request.user)
        official = raises_as_official(access)
        in_scope = firms_to_raise_for(self.request.user)
        firms = None if official else in_scope.filter(pk__in=access.enterprise_ids)
        return firms, in_scope, official

    def form_kwargs(self, obj: EnterpriseRequest | None) -> dict[str, Any]:
        firms, in_scope, official = self._firms()
        return {
            "firms": firms,
            "firms_in_scope": in_scope,
            "official": official,
            "user": self.request.user,
        }

    def perform(self, obj: EnterpriseRequest | None, data: dict[str, Any]) -> EnterpriseRequest:
        user = self.request.user
        firms = self._firms()[0]
        channel = data.get("channel") or (
            Channel.COMMISSIONER
            if access_for(user).has(Role.COMMISSIONER)
            else Channel.FIRM_PAGE
            if firms is not None
            else Channel.TASK_FORCE_VISIT
        )
        created = services.request_raise(
            actor=user,
            enterprise=data["enterprise"],
            category=data["category"],
            title=data["title"],
            description=data["description"],
            chain=data.get("chain"),
            channel=channel,
            tags=list(data.get("tags") or []),
        )
        if data.get("attachment"):
            services.request_attach(actor=user, enterprise_request=created, file=data["attachment"])
        return created


def _visible(request: HttpRequest, pk: int) -> EnterpriseRequest:
    return get_or_404(selectors.request_get, user=request.user, pk=pk)


class RequestDetail(DetailView[EnterpriseRequest]):
    permission = staticmethod(authenticated)
    template_name = "requests/request_detail.html"
    context_object_name = "req"

    def get_object(self) -> EnterpriseRequest:
        return _visible(self.request, self.kwargs["pk"])

    def context(self, obj: EnterpriseRequest) -> dict[str, Any]:
        user = self.request.user
        transitions = selectors.allowed_transitions(user, obj)
        return {
            "timeline": selectors.request_timeline(enterprise_request=obj),
            "attachments": obj.attachments.all(),
            "children": obj.children.select_related("enterprise"),
            "transitions": [(t, Transition(t).label) for t in transitions],
            "transition_form": TransitionForm(),
            "can_take": selectors.can_take(user, obj),
            "can_route": selectors.can_route(user, obj),
            "route_form": RouteForm(initial={"department": obj.department_id}),
            "can_link": selectors.can_link(user, obj),
            "link_form": LinkForm(initial={"parent": obj.parent.reference if obj.parent else ""}),
            "can_attach": selectors.can_attach(user, obj),
            "attachment_form": AttachmentForm(),
            "overdue": obj.is_overdue(timezone.localdate()),
            "history": history_for(obj) if reads_audit_log(access_for(user)) else None,
        }


class _RequestAction(TransitionView[EnterpriseRequest]):
    """A POST on a request the reader may see (404 otherwise); back to the request. Who may
    do what is the selectors' `can_*` (403) and the services'."""

    permission = staticmethod(authenticated)

    def get_object(self) -> EnterpriseRequest:
        return _visible(self.request, self.kwargs["pk"])


class RequestTransition(_RequestAction):
    form_class = TransitionForm
    invalid_message = gettext_lazy("Check the form.")

    def get_object(self) -> EnterpriseRequest:
        obj = super().get_object()
        if self.kwargs["transition"] not in Transition.values:
            raise Http404
        return obj

    def post(self, request: HttpRequest, pk: Any, transition: str = "") -> HttpResponseRedirect:
        return super().post(request, pk)  # the transition is read from self.kwargs

    def perform(self, obj: EnterpriseRequest, data: dict[str, Any]) -> str:
        transition = self.kwargs["transition"]
        services.request_transition(
            actor=self.request.user, enterprise_request=obj, transition=transition, **data
        )
        return _("Done: %(action)s.") % {"action": Transition(transition).label}


class RequestTake(_RequestAction):
    def perform(self, obj: EnterpriseRequest, data: dict[str, Any]) -> str:
        services.request_take(actor=self.request.user, enterprise_request=obj)
        return _("You took this request.")


class RequestRoute(_RequestAction):
    form_class = RouteForm
    invalid_message = gettext_lazy("Choose a department.")

    def allows(self, obj: EnterpriseRequest) -> bool:
        return selectors.can_route(self.request.user, obj)

    def perform(self, obj: EnterpriseRequest, data: dict[str, Any]) -> str:
        services.request_route(
            actor=self.request.user, enterprise_request=obj, department=data["department"]
        )
        return _("The request was routed.")


class RequestLink(_RequestAction):
    form_class = LinkForm

    def allows(self, obj: EnterpriseRequest) -> bool:
        return selectors.can_link(self.request.user, obj)

    def perform(self, obj: EnterpriseRequest, data: dict[str, Any]) -> str:
        parent = None
        if data["parent"] is not None:
            try:
                parent = selectors.request_get(user=self.request.user, pk=data["parent"])
            except EnterpriseRequest.DoesNotExist:
                raise ValidationError(
                    _("No such request, or it is outside what you may see.")
                ) from None
        services.request_link(actor=self.request.user, enterprise_request=obj, parent=parent)
        return _("The link was saved.")


class RequestAttach(_RequestAction):
    form_class = AttachmentForm
    invalid_message = gettext_lazy("Choose a file.")

    def allows(self, obj: EnterpriseRequest) -> bool:
        return selectors.can_attach(self.request.user, obj)

    def perform(self, obj: EnterpriseRequest, data: dict[str, Any]) -> str:
        services.request_attach(actor=self.request.user, enterprise_request=obj, file=data["file"])
        return _("The file was attached.")


@permission_required(authenticated)
@require_http_methods(["GET"])
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    obj = _visible(request, pk)
    try:
        attachment = obj.attachments.get(pk=attachment_id)
    except RequestAttachment.DoesNotExist:
        raise Http404 from None
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


def _period(request: HttpRequest) -> tuple[PeriodForm, dt.date | None, dt.date | None]:
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["period_start"], form.cleaned_data["period_end"]
    return form, None, None


FIGURE_COLUMNS = [
    (gettext_lazy("name"), lambda row: str(row[0])),
    (gettext_lazy("opened"), lambda row: row[1].opened),
    (gettext_lazy("closed"), lambda row: row[1].closed),
    (gettext_lazy("open"), lambda row: row[1].open),
    (gettext_lazy("overdue"), lambda row: row[1].overdue),
    (gettext_lazy("closing rate"), lambda row: row[1].closing_rate),
    (gettext_lazy("median working days to close"), lambda row: row[1].median_days),
    (gettext_lazy("90th percentile working days to close"), lambda row: row[1].p90_days),
    (gettext_lazy("satisfaction (1-5)"), lambda row: row[1].satisfaction_avg),
]


@permission_required(authenticated)
@require_http_methods(["GET"])
def figures(request: HttpRequest) -> HttpResponseBase:
    form, start, end = _period(request)
    user = request.user
    by_chain = selectors.request_figures_by(
        user=user, group="chain", period_start=start, period_end=end
    )
    by_department = selectors.request_figures_by(
        user=user, group="department", period_start=start, period_end=end
    )
    fmt = wants_export(request)
    if fmt:
        group = request.GET.get("group", "chain")
        rows = by_department if group == "department" else by_chain
        return export_response(rows, FIGURE_COLUMNS, f"request-figures-{group}", fmt)
    return render(
        request,
        "requests/figures.html",
        {
            "form": form,
            "total": selectors.request_figures(user=user, period_start=start, period_end=end),
            "by_chain": by_chain,
            "by_department": by_department,
        },
    )


@permission_required(authenticated)
@require_http_methods(["GET"])
def recurring(request: HttpRequest) -> HttpResponse:
    try:
        days = int(request.GET.get("days", RECURRING_PERIOD_DAYS))
        min_firms = int(request.GET.get("min_firms", RECURRING_MIN_FIRMS))
    except ValueError:
        days, min_firms = RECURRING_PERIOD_DAYS, RECURRING_MIN_FIRMS
    days = max(1, min(days, 3660))
    min_firms = max(2, min_firms)
    since = timezone.localdate() - dt.timedelta(days=days)
    problems = selectors.recurring_problems(user=request.user, since=since, min_firms=min_firms)
    return render(
        request,
        "requests/recurring.html",
        {"problems": problems, "days": days, "min_firms": min_firms, "since": since},
    )


@permission_required(imports_hotline)
@require_http_methods(["GET", "POST"])
def hotline_import(request: HttpRequest) -> HttpResponse:
    form = HotlineImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = hotline.hotline_import(actor=request.user, data=form.cleaned_data["file"].read())
        if result.ok:
            messages.success(
                request,
                _("%(created)s requests imported, %(skipped)s already in the pool.")
                % {"created": result.created, "skipped": result.skipped},
            )
            return redirect("requests:request_list")
    return render(request, "requests/hotline_import.html", {"form": form, "result": result})
