"""Binds the logged-in user to the audit context for the length of a request."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from chainlead.audit.context import acting_as


class AuditActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user if request.user.is_authenticated else None
        source = "api" if request.path.startswith("/api/") else "web"
        with acting_as(user, source=source, remote_addr=request.META.get("REMOTE_ADDR", "")):
            return self.get_response(request)
