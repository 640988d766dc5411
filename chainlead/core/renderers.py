"""The form renderer: Django's, with its `<select>` and `<input>` written in Python.

Django renders each `<option>` through two templates (`select_option.html`, which includes
`attrs.html`): about 150 µs an option. A list's filter form with some thirty options spent
longer on them than on its table's fifty rows. Here a select whose options all use Django's
own option template, and every `<input>`, is written straight into HTML, byte for byte what
the templates write (`core/tests/test_renderers.py` compares both); any other template goes to
Django's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData

SELECT = "django/forms/widgets/select.html"
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
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: Mapping[str, Any]) -> str:
    """`attrs.html`: ` name="value"` per attribute, the name alone for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        shown = conditional_escape(name)
        parts.append(f" {shown}" if value is True else f' {shown}="{_formatted(value)}"')
    return "".join(parts)


def _is_plain(optgroups: Iterable[tuple[Any, list[dict[str, Any]], int]]) -> bool:
    return all(
        option.get("template_name") == OPTION
        for _name, options, _i in optgroups
        for option in options
    )


class FormRenderer(DjangoTemplates):
    """Django's default renderer, but for plain selects and inputs (module docstring)."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if widget is not None:
            if template_name in INPUTS:
                return _input(widget)
            if template_name == SELECT and _is_plain(widget["optgroups"]):
                return _select(widget)
        return super().render(template_name, context, request)


def _shown(value: Any) -> str:
    """`{{ value }}`: localised, escaped unless safe."""
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
