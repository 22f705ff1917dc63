"""Headers every response carries that Django has no setting for."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


def permissions_policy(get_response: Callable[[HttpRequest], HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Permissions-Policy: the browser features no page of Nurture uses (camera,
    microphone, location, payment, USB …) are turned off, for the site and anything it frames."""

    def middleware(request: HttpRequest) -> HttpResponseBase:
        response = get_response(request)
        response.setdefault("Permissions-Policy", settings.NURTURE_PERMISSIONS_POLICY)
        return response

    return middleware
