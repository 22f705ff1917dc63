"""What every router of the JSON API shares: its error bodies, the answers each
operation documents, and the shapes of the values its parameters take.

Every error the API gives has a body of one of two shapes, described once here:
`Problem` (`{"detail": "what went wrong, in a sentence"}`) for 400, 401, 403 and
404, and `Invalid` (django-ninja's own `{"detail": [{"type", "loc", "msg"}]}`)
for 422, when a parameter breaks the constraints the OpenAPI document states.
An operation lists its answers with `answers(...)`, so the document says which
codes it can give and what each body holds.
"""

from __future__ import annotations

import re
from datetime import date
from functools import partial
from typing import Annotated, Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from nurture.core.text import CONTROLS

# The characters no one-line value may hold: C0, DEL and C1 controls, and the
# Unicode line and paragraph separators (the same set as core.forms refuses).
PLAIN_TEXT = f"^[^{CONTROLS}]*$"
SLUG = r"^[-a-zA-Z0-9_]+$"
"""A campaign's or a level's code, as Django's SlugField allows."""
OPTIONAL = "|^$"
"""Appended to a pattern when the parameter may also be left empty."""

# What a person reads when a value does not match a pattern, instead of the pattern itself.
_PATTERN_MESSAGES: dict[str, str] = {
    PLAIN_TEXT: "Enter this on one line, without line breaks or control characters.",
    SLUG: "Give the code as letters, digits, hyphens and underscores (for example 2026 or prevention).",
}


def pattern_explained(pattern: str, message: str) -> str:
    """Names the sentence a 422 gives for a value not matching `pattern`; returns the pattern."""
    _PATTERN_MESSAGES[pattern] = message
    return pattern


INT32_MAX = 2**31 - 1
"""The largest whole number an integer column holds (a version number)."""
INT64_MAX = 2**63 - 1
"""The largest id a bigint column holds."""


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: Any) -> Any:
    if isinstance(value, str) and not _ISO_DAY.fullmatch(value):
        raise PydanticCustomError("date_format", "Give the day as YYYY-MM-DD.")
    return value


Day = Annotated[date, BeforeValidator(_iso_day)]
"""A day as the document says (`format: date`): YYYY-MM-DD only, not pydantic's
looser reading of `0` or `1700000000` as a moment since 1970."""


class Problem(Schema):
    """What went wrong, in a sentence a person can read."""

    detail: str


class InputProblem(Schema):
    """One parameter that broke its constraints: where (`["query", "page"]`), what, and a message."""

    type: str
    loc: list[str | int]
    msg: str


class Invalid(Schema):
    """The parameters that broke their constraints, one item each."""

    detail: list[InputProblem]


NEEDS_SIGN_IN = 401
"""The operation needs a signed-in person's session cookie and got none."""
NOT_ALLOWED = 403
NOT_FOUND = 404


def answers(ok: Any, *errors: int) -> dict[int, Any]:
    """An operation's `response=`: its body when all is well (200), and the errors
    it can give besides the two every operation can (400 for a request the site
    refuses outright, such as one with a NUL character; 422 for invalid parameters)."""
    return {200: ok, 400: Problem, **dict.fromkeys(errors, Problem), 422: Invalid}


def not_found(request: HttpRequest, exc: Exception, *, api: NinjaAPI) -> HttpResponse:
    """Http404 (a selector's `get_object_or_404`) as a `Problem` saying what was not found."""
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


def invalid(request: HttpRequest, exc: ValidationError, *, api: NinjaAPI) -> HttpResponse:
    """django-ninja's 422 body, with a sentence for a value that does not match a pattern."""
    problems = []
    for problem in exc.errors:
        pattern = str(problem.get("ctx", {}).get("pattern", "")).removesuffix(OPTIONAL)
        if problem.get("type") == "string_pattern_mismatch" and pattern in _PATTERN_MESSAGES:
            problem = {**problem, "msg": _PATTERN_MESSAGES[pattern]}
        problems.append(problem)
    return api.create_response(request, {"detail": problems}, status=422)


def api_errors_install(api: NinjaAPI) -> None:
    """Answers Http404 with its message whatever DEBUG says (django-ninja gives it only when
    debugging), and a value that does not match its pattern with a sentence, not the pattern."""
    api.add_exception_handler(Http404, partial(not_found, api=api))
    api.add_exception_handler(ValidationError, partial(invalid, api=api))
