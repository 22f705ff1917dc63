"""The JSON API, version 1. Each domain adds its router here.

django-ninja builds the OpenAPI document from the typed endpoints, served at
/api/v1/openapi.json, with interactive docs at /api/v1/docs. Every operation
documents each answer it can give and the body of each (`nurture.core.api`);
tests/api/test_openapi_contract.py runs schemathesis against a live server to
hold the API to it.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from nurture.campaigns.api import router as pledges_router
from nurture.core.api import api_errors_install
from nurture.endorsements.api import router as endorsements_router
from nurture.events.api import router as events_router
from nurture.exams.api import router as exams_router
from nurture.framework.api import router as framework_router
from nurture.portfolios.api import router as portfolio_router
from nurture.register.api import router as register_router
from nurture.surveys.api import router as reports_router
from nurture.training.api import router as courses_router


class NurtureAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """A request the site refuses before the API sees it (a NUL character in its
        address, say) is answered 400 in plain text: every operation says so."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                refused = operation["responses"].get(400)
                if refused is not None:
                    refused["content"]["text/plain"] = {"schema": {"type": "string"}}
        return schema


api = NurtureAPI(
    title="Nurture API",
    version="1",
    description="Public data (the competency framework, the Register, Awareness Week's events and pledge) "
    "and signed-in practitioners' own data, through their session cookie. Every error has a body: "
    '`{"detail": "a sentence"}`, or for invalid parameters (422) `{"detail": [{"type", "loc", "msg"}]}`.',
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
api_errors_install(api)
api.add_router("/framework", framework_router)
api.add_router("/me", portfolio_router)
api.add_router("/register", register_router)
api.add_router("/applications", endorsements_router)
api.add_router("/events", events_router)
api.add_router("/pledges", pledges_router)
api.add_router("/exam", exams_router)
api.add_router("/courses", courses_router)
api.add_router("/reports", reports_router)
