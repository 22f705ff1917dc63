"""The versions of public data sets, and the visitor page cache built on them."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from nurture.core.data_versions import data_version_bump, data_versions, data_versions_label
from nurture.core.tests.concurrency import RACE, meeting_before, twice
from nurture.core.visitor_cache import cached_for_visitors, data_sets, page_address

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


def test_a_page_is_rendered_once_per_version_and_its_hit_is_the_version_read():
    view = cached_for_visitors(data_sets("events"))(_counting("page", **{"X-Robots-Tag": "noindex"}))
    request = RequestFactory().get("/events/")
    view(request)
    with CaptureQueriesContext(connection) as queries:
        hit = view(RequestFactory().get("/events/"))
    assert len(queries) == 1
    assert hit.content == b"page" and hit["X-Robots-Tag"] == "noindex"
    assert "Cookie" in hit["Vary"]  # a shared cache must not give it to someone signed in
    data_version_bump("events")
    view(RequestFactory().get("/events/"))
    assert renders == ["page", "page"]


def test_a_dated_page_is_rendered_again_the_next_day(monkeypatch):
    from nurture.core import visitor_cache

    view = cached_for_visitors(data_sets("events", dated=True))(_counting("page"))
    monkeypatch.setattr(visitor_cache.timezone, "localdate", lambda: date(2031, 5, 12))
    view(RequestFactory().get("/events/"))
    view(RequestFactory().get("/events/"))
    monkeypatch.setattr(visitor_cache.timezone, "localdate", lambda: date(2031, 5, 13))
    view(RequestFactory().get("/events/"))
    assert len(renders) == 2


def _sends(view, request: HttpRequest, times: int = 2) -> None:
    for _ in range(times):
        view(request)


def test_someone_with_a_session_or_messages_cookie_is_never_served_from_the_cache():
    view = cached_for_visitors(data_sets("events"))(_counting("page"))
    factory = RequestFactory()
    for cookie in ("sessionid", "messages"):
        factory.cookies[cookie] = "x"
        _sends(view, factory.get("/events/"))
        factory.cookies.clear()
    assert len(renders) == 4


@pytest.mark.parametrize(
    "respond",
    [
        lambda request: HttpResponse("not found", status=404),
        lambda request: HttpResponse("bad filter", status=400),
        lambda request: HttpResponse(f"<input name=csrfmiddlewaretoken value={get_token(request)}>"),
        lambda request: _with_cookie(HttpResponse("page")),
        lambda request: _with_vary(HttpResponse("page")),
    ],
    ids=["404", "400", "csrf token", "sets a cookie", "varies"],
)
def test_what_is_not_the_same_for_every_visitor_is_never_kept(respond):
    def view(request: HttpRequest) -> HttpResponse:
        renders.append("rendered")
        response: HttpResponse = respond(request)
        return response

    cached = cached_for_visitors(data_sets("events"))(view)
    _sends(cached, RequestFactory().get("/events/"))
    assert len(renders) == 2


def _with_cookie(response: HttpResponse) -> HttpResponse:
    response.set_cookie("seen", "1")
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
