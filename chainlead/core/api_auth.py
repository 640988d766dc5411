"""Authentication of the REST API: bearer tokens (accounts.ApiToken) or the browser session.

Both end with `request.user` set to the authenticated user, so the API asks the same selectors
and services as the HTML views, and the audit log names the token's owner as the actor.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from chainlead.audit import context as audit_context

if TYPE_CHECKING:
    from chainlead.accounts.models import User

# Writing last_used_at on every call would turn every read into a write; a minute is precise enough.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def _bind_user(request: HttpRequest, user: User) -> None:
    """Make `user` the request's user for the selectors and the audit log."""
    request.user = user
    # The audit middleware bound the (anonymous) session user before the token was read.
    current = audit_context.current()
    audit_context._current.set(replace(current, actor=user, source="api"))


def token_user(key: str, *, now: dt.datetime | None = None) -> User | None:
    """The active user owning the unexpired token `key`, or None."""
    from chainlead.accounts.models import ApiToken

    if not key:
        return None
    now = now or timezone.now()
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key)).first()
    if token is None or not token.user.is_active:
        return None
    from chainlead.accounts.lockout import is_locked_out

    # A locked account is locked for the API too: a stolen token must not outlast the lock.
    if is_locked_out(token.user.get_username(), now=now):
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # update() on purpose: no audit entry per call, no race with a concurrent revoke.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>` with a key created on the API-token page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = token_user(token)
        if user is None:
            return None
        _bind_user(request, user)
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session; unsafe methods must carry the CSRF token."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if (
            self.csrf
            and request.method not in SAFE_METHODS
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise HttpError(403, "CSRF check failed.")
        return user


API_AUTH = [TokenAuth(), SessionAuth()]


def docs_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema and docs pages: a logged-in session, or a bearer token (for API clients)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            header = request.headers.get("Authorization", "")
            scheme, _, key = header.partition(" ")
            user = token_user(key.strip()) if scheme.lower() == "bearer" else None
            if user is None:
                return redirect_to_login(request.get_full_path())
            _bind_user(request, user)
        return view(request, *args, **kwargs)

    return wrapped
