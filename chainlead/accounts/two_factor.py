"""Two-factor authentication (MLPS 2.0, GB/T 22239-2019 8.1.4.1 d; issue 9 item 14).

A time-based code (TOTP, RFC 6238, django-otp) after the password, required of city admins
and the three administrators and, with CHAINLEAD_2FA_ROLES, of other official roles. A user who
must and has no authenticator yet is sent to set one up (the secret and the otpauth URI are
shown as text: no QR package is installed, and nothing is fetched); one who has is asked for a
code. Ten single-use recovery codes (django-otp's static tokens) stand in for a lost phone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from chainlead.accounts.access import access_for
from chainlead.accounts.choices import Role
from chainlead.accounts.types import Reader

ADMINISTRATOR_ROLES = frozenset(
    {Role.CITY_ADMIN, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}
)
# Pages an unverified user may still open: the second step itself, leaving, the language.
_OPEN_URL_NAMES = ("accounts:otp_setup", "accounts:otp_verify", "accounts:logout")


def needs_two_factor(user: Reader) -> bool:
    if not settings.CHAINLEAD_2FA_ENFORCED or not user.is_authenticated:
        return False
    required = ADMINISTRATOR_ROLES | {Role(r) for r in settings.CHAINLEAD_2FA_ROLES}
    return bool(user.is_superuser or access_for(user).roles & required)


class TwoFactorMiddleware:
    """Sends a user who needs a second factor and has not given one to set it up or give it;
    the API answers 403. After django_otp's OTPMiddleware (request.user.is_verified)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Any: OTPMiddleware adds is_verified() to the user, which the stubs do not know.
        user: Any = getattr(request, "user", None)
        if user is None or user.is_verified() or not needs_two_factor(user):
            return self.get_response(request)
        path = request.path_info
        if path.startswith(("/static/", "/i18n/")) or path in {
            reverse(name) for name in _OPEN_URL_NAMES
        }:
            return self.get_response(request)
        if path.startswith("/api/"):
            return JsonResponse({"detail": "Two-factor verification required."}, status=403)
        step = "accounts:otp_verify" if user_has_device(user) else "accounts:otp_setup"
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
