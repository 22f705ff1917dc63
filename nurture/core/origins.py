"""The site's own origin: the full address of its pages, and where a form was sent from.

`site_url(name, *args)` is the full address of one of the site's pages, from
`NURTURE_SITE_URL` and the URL's name, for what leaves the site: an email's links, a
calendar feed, a page's structured data; `site_url_for_path(path)` is the same for a path
the caller already has (the request's own). `site_host()` is the site's host name, the
right-hand side of what must be unique to this site: emails' Message-IDs and calendar UIDs.

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

# The host when NURTURE_SITE_URL names none (say, written without its scheme): a name
# under `.localhost`, reserved never to be anyone's real domain (RFC 6761), as the
# default sender's address (`no-reply@nurture.localhost`) is.
HOST_FALLBACK = "nurture.localhost"


def site_url(name: str, *args: object) -> str:
    """`https://nurture.example.org/awareness-week/pledge/confirm/…/` for a URL name and its arguments."""
    return site_url_for_path(reverse(name, args=args))


def site_url_for_path(path: str) -> str:
    """`https://nurture.example.org/events/7/stay-and-play/` for `/events/7/stay-and-play/`."""
    return settings.NURTURE_SITE_URL + path


def site_host() -> str:
    """`nurture.example.org`: the host of NURTURE_SITE_URL, lower-cased, without its port."""
    return urlsplit(settings.NURTURE_SITE_URL).hostname or HOST_FALLBACK


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
