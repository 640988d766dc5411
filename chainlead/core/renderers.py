"""The form renderer: Django's, with its `<select>` and `<input>` written in Python.

Django renders each `<option>` through two templates (`select_option.html`, which includes
`attrs.html`): about 150 µs an option. A list's filter form with some thirty options spent
longer on them than on its table's fifty rows. Here a select whose options all use Django's
own option template, and every `<input>`, is written straight into HTML, byte for byte what
the templates write (`core/tests/test_renderers.py` compares both); any other template goes to
Django's.

The renderer's bound fields also read a model choice field's options (Django's or
django-filter's) with one plain query: Django's iterator calls `queryset.iterator()`, which on
PostgreSQL opens a server-side cursor (DECLARE, FETCH, CLOSE: three round trips, about twice
the CPU of a plain query) for the dozen rows of a select. The choices are Django's, one by one.

A filter bar's labels (`FILTER_FIELDS`, the form of chainlead.core.filters.FilterSet) are
written here too: a template loop over a form's fields cost about 30 µs a field.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from html import escape as html_escape
from typing import Any

from django import forms
from django.forms.boundfield import BoundWidget
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import join
from django.utils.functional import Promise, cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString
from django_filters.fields import ModelChoiceIterator as FilterModelChoiceIterator

SELECT = "django/forms/widgets/select.html"
# A filter bar's labels (chainlead.core.filters.FilterForm).
FILTER_FIELDS = "core/partials/_filter_fields.html"
OPTION = "django/forms/widgets/select_option.html"
# The widgets whose template is `{% include "django/forms/widgets/input.html" %}` and no more.
INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "checkbox", "color", "date", "datetime", "email", "file", "hidden", "number",
        "password", "search", "tel", "text", "time", "url",
    )
)  # fmt: skip


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: the filter keeps a safe string safe, else it is escaped."""
    text = "%s" % (value,)  # noqa: UP031 (the filter's own formatting)
    return text if isinstance(value, SafeData) else html_escape(text)


def _attrs(attrs: Mapping[str, Any]) -> str:
    """`attrs.html`: ` name="value"` per attribute, the name alone for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        shown = html_escape(name) if type(name) is str else conditional_escape(name)
        parts.append(f" {shown}" if value is True else f' {shown}="{_formatted(value)}"')
    return "".join(parts)


def _is_plain(optgroups: Iterable[tuple[Any, list[dict[str, Any]], int]]) -> bool:
    return all(
        option.get("template_name") == OPTION
        for _name, options, _i in optgroups
        for option in options
    )


class ListedChoices(ModelChoiceIterator):  # type: ignore[type-arg]
    """Django's `ModelChoiceIterator`, its rows read by a plain query, not `iterator()`."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        queryset: Any = self.queryset
        # Django's own exception: with prefetch_related(), iterate the queryset itself.
        if not queryset._prefetch_related_lookups:
            queryset = queryset.all()  # a fresh clone: the field's queryset keeps no rows
        for obj in queryset:
            yield self.choice(obj)


class ListedFilterChoices(FilterModelChoiceIterator, ListedChoices):  # type: ignore[misc]
    """django-filter's iterator (a null choice after the empty one) over `ListedChoices`."""


# Exactly these iterators: a subclass may iterate otherwise and is left alone.
LISTED: dict[type, type] = {
    ModelChoiceIterator: ListedChoices,
    FilterModelChoiceIterator: ListedFilterChoices,
}


def _list_choices(widget: Any) -> Any:
    """Give a model choice widget listed choices; return its own (None if left alone)."""
    choices = getattr(widget, "choices", None)
    listed_class = LISTED.get(type(choices))
    if listed_class is None:
        return None
    listed: Any = object.__new__(listed_class)
    listed.__dict__.update(choices.__dict__)  # its field and queryset
    widget.choices = listed
    return choices


class BoundField(forms.BoundField):
    """Django's bound field; a model choice widget is drawn from `ListedChoices`, for the
    time of the drawing only (then the widget gets its own choices back)."""

    def as_widget(
        self, widget: forms.Widget | None = None, attrs: Any = None, only_initial: bool = False
    ) -> SafeString:
        drawn: Any = widget or self.field.widget
        choices = _list_choices(drawn)
        try:
            return super().as_widget(drawn, attrs, only_initial)
        finally:
            if choices is not None:
                drawn.choices = choices

    @cached_property
    def subwidgets(self) -> list[BoundWidget]:  # `{% for option in form.field %}`
        widget: Any = self.field.widget
        choices = _list_choices(widget)
        try:
            return forms.BoundField.subwidgets.func(self)  # type: ignore[attr-defined,no-any-return]
        finally:
            if choices is not None:
                widget.choices = choices


class FormRenderer(DjangoTemplates):
    """Django's default renderer, but for plain selects and inputs (module docstring)."""

    bound_field_class = BoundField

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == FILTER_FIELDS:
            return _filter_fields(context["form"])
        widget = context.get("widget")
        if widget is not None:
            if template_name in INPUTS:
                return _input(widget)
            if template_name == SELECT and _is_plain(widget["optgroups"]):
                return _select(widget)
        return super().render(template_name, context, request)


def _shown(value: Any) -> str:
    """`{{ value }}`: localised, escaped unless safe.

    Django's `escape()` is `html.escape()` of the text; called here directly for the common
    kinds: a string (`localize()` leaves it as it is), a safe string, a lazy translation
    (`render_value_in_context()` makes it a string first).
    """
    kind = type(value)
    if kind is str:
        return html_escape(value)
    if kind is SafeString:
        return value  # type: ignore[no-any-return]
    if isinstance(value, Promise):
        return _shown(str(value))
    return render_value_in_context(value, _CONTEXT)


_CONTEXT = Context(autoescape=True)


def _input(widget: Mapping[str, Any]) -> str:
    """`input.html`."""
    value = widget["value"]
    shown_value = "" if value is None else f' value="{_formatted(value)}"'
    return (
        f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"'
        f"{shown_value}{_attrs(widget['attrs'])}>"
    )


def _select(widget: Mapping[str, Any]) -> str:
    """`select.html` with its options, as the templates write them (their line breaks too)."""
    shown = _shown
    out = [f'<select name="{shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{shown(group_name)}">')
        for option in options:
            out.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{shown(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _filter_fields(form: Iterable[forms.BoundField]) -> str:
    """`_filter_fields.html`: a label per field, its widget and errors inside; stripped, as
    Django's renderer strips what a template writes."""
    shown = _shown
    labels = []
    for field in form:
        errors = field.errors
        shown_errors = (
            f'<span class="errorlist">{shown(join(errors, " ", autoescape=True))}</span>'
            if errors
            else ""
        )
        labels.append(
            f'<label for="{shown(field.id_for_label)}">{shown(field.label)}{shown(field)}'
            f"{shown_errors}</label>"
        )
    return "\n  \n    ".join(labels)
