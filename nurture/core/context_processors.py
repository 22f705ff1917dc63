from typing import Any

from django.conf import settings
from django.http import HttpRequest

from nurture.core.roles import STAFF_ROLES, Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    role = getattr(user, "role", None) if user is not None and user.is_authenticated else None
    return {
        "is_practitioner": role == Role.PRACTITIONER,
        "is_staff_person": role in STAFF_ROLES,
        "is_registrar": role == Role.REGISTRAR,
    }


def association(request: HttpRequest) -> dict[str, Any]:
    """Who runs the site and how to reach them, for the footer and the pages about the site."""
    return {
        "nurture_association": settings.NURTURE_ASSOCIATION_NAME,
        "nurture_contact_email": settings.NURTURE_CONTACT_EMAIL,
    }
