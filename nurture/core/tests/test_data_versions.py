"""The versions of public data sets, and the visitor page cache built on them."""

from __future__ import annotations

import gzip
from datetime import date
from types import ModuleType

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import path

from nurture.core.data_versions import data_version_bump, data_versions, data_versions_label
from nurture.core.tests.concurrency import RACE, meeting_before, twice
from nurture.core.visitor_cache import cached_for_everyone, cached_for_visitors, data_sets, page_address

pytestmark = pytest.mark.django_db


def test_a_set_never_bumped_reads_zero_and_each_bump_adds_one():
    assert data_versions("events") == {"events": 0}
    data_version_bump("events")
    data_version_bump("events", "register")
    assert data_versions("events", "register", "framework") == {"events": 2, "register": 1, "framework": 0}


def test_the_versions_of_several_sets_are_one_query(django_assert_num_queries):
    data_version_bump("events", "campaigns")
    with django_assert_num_queries(1):
        assert data_versions_label("events", "campaigns", "framework") == "events=1,campaigns=1,framework=0"


def test_a_bump_rolled_back_with_its_change_leaves_the_version():
    from django.db import transaction

    data_version_bump("register")
    with pytest.raises(RuntimeError), transaction.atomic():
        data_version_bump("register")
        raise RuntimeError("the change failed")
    assert data_versions("register") == {"register": 1}


def test_the_address_puts_the_parameters_in_one_order():
    factory = RequestFactory()
    first = page_address(factory.get("/events/?region=london&audience=parents&q=a&q=b"))
    second = page_address(factory.get("/events/?q=a&audience=parents&region=london&q=b"))
    assert first == second == "/events/?audience=parents&q=a&q=b&region=london"
    assert page_address(factory.get("/events/?q=b&q=a")) != first
    assert page_address(factory.get("/events/")) == "/events/"


renders: list[str] = []


def _counting(body: str, **headers: str):
    def view(request: HttpRequest) -> HttpResponse:
        renders.append(body)
        response = HttpResponse(body)
        for name, value in headers.items():
            response[name] = value
        return response

    return view


@pytest.fixture(autouse=True)
def _no_renders():
    renders.clear()


@pytest.fixture
def served(settings):
    """Serves a view at /events/ through every middleware of the site (serve_early first)."""

    def serve(view) -> Client:
        urls = ModuleType("served_urls")
        urls.urlpatterns = [path("events/", view)]
        settings.ROOT_URLCONF = urls
        return Client()

    return serve


def test_a_page_is_rendered_once_per_version_and_its_hit_is_the_version_read(served):
    client = served(cached_for_visitors(data_sets("events"))(_counting("page", **{"X-Robots-Tag": "noindex"})))
    made = client.get("/events/")
    with CaptureQueriesContext(connection) as queries:
        hit = client.get("/events/")
    assert len(queries) == 1
    assert hit.content == b"page" and hit["X-Robots-Tag"] == "noindex"
    assert "Cookie" in hit["Vary"]  # a shared cache must not give it to someone signed in
    # What the layers after serve_early added when the page was made, the copy holds.
    for header in ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy", "X-Content-Type-Options"):
        assert hit[header] == made[header], header
    data_version_bump("events")
    client.get("/events/")
    assert renders == ["page", "page"]


