"""Pages of the registry: the enterprise list, the firm page, and its edit/create/delete forms.

Who may do what (each view declares it with `permission_required`; selectors do the scoping):
- every logged-in user may open the list; it shows only the firms their roles reach (city admins,
  auditors and finance: all; chain leaders and task forces: their chains' firms; district
  officials: their district; enterprise users: their own firm; researchers and reviewers: none,
  so an empty list with an explanation). A firm outside the user's scope is a 404.
- editing: city admins (all fields) and the firm's own users (`OWNER_EDITABLE_FIELDS`); anyone
  else who can see the firm gets 403. Creating and deleting firms: city admins only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from chainlead.accounts.access import access_for
from chainlead.audit.permissions import reads_audit_log
from chainlead.core.exceptions import ConcurrentEditError, PermissionDenied
from chainlead.core.export import Column, choice_label, wants_export
from chainlead.core.plugins import related_records
from chainlead.core.search import SearchQuery
from chainlead.core.tables import RankedRows
from chainlead.core.views import (
    PER_PAGE,
    authenticated,
    history_for,
    object_list,
    permission_required,
)
from chainlead.registry import pickers, selectors, services
from chainlead.registry.choices import DataProvenance, Origin, SizeClass
from chainlead.registry.filtersets import EnterpriseFilterSet
from chainlead.registry.forms import EnterpriseCreateForm, EnterpriseForm, IndicatorForm
from chainlead.registry.models import Enterprise
from chainlead.registry.permissions import manages_registry, reads_all_firms
from chainlead.registry.search import ranked_at_most, registry_ranking
from chainlead.registry.tables import EnterpriseTable

ENTERPRISE_EXPORT_COLUMNS: list[Column] = [
    (gettext_lazy("name"), "name"),
    (gettext_lazy("unified social credit code"), "credit_code"),
    (gettext_lazy("stock code"), "stock_code"),
    (gettext_lazy("district"), "district.name"),
    (gettext_lazy("industry code"), "industry_id"),
    (gettext_lazy("industry"), "industry.name"),
    (gettext_lazy("founding date"), "founded"),
    (gettext_lazy("size class"), choice_label(SizeClass, "size_class")),
    (gettext_lazy("above designated size"), "above_designated_size"),
    (gettext_lazy("employees"), "employees"),
    (gettext_lazy("revenue (10,000 CNY)"), "revenue"),
    (gettext_lazy("R&D spend (10,000 CNY)"), "rd_spend"),
    (gettext_lazy("listed"), "listed"),
    (gettext_lazy("origin"), choice_label(Origin, "origin")),
    (gettext_lazy("attracted from"), "origin_place"),
    (gettext_lazy("landed on"), "landed_on"),
    (gettext_lazy("data provenance"), choice_label(DataProvenance, "provenance")),
    (gettext_lazy("source of the data"), "source_note"),
]


def _visible_enterprise(request: HttpRequest, pk: int) -> Enterprise:
    try:
        return selectors.enterprise_get(user=request.user, pk=pk)
    except Enterprise.DoesNotExist:
        raise Http404(_("No such firm, or it is outside what you may see.")) from None


def _add_service_errors(form: BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# A search's best matches a page: the first few are what is looked for (the search page shows
# ten of each kind).
SEARCH_PER_PAGE = 20


class RankedEnterpriseTable(EnterpriseTable):
    """The list searched (`?q=`) and not sorted by a column: best matches first, as the search
    ranks them, instead of the table's default order by name."""

    class Meta(EnterpriseTable.Meta):
        # None, unlike the base's ("name",): django-tables2 then keeps the data's order.
        order_by = None  # type: ignore[assignment]


class SearchRankedEnterpriseTable(RankedEnterpriseTable):
    """The list searched by words (at most `ranked_at_most` matches) or, for a city-wide
    reader, by a code `registry_ranking` ranks: ranked once, read as the ranked firms' ids
    (core.tables.RankedRows)."""

    class Meta(RankedEnterpriseTable.Meta):
        # django-tables2 reads the options of a class's own Meta only: without one, the
        # table had none of its parent's (class "data", the empty text).
        pass

    def __init__(self, data: Any, *args: Any, **kwargs: Any) -> None:
        rows = data if isinstance(data, RankedRows) else RankedRows(data)
        super().__init__(rows, *args, **kwargs)


def _filtered_beyond_search(request: HttpRequest) -> bool:
    """Whether the list is filtered by anything but its search words."""
    return any(request.GET.get(name) for name in EnterpriseFilterSet.base_filters if name != "q")


