"""Request-level protections that must run before anything reads the request (docs/security.md).

`RequestBodyLimitMiddleware`: Django checks DATA_UPLOAD_MAX_MEMORY_SIZE only when a view or a
middleware parses the body, and never limits the files of a multipart upload. One 31 MB
URL-encoded body of Chinese text, parsed, grew a worker from 354 MB to 2.8 GB (issue 9 #2). This
middleware, first in the list, refuses a body by its declared Content-Length before any byte of
it is read: forms, JSON and everything else up to DATA_UPLOAD_MAX_MEMORY_SIZE (Django's 2.5 MB),
multipart uploads up to CHAINLEAD_MAX_UPLOAD_MB (streamed to disk beyond
FILE_UPLOAD_MAX_MEMORY_SIZE). A body without Content-Length is read as empty by Django's WSGI
handler, so it needs no check.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files import uploadhandler
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

MB = 1024 * 1024


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(declared)
        except ValueError:
            return HttpResponseBadRequest("Invalid Content-Length.", content_type="text/plain")
        if length > body_limit(request.META.get("CONTENT_TYPE", "")):
            return HttpResponse(
                "Request body too large.", status=413, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)


def body_limit(content_type: str) -> int:
    """The largest body accepted with this Content-Type, in bytes."""
    if content_type.lower().startswith("multipart/form-data"):
        return int(settings.CHAINLEAD_MAX_UPLOAD_MB * MB)
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


class TemporaryFileUploadHandler(uploadhandler.TemporaryFileUploadHandler):
    """Django's handler (an upload beyond FILE_UPLOAD_MAX_MEMORY_SIZE goes to a temporary file),
    making FILE_UPLOAD_TEMP_DIR first: the settings create no folder when they are imported."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        if settings.FILE_UPLOAD_TEMP_DIR:
            os.makedirs(settings.FILE_UPLOAD_TEMP_DIR, exist_ok=True)
        super().new_file(*args, **kwargs)


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every response, and `Cache-Control: private, no-store` on what
    a logged-in reader sees, on the API and on downloads (issue 9 item 11; docs/security.md).

    Listed after AuthenticationMiddleware (it reads request.user) and inside WhiteNoise, so
    static files keep their long caching. Django 5.2 has no CSP of its own.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.CHAINLEAD_CONTENT_SECURITY_POLICY:
            response.headers.setdefault(
                "Content-Security-Policy", settings.CHAINLEAD_CONTENT_SECURITY_POLICY
            )
        user = getattr(request, "user", None)
        if (
            (user is not None and user.is_authenticated)
            or request.path.startswith(API_PATH_PREFIXES)
            or response.headers.get("Content-Disposition", "").startswith("attachment")
        ):
            response.headers["Cache-Control"] = "private, no-store"
        return response


API_PATH_PREFIXES = ("/api/",)
