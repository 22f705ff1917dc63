"""The signed-in practitioner's own portfolio, read-only, through their session."""

from __future__ import annotations

from datetime import date

from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.params.functions import Path
from ninja.security import django_auth

from nurture.accounts.http import AuthenticatedHttpRequest
from nurture.core.api import NEEDS_SIGN_IN, NOT_ALLOWED, NOT_FOUND, SLUG, answers
from nurture.framework.selectors import framework_current, level_for
from nurture.portfolios.selectors import readiness_of

router = Router(tags=["my portfolio"], auth=django_auth)


class RequirementOut(Schema):
    key: str
    name: str
    have: float
    need: float
    unit: str
    status: str
    note: str


class ReadinessOut(Schema):
    level: str
    ready: bool
    requirements: list[RequirementOut]
    missing_competencies: list[str]


@router.get(
    "/readiness/{level}",
    response=answers(ReadinessOut, NEEDS_SIGN_IN, NOT_ALLOWED, NOT_FOUND),
    summary="My readiness for a level",
)
def readiness_api(
    request: AuthenticatedHttpRequest, level: str = Path(..., max_length=32, pattern=SLUG)
) -> ReadinessOut:
    """`level` is a level's code in the current framework (e.g. `promotion`); 404 when it has none such."""
    if not getattr(request.user, "is_practitioner", False):
        raise HttpError(403, "Only practitioners have a portfolio.")
    chosen = level_for(framework_current(), level)
    result = readiness_of(request.user, chosen, today=date.today())
    return ReadinessOut(
        level=chosen.code,
        ready=result.ready,
        requirements=[
            RequirementOut(
                key=r.key,
                name=r.name,
                have=float(r.have),
                need=float(r.need),
                unit=r.unit,
                status=r.status,
                note=r.note,
            )
            for r in result.requirements
        ],
        missing_competencies=list(result.missing_competencies),
    )
