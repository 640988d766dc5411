"""Forms of the requests pages: they check shape; the services enforce the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from chainlead.chains.models import Chain
from chainlead.core.validators import EARLIEST_DATE, LATEST_DATE
from chainlead.registry.models import Enterprise
from chainlead.registry.pickers import FirmPickerInput
from chainlead.requests.choices import Category, Channel
from chainlead.requests.models import Department, Tag
from chainlead.requests.permissions import chains_to_raise_in, may_raise_in


class RequestForm(forms.Form):
    """Raise a request. Enterprise users pick among their firms; officials give a credit code."""

    enterprise = forms.ModelChoiceField(
        label=_("Firm"), queryset=Enterprise.objects.none(), required=False
    )
    credit_code = forms.CharField(
        label=_("Firm's credit code or registry number"),
        max_length=18,
        required=False,
        widget=FirmPickerInput(),  # suggests the firms the raiser may raise for as they type
    )
    chain = forms.ModelChoiceField(
        label=_("Chain"), queryset=Chain.objects.all(), required=False, empty_label=_("none")
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("What is the difficulty?"), widget=forms.Textarea)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, required=False)
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"), queryset=Tag.objects.all(), required=False
    )
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def __init__(
        self,
        *args: Any,
        firms: QuerySet[Enterprise] | None = None,
        firms_in_scope: QuerySet[Enterprise] | None = None,
        official: bool = False,
        user: Any = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        # Only the chains the user works on and those of the firms they may raise for
        # (requests.permissions.chains_to_raise_in); clean() checks the chosen firm's.
        self.user = user
        self.fields["chain"].queryset = (  # type: ignore[attr-defined]
            chains_to_raise_in(user) if user is not None else Chain.objects.none()
        )
        # A credit code names only a firm the user sees (requests.permissions.firms_to_raise_for);
        # any other reads as unknown, so codes do not probe the registry.
        self.firms_in_scope = firms_in_scope
        if firms is not None:
            field = self.fields["enterprise"]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 (narrowing)
            field.queryset = firms
            field.required = True
            field.empty_label = None
            del self.fields["credit_code"]
        else:
            del self.fields["enterprise"]
            self.fields["credit_code"].required = True
        if not official:
            del self.fields["channel"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "credit_code" in self.fields and data.get("credit_code"):
            firms = self.firms_in_scope
            if firms is None:
                firms = Enterprise.objects.none()
            code = data["credit_code"].strip().upper()
            firm = firms.filter(credit_code=code).first()
            if firm is None and code.isdigit():
                firm = firms.filter(pk=int(code)).first()
            if firm is None:
                self.add_error("credit_code", _("No firm with this credit code or number."))
            data["enterprise"] = firm
        chain, firm = data.get("chain"), data.get("enterprise")
        if chain and firm and not may_raise_in(self.user, chain.pk, firm.pk):
            self.add_error("chain", _("The firm is not on this chain, nor do you work on it."))
        return data


class TransitionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    resolution = forms.CharField(
        label=_("How was it resolved?"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        required=False,
        empty_value=None,
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class RouteForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.all())


class LinkForm(forms.Form):
    parent = forms.CharField(
        label=_("Same problem as (request number)"),
        required=False,
        help_text=_("e.g. SQ2026-000123; empty to unlink"),
    )

    def clean_parent(self) -> int | None:
        value = self.cleaned_data["parent"].strip()
        if not value:
            return None
        tail = value.rsplit("-", 1)[-1]
        if not tail.isdigit():
            raise forms.ValidationError(_("Give a request number such as SQ2026-000123."))
        return int(tail)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))


class HotlineImportForm(forms.Form):
    file = forms.FileField(label=_("CSV exported from the 12345 hotline"))


class PeriodForm(forms.Form):
    period_start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)],
    )
    period_end = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)],
    )


class CalendarYearForm(forms.Form):
    """Mark a year complete: the notice its holidays were entered from."""

    notice = forms.CharField(
        label=_("Notice"),
        max_length=100,
        help_text=_("The number of the State Council's notice of the year's holidays."),
    )


class CalendarOverrideForm(forms.Form):
    """One day of the working-day calendar (the service checks the year and duplicates)."""

    WORKDAY = "workday"
    HOLIDAY = "holiday"

    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kind = forms.ChoiceField(
        label=_("The day is"),
        choices=(
            (HOLIDAY, _("a day off (e.g. a public holiday)")),
            (WORKDAY, _("a working day (e.g. a make-up workday)")),
        ),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
