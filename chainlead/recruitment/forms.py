"""Forms check shape; services enforce the pipeline rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chainlead.chains.models import Chain, Segment
from chainlead.recruitment.choices import ActivityKind, PromiseKind, Stage
from chainlead.registry.models import District


class TargetForm(forms.Form):
    chain = forms.ModelChoiceField(label=_("Chain"), queryset=Chain.objects.none())
    segment = forms.ModelChoiceField(
        label=_("Gap it fills"), queryset=Segment.objects.none(), required=False
    )
    name = forms.CharField(label=_("Firm name"), max_length=200)
    location = forms.CharField(label=_("Where it is"), max_length=100)
    employees = forms.IntegerField(label=_("Employees"), min_value=0, required=False)
    main_business = forms.CharField(label=_("Main business"), widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, chains: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chain"].queryset = chains  # type: ignore[attr-defined]
        self.fields["segment"].queryset = Segment.objects.filter(  # type: ignore[attr-defined]
            chain__in=chains
        ).select_related("chain")


class MoveForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("Move to"), choices=Stage.choices)
    lost_reason = forms.CharField(label=_("Reason lost"), max_length=300, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class MoveBackForm(forms.Form):
    reason = forms.CharField(label=_("Why it moves back"), max_length=300)


class LandForm(forms.Form):
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.all())
    landed_on = forms.DateField(
        label=_("Landed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    credit_code = forms.CharField(
        label=_("Unified social credit code"), max_length=18, required=False
    )


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 2}))


class PromiseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PromiseKind.choices)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=18, decimal_places=2)
    due_year = forms.IntegerField(label=_("By year"), min_value=2000, max_value=2100)
