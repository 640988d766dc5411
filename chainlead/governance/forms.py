"""Forms of chain governance: they check shape; the services enforce the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chainlead.governance.choices import ActionStatus, Indicator, MilestoneStatus, TaskForceRole
from chainlead.governance.models import Decision, PolicyItem
from chainlead.governance.permissions import governance_people


def _users() -> Any:
    """The people pickers offer only who may hold a part (governance/permissions.py)."""
    return governance_people()


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class LeaderForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Leader"), queryset=_users())
    title = forms.CharField(label=_("Official title"), max_length=100, required=False)
    replace = forms.BooleanField(
        label=_("Replace the current leader"), required=False, initial=False
    )


class TaskForceMemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Member"), queryset=_users())
    role = forms.ChoiceField(label=_("Role"), choices=TaskForceRole.choices)
    unit = forms.CharField(label=_("Unit"), max_length=100, required=False)


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea, required=False)


class TargetForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"), choices=Indicator.choices)
    value = forms.DecimalField(label=_("Target"), min_value=0, max_digits=14, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ActualForm(forms.Form):
    value = forms.DecimalField(label=_("Actual"), min_value=0, max_digits=14, decimal_places=2)
    as_of = forms.DateField(label=_("As of"), widget=DateInput)
    source = forms.CharField(label=_("Source"), max_length=200)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=_users())
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput)


class MilestoneStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=MilestoneStatus.choices)


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_at = forms.DateTimeField(label=_("Held at"), widget=DateTimeInput)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    attendees = forms.ModelMultipleChoiceField(
        label=_("Attendees"), queryset=_users(), required=False
    )
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea, required=False)


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=pgettext_lazy("meeting", "Decision"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ActionItemForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("action item", "Action"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=_users())
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput)
    decision = forms.ModelChoiceField(
        label=_("From decision"), queryset=Decision.objects.none(), required=False
    )

    def __init__(self, *args: Any, meeting: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if meeting is not None:
            self.fields["decision"].queryset = meeting.decisions.all()  # type: ignore[attr-defined]


class ActionTransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class PolicyForm(forms.ModelForm[PolicyItem]):
    class Meta:
        model = PolicyItem
        fields = [
            "title",
            "issuing_body",
            "doc_number",
            "date_text",
            "date_basis",
            "effective_from",
            "effective_until",
            "topic",
            "supports",
            "amounts",
            "budget",
            "source_url",
        ]
        widgets = {
            "effective_from": DateInput,
            "effective_until": DateInput,
            "supports": forms.Textarea(attrs={"rows": 3}),
            "amounts": forms.Textarea(attrs={"rows": 2}),
            "source_url": forms.Textarea(attrs={"rows": 2}),
        }


class PackageAddForm(forms.Form):
    policy = forms.ModelChoiceField(label=_("Policy item"), queryset=PolicyItem.objects.all())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class BriefingForm(forms.Form):
    month = forms.RegexField(label=_("Month"), regex=r"^\d{4}-(0[1-9]|1[0-2])$")
    format = forms.ChoiceField(choices=[("pdf", "PDF"), ("xlsx", "Excel")], initial="pdf")
