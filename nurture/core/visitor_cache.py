"""Whole pages cached for visitors who are not signed in.

The busiest public pages (an Awareness Week landing page, a pledge page) are the
same for every visitor without a session. `cached_for_visitors(version_of)`
keeps each such page's bytes in this process's memory, keyed by its address and
a version read from the database on every request with one small query. Any
change that bumps the version shows at once; nothing personal is ever stored:
a request with a session or messages cookie, or a response that sets a cookie,
skips the cache.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

MAX_PAGES = 512
_pages: OrderedDict[tuple[str, str], tuple[bytes, str]] = OrderedDict()

View = Callable[..., HttpResponseBase]


def _is_visitor(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def cached_for_visitors(version_of: Callable[..., str | None]) -> Callable[[View], View]:
    """`version_of(**view_kwargs)` names the version of what the page shows, or None not to cache."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not _is_visitor(request):
                return view(request, *args, **kwargs)
            version = version_of(**kwargs)
            if version is None:
                return view(request, *args, **kwargs)
            key = (request.get_full_path(), version)
            hit = _pages.get(key)
            if hit is not None:
                body, content_type = hit
                return HttpResponse(body, content_type=content_type)
            response = view(request, *args, **kwargs)
            if (
                isinstance(response, HttpResponse)
                and response.status_code == 200
                and not response.cookies
                and not response.has_header("Vary")
            ):
                _pages[key] = (response.content, response["Content-Type"])
                while len(_pages) > MAX_PAGES:
                    _pages.popitem(last=False)
            return response

        return wrapper

    return decorator


@cache
def code_release() -> str:
    """Which code and templates this process runs, for keys of rendered output kept in a
    shared cache (pages, fragments, feeds), so that a deployment never serves what the
    templates it replaced rendered: `NURTURE_RELEASE` when set (the commit deployed, say),
    otherwise a digest of the project's templates and Python files, read once per process."""
    if settings.NURTURE_RELEASE:
        return str(settings.NURTURE_RELEASE)[:40]
    digest = hashlib.blake2b(digest_size=8)
    root = Path(settings.BASE_DIR) / "nurture"
    for path in sorted([*root.rglob("*.html"), *root.rglob("*.py")]):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def visitor_cache_clear() -> None:
    _pages.clear()
