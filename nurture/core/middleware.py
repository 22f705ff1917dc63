"""Middleware of our own: headers Django has no setting for, and NUL refused at the door.

PostgreSQL cannot store or compare a string holding NUL (U+0000): a NUL typed
into an address, a search box, a form or a JSON body would reach a query and
answer 500. No page of Nurture has any use for one, so every request with a NUL
in its path, its query string, a form field or a
string of its JSON body gets a 400 with a plain message, in one place; a cookie
holding one is dropped (read as absent, and deleted in the browser). Other
control characters are the forms' business (`core.forms.PlainTextMixin`): they
are refused next to the field, keeping what was typed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse

NUL = "\x00"
REFUSAL = (
    "This request has a NUL character in it (an invisible character with code 0), "
    "which Nurture cannot accept in an address or in text. Go back, remove it, and try again."
)


def _has_nul(values: Iterable[str]) -> bool:
    return any(NUL in value for value in values)


def _json_has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(NUL in key or _json_has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_json_has_nul(item) for item in value)
    return False


def _body_has_nul(request: HttpRequest) -> bool:
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return False
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        # Uploaded files are bytes, where a NUL is ordinary; only the text fields are read.
        fields = request.POST
        return _has_nul(fields) or any(_has_nul(fields.getlist(name)) for name in fields)
    content_type = request.content_type or ""
    if content_type == "application/json" or content_type.endswith("+json"):
        body = request.body
        # A NUL in a JSON string is written `\u0000`; a raw NUL byte is not JSON at all.
        if b"\x00" in body:
            return True
        if b"\\u0000" not in body:
            return False
        try:
            return _json_has_nul(json.loads(body))
        except ValueError:  # not JSON: the API's own parser says so
            return False
    return False


def nul_refused(request: HttpRequest) -> bool:
    """Whether the request carries a NUL anywhere a view would read text from."""
    query = request.GET
    return (
        NUL in request.path
        or _has_nul(query)
        or any(_has_nul(query.getlist(name)) for name in query)
        or _body_has_nul(request)
    )


def _cookies_with_nul(request: HttpRequest) -> list[str]:
    return [name for name, value in request.COOKIES.items() if NUL in name or NUL in value]


def refuse_nul_characters(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        if nul_refused(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": REFUSAL}, status=400)
            return HttpResponse(REFUSAL, status=400, content_type="text/plain; charset=utf-8")
        # A cookie is not something the person typed, and a 400 would follow them to every
        # page until they cleared it: a cookie holding a NUL (`"\000"` in a quoted cookie) is
        # read as absent (a session one means signed out) and the browser is told to drop it.
        spoilt = _cookies_with_nul(request)
        for name in spoilt:
            del request.COOKIES[name]
        response = get_response(request)
        for name in spoilt:
            if NUL not in name:
                response.delete_cookie(name)
        return response

    return middleware


def permissions_policy(get_response: Callable[[HttpRequest], HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Permissions-Policy: the browser features no page of Nurture uses (camera,
    microphone, location, payment, USB …) are turned off, for the site and anything it frames."""

    def middleware(request: HttpRequest) -> HttpResponseBase:
        response = get_response(request)
        response.setdefault("Permissions-Policy", settings.NURTURE_PERMISSIONS_POLICY)
        return response

    return middleware
