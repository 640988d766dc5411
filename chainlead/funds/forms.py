"""Forms of the fund's pages: shape only; the services enforce the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chainlead.accounts.types import Reader
from chainlead.funds import selectors
from chainlead.funds.models import Tranche


class TrancheChoiceField(forms.ModelMultipleChoiceField[Tranche]):
    def label_from_instance(self, obj: Tranche) -> str:
        return f"{obj.ref} · {obj.commitment.recipient.name} · {obj.amount} · {obj.due_on:%Y-%m-%d}"


class RunPrepareForm(forms.Form):
    tranches = TrancheChoiceField(
        label=_("Approved tranches due"),
        queryset=Tranche.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, user: Reader, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["tranches"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 (narrowing)
        field.queryset = (
            selectors.tranches_due(user=user, today=today)
            .exclude(disbursements__status__in=["prepared", "approved", "held"])
            .order_by("due_on", "pk")
        )

    def clean_tranches(self) -> Any:
        tranches = self.cleaned_data["tranches"]
        if len({t.commitment.fund_id for t in tranches}) > 1:
            raise forms.ValidationError(_("A payment run pays from one fund."))
        return tranches


class StatementForm(forms.Form):
    file = forms.FileField(
        label=_("Statement (CSV or Excel)"),
        help_text=_('Columns: "reference", "amount", "value_date", "payee".'),
    )
