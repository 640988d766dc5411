"""The idle timeout (MLPS 2.0 8.1.4.1 b), renewed at most once a minute.

Django's `SESSION_SAVE_EVERY_REQUEST` writes the session row on every request: on PostgreSQL
that is one committed (fsync'd) UPDATE per page view and per htmx poll, the largest fixed cost of
a cached page. Instead, an active session is marked as touched when its last renewal is
`SESSION_TOUCH_SECONDS` old, and only then saved, which renews its expiry. A session therefore
ends between `SESSION_COOKIE_AGE - SESSION_TOUCH_SECONDS` and `SESSION_COOKIE_AGE` after the
last request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

TOUCHED_AT = "_chainlead_touched_at"


class IdleTimeoutMiddleware:
    """Renews the session's expiry when its last renewal is a minute old (see the module).

    Listed after SessionMiddleware, so its response phase runs first and the session
    middleware then saves what it marked.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.session_key is None:  # no session cookie: nothing to renew
            return response
        touched_at = int(session.get(TOUCHED_AT, 0))  # loads the session if nothing did
        if session.is_empty():  # the cookie named no live session, or it was ended: make none
            return response
        now = int(time.time())
        if now - touched_at >= settings.SESSION_TOUCH_SECONDS:
            session[TOUCHED_AT] = now  # modified: SessionMiddleware saves it, with a new expiry
        return response


def mark_touched(session: Any) -> None:
    """Record a renewal that is happening anyway (the log-in saves the session)."""
    session[TOUCHED_AT] = int(time.time())


# Pages a user who must change their password may still open: the change itself, the second
# factor before it, leaving.
_PASSWORD_CHANGE_OPEN = (
    "accounts:password_change",
    "accounts:password_change_done",
    "accounts:logout",
    "accounts:otp_setup",
    "accounts:otp_verify",
)


class PasswordChangeRequiredMiddleware:
    """Sends a user whose password someone else chose (`User.must_change_password`: the
    one-time passwords of `create-admins`, a reset by the system administrator) to the password
    change until they have chosen their own; the API answers 403 to such a session. After the
    authentication and two-factor middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.must_change_password:
            return self.get_response(request)
        path = request.path_info
        if path.startswith(("/static/", "/i18n/")) or path in {
            reverse(name) for name in _PASSWORD_CHANGE_OPEN
        }:
            return self.get_response(request)
        if path.startswith("/api/"):
            return JsonResponse({"detail": "Change the one-time password first."}, status=403)
        target = reverse("accounts:password_change")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
