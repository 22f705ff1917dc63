"""The JSON API, version 1. Each domain adds its router here.

django-ninja builds the OpenAPI document from the typed endpoints, served at
/api/v1/openapi.json, with interactive docs at /api/v1/docs.
"""

from ninja import NinjaAPI

from nurture.campaigns.api import router as pledges_router
from nurture.campaigns.events.api import router as events_router
from nurture.endorsements.api import router as endorsements_router
from nurture.framework.api import router as framework_router
from nurture.portfolios.api import router as portfolio_router
from nurture.register.api import router as register_router

api = NinjaAPI(
    title="Nurture API",
    version="1",
    description="Public data (the competency framework, and later the Register, events, courses and reports) "
    "and signed-in people's own data.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
api.add_router("/framework", framework_router)
api.add_router("/me", portfolio_router)
api.add_router("/register", register_router)
api.add_router("/applications", endorsements_router)
api.add_router("/events", events_router)
api.add_router("/pledges", pledges_router)
