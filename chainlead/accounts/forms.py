"""Forms of the accounts pages. They check shape; the services enforce the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chainlead.accounts.services import API_TOKEN_DEFAULT_DAYS, API_TOKEN_MAX_DAYS


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the script or system that uses it."),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=API_TOKEN_MAX_DAYS,
        initial=API_TOKEN_DEFAULT_DAYS,
    )