@permission_required(authenticated)
@require_http_methods(["GET"])
def enterprise_list(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    query = SearchQuery.parse(request.GET.get("q"))
    ranked = bool(query) and not request.GET.get("sort")
    bounded = ranked_at_most(query) is not None
    visible = selectors.enterprise_list(user=request.user)
    ranking = None
    city_wide_search = reads_all_firms(access) and not _filtered_beyond_search(request)
    if ranked and city_wide_search and not wants_export(request):
        # The whole registry's ranking in plain statements (the ORM's compiling of the same
        # costs a few ms a request); other readers, filters and exports use the filterset.
        ranking = registry_ranking(query)
    return object_list(
        request,
        queryset=visible,
        filterset_class=EnterpriseFilterSet,
        table_class=(
            (
                SearchRankedEnterpriseTable
                if bounded or ranking is not None
                else RankedEnterpriseTable
            )
            if ranked
            else EnterpriseTable
        ),
        template_name="registry/enterprise_list.html",
        export_columns=ENTERPRISE_EXPORT_COLUMNS,
        export_filename="enterprises",
        fragment_template="registry/partials/_enterprise_results.html",
        per_page=SEARCH_PER_PAGE if ranked else PER_PAGE,
        table_data=None if ranking is None else RankedRows(visible, keys=ranking),
        export_defer=("business_scope", "main_business", "search_text", "address"),
        context={
            # The list says so when a search reaches the most matches it ranks.
            "search_limit": ranked_at_most(query),
            "can_create": manages_registry(access),
            "sees_no_firms": not reads_all_firms(access)
            and not (access.enterprise_ids or access.chain_ids or access.district_ids),
        },
    )


def _chart_data(indicators: list[Any]) -> dict[str, Any]:
    def num(value: Decimal | int | None) -> float | None:
        return None if value is None else float(value)

    return {
        "years": [str(i.year) for i in indicators],
        "revenue": [num(i.revenue) for i in indicators],
        "rd_spend": [num(i.rd_spend) for i in indicators],
        "employees": [num(i.employees) for i in indicators],
        "labels": {
            "revenue": _("revenue (10,000 CNY)"),
            "rd_spend": _("R&D spend (10,000 CNY)"),
            "employees": _("employees"),
            "money": _("10,000 CNY"),
            "people": _("people"),
        },
    }


@permission_required(authenticated)
@require_http_methods(["GET"])
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _visible_enterprise(request, pk)
    access = access_for(request.user)
    indicators = list(selectors.indicator_list(enterprise=enterprise))
    can_edit = bool(services.fields_editable_by(actor=request.user, enterprise=enterprise))
    sees_history = reads_audit_log(access) or enterprise.pk in access.enterprise_ids
    context = {
        "object": enterprise,
        "enterprise": enterprise,
        "indicators": indicators,
        "latest": indicators[-1] if indicators else None,
        "chart_data": _chart_data(indicators),
        "can_edit": can_edit,
        "can_delete": manages_registry(access),
        "indicator_form": IndicatorForm() if can_edit else None,
        "history": (
            history_for(enterprise, related=[*indicators, *related_records(enterprise)])
            if sees_history
            else None
        ),
    }
    return render(request, "registry/enterprise_detail.html", context)


@permission_required(authenticated)
@require_http_methods(["GET", "POST"])
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _visible_enterprise(request, pk)
    editable = services.fields_editable_by(actor=request.user, enterprise=enterprise)
    if not editable:
        raise PermissionDenied
    form = EnterpriseForm(request.POST or None, instance=enterprise, editable=editable)
    status = 200
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in editable}
        try:
            services.enterprise_update(
                actor=request.user,
                enterprise=enterprise,
                expected_version=form.cleaned_data["version"],
                **changes,
            )
        except ConcurrentEditError:
            status = 409
            form.add_error(
                None,
                _(
                    "Someone else saved this firm while you were editing it. Nothing was "
                    "saved. Reload the page to see their changes, then apply yours again."
                ),
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The firm was saved."))
            return redirect("registry:enterprise_detail", pk=enterprise.pk)
    return render(
        request,
        "registry/enterprise_form.html",
        {"form": form, "object": enterprise, "enterprise": enterprise},
        status=status,
    )


@permission_required(manages_registry)
@require_http_methods(["GET", "POST"])
def enterprise_create(request: HttpRequest) -> HttpResponse:
    form = EnterpriseCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(actor=request.user, **form.changes())
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The firm was registered."))
            return redirect("registry:enterprise_detail", pk=enterprise.pk)
    return render(
        request,
        "registry/enterprise_form.html",
        {"form": form, "object": None},
    )


@permission_required(manages_registry)
@require_http_methods(["GET", "POST"])
def enterprise_delete(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _visible_enterprise(request, pk)
    if request.method == "POST":
        try:
            services.enterprise_delete(actor=request.user, enterprise=enterprise)
        except ProtectedError:
            messages.error(
                request,
                _("This firm cannot be deleted: other records (requests, awards…) refer to it."),
            )
            return redirect("registry:enterprise_detail", pk=enterprise.pk)
        messages.success(request, _("The firm %(name)s was deleted.") % {"name": enterprise.name})
        return redirect("registry:enterprise_list")
    return render(
        request,
        "registry/enterprise_confirm_delete.html",
        {"object": enterprise, "enterprise": enterprise},
    )


@permission_required(authenticated)
@require_http_methods(["GET", "POST"])
def indicator_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a year of figures, or replace an existing year's (`?year=` prefills it)."""
    enterprise = _visible_enterprise(request, pk)
    if not services.fields_editable_by(actor=request.user, enterprise=enterprise):
        raise PermissionDenied
    existing = None
    year = request.GET.get("year", "")
    if year.isdigit():
        existing = enterprise.indicators.filter(year=int(year)).first()
    form = IndicatorForm(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_set(
                actor=request.user,
                enterprise=enterprise,
                year=form.cleaned_data["year"],
                **form.values(),
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The figures of %(year)s were saved.") % {"year": form.cleaned_data["year"]},
            )
            return redirect("registry:enterprise_detail", pk=enterprise.pk)
    return render(
        request,
        "registry/indicator_form.html",
        {"form": form, "object": enterprise, "enterprise": enterprise},
    )


@permission_required(authenticated)
@require_http_methods(["GET"])
def enterprise_suggest(request: HttpRequest) -> HttpResponse:
    """The firm picker's suggestions: <option>s of the firms the reader may see (an htmx
    fragment; the typed text comes as the picker's own field, named by `field`, or `q`)."""
    field = request.GET.get("field", "q")
    text = request.GET.get(field) or request.GET.get("q") or ""
    firms = pickers.firm_suggestions(user=request.user, text=text)
    return render(request, "registry/partials/_firm_suggestions.html", {"firms": firms})
