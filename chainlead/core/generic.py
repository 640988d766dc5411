"""Generic views where the shape repeats (NetBox's `generic.ObjectListView` & co., ours smaller).

An app declares a view in a few lines; the base does the rest the same way everywhere:

    class TargetDetail(DetailView[Target]):
        permission = works_on_chains                  # who may open it (and see its menu link)
        selector = staticmethod(selectors.target_list)  # what the reader may see: else 404
        template_name = "recruitment/target_detail.html"

    class TargetMove(TransitionView[Target]):
        permission = edits_some_chain
        selector = staticmethod(selectors.target_list)
        form_class = MoveForm
        def perform(self, obj, data): return services.target_move(actor=..., target=obj, ...)

- the object is looked up within the reader's scope (`selector(user=…)`): out of scope is 404;
- a service's `ValidationError` is shown one way: on the form's fields it names, else on top;
  `PermissionDenied` is a 403, `ConcurrentEditError` a form error asking to reload;
- one form template, `core/form.html`, unless a view names its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Generic, Protocol, TypeVar, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from chainlead.accounts.access import Access
from chainlead.core.exceptions import ConcurrentEditError
from chainlead.core.export import Column
from chainlead.core.views import object_list, permission_required

M = TypeVar("M", bound=Model)
Selector = Callable[..., QuerySet[Any]]


class Permission(Protocol):
    """A view's permission check. A protocol, not a Callable: mypy would take a Callable class
    attribute for a method and bind `self` to its access argument."""

    def __call__(self, access: Access, /) -> bool: ...


def get_in_scope(selector: Selector, request: HttpRequest, pk: Any) -> Any:
    """The object `pk` among those `selector(user=…)` lets the reader see; else 404, the same
    answer as for an object that does not exist (ids of hidden objects do not leak)."""
    queryset = selector(user=request.user)
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc


def show_service_error(
    request: HttpRequest, error: ValidationError | ConcurrentEditError, form: forms.Form | None
) -> None:
    """A refused write, shown the one way: on the fields the error names, else above the form
    (or as a message when there is no form)."""
    if isinstance(error, ConcurrentEditError):
        if form is not None:
            form.add_error(None, str(error))
        else:
            messages.error(request, str(error))
        return
    if form is not None:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return
    for message in error.messages:
        messages.error(request, message)


class PlatformView(View):
    """A view that declares who may use it; `as_view()` applies it (log-in, then 403)."""

    permission: ClassVar[Permission]

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        # cast: View.as_view() is typed to return any HttpResponseBase; ours render pages.
        view = cast("Callable[..., HttpResponse]", super().as_view(**initkwargs))
        return permission_required(cls.permission)(view)


class ListView(PlatformView):
    """A filtered, sorted, paginated table with CSV/Excel export (`core.views.object_list`)."""

    selector: ClassVar[Selector]
    filterset_class: ClassVar[type[Any]]
    table_class: ClassVar[type[Any]]
    template_name: ClassVar[str]
    export_columns: ClassVar[Sequence[Column]]
    export_filename: ClassVar[str]

    def extra_context(self) -> dict[str, Any]:
        return {}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return object_list(
            request,
            queryset=type(self).selector(user=request.user),
            filterset_class=self.filterset_class,
            table_class=self.table_class,
            template_name=self.template_name,
            export_columns=self.export_columns,
            export_filename=self.export_filename,
            context=self.extra_context(),
        )


class DetailView(PlatformView, Generic[M]):
    """One object the reader may see (404 otherwise), rendered with `context(obj)`."""

    selector: ClassVar[Selector]
    template_name: ClassVar[str]
    context_object_name: ClassVar[str] = "object"

    def context(self, obj: M) -> dict[str, Any]:
        return {}

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        obj: M = get_in_scope(type(self).selector, request, pk)
        return render(
            request,
            self.template_name,
            {"object": obj, self.context_object_name: obj, **self.context(obj)},
        )


class FormView(PlatformView, Generic[M]):
    """Create (no `pk`) or edit (`pk`, looked up in scope) through a service.

    `perform(obj, data)` calls the service and returns the saved object; the view redirects to
    `success_url(saved)` (default: its `get_absolute_url()`)."""

    form_class: ClassVar[type[forms.Form]]
    template_name: ClassVar[str] = "core/form.html"
    selector: ClassVar[Selector | None] = None
    title: ClassVar[str] = ""
    submit_label: ClassVar[str] = ""
    success_message: ClassVar[str] = ""

    def initial(self, obj: M | None) -> dict[str, Any]:
        return {}

    def perform(self, obj: M | None, data: dict[str, Any]) -> M:
        raise NotImplementedError

    def success_url(self, saved: M) -> str:
        url: str = saved.get_absolute_url()  # type: ignore[attr-defined]
        return url

    def _object(self, request: HttpRequest, pk: Any) -> M | None:
        selector = type(self).selector
        if pk is None or selector is None:
            return None
        found: M = get_in_scope(selector, request, pk)
        return found

    def _render(self, request: HttpRequest, form: forms.Form, obj: M | None) -> HttpResponse:
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "object": obj,
                "title": self.title,
                "submit_label": self.submit_label or _("Save"),
            },
        )

    def get(self, request: HttpRequest, pk: Any = None) -> HttpResponse:
        obj = self._object(request, pk)
        return self._render(request, self.form_class(initial=self.initial(obj)), obj)

    def post(self, request: HttpRequest, pk: Any = None) -> HttpResponse:
        obj = self._object(request, pk)
        form = self.form_class(request.POST, request.FILES or None, initial=self.initial(obj))
        if form.is_valid():
            try:
                saved = self.perform(obj, form.cleaned_data)
            except (ValidationError, ConcurrentEditError) as error:
                show_service_error(request, error, form)
            else:
                if self.success_message:
                    messages.success(request, self.success_message)
                return redirect(self.success_url(saved))
        return self._render(request, form, obj)


class TransitionView(PlatformView, Generic[M]):
    """A POST that moves an object (approve, escalate, move to a stage) through a service.

    `perform(obj, data)` returns the message to show; the reader is sent back to `back_url`."""

    http_method_names = ["post"]
    selector: ClassVar[Selector]
    form_class: ClassVar[type[forms.Form] | None] = None

    def perform(self, obj: M, data: dict[str, Any]) -> str:
        raise NotImplementedError

    def back_url(self, obj: M) -> str:
        url: str = obj.get_absolute_url()  # type: ignore[attr-defined]
        return url

    def post(self, request: HttpRequest, pk: Any) -> HttpResponseRedirect:
        obj: M = get_in_scope(type(self).selector, request, pk)
        data: dict[str, Any] = {}
        if self.form_class is not None:
            form = self.form_class(request.POST)
            if not form.is_valid():
                for field, errors in form.errors.items():
                    label = form.fields[field].label if field in form.fields else ""
                    text = " ".join(str(error) for error in errors)
                    messages.error(request, f"{label}: {text}" if label else str(errors))
                return redirect(self.back_url(obj))
            data = form.cleaned_data
        try:
            message = self.perform(obj, data)
        except (ValidationError, ConcurrentEditError) as error:
            show_service_error(request, error, None)
        else:
            messages.success(request, message)
        return redirect(self.back_url(obj))
