"""Forms of the accounts pages. They check shape; the services enforce the rules."""

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from chainlead.accounts.services import API_TOKEN_DEFAULT_DAYS, API_TOKEN_MAX_DAYS

# User.username's length. Django's AuthenticationForm sets the field's max_length after the
# field is built, which adds no validator: a 10 MB name reached authentication, and axes stored
# it (a 500 on PostgreSQL). Checked before authentication, on both log-in forms.
USERNAME_MAX_LENGTH = 150


def _cap_username(form: forms.Form) -> None:
    field = form.fields["username"]
    field.validators.append(MaxLengthValidator(USERNAME_MAX_LENGTH))
    field.widget.attrs["maxlength"] = USERNAME_MAX_LENGTH


class LoginForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _cap_username(self)


class AdminLoginForm(AdminAuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _cap_username(self)


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
