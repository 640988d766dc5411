"""Forms of the chain pages. They check shape only; the services in chains/services.py decide."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chainlead.chains.choices import MembershipRole
from chainlead.registry.models import Enterprise
from chainlead.registry.pickers import FirmPickerInput
from chainlead.registry.selectors import enterprise_list

_LIST_SPLIT = re.compile(r"[,\s，、;；]+")


def split_list(text: str) -> list[str]:
    """Words separated by commas (also Chinese ones, 、 and ；) or whitespace, deduplicated."""
    seen: dict[str, None] = {}
    for item in _LIST_SPLIT.split(text or ""):
        if item:
            seen.setdefault(item, None)
    return list(seen)


class ListField(forms.CharField):
    """A list edited as one line of comma-separated words."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return split_list(super().to_python(value) or "")


class ChainEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=100, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    description_en = forms.CharField(
        label=_("English description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class SegmentEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=100, required=False)
    keywords = ListField(
        label=_("Keywords"),
        required=False,
        help_text=_("Words in a firm's business text, separated by commas."),
        widget=forms.TextInput(attrs={"size": 60}),
    )
    industry_codes = ListField(
        label=_("Industry codes"),
        required=False,
        help_text=_("GB/T 4754-2017 codes at any level, separated by commas."),
        widget=forms.TextInput(attrs={"size": 60}),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = forms.CharField(
        label=_("English description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MembershipAddForm(forms.Form):
    """Put a firm into a segment by hand, found by its credit code or exact name."""

    enterprise = forms.CharField(
        label=_("Firm"),
        max_length=200,
        help_text=_("Unified social credit code or the exact registered name."),
        widget=FirmPickerInput(),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=MembershipRole.choices, initial=MembershipRole.MEMBER
    )

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data)
        self.user = user

    def clean_enterprise(self) -> Enterprise:
        text = self.cleaned_data["enterprise"].strip()
        visible = enterprise_list(user=self.user)
        matches = list(visible.filter(credit_code=text.upper())[:2]) or list(
            visible.filter(name=text)[:2]
        )
        if not matches:
            raise forms.ValidationError(_("No firm you may see has this credit code or name."))
        if len(matches) > 1:
            raise forms.ValidationError(_("Several firms have this name; give the credit code."))
        return matches[0]


class BulkReviewForm(forms.Form):
    """Ticked rows of the review queue (`pk`, repeated) and one decision for all of them."""

    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("reject", _("Reject"))])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        raw = self.data.getlist("pk") if hasattr(self.data, "getlist") else []
        if any(not str(v).isdigit() for v in raw):
            raise forms.ValidationError(_("A ticked row is not a row of the queue."))
        cleaned["pks"] = [int(v) for v in raw]
        return cleaned


class ReviewDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
