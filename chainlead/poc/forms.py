"""Forms check shape; services enforce the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chainlead.accounts.models import User
from chainlead.chains.models import Segment
from chainlead.poc.choices import (
    ContactResult,
    Decision,
    Direction,
    IPKind,
    OutcomeKind,
    Stage,
    SupportKind,
)
from chainlead.poc.constants import SCORE_MAX, SCORE_MIN
from chainlead.poc.models import Centre
from chainlead.registry.models import District, Enterprise, Industry
from chainlead.registry.pickers import FirmPickerInput

DATE = forms.DateInput(attrs={"type": "date"})


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title of the result"), max_length=200)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea, required=False)
    team = forms.CharField(label=_("Team"), max_length=300, required=False)
    institution = forms.CharField(label=_("Institution"), max_length=200)
    industry = forms.CharField(
        label=_("Industry (GB/T 4754 code)"),
        max_length=4,
        required=False,
        help_text=_("A class such as 3973, or a coarser code."),
    )
    segment = forms.ModelChoiceField(
        label=_("Chain segment"),
        queryset=Segment.objects.select_related("chain"),
        required=False,
    )
    centre = forms.ModelChoiceField(
        label=_("Centre"), queryset=Centre.objects.all(), required=False
    )
    stage = forms.TypedChoiceField(label=_("Stage"), choices=Stage.choices, coerce=int)
    trl = forms.IntegerField(label=_("TRL"), min_value=1, max_value=9)
    started_on = forms.DateField(label=_("Started on"), widget=DATE)

    def clean_industry(self) -> Industry | None:
        code = self.cleaned_data["industry"].strip()
        if not code:
            return None
        try:
            return Industry.objects.get(pk=code)
        except Industry.DoesNotExist:
            raise forms.ValidationError(_("No such GB/T 4754-2017 code.")) from None


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)


class MilestoneMeetForm(forms.Form):
    milestone = forms.IntegerField(widget=forms.HiddenInput)
    on = forms.DateField(label=_("Met on"), widget=DATE)


class IPForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=IPKind.choices)
    number = forms.CharField(label=_("Number"), max_length=50)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)


class GateOpenForm(forms.Form):
    reviewers = forms.ModelMultipleChoiceField(
        label=_("Reviewers"),
        queryset=User.objects.filter(grants__role="reviewer").distinct(),
        widget=forms.CheckboxSelectMultiple,
    )
    due_on = forms.DateField(label=_("Due on"), widget=DATE)


class DeclareForm(forms.Form):
    institution = forms.CharField(label=_("Your institution"), max_length=200)
    no_conflict = forms.BooleanField(
        label=_(
            "I declare that I have no conflict of interest with this project, its team or its "
            "institution."
        ),
        required=False,
    )


class ScoreForm(forms.Form):
    technology = forms.IntegerField(label=_("Technology"), min_value=SCORE_MIN, max_value=SCORE_MAX)
    market = forms.IntegerField(label=_("Market"), min_value=SCORE_MIN, max_value=SCORE_MAX)
    ip = forms.IntegerField(label=_("IP"), min_value=SCORE_MIN, max_value=SCORE_MAX)
    team = forms.IntegerField(label=_("Team"), min_value=SCORE_MIN, max_value=SCORE_MAX)
    plan = forms.IntegerField(label=_("Plan"), min_value=SCORE_MIN, max_value=SCORE_MAX)
    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=Decision.choices)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea, required=False)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea)
    trl = forms.IntegerField(
        label=_("TRL after advancing"), min_value=1, max_value=9, required=False
    )


class PartnerContactForm(forms.Form):
    enterprise = forms.ModelChoiceField(
        label=_("Firm"), queryset=Enterprise.objects.all(), widget=forms.HiddenInput
    )
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    approached_on = forms.DateField(label=_("Approached on"), widget=DATE)
    result = forms.ChoiceField(label=_("Result"), choices=ContactResult.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class SupportForm(forms.Form):
    stage = forms.TypedChoiceField(label=_("Stage"), choices=Stage.choices, coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=SupportKind.choices)
    given_by = forms.CharField(label=_("Given by"), max_length=200)
    description = forms.CharField(label=_("What"), max_length=300, required=False)
    amount_granted = forms.DecimalField(
        label=_("Amount granted (CNY)"), max_digits=14, decimal_places=2, required=False
    )
    host_firm = forms.CharField(
        label=_("Host firm (unified social credit code)"),
        max_length=18,
        required=False,
        widget=FirmPickerInput(),
        help_text=_("Funding is paid to the spin-off; without one, to the host firm named here."),
    )
    granted_on = forms.DateField(label=_("Granted on"), widget=DATE)

    def clean_host_firm(self) -> Enterprise | None:
        code = self.cleaned_data["host_firm"].strip().upper()
        if not code:
            return None
        try:
            return Enterprise.objects.get(credit_code=code)
        except Enterprise.DoesNotExist:
            raise forms.ValidationError(_("No firm with this credit code.")) from None


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Outcome"), choices=OutcomeKind.choices)
    on = forms.DateField(label=_("Date"), widget=DATE)
    counterparty = forms.CharField(
        label=_("Licensee, acquirer or spin-off name"), max_length=200, required=False
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, required=False)
    district = forms.ModelChoiceField(
        label=_("District of the spin-off"), queryset=District.objects.all(), required=False
    )
    credit_code = forms.CharField(
        label=_("Unified social credit code"), max_length=18, required=False
    )

    def clean(self) -> dict[str, Any]:
        return super().clean() or {}
