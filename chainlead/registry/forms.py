"""Forms of the registry. They check shape; services enforce who may change what."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chainlead.registry.models import Enterprise, EnterpriseIndicator, Industry
from chainlead.registry.services import EDITABLE_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IndustryCodeField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A GB/T 4754-2017 code typed as text (the table has 1,700+ codes, too many for a list)."""

    widget = forms.TextInput(attrs={"size": 6, "placeholder": "3911"})
    default_error_messages = {
        "invalid_choice": _("Not a GB/T 4754-2017 code."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Industry.objects.all(), **kwargs)

    def to_python(self, value: Any) -> Any:
        return super().to_python(value.strip().upper() if isinstance(value, str) else value)


class EnterpriseForm(forms.ModelForm):  # type: ignore[type-arg]
    """Edit a firm; only the fields the actor may change are kept (`fields_editable_by`)."""

    # Required: an edit that omits it would skip the check and overwrite whatever was saved
    # since the form was read (a lost update, issue 9 item 13).
    version = forms.IntegerField(widget=forms.HiddenInput, required=True, min_value=0)
    industry = IndustryCodeField(label=_("industry code"), required=False)

    class Meta:
        model = Enterprise
        fields = [*EDITABLE_FIELDS]
        widgets = {
            "founded": DATE_WIDGET,
            "landed_on": DATE_WIDGET,
            "business_scope": forms.Textarea(attrs={"rows": 4}),
            "main_business": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, editable: tuple[str, ...] = EDITABLE_FIELDS, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name != "version" and name not in editable:
                del self.fields[name]
        if self.instance.pk is not None:
            self.fields["version"].initial = self.instance.version

    def _post_clean(self) -> None:
        # Model validation (uniqueness, credit code check digit) runs in the service, where the
        # whole change is known; here we only check the shape of each field.
        pass

    def changes(self) -> dict[str, Any]:
        """The cleaned values of the edited fields (without the version)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class EnterpriseCreateForm(EnterpriseForm):
    """Register a new firm (city admins), with where its data comes from."""

    class Meta(EnterpriseForm.Meta):
        fields = [*EDITABLE_FIELDS, "provenance", "source_note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, editable=(*EDITABLE_FIELDS, "provenance", "source_note"), **kwargs)
        del self.fields["version"]
        self.fields["source_note"].label = _("source of the data")
        self.fields["source_note"].help_text = _(
            "Where the record comes from: a register, a report…"
        )


class IndicatorForm(forms.ModelForm):  # type: ignore[type-arg]
    """One year of a firm's figures; saving a year that exists replaces its figures."""

    class Meta:
        model = EnterpriseIndicator
        fields = ["year", "revenue", "rd_spend", "employees", "patents", "tax"]
        widgets = {"year": forms.NumberInput(attrs={"min": 1949, "max": 2100})}

    def _post_clean(self) -> None:
        pass  # the indicator_set service validates the full object

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "year"}
