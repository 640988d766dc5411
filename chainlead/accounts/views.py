"""Account pages: API tokens and the password change (log-in and log-out are Django's)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chainlead.accounts.forms import ApiTokenForm, ThrottledPasswordChangeForm
from chainlead.accounts.lockout import is_locked_out
from chainlead.accounts.lockout import lockout_list as locked_accounts
from chainlead.accounts.permissions import manages_security
from chainlead.accounts.selectors import api_token_list
from chainlead.accounts.services import api_token_create, api_token_revoke, lockout_release
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