def test_a_page_kept_for_everyone_carries_an_etag_from_its_version(served):
    client = served(cached_for_everyone(data_sets("events"), params={"a", "b"})(_counting("feed")))
    made = client.get("/events/?b=2&a=1")
    assert made.status_code == 200 and made["ETag"].startswith('"')
    assert client.get("/events/?a=1&b=2", headers={"if-none-match": made["ETag"]}).status_code == 304
    assert client.get("/events/?a=1", headers={"if-none-match": made["ETag"]}).status_code == 200
    data_version_bump("events")
    changed = client.get("/events/?a=1&b=2", headers={"if-none-match": made["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != made["ETag"]
    assert renders == ["feed", "feed", "feed"]


def test_a_long_kept_page_is_sent_compressed_to_whoever_takes_gzip(served):
    long_page = "<p>A calendar of events.</p>" * 200
    client = served(cached_for_everyone(data_sets("events"))(_counting(long_page)))
    made = client.get("/events/")
    assert made.get("Content-Encoding") is None and "Accept-Encoding" in made["Vary"]
    packed = client.get("/events/", headers={"accept-encoding": "br, gzip;q=0.8"})
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == made.content
    assert int(packed["Content-Length"]) == len(packed.content) < len(made.content) // 10
    assert packed["ETag"] == f"W/{made['ETag']}"  # the same page in other bytes
    assert client.get("/events/", headers={"if-none-match": packed["ETag"]}).status_code == 304
    for refusing in ("gzip;q=0", "identity", "br", ""):
        plain = client.get("/events/", headers={"accept-encoding": refusing})
        assert plain.get("Content-Encoding") is None and plain.content == made.content, refusing
    assert renders == [long_page]


def test_a_long_page_made_afresh_is_sent_compressed_too(served):
    """Another web process, or the first request after a change, makes the page: a client
    that takes gzip gets it compressed from the first answer."""
    long_page = "<p>A calendar of events.</p>" * 200
    client = served(cached_for_visitors(data_sets("events"))(_counting(long_page)))
    first = client.get("/events/", headers={"accept-encoding": "gzip"})
    assert first["Content-Encoding"] == "gzip" and gzip.decompress(first.content) == long_page.encode()
    assert "Cookie" in first["Vary"] and "Accept-Encoding" in first["Vary"]
    again = client.get("/events/", headers={"accept-encoding": "gzip"})
    assert again.content == first.content and renders == [long_page]


def test_a_compressed_copy_is_revalidated_as_the_client_holds_it(served):
    """A cache holding the gzip copy (weak ETag) gets a 304 naming that tag, with the
    headers the page carries, even from a process that has no copy."""
    from nurture.core.visitor_cache import visitor_cache_clear

    long_page = "<p>A calendar of events.</p>" * 200
    view = cached_for_everyone(data_sets("events"), cache_control="public, max-age=300")(_counting(long_page))
    client = served(view)
    packed = client.get("/events/", headers={"accept-encoding": "gzip"})
    assert packed["ETag"].startswith("W/") and packed["Cache-Control"] == "public, max-age=300"
    for holding in (True, False):
        if not holding:
            visitor_cache_clear()  # another web process: no copy of its own
        again = client.get("/events/", headers={"accept-encoding": "gzip", "if-none-match": packed["ETag"]})
        assert again.status_code == 304 and again.content == b""
        assert again["ETag"] == packed["ETag"] and again["Cache-Control"] == "public, max-age=300"
        assert "Accept-Encoding" in again["Vary"] and not again.has_header("Content-Type")
    assert renders == [long_page]


@pytest.mark.parametrize(
    ("accept", "compressed"),
    [
        ("gzip", True),
        ("GZIP;q=0.5", True),
        ("gzip;q=0.5;level=1", True),
        ("*", True),
        ("*;q=0, gzip", True),
        ("br, *", True),
        ("*, gzip;q=0", False),
        ("gzip;q=0", False),
        ("gzip;q=nonsense", False),
        ("identity", False),
        ("", False),
    ],
)
def test_gzip_is_sent_only_where_accept_encoding_takes_it(served, accept, compressed):
    client = served(cached_for_visitors(data_sets("events"))(_counting("<p>x</p>" * 400)))
    client.get("/events/")
    answer = client.get("/events/", headers={"accept-encoding": accept})
    assert (answer.get("Content-Encoding") == "gzip") is compressed


def test_a_kept_page_is_no_answer_to_a_host_the_site_does_not_serve(served, settings):
    client = served(cached_for_visitors(data_sets("events"))(_counting("page")))
    assert client.get("/events/").status_code == 200
    settings.ALLOWED_HOSTS = ["nurture.example.org"]
    assert client.get("/events/", headers={"host": "evil.example"}).status_code == 400
    assert client.get("/events/", headers={"host": "nurture.example.org"}).content == b"page"


def test_a_short_kept_page_is_never_compressed(served):
    client = served(cached_for_visitors(data_sets("events"))(_counting("short")))
    client.get("/events/")
    kept = client.get("/events/", headers={"accept-encoding": "gzip"})
    assert kept.content == b"short" and kept.get("Content-Encoding") is None
    assert "Accept-Encoding" not in kept["Vary"]


def test_a_request_with_a_parameter_the_view_does_not_read_is_answered_but_never_kept(served):
    """`?x=1`, `?x=2` … must not each make a copy and push the pages people use out of memory."""
    from nurture.core import visitor_cache

    client = served(cached_for_visitors(data_sets("events"), params={"region"})(_counting("page")))
    for n in range(3):
        assert client.get("/events/", {"region": "london", "utm_source": str(n)}).content == b"page"
    assert len(renders) == 3 and visitor_cache._memory._bytes == 0
    client.get("/events/", {"region": "london"})
    client.get("/events/", {"region": "london"})
    assert len(renders) == 4  # the parameters it reads are kept as before


def test_form_parameters_name_every_part_of_a_multi_part_field():
    from django import forms

    from nurture.core.forms import DateParts
    from nurture.core.visitor_cache import form_parameters

    class Filter(forms.Form):
        q = forms.CharField(required=False)
        start = DateParts(required=False)

    assert form_parameters(Filter, "page") == {"q", "start", "start_day", "start_month", "start_year", "page"}


def test_a_dated_page_is_rendered_again_the_next_day(monkeypatch, served):
    from nurture.core import visitor_cache

    client = served(cached_for_visitors(data_sets("events", dated=True))(_counting("page")))
    monkeypatch.setattr(visitor_cache.timezone, "localdate", lambda: date(2031, 5, 12))
    client.get("/events/")
    client.get("/events/")
    monkeypatch.setattr(visitor_cache.timezone, "localdate", lambda: date(2031, 5, 13))
    client.get("/events/")
    assert len(renders) == 2


def test_someone_with_a_session_or_messages_cookie_is_never_served_from_the_cache(served):
    client = served(cached_for_visitors(data_sets("events"))(_counting("page")))
    for cookie in ("sessionid", "messages"):
        client.cookies[cookie] = "x"
        client.get("/events/")
        client.get("/events/")
        client.cookies.clear()
    assert len(renders) == 4


def test_a_request_with_a_nul_is_refused_not_looked_up(served):
    client = served(cached_for_visitors(data_sets("events"))(_counting("page")))
    assert client.get("/events/", {"q": "a\x00b"}).status_code == 400
    assert renders == []


@pytest.mark.parametrize(
    "respond",
    [
        lambda request: HttpResponse("not found", status=404),
        lambda request: HttpResponse("bad filter", status=400),
        lambda request: HttpResponse(f"<input name=csrfmiddlewaretoken value={get_token(request)}>"),
        lambda request: _with_cookie(HttpResponse("page")),
        lambda request: _with_vary(HttpResponse("page")),
        lambda request: _with_cache_control(HttpResponse("page"), "private, max-age=60"),
        lambda request: _with_cache_control(HttpResponse("page"), "no-store"),
    ],
    ids=["404", "400", "csrf token", "sets a cookie", "varies", "private", "no-store"],
)
@pytest.mark.parametrize("csrf_cookie", [False, True], ids=["first visit", "holding a CSRF cookie"])
def test_what_is_not_the_same_for_every_visitor_is_never_kept(respond, served, csrf_cookie):
    def view(request: HttpRequest) -> HttpResponse:
        renders.append("rendered")
        response: HttpResponse = respond(request)
        return response

    client = served(cached_for_visitors(data_sets("events"))(view))
    for _ in range(2):
        client.cookies.clear()  # a visitor again, whatever the answer set ...
        if csrf_cookie:  # ... or one who already holds a CSRF cookie from an earlier form
            client.cookies["csrftoken"] = "a" * 32
        client.get("/events/")
    assert len(renders) == 2


def _with_cookie(response: HttpResponse) -> HttpResponse:
    response.set_cookie("seen", "1")
    return response


def _with_cache_control(response: HttpResponse, value: str) -> HttpResponse:
    response["Cache-Control"] = value
    return response


def _with_vary(response: HttpResponse) -> HttpResponse:
    response["Vary"] = "Accept-Language"
    return response


@pytest.mark.parametrize("at_once", RACE)
def test_two_changes_bumping_a_new_set_at_once_count_twice(at_once):
    """Both find no row and insert; the second's INSERT fails and it updates instead."""
    from django.db import transaction

    from nurture.core.models import DataVersion

    def change() -> None:
        with transaction.atomic():
            data_version_bump("register")

    with meeting_before(DataVersion.objects, "create"):
        results = twice(at_once, change)
    assert results == [None, None]
    assert data_versions("register") == {"register": 2}
