"""Forms of the accounts pages. They check shape; the services enforce the rules."""

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
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


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """A wrong old password counts as a failed log-in (axes), so the old-password check cannot
    be used to guess the password of a session left open; a locked account checks nothing."""

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        from chainlead.accounts.lockout import is_locked_out

        username = self.user.get_username()
        if is_locked_out(username):
            raise ValidationError(
                _("The account is locked after repeated failed attempts."), code="locked"
            )
        try:
            return str(super().clean_old_password())
        except ValidationError:
            user_login_failed.send(
                sender=__name__, credentials={"username": username}, request=self.request
            )
            raise


class UserCreateForm(forms.Form):
    """A new account; its password is temporary (changed at the first log-in)."""

    username = forms.CharField(label=_("User name"), max_length=USERNAME_MAX_LENGTH)
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    department = forms.CharField(label=_("Department"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(
        label=_("Temporary password"), widget=forms.PasswordInput, max_length=128
    )


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("Temporary password"), widget=forms.PasswordInput, max_length=128
    )
