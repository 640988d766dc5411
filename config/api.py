"""The REST API (django-ninja): the router each app declares; OpenAPI 3 schema at
/api/v1/openapi.json.

Every operation needs a bearer token or a logged-in session (`chainlead.core.api_auth`). Service
exceptions become status codes here, once for all routers: PermissionDenied 403, an object out of
the user's scope 404, ValidationError 422 with field errors, ConcurrentEditError 409, a
delete refused because other records refer to the object 409, and a value the database
cannot store (NUL, an integer overflow) 400.
"""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from ninja import NinjaAPI, Router
from ninja.openapi.docs import Swagger
from ninja.openapi.schema import OpenAPISchema

from chainlead.core.api_auth import API_AUTH, docs_login_required
from chainlead.core.exceptions import ConcurrentEditError
from chainlead.core.plugins import platform_apps


class ChainleadAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI schema is built once (about 0.1 s), not on every request."""

    def __init__(self, **kwargs: Any) -> None:
        self._schemas: dict[str, OpenAPISchema] = {}
        super().__init__(**kwargs)

    def add_router(self, prefix: str, router: Router | str, **kwargs: Any) -> None:
        self._schemas.clear()
        super().add_router(prefix, router, **kwargs)

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        if path_prefix not in self._schemas:
            self._schemas[path_prefix] = super().get_openapi_schema(path_prefix=path_prefix)
        return self._schemas[path_prefix]


api = ChainleadAPI(
    title="chainlead API",
    version="1",
    urls_namespace="api",
    auth=API_AUTH,
    # The platform makes no outbound requests: Swagger UI's assets are served from ninja's static
    # files ("ninja" in INSTALLED_APPS), and its online spec validator is switched off.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_decorator=docs_login_required,
)
# Each platform app's router at the prefix its AppConfig declares (chainlead.core.plugins).
for _app in platform_apps():
    if _app.api_prefix is not None:
        api.add_router(_app.api_prefix, import_string(_app.api_router))


def validation_errors(exc: DjangoValidationError) -> list[dict[str, Any]]:
    """A Django ValidationError in the shape of ninja's own 422 body (loc, msg, type)."""
    if hasattr(exc, "error_dict"):
        return [
            {
                "loc": ["body", field],
                "msg": " ".join(str(m) for m in error.messages),
                "type": error.code or "invalid",
            }
            for field, errors in exc.error_dict.items()
            for error in errors
        ]
    return [
        {
            "loc": ["body", "__all__"],
            "msg": " ".join(str(m) for m in e.messages),
            "type": e.code or "invalid",
        }
        for e in exc.error_list
    ]


@api.exception_handler(DjangoPermissionDenied)
def _permission_denied(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(ObjectDoesNotExist)
def _not_found(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
    # Out of scope and nonexistent look the same, so ids of other firms do not leak.
    return api.create_response(request, {"detail": "Not Found"}, status=404)


@api.exception_handler(DjangoValidationError)
def _invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": validation_errors(exc)}, status=422)


@api.exception_handler(ConcurrentEditError)
def _conflict(request: HttpRequest, exc: ConcurrentEditError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(ProtectedError)
@api.exception_handler(RestrictedError)
def _referenced(request: HttpRequest, exc: ProtectedError | RestrictedError) -> HttpResponse:
    # Deleting what other records refer to (a firm with requests, a landed target…).
    objects = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
    labels = sorted({str(obj._meta.verbose_name_plural) for obj in objects})
    return api.create_response(
        request,
        {
            "detail": "Other records refer to this object.",
            "referenced_by": labels,
        },
        status=409,
    )


@api.exception_handler(DataError)
@api.exception_handler(OverflowError)
def _unstorable(request: HttpRequest, exc: DataError | OverflowError) -> HttpResponse:
    # A value the schemas let through but the database cannot hold or compare (a NUL in a
    # PostgreSQL text, an integer beyond 64 bits on SQLite): the input's fault, not a 5xx
    # (issue 9 item 8). The schemas refuse the known cases first, with their field.
    return api.create_response(
        request,
        {
            "detail": "The input holds a value the database cannot store: a NUL character, "
            "or a number out of range."
        },
        status=400,
    )
