"""The REST API (django-ninja): one router per app, OpenAPI 3 schema at /api/v1/openapi.json."""

from ninja import NinjaAPI

from chainlead.chains.api import router as chains_router
from chainlead.governance.api import router as governance_router
from chainlead.recruitment.api import router as recruitment_router
from chainlead.registry.api import router as registry_router
from chainlead.requests.api import router as requests_router

api = NinjaAPI(title="chainlead API", version="1", urls_namespace="api")
api.add_router("/registry/", registry_router)
api.add_router("/chains/", chains_router)
api.add_router("/governance/", governance_router)
api.add_router("/requests/", requests_router)
api.add_router("/recruitment/", recruitment_router)
