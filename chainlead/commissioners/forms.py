"""Forms of the commissioners pages: they check shape; services enforce the rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chainlead.accounts.models import User
from chainlead.accounts.types import Reader
from chainlead.chains.models import Segment
from chainlead.commissioners.choices import CommissionerKind, CommissionerStatus, ServiceMode
from chainlead.commissioners.models import Commissioner
from chainlead.commissioners.permissions import commissioner_accounts
from chainlead.registry.models import District
from chainlead.registry.pickers import FirmPickerField

if TYPE_CHECKING:
    from chainlead.requests.models import EnterpriseRequest


class CommissionerForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CommissionerKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    home_institution = forms.CharField(label=_("Home institution"), max_length=200, required=False)
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False
    )
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False)
    industry_codes = forms.CharField(
        label=_("Industry codes (GB/T 4754, any level, space-separated)"), required=False
    )
    segments = forms.ModelMultipleChoiceField(
        label=_("Chain segments"),
        queryset=Segment.objects.select_related("chain"),
        required=False,
    )
    keywords = forms.CharField(label=_("Technology keywords (comma-separated)"), required=False)
    capacity = forms.IntegerField(label=_("Capacity (firms at once)"), min_value=0, max_value=200)
    service_start = forms.DateField(label=_("Service from"), required=False)
    service_end = forms.DateField(label=_("Service until"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=CommissionerStatus.choices)
    user = forms.ModelChoiceField(
        label=_("Platform account"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("none"),
        help_text=_(
            "A user holding the commissioner role, who then serves the firms stationed with "
            "this commissioner. Only such users are offered."
        ),
    )

    def __init__(self, *args: Any, commissioner: Commissioner | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 (declared above)
        field.queryset = commissioner_accounts(commissioner=commissioner)

    def keyword_list(self) -> list[str]:
        raw = self.cleaned_data.get("keywords") or ""
        return [k.strip() for k in raw.replace("，", ",").split(",") if k.strip()]

    def industry_code_list(self) -> list[str]:
        return (self.cleaned_data.get("industry_codes") or "").split()


class AssignmentForm(forms.Form):
    commissioner = forms.ModelChoiceField(
        label=_("Commissioner"),
        queryset=Commissioner.objects.filter(status=CommissionerStatus.ACTIVE).order_by("name"),
    )
    enterprise = FirmPickerField(label=_("Firm"))
    starts_on = forms.DateField(label=_("From"))
    ends_on = forms.DateField(label=_("Until"), required=False)
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Reader, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["enterprise"]
        assert isinstance(field, FirmPickerField)  # noqa: S101 (declared above)
        field.user = user  # the firms the official may see


class EndForm(forms.Form):
    on = forms.DateField(label=_("Ended on"))
    reason = forms.CharField(label=_("Reason"), max_length=1000)


class LogForm(forms.Form):
    mode = forms.ChoiceField(label=_("Mode"), choices=ServiceMode.choices)
    served_on = forms.DateField(
        label=_("Date"),
        # An <input type=date> takes ISO dates whatever the page's language.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    hours = forms.DecimalField(
        label=_("Hours"), min_value=0, max_value=24, max_digits=4, decimal_places=1
    )
    work_done = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    solved = forms.CharField(
        label=_("What was solved"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    requests: forms.ModelMultipleChoiceField[EnterpriseRequest] = forms.ModelMultipleChoiceField(
        label=_("Linked requests"), queryset=None, required=False
    )
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def __init__(self, *args: Any, enterprise_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from chainlead.requests.models import EnterpriseRequest

        field = self.fields["requests"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101
        field.queryset = (
            EnterpriseRequest.objects.filter(enterprise_id=enterprise_id)
            if enterprise_id is not None
            else EnterpriseRequest.objects.none()
        )


class AnswerForm(forms.Form):
    confirm = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("1", _("confirm")), ("0", _("dispute"))],
        coerce=lambda v: v == "1",
    )
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[("", "—")] + [(str(n), str(n)) for n in range(5, 0, -1)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class ChangeForm(forms.Form):
    commissioner = forms.IntegerField(label=_("Another commissioner (number)"), min_value=1)
    note = forms.CharField(label=_("Reason"), max_length=2000)


class MatchingForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.all(),
        required=False,
        empty_label=_("the whole city"),
    )
