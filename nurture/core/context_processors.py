from typing import Any

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
