"""Account pages: API tokens and the password change (log-in and log-out are Django's)."""

import base64
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import user_has_device

from chainlead.accounts.forms import (
    ApiTokenForm,
    PasswordResetForm,
    ThrottledPasswordChangeForm,
    UserCreateForm,
)
from chainlead.accounts.lockout import is_locked_out
from chainlead.accounts.lockout import lockout_list as locked_accounts
from chainlead.accounts.models import User
from chainlead.accounts.permissions import (
    administers_records,
    manages_accounts,
    manages_security,
)
from chainlead.accounts.selectors import api_token_list
from chainlead.accounts.selectors import user_list as accounts_of
from chainlead.accounts.services import (
    api_token_create,
    api_token_revoke,
    lockout_release,
    password_chosen,
    recovery_codes_reset,
    two_factor_enrol,
    user_create,
    user_password_reset,
    user_set_active,
)
from chainlead.core.views import permission_required


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's API tokens; creating one shows its key once, on this response only."""
    new_key = None
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            _token, new_key = api_token_create(
                actor=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
            messages.success(request, _("Token created. Copy the key now: it is not shown again."))
            form = ApiTokenForm()
    else:
        form = ApiTokenForm()
    return render(
        request,
        "accounts/token_list.html",
        {"tokens": api_token_list(user=request.user), "form": form, "new_key": new_key},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Only the user's own tokens are found: someone else's token id is a 404.
    token = get_object_or_404(api_token_list(user=request.user), pk=pk)
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:token_list")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        password_chosen(user=form.user)
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        if is_locked_out(self.request.user.get_username()):
            # Locked by guesses at the old password: the open session ends as well.
            logout(self.request)
            return redirect_to_login(reverse("accounts:password_change"))
        return super().form_invalid(form)


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@permission_required(manages_security)
@require_http_methods(["GET"])
def lockout_list(request: HttpRequest) -> HttpResponse:
    """Accounts locked after failed log-ins, for the security administrator to lift."""
    return render(request, "accounts/lockout_list.html", {"lockouts": locked_accounts()})


@permission_required(manages_security)
@require_POST
def lockout_release_view(request: HttpRequest) -> HttpResponse:
    username = request.POST.get("username", "")[:150]
    lockout_release(actor=request.user, username=username)
    messages.success(request, _("The account %(name)s is unlocked.") % {"name": username})
    return redirect("accounts:lockout_list")


_SETUP_KEY = "chainlead_otp_setup_key"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("home")


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator: the secret is kept in the session until a code proves it."""
    from django_otp import login as otp_login
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

    user: Any = request.user
    if user_has_device(user) and not user.is_verified():
        return redirect(f"{reverse('accounts:otp_verify')}?next={_next_url(request)}")
    key = request.session.get(_SETUP_KEY) or default_key()
    request.session[_SETUP_KEY] = key
    device = TOTPDevice(user=user, name="authenticator", key=key)
    error = ""
    if request.method == "POST":
        # Checked with django_otp's TOTP directly: the device's verify_token() would save the
        # unconfirmed device (its throttle) on a wrong code.
        token = request.POST.get("token", "").strip()[:16]
        if token.isdigit() and TOTP(device.bin_key, device.step, device.t0, device.digits).verify(
            int(token), tolerance=device.tolerance
        ):
            device = two_factor_enrol(user=user, key=key)
            del request.session[_SETUP_KEY]
            otp_login(request, device)
            codes = recovery_codes_reset(user=user)
            return render(
                request, "accounts/otp_codes.html", {"codes": codes, "next": _next_url(request)}
            )
        error = _("The code is not right. Check the phone's clock and try the next code.")
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "secret": base64.b32encode(device.bin_key).decode(),
            "uri": device.config_url,
            "error": error,
            "next": _next_url(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of the log-in: a code of the authenticator, or a recovery code."""
    from django_otp import login as otp_login
    from django_otp import match_token

    error = ""
    if request.method == "POST":
        username = request.user.get_username()
        if not is_locked_out(username):
            device = match_token(request.user, request.POST.get("token", "").strip()[:16])
            if device is not None:
                otp_login(request, device)
                return redirect(_next_url(request))
            # A wrong code counts as a failed log-in (axes, by account and by address) and is
            # audited with the user and the address, never the code.
            user_login_failed.send(
                sender=__name__,
                credentials={"username": username, "second_factor": True},
                request=request,
            )
        if is_locked_out(username):
            # Locked by guesses at the second factor: the half-open session ends as well.
            logout(request)
            return redirect_to_login(reverse("accounts:otp_verify"))
        error = _("The code is not right.")
    return render(request, "accounts/otp_verify.html", {"error": error, "next": _next_url(request)})


@login_required
@require_http_methods(["GET", "POST"])
def otp_recovery(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working); needs a verified session."""
    user: Any = request.user
    if not user.is_verified():
        return redirect(f"{reverse('accounts:otp_verify')}?next={request.path}")
    if request.method == "POST":
        codes = recovery_codes_reset(user=user)
        return render(request, "accounts/otp_codes.html", {"codes": codes, "next": reverse("home")})
    return render(request, "accounts/otp_recovery.html")


def _service_error(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@permission_required(manages_accounts)
@require_http_methods(["GET", "POST"])
def user_list(request: HttpRequest) -> HttpResponse:
    """Users' accounts, for the system administrator: create, deactivate, reset a password."""
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = user_create(
                actor=request.user, **form.cleaned_data, must_change_password=True
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Account %(name)s created.") % {"name": created.username})
            return redirect("accounts:user_list")
    return render(
        request,
        "accounts/user_list.html",
        {"users": accounts_of(user=request.user), "form": form, "reset_form": PasswordResetForm()},
    )


@permission_required(manages_accounts)
@require_POST
def user_active(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(accounts_of(user=request.user), pk=pk)
    user_set_active(actor=request.user, user=user, active=request.POST.get("active") == "1")
    messages.success(request, _("Account %(name)s updated.") % {"name": user.username})
    return redirect("accounts:user_list")


@permission_required(manages_accounts)
@require_POST
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = get_object_or_404(accounts_of(user=request.user), pk=pk)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            user_password_reset(
                actor=request.user, user=user, password=form.cleaned_data["password"]
            )
        except ValidationError as exc:
            _service_error(request, exc)
        else:
            messages.success(
                request,
                _("A temporary password is set for %(name)s; it must be changed at log-in.")
                % {"name": user.username},
            )
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.get("password", [])))
    return redirect("accounts:user_list")


@permission_required(administers_records)
def administration(request: HttpRequest) -> HttpResponse:
    """Every record of the platform an administrator manages in the Django admin, reachable from
    the platform's own menu: the admin's own list of the models this reader may view, in their
    language. The libraries' own records (log-in attempts, task results) stay on the admin's
    index, which the page links to."""
    from django.apps import apps as installed
    from django.contrib import admin

    ours = {c.label for c in installed.get_app_configs() if c.name.startswith("chainlead.")}
    app_list = [a for a in admin.site.get_app_list(request) if a["app_label"] in ours]
    return render(request, "accounts/administration.html", {"apps": app_list})
