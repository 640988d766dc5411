"""Small generic view helpers, NetBox-style: views declare what they need, helpers do the rest.

- `permission_required(check)`: a view decorator that declares who may use the view. `check`
  receives the user's `Access` (chainlead.accounts.access) and returns a bool; anonymous users are
  sent to the log-in page, users failing the check get 403.
- `object_list(request, ...)`: filter (django-filter), table (django-tables2, paginated) and export
  (CSV/Excel via chainlead.core.export) of a queryset already restricted to the user.
- `history_for(instance)`: the audit history shown by `core/partials/_history.html`.
- `is_fragment(request)`: true for an htmx request that wants a partial, not a boosted page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django_filters import FilterSet
from django_tables2 import RequestConfig, Table

from chainlead.accounts.access import Access, access_for
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.export import Column, export_response, wants_export

if TYPE_CHECKING:
    from chainlead.audit.models import AuditEntry

PER_PAGE = 50
HISTORY_LIMIT = 50

# Any response: a page, a redirect, a file or a streamed export.
ViewFunc = Callable[..., HttpResponseBase]


def permission_required(check: Callable[[Access], bool]) -> Callable[[ViewFunc], ViewFunc]:
    """Declare a view's permission: log-in required, then `check(access)` or 403."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(access_for(request.user)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        # Navigation (core.plugins) and the home page read the check off the view function.
        wrapped.permission_check = check  # type: ignore[attr-defined]
        return wrapped

    return decorator


def authenticated(access: Access) -> bool:
    """Any logged-in user; the selector decides what they see."""
    return access.authenticated


def is_fragment(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)  # django-htmx's middleware sets it
    if not htmx:
        return False
    return not htmx.boosted


def object_list(
    request: HttpRequest,
    *,
    queryset: QuerySet[Any],
    filterset_class: type[FilterSet],
    table_class: type[Table],
    template_name: str,
    export_columns: Sequence[Column],
    export_filename: str,
    context: dict[str, Any] | None = None,
    per_page: int = PER_PAGE,
    export_defer: Sequence[str] = (),
    fragment_template: str | None = None,
    table_data: Any = None,
) -> HttpResponse:
    """A filtered, sorted, paginated list with CSV/Excel export of the whole filtered list.

    The export keeps the table's sort order; `export_defer` names columns the export does not
    need (long texts), so large exports read less. An htmx request (the filter form) gets
    `fragment_template` only: the results, without the page around them. `table_data`: the
    page's rows when the view found them already (a search's ranking); the filterset then only
    draws its form (an export still reads the filterset's queryset).
    """
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    fmt = wants_export(request)
    if table_data is not None and not fmt:
        return _table_page(
            request, filterset, table_class(table_data), per_page, template_name,
            fragment_template, context,
        )  # fmt: skip
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    if filterset.is_bound and not filterset.is_valid():
        qs = queryset.none()
    if fmt:
        table_for_order = table_class(qs)
        RequestConfig(request, paginate=False).configure(table_for_order)
        ordered = table_for_order.data.data if hasattr(table_for_order.data, "data") else qs
        if export_defer:
            ordered = ordered.defer(*export_defer)
        # A streamed export is not an HttpResponse; the list views that return this declare
        # HttpResponse (a wider return type means retyping each of them: a later pass).
        return export_response(  # type: ignore[return-value]
            ordered.iterator(chunk_size=2000), export_columns, export_filename, fmt
        )
    return _table_page(
        request, filterset, table_class(qs), per_page, template_name, fragment_template, context
    )


def _table_page(
    request: HttpRequest,
    filterset: FilterSet,
    table: Table,
    per_page: int,
    template_name: str,
    fragment_template: str | None,
    context: dict[str, Any] | None,
) -> HttpResponse:
    RequestConfig(request, paginate={"per_page": per_page}).configure(table)
    ctx = {"filter": filterset, "table": table, **(context or {})}
    if fragment_template and is_fragment(request):
        return render(request, fragment_template, ctx)
    return render(request, template_name, ctx)


def history_for(
    instance: models.Model,
    *,
    related: Sequence[models.Model] = (),
    limit: int = HISTORY_LIMIT,
) -> list[AuditEntry]:
    """The latest audit entries of `instance` and of `related` objects (e.g. a firm's yearly
    figures), newest first. Entries of related objects carry `is_related = True`."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from chainlead.audit.models import AuditEntry

    def scope(obj: models.Model) -> Q:
        ct = ContentType.objects.get_for_model(type(obj))
        return Q(content_type=ct, object_id=str(obj.pk))

    query = scope(instance)
    for obj in related:
        query |= scope(obj)
    main_ct = ContentType.objects.get_for_model(type(instance)).pk
    entries = list(AuditEntry.objects.filter(query).select_related("actor", "content_type")[:limit])
    for entry in entries:
        # Read by the template only: an attribute for the page, not a column.
        entry.is_related = not (  # type: ignore[attr-defined]
            entry.content_type_id == main_ct and entry.object_id == str(instance.pk)
        )
    return entries
