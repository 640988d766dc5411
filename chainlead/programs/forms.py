"""Forms of programs: they check shape; the services enforce the rules."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from chainlead.accounts.choices import Role
from chainlead.programs.choices import ConditionKind, FieldType
from chainlead.programs.models import AwardTier, Program


class RulesForm(forms.Form):
    rules = forms.CharField(
        label=_("Rules (JSON)"),
        widget=forms.Textarea(attrs={"rows": 18, "class": "mono"}),
        help_text=_(
            'A list of {"kind", "label", "logic", "reason_template"}; logic is JSON Logic.'
        ),
    )
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)

    def clean_rules(self) -> Any:
        try:
            return json.loads(self.cleaned_data["rules"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("Not valid JSON: %(e)s") % {"e": exc}) from exc


def _field_for(spec: dict[str, Any]) -> forms.Field:
    required = bool(spec.get("required"))
    label = spec["label"]
    kind = spec["type"]
    if kind == FieldType.LONG_TEXT:
        return forms.CharField(label=label, required=required, widget=forms.Textarea({"rows": 4}))
    if kind == FieldType.NUMBER:
        return forms.DecimalField(label=label, required=required)
    if kind == FieldType.DATE:
        return forms.DateField(
            label=label, required=required, widget=forms.DateInput({"type": "date"})
        )
    if kind == FieldType.BOOLEAN:
        return forms.BooleanField(label=label, required=False)
    return forms.CharField(label=label, required=required, max_length=500)


class ApplicationForm(forms.Form):
    """The fixed fields, then the program's own (its `form_schema`). Drafts may be partial:
    required answers are checked on submission."""

    title = forms.CharField(label=_("Project title"), max_length=300)
    institution = forms.CharField(
        label=_("Institution"),
        max_length=200,
        required=False,
        help_text=_("The university or employer of the team, for reviewers' conflicts."),
    )
    team = forms.CharField(
        label=_("Team"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("One member a line: name, age, returnee (yes/no)."),
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.program_fields = [f["name"] for f in program.form_schema]
        for spec in program.form_schema:
            field = _field_for(spec)
            field.required = False
            self.fields[f"answer_{spec['name']}"] = field

    def clean_team(self) -> list[dict[str, Any]]:
        members = []
        for line in self.cleaned_data["team"].splitlines():
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if not parts or not parts[0]:
                continue
            age = parts[1] if len(parts) > 1 and parts[1].isdigit() else None
            returnee = len(parts) > 2 and parts[2].lower() in ("yes", "y", "是", "true", "1")
            members.append({"name": parts[0], "age": age, "returnee": returnee})
        return members

    def answers(self) -> dict[str, Any]:
        result = {}
        for name in self.program_fields:
            value = self.cleaned_data.get(f"answer_{name}")
            if value not in (None, ""):
                result[name] = str(value) if not isinstance(value, bool) else value
        return result


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    name = forms.CharField(label=_("Name"), max_length=200, required=False)


class DeclareForm(forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput)
    conflict = forms.BooleanField(label=_("I have a conflict of interest"), required=False)
    institution = forms.CharField(label=_("My institution"), max_length=200, required=False)
    relation = forms.CharField(
        label=_("Relation to the applicant (if any)"), max_length=300, required=False
    )


class PanelForm(forms.Form):
    name = forms.CharField(label=_("Panel name"), max_length=200)
    reviewers = forms.ModelMultipleChoiceField(
        label=_("Reviewers"), queryset=get_user_model().objects.none()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = (  # type: ignore[attr-defined]
            get_user_model().objects.filter(grants__role=Role.REVIEWER).distinct()
        )


class ScoreForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea({"rows": 3})
    )

    def __init__(self, *args: Any, rubric: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        for criterion in rubric:
            self.fields[f"score_{criterion['name']}"] = forms.DecimalField(
                label=f"{criterion['label']} (0–{criterion['max']}, ×{criterion['weight']})",
                min_value=0,
                max_value=criterion["max"],
            )
        self.order_fields([f"score_{c['name']}" for c in rubric] + ["comment"])

    def scores(self) -> dict[str, Any]:
        return {c["name"]: float(self.cleaned_data[f"score_{c['name']}"]) for c in self.rubric}


class AwardForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (CNY)"), max_digits=16, decimal_places=2)
    tier = forms.ModelChoiceField(
        label=_("Tier"), queryset=AwardTier.objects.none(), required=False
    )
    condition = forms.ChoiceField(
        label=_("Released when"), choices=ConditionKind.choices, initial=ConditionKind.NONE
    )
    months = forms.IntegerField(
        label=_("Within (months)"), min_value=0, max_value=60, initial=6, required=False
    )

    def __init__(self, *args: Any, program: Program | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if program is not None:
            self.fields["tier"].queryset = program.tiers.all()  # type: ignore[attr-defined]
        else:
            self.fields["tier"].queryset = AwardTier.objects.all()  # type: ignore[attr-defined]


class BankForm(forms.Form):
    bank_account = forms.CharField(label=_("Bank account number"), max_length=40)
