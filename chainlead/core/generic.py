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

Hooks, for the shapes that are almost the same: `get_object()` (another lookup: a slug, a
selector's own getter through `get_or_404`, the parent a new object is created under),
`allows(obj)` (an object-level rule: False is a 403), `form_kwargs(obj)` (a form that needs
the object or the reader), `context(obj)` and `invalid_message` (one message for a refused
transition form instead of its field errors).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from chainlead.accounts.access import Access
from chainlead.core.exceptions import ConcurrentEditError, PermissionDenied
from chainlead.core.export import Column
from chainlead.core.views import object_list, permission_required

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

M = TypeVar("M", bound=Model)
T = TypeVar("T")
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


def get_or_404(getter: Callable[..., T], /, **kwargs: Any) -> T:
    """`getter(**kwargs)` (a selector's `*_get`, scoped to its `user`); not found is a 404."""
    try:
        return getter(**kwargs)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def show_service_error(
    request: HttpRequest, error: ValidationError | ConcurrentEditError, form: forms.BaseForm | None
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


class ObjectView(PlatformView, Generic[M]):
    """A view of the one object its URL names (`pk`, within `selector`'s scope)."""

    selector: ClassVar[Selector]

    def get_object(self) -> M:
        """The object, or 404. Override for another lookup (`get_or_404(selectors.x_get, …)`)."""
        found: M = get_in_scope(type(self).selector, self.request, self.kwargs["pk"])
        return found

    def allows(self, obj: M) -> bool:
        """The object-level rule (from permissions.py or the selectors): False is a 403."""
        return True

    def checked_object(self) -> M:
        obj = self.get_object()
        if not self.allows(obj):
            raise PermissionDenied
        return obj


class DetailView(ObjectView[M]):
    """One object the reader may see (404 otherwise), rendered with `context(obj)`."""

    template_name: ClassVar[str]
    context_object_name: ClassVar[str] = "object"

    def context(self, obj: M) -> dict[str, Any]:
        return {}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.checked_object()
        return render(
            request,
            self.template_name,
            {"object": obj, self.context_object_name: obj, **self.context(obj)},
        )


class FormView(PlatformView, Generic[M]):
    """Create (no `pk`) or edit (`pk`, looked up in scope) through a service.

    `perform(obj, data)` calls the service and returns the saved object; the view redirects to
    `success_url(saved)` (default: its `get_absolute_url()`). A create under a parent (a chain's
    new work plan) overrides `get_object()` to return the parent."""

    form_class: ClassVar[type[forms.BaseForm]]
    template_name: ClassVar[str] = "core/form.html"
    selector: ClassVar[Selector | None] = None
    title: ClassVar[StrOrPromise] = ""
    submit_label: ClassVar[StrOrPromise] = ""
    success_message: ClassVar[StrOrPromise] = ""

    def get_object(self) -> M | None:
        """The object to edit (404 outside the reader's scope), or None to create one."""
        selector = type(self).selector
        if selector is None or "pk" not in self.kwargs:
            return None
        found: M = get_in_scope(selector, self.request, self.kwargs["pk"])
        return found

    def allows(self, obj: M | None) -> bool:
        """The object-level rule (from permissions.py or the selectors): False is a 403."""
        return True

    def initial(self, obj: M | None) -> dict[str, Any]:
        return {}

    def form_kwargs(self, obj: M | None) -> dict[str, Any]:
        """Arguments the form needs besides its data (the object, the reader)."""
        return {}

    def context(self, obj: M | None) -> dict[str, Any]:
        return {}

    def perform(self, obj: M | None, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def success_url(self, saved: Any) -> str:
        url: str = saved.get_absolute_url()
        return url

    def _object(self) -> M | None:
        obj = self.get_object()
        if not self.allows(obj):
            raise PermissionDenied
        return obj

    def _render(self, request: HttpRequest, form: forms.BaseForm, obj: M | None) -> HttpResponse:
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "object": obj,
                "title": self.title,
                "submit_label": self.submit_label or _("Save"),
                **self.context(obj),
            },
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self._object()
        form = self.form_class(initial=self.initial(obj), **self.form_kwargs(obj))
        return self._render(request, form, obj)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self._object()
        form = self.form_class(
            request.POST,
            request.FILES or None,
            initial=self.initial(obj),
            **self.form_kwargs(obj),
        )
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


class TransitionView(ObjectView[M]):
    """A POST that moves an object (approve, escalate, move to a stage) through a service.

    `perform(obj, data)` returns the message to show (empty: none, the view said it itself);
    the reader is sent back to `back_url`. A refused form shows `invalid_message` when set,
    else each field's errors."""

    http_method_names = ["post"]
    form_class: ClassVar[type[forms.Form] | None] = None
    invalid_message: ClassVar[StrOrPromise] = ""

    def form_kwargs(self, obj: M) -> dict[str, Any]:
        """Arguments the form needs besides its data (the object, the reader)."""
        return {}

    def perform(self, obj: M, data: dict[str, Any]) -> str:
        raise NotImplementedError

    def back_url(self, obj: M) -> str:
        url: str = obj.get_absolute_url()  # type: ignore[attr-defined]
        return url

    def form_invalid(self, form: forms.Form) -> None:
        if self.invalid_message:
            messages.error(self.request, self.invalid_message)
            return
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            text = " ".join(str(error) for error in errors)
            messages.error(self.request, f"{label}: {text}" if label else str(errors))

    def post(self, request: HttpRequest, pk: Any) -> HttpResponseRedirect:
        # `pk` is in self.kwargs too; a URL with more kwargs adds them as optional arguments.
        obj = self.checked_object()
        data: dict[str, Any] = {}
        if self.form_class is not None:
            form = self.form_class(request.POST, request.FILES or None, **self.form_kwargs(obj))
            if not form.is_valid():
                self.form_invalid(form)
                return redirect(self.back_url(obj))
            data = form.cleaned_data
        try:
            message = self.perform(obj, data)
        except (ValidationError, ConcurrentEditError) as error:
            show_service_error(request, error, None)
        else:
            if message:
                messages.success(request, message)
        return redirect(self.back_url(obj))
