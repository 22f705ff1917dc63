"""The site's own origin: the full address of its pages, and where a form was sent from.

`site_url(name, *args)` is the full address of one of the site's pages, from
`NURTURE_SITE_URL` and the URL's name, for what leaves the site: an email's links, a
calendar feed, a page's structured data.

`sent_from_another_site` is for forms that carry no CSRF token. The pledge form has
none so that its page can be cached whole for every visitor. A browser says where a
POST comes from in `Origin` (every current browser sends it on a form POST) and
usually in `Referer`; a POST whose header names another site, or the opaque origin
`null` of a sandboxed frame, is refused. A request with neither header is not a
browser's cross-site POST.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse


def site_url(name: str, *args: object) -> str:
    """`https://nurture.example.org/awareness-week/pledge/confirm/…/` for a URL name and its arguments."""
    return settings.NURTURE_SITE_URL + reverse(name, args=args)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def _our_origins(request: HttpRequest) -> set[str]:
    ours = {f"{request.scheme}://{request.get_host()}".lower(), _origin(settings.NURTURE_SITE_URL)}
    ours.update(_origin(url) for url in settings.CSRF_TRUSTED_ORIGINS)
    return ours - {""}


def sent_from_another_site(request: HttpRequest) -> bool:
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None:
        return origin.strip().lower() not in _our_origins(request)
    referer = request.META.get("HTTP_REFERER")
    if referer:
        return _origin(referer) not in _our_origins(request)
    return False
