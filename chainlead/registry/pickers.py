"""The firm picker: a plain text input (credit code or exact name) that suggests the firms the
reader may see as they type, through an htmx request filling a <datalist>; no other script.
Without JavaScript it is the plain input it always was, and the form resolves what was typed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from chainlead.accounts.types import Reader
from chainlead.registry.models import Enterprise
from chainlead.registry.selectors import enterprise_list

SUGGESTIONS = 10
MIN_CHARACTERS = 2


def firm_suggestions(*, user: Reader, text: str) -> QuerySet[Enterprise]:
    """Up to SUGGESTIONS visible firms whose credit code starts with `text` or whose name,
    short name or English name contains it."""
    text = text.strip()
    if len(text) < MIN_CHARACTERS:
        return Enterprise.objects.none()
    match = (
        Q(credit_code__startswith=text.upper())
        | Q(name__icontains=text)
        | Q(short_name__icontains=text)
        | Q(name_en__icontains=text)
    )
    return enterprise_list(user=user).filter(match).order_by("name")[:SUGGESTIONS]


class FirmPickerInput(forms.TextInput):
    """A text input with suggestions (the registry's `enterprise_suggest` fragment)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> Any:
        list_id = f"{(attrs or {}).get('id') or name}-suggestions"
        attrs = {
            **(attrs or {}),
            "list": list_id,
            "autocomplete": "off",
            "hx-get": str(reverse_lazy("registry:enterprise_suggest")),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": f"#{list_id}",
            "hx-swap": "innerHTML",
            "hx-vals": format_html('{{"field": "{}"}}', name),
        }
        html = super().render(name, value, attrs, renderer)
        return format_html('{}<datalist id="{}"></datalist>', html, list_id)


class FirmPickerField(forms.CharField):
    """A firm chosen with the picker, resolved among the firms `user` may see: by credit code,
    registry number or exact registered name. Set `user` before the form is validated (the
    form's `__init__`); `clean` returns the Enterprise."""

    default_error_messages = {
        "missing": _("No firm you may see has this credit code, number or name."),
        "ambiguous": _("Several firms have this name; give the credit code."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("widget", FirmPickerInput())
        kwargs.setdefault(
            "help_text", _("Type a name or credit code and pick one of the suggestions.")
        )
        super().__init__(**kwargs)
        self.user: Reader | None = None

    def clean(self, value: Any) -> Enterprise | None:
        text = str(super().clean(value) or "").strip()
        if not text:
            return None
        visible = (
            enterprise_list(user=self.user) if self.user is not None else Enterprise.objects.none()
        )
        matches = list(visible.filter(credit_code=text.upper())[:1])
        if not matches and text.isdigit():
            matches = list(visible.filter(pk=int(text))[:1])
        if not matches:
            matches = list(visible.filter(name=text)[:2])
        if not matches:
            raise forms.ValidationError(self.error_messages["missing"], code="missing")
        if len(matches) > 1:
            raise forms.ValidationError(self.error_messages["ambiguous"], code="ambiguous")
        return matches[0]
