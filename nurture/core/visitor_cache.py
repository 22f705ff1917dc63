"""Whole pages kept in memory, answered before the session and authentication layers.

The public pages (an Awareness Week landing page, the events calendar, the Register
search, the framework) are the same for every visitor without a session, and a feed is
the same for everyone. A view marked `cached_for_visitors(version_of)` or
`cached_for_everyone(version_of)` has its pages kept in this process's memory, keyed by
the address (the query string's parameters in a fixed order) and a version read from the
database on every request with one small indexed query (`data_sets(...)` reads the
`core.DataVersion` rows of the data sets the page shows; with `dated=True` today's local
date is part of it, for pages that say "upcoming" or "lapsed"). Every change the public
sees bumps a version in its own transaction, so each web process sees it on its next
request and makes the page again: no process is told anything, and none serves a stale
page.

`serve_early`, a middleware second only to SecurityMiddleware, does the keeping: a hit is
answered there, without the CSP, session, CSRF, authentication, messages and allauth
layers (the copy holds the headers they added when the page was made), and a page
`cached_for_everyone` gets an ETag from its address and version alone, so a 304 costs the
version read. Nothing personal is ever kept: a visitor's page is skipped for a request
with a session or messages cookie, and a response that is not a plain 200, sets a cookie,
varies on anything but the cookie, or carries a CSRF token is not kept.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from nurture.core.data_versions import data_versions_label
from nurture.core.middleware import nul_refused

MAX_PAGES = 2048
MAX_BYTES = 64 * 1024 * 1024  # per process; the least recently used pages go first
SKIPPED_HEADERS = frozenset({"content-length", "set-cookie"})
GZIP_FROM = 1024  # bytes: a kept page this long is also sent compressed to those who take gzip

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

    def discard(self, key: tuple[str, ...]) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old[0])

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


# What the layers inside `serve_early` may add to a page and a copy may keep.
STORABLE_VARY = frozenset({"cookie"})


@dataclass(frozen=True)
class Kept:
    """How `serve_early` keeps a view's pages: `version_of(**view_kwargs)` names the
    version of what the page shows (None: not kept). `for_everyone` pages are the same for
    everyone, signed in or not, and carry an ETag made from that version alone."""

    version_of: Callable[..., str | None]
    # The query parameters the view reads. A request carrying any other is answered by the
    # view and never kept: `?x=1`, `?x=2` … would otherwise each make and keep a copy,
    # pushing the pages people use out of memory (a 1.7 MB feed 37 times fills 64 MB).
    params: frozenset[str] = frozenset()
    for_everyone: bool = False
    # For pages kept for everyone: how long others may keep them, sent with the page and
    # with each 304 (which must say what the page said, whichever process answers it).
    cache_control: str = ""


KEPT = "visitor_cache_kept"


def _storable(response: HttpResponseBase) -> bool:
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}
    cache_control = response.get("Cache-Control", "").lower()
    return (
        isinstance(response, HttpResponse)
        and response.status_code == 200
        # A page that rendered a CSRF token (or called get_token) is answered with the CSRF
        # cookie, new or renewed (CsrfViewMiddleware does so for every request that used
        # one, and clears its flag as it does), or with the session cookie that holds the
        # token: so a page with a token meant for one browser always sets a cookie.
        and not response.cookies
        and vary <= STORABLE_VARY
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def _marked(kept: Kept) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        setattr(view, KEPT, kept)
        return view

    return decorator


def cached_for_visitors(version_of: Callable[..., str | None], *, params: Iterable[str] = ()) -> Callable[[View], View]:
    """Marks a view whose GET pages `serve_early` keeps whole for visitors (no session);
    `params` are the query parameters it reads (`form_parameters` lists a form's)."""
    return _marked(Kept(version_of, params=frozenset(params)))


def cached_for_everyone(
    version_of: Callable[..., str | None], *, params: Iterable[str] = (), cache_control: str = ""
) -> Callable[[View], View]:
    """Marks a view whose GET answers are the same for everyone (a feed): kept whole and
    served to anyone, with an ETag from the version, so `If-None-Match` gets a 304 for the
    version read alone; `cache_control` goes with the page and every 304."""
    return _marked(Kept(version_of, params=frozenset(params), for_everyone=True, cache_control=cache_control))


def form_parameters(form: type[forms.Form], *more: str) -> frozenset[str]:
    """The query parameters a form reads: each field's name, and a multi-part widget's
    parts (`start_day`, `start_month`, `start_year`); and `more`."""
    names = set(more)
    for name, field in form.base_fields.items():
        names.add(name)
        if isinstance(field.widget, forms.MultiWidget):
            suffixes: list[str] = getattr(field.widget, "widgets_names", [])  # Django's, not in the stubs
            names.update(f"{name}{suffix}" for suffix in suffixes)
    return frozenset(names)


@lru_cache(maxsize=4096)
def _kept_at(urlconf: str, path: str) -> tuple[Kept, dict[str, Any]] | None:
    """How the view at `path` is kept, and its arguments; None for any other address.
    Remembered per address: resolving walks every pattern before it, and the same few
    public addresses are asked again and again."""
    try:
        match = resolve(path, urlconf)  # settings.ROOT_URLCONF: a module's name (or, in a test, a module)
    except Resolver404:
        return None
    kept: Kept | None = getattr(match.func, KEPT, None)
    return None if kept is None else (kept, match.kwargs)


def _copy(stored: Stored) -> HttpResponse:
    body, headers = stored
    page = HttpResponse(body)
    for name, value in headers:
        page[name] = value
    return page


def _kept(response: HttpResponse, *, for_visitors: bool) -> Stored:
    """What is kept of a page: its body and the headers every copy of it is sent with."""
    page = HttpResponse(response.content)
    for name, value in response.items():
        if name.lower() not in SKIPPED_HEADERS:
            page[name] = value
    _mark_variants(page, for_visitors=for_visitors)
    page["Content-Length"] = str(len(page.content))
    return page.content, tuple(page.items())


def _mark_variants(response: HttpResponse, *, for_visitors: bool) -> None:
    if for_visitors:
        # As the page made for a visitor: a shared cache must not give it to someone signed in.
        patch_vary_headers(response, ("Cookie",))
    if len(response.content) >= GZIP_FROM:
        patch_vary_headers(response, ("Accept-Encoding",))


def _gzipped(key: tuple[str, ...], stored: Stored) -> Stored:
    """The page compressed, made once per kept copy. Safe from BREACH-style guessing: a kept
    page holds no secret (no CSRF token, nothing personal)."""
    if (found := _memory.get((*key, "gzip"))) is not None:
        return found
    body, headers = stored
    page = HttpResponse(gzip.compress(body, compresslevel=6, mtime=0))
    for name, value in headers:
        if name.lower() == "etag" and not value.startswith("W/"):
            value = f"W/{value}"  # the same page in other bytes (as Django's GZipMiddleware says it)
        page[name] = value
    page["Content-Encoding"] = "gzip"
    page["Content-Length"] = str(len(page.content))
    compressed = (page.content, tuple(page.items()))
    _memory.put((*key, "gzip"), compressed)
    return compressed


def accepts_gzip(request: HttpRequest) -> bool:
    """Whether `Accept-Encoding` takes gzip with a weight above zero: named, or through `*`
    when gzip is not named (RFC 9110 12.5.3; `gzip;q=0` refuses it whatever `*` says)."""
    weights: dict[str, float] = {}
    for part in request.headers.get("Accept-Encoding", "").split(","):
        name, *parameters = (piece.strip() for piece in part.split(";"))
        weight = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights.setdefault(name.lower(), weight)
    return weights.get("gzip", weights.get("*", 0.0)) > 0


def _not_modified(matched: str, kept: Kept) -> HttpResponseNotModified:
    """A 304 naming the ETag as the client holds it (weak for a compressed copy), with the
    headers the page itself carries for caches: the same whichever process answers."""
    response = HttpResponseNotModified()
    response["ETag"] = matched
    if kept.cache_control:
        response["Cache-Control"] = kept.cache_control
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def serve_early(get_response: Callable[[HttpRequest], HttpResponseBase]) -> Callable[[HttpRequest], HttpResponseBase]:
    """Middleware, second after SecurityMiddleware: a GET for a view marked
    `cached_for_visitors` (asked by a visitor) or `cached_for_everyone` is answered with the
    copy this process keeps at the page's current version; on a miss the page that the
    layers after this one and the view make is kept, with every header they added
    (Content-Security-Policy, framing, Vary …). Everything else passes through untouched.
    A hit costs the version read and a copy of bytes: none of the later layers, which would
    only have added the same headers again, runs."""

    def middleware(request: HttpRequest) -> HttpResponseBase:
        if request.method != "GET" or nul_refused(request):  # a NUL: refused further in
            return get_response(request)
        # A host not in ALLOWED_HOSTS is a 400 (DisallowedHost), as the layers after this
        # one would make it: a kept page is not an answer to any name.
        request.get_host()
        found = _kept_at(settings.ROOT_URLCONF, request.path_info)
        if found is None:
            return get_response(request)
        kept, kwargs = found
        if not kept.for_everyone and not _is_visitor(request):
            return get_response(request)
        if not kept.params.issuperset(request.GET):
            return get_response(request)
        version = kept.version_of(**kwargs)
        if version is None:
            return get_response(request)
        address = page_address(request)
        key = ("page", address, version)
        hit = _memory.get(key)
        etag = etag_for(address, version) if kept.for_everyone else ""
        if etag and (matched := etag_matched(request, etag, exists=hit is not None)):
            return _not_modified(matched, kept)
        if hit is not None:
            if len(hit[0]) >= GZIP_FROM and accepts_gzip(request):
                return _copy(_gzipped(key, hit))
            return _copy(hit)
        response = get_response(request)
        if etag and response.status_code == 200:
            response["ETag"] = etag
            if kept.cache_control:
                response["Cache-Control"] = kept.cache_control
        if _storable(response):
            assert isinstance(response, HttpResponse)
            stored = _kept(response, for_visitors=not kept.for_everyone)
            _memory.put(key, stored)
            _memory.discard((*key, "gzip"))  # a compressed copy of an earlier making
            if len(stored[0]) >= GZIP_FROM and accepts_gzip(request):
                return _copy(_gzipped(key, stored))
            _mark_variants(response, for_visitors=not kept.for_everyone)
        return response

    return middleware


def etag_for(address: str, version: str) -> str:
    """A strong ETag for what `address` shows at `version` with this code release."""
    digest = hashlib.blake2b(f"{code_release()}|{version}|{address}".encode(), digest_size=16).hexdigest()
    return f'"{digest}"'


def etag_matched(request: HttpRequest, etag: str, *, exists: bool = False) -> str:
    """The tag in `If-None-Match` that names this ETag, as the client sent it (`W/…` for a
    compressed copy; weak comparison, RFC 9110 13.1.2), or `*` ("any current
    representation") when the caller knows one `exists`; "" when none does."""
    wanted = request.headers.get("If-None-Match", "")
    if wanted.strip() == "*":
        return etag if exists else ""
    for tag in wanted.split(","):
        if tag.strip().removeprefix("W/") == etag:
            return tag.strip()
    return ""


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
    _kept_at.cache_clear()
