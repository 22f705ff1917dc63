"""The signed-in practitioner's own applications, read-only, through their session."""

from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.params.functions import Path
from ninja.security import django_auth

from nurture.accounts.http import AuthenticatedHttpRequest
from nurture.core.api import INT64_MAX, NEEDS_SIGN_IN, NOT_ALLOWED, NOT_FOUND, answers
from nurture.endorsements.models import Application
from nurture.endorsements.selectors import application_status

router = Router(tags=["my applications"], auth=django_auth)


class ApplicationOut(Schema):
    id: int
    level: str
    level_name: str
    framework_version: int
    state: str
    state_label: str
    next_step: str
    expected_on: date | None
    submitted_at: str | None


def _out(application: Application) -> ApplicationOut:
    status = application_status(application)
    return ApplicationOut(
        id=application.pk,
        level=application.level.code,
        level_name=application.level.name,
        framework_version=application.level.version.number,
        state=application.state,
        state_label=status.label,
        next_step=status.next_step,
        expected_on=status.expected_on,
        submitted_at=application.submitted_at.isoformat() if application.submitted_at else None,
    )


def _practitioner(request: AuthenticatedHttpRequest) -> None:
    if not getattr(request.user, "is_practitioner", False):
        raise HttpError(403, "Only practitioners apply for endorsement.")


@router.get(
    "",
    response=answers(list[ApplicationOut], NEEDS_SIGN_IN, NOT_ALLOWED),
    summary="My applications for endorsement",
)
def application_list_api(request: AuthenticatedHttpRequest) -> list[ApplicationOut]:
    _practitioner(request)
    return [_out(a) for a in Application.objects.owned_by(request.user).select_related("level", "level__version")]


@router.get(
    "/{application_id}",
    response=answers(ApplicationOut, NEEDS_SIGN_IN, NOT_ALLOWED, NOT_FOUND),
    summary="One of my applications",
)
def application_api(
    request: AuthenticatedHttpRequest, application_id: int = Path(..., ge=1, le=INT64_MAX)
) -> ApplicationOut:
    """404 when the application is not the signed-in practitioner's, or does not exist."""
    _practitioner(request)
    mine = Application.objects.owned_by(request.user).select_related("level", "level__version")
    return _out(get_object_or_404(mine, pk=application_id))
