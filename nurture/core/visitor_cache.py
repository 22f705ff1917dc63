"""Whole pages cached for visitors who are not signed in.

The public pages (an Awareness Week landing page, the events calendar, the Register
search, the framework) are the same for every visitor without a session.
`cached_for_visitors(version_of)` keeps each such page's bytes in this process's
memory, keyed by its address (the query string's parameters in a fixed order) and a
version read from the database on every request with one small indexed query
(`data_sets(...)` reads the `core.DataVersion` rows of the data sets the page shows;
with `dated=True` today's local date is part of it, for pages that say "upcoming" or
"lapsed"). Every change the public sees bumps a version in its own transaction, so
each web process sees it on its next request and renders the page again: no process
is told anything, and none serves a stale page. Nothing personal is ever stored: a
request with a session or messages cookie skips the cache, and a response that is not
a plain 200, sets a cookie, varies on something, or carries a CSRF token is not kept.

`remember`/`remembered` keep other bytes (the iCalendar feeds) in the same memory;
`etag_for` makes an ETag from a page's key alone, so a 304 costs the version read.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from nurture.core.data_versions import data_versions_label

MAX_PAGES = 2048
MAX_BYTES = 64 * 1024 * 1024  # per process; the least recently used pages go first
SKIPPED_HEADERS = frozenset({"content-length", "set-cookie", "vary"})

View = Callable[..., HttpResponseBase]
Stored = tuple[bytes, tuple[tuple[str, str], ...]]


class _Memory:
    """A least-recently-used map of bytes, bounded by count and by size."""

    def __init__(self) -> None:
        self._items: OrderedDict[tuple[str, ...], Stored] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...]) -> Stored | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[str, ...], value: Stored) -> None:
        size = len(value[0])
        if size > MAX_BYTES // 4:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old[0])
            self._items[key] = value
            self._bytes += size
            while len(self._items) > MAX_PAGES or self._bytes > MAX_BYTES:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped[0])

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


_memory = _Memory()


def _is_visitor(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def page_address(request: HttpRequest) -> str:
    """The path and the parameters as the view reads them, in a fixed order, so
    `?b=2&a=1` and `?a=1&b=2` are one page (a parameter's repeated values keep their order)."""
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    return f"{request.path}?{query}" if query else request.path


def data_sets(*names: str, dated: bool = False) -> Callable[..., str]:
    """A `version_of` for a page showing these data sets: their versions, read in one
    query, and today's local date when the page depends on it."""

    def version_of(**_view_kwargs: Any) -> str:
        label = data_versions_label(*names)
        return f"{label}|{timezone.localdate().isoformat()}" if dated else label

    return version_of


def _storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    return (
        isinstance(response, HttpResponse)
        and response.status_code == 200
        and not response.cookies
        and not response.has_header("Vary")
        # A rendered {% csrf_token %} (or get_token) marks the request; that page holds a
        # token meant for one browser.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
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
            key = ("page", page_address(request), version)
            hit = _memory.get(key)
            if hit is not None:
                body, headers = hit
                page = HttpResponse(body)
                for name, value in headers:
                    page[name] = value
                # As the page rendered for a visitor would: a shared cache must not give
                # it to someone who is signed in.
                patch_vary_headers(page, ("Cookie",))
                return page
            response = view(request, *args, **kwargs)
            if _storable(request, response):
                assert isinstance(response, HttpResponse)
                headers = tuple((k, v) for k, v in response.items() if k.lower() not in SKIPPED_HEADERS)
                _memory.put(key, (response.content, headers))
            return response

        return wrapper

    return decorator


def etag_for(address: str, version: str) -> str:
    """A strong ETag for what `address` shows at `version` with this code release."""
    digest = hashlib.blake2b(f"{code_release()}|{version}|{address}".encode(), digest_size=16).hexdigest()
    return f'"{digest}"'


def etag_matches(request: HttpRequest, etag: str) -> bool:
    """Whether `If-None-Match` names this ETag (weak or strong)."""
    wanted = request.headers.get("If-None-Match", "")
    return etag in [tag.strip().removeprefix("W/") for tag in wanted.split(",")]


def remembered(key: str) -> bytes | None:
    """Bytes kept by `remember` in this process, or None."""
    found = _memory.get(("bytes", key))
    return None if found is None else found[0]


def remember(key: str, body: bytes) -> None:
    """Keep `body` in this process's memory under `key` (which must name its version)."""
    _memory.put(("bytes", key), (body, ()))


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
    _memory.clear()
