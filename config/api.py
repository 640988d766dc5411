"""The REST API (django-ninja): one router per app, OpenAPI 3 schema at /api/v1/openapi.json."""

from ninja import NinjaAPI

api = NinjaAPI(title="chainlead API", version="1", urls_namespace="api")
