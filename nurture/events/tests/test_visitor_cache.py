"""The public calendar's pages and feeds are cached whole for visitors under the
calendar's versions: a hit costs the version read, and a change made through the
services shows on the next request."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from conftest import client_for
from nurture.core.data_versions import data_versions
from nurture.core.tests.queries import page_queries
from nurture.events.models import Event
from nurture.events.services import event_cancel, event_moderate, event_update

from .conftest import event_values

FEED = "/events/feed.ics"


def _pages(event: Event) -> list[str]:
    return [
        "/events/",
        "/events/?start=2031-05-01&region=south-west",
        "/events/month/2031/5/",
        reverse("events:detail", args=[event.pk, event.slug]),
        reverse("events:ics", args=[event.pk]),
        f"{FEED}?start=2031-05-01",
    ]


PAGE_NAMES = ["list", "list filtered", "month", "event", "event's ics", "feed"]


@pytest.mark.parametrize("which", range(6), ids=PAGE_NAMES)
def test_a_visitors_second_request_costs_the_version_read_alone(approved, which):
    url = _pages(approved)[which]
    client = client_for(None)
    _queries, first = page_queries(client, url)
    hits, second = page_queries(client, url)
    assert hits == 1
    assert second == first and "Baby massage" in first


@pytest.mark.parametrize("which", range(6), ids=PAGE_NAMES)
def test_an_approved_change_shows_on_the_next_request(approved, organiser, coordinator, which):
    url = _pages(approved)[which]
    client = client_for(None)
    assert "Stay and play" not in client.get(url).content.decode()
    event_update(event=approved, actor=organiser, values=event_values(title="Stay and play"))
    assert "Stay and play" not in client.get(url).content.decode()  # a proposal is not public yet
    event_moderate(event=approved, actor=coordinator, action="approve")
    assert "Stay and play" in client.get(url, follow=True).content.decode()  # the event's address follows its title


@pytest.mark.parametrize("which", range(6), ids=PAGE_NAMES)
def test_a_cancellation_shows_on_the_next_request(approved, organiser, which):
    url = _pages(approved)[which]
    client = client_for(None)
    assert "ancel" not in client.get(url).content.decode().replace("cancelled, not counted", "")
    event_cancel(event=approved, actor=organiser, reason="The hall flooded.")
    page = client.get(url).content.decode()
    assert "Cancelled" in page or "CANCELLED" in page


@pytest.mark.parametrize("which", [0, 1, 2, 5], ids=["list", "list filtered", "month", "feed"])
def test_a_newly_approved_event_shows_on_the_next_request(approved, submit, approve, which):
    url = _pages(approved)[which]
    client = client_for(None)
    client.get(url)
    approve(submit(title="Songs and rhymes"))
    assert "Songs and rhymes" in client.get(url).content.decode()


def test_the_order_of_the_filters_makes_no_second_page(approved):
    client = client_for(None)
    page_queries(client, "/events/?start=2031-05-01&region=south-west")
    hits, page = page_queries(client, "/events/?region=south-west&start=2031-05-01")
    assert hits == 1 and "Baby massage" in page


def test_a_bad_filter_is_a_400_with_its_message_every_time(db):
    client = client_for(None)
    for _ in range(2):
        response = client.get("/events/", {"start": "not a date"})
        assert response.status_code == 400
        assert "Enter a valid date." in response.content.decode()
    for _ in range(2):
        response = client.get(FEED, {"start": "not a date", "region": "atlantis"})
        assert response.status_code == 400 and b"start" in response.content and b"region" in response.content


@pytest.mark.parametrize("which", range(4), ids=PAGE_NAMES[:4])
def test_someone_signed_in_never_gets_a_visitors_page_nor_leaves_theirs(approved, organiser, which):
    url = _pages(approved)[which]
    client_for(None).get(url)
    signed_in = client_for(organiser)
    page = signed_in.get(url).content.decode()
    assert "Sign out" in page and "Create an account" not in page
    page = signed_in.get(url).content.decode()
    assert "Sign out" in page
    visitor = client_for(None).get(url).content.decode()
    assert "Sign out" not in visitor and "Create an account" in visitor


def test_the_feed_answers_304_for_the_version_read_alone(approved, coordinator, organiser):
    client = client_for(None)
    first = client.get(FEED, {"start": "2031-05-01"})
    etag = first["ETag"]
    _queries, _body = page_queries(client, f"{FEED}?start=2031-05-01")  # the body, from memory

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        again = client.get(FEED, {"start": "2031-05-01"}, headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b"" and len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        other = client.get(FEED, {"start": "2031-05-01"}, headers={"if-none-match": '"something-else"'})
    assert other.status_code == 200 and other.content == first.content and len(queries) == 1
    # "*" names any current representation: the feed exists, so it has not changed ...
    assert client.get(FEED, {"start": "2031-05-01"}, headers={"if-none-match": "*"}).status_code == 304
    # ... but a feed that cannot be made is still refused, asked whichever way.
    refused = client.get(FEED, {"start": "2031-13-01"}, headers={"if-none-match": "*"})
    assert refused.status_code == 400 and b"start" in refused.content

    event_cancel(event=approved, actor=organiser, reason="The hall flooded.")
    changed = client.get(FEED, {"start": "2031-05-01"}, headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert b"STATUS:CANCELLED" in changed.content


def test_a_feed_asked_by_someone_signed_in_is_the_same_feed(approved, organiser):
    visitor = client_for(None).get(FEED, {"start": "2031-05-01"})
    signed_in = client_for(organiser).get(FEED, {"start": "2031-05-01"})
    assert signed_in.content == visitor.content and signed_in["ETag"] == visitor["ETag"]


SERVICES: dict[str, Callable[..., object]] = {
    "approve a submission": lambda event, organiser, coordinator: event_moderate(
        event=event, actor=coordinator, action="approve"
    ),
    "reject a submission": lambda event, organiser, coordinator: event_moderate(
        event=event, actor=coordinator, action="reject", reason="Not an Awareness Week event."
    ),
    "cancel": lambda event, organiser, coordinator: event_cancel(event=event, actor=organiser, reason="Flooded."),
}


@pytest.mark.parametrize("service", SERVICES.values(), ids=SERVICES.keys())
def test_each_change_the_public_sees_bumps_the_calendars_version(submit, organiser, coordinator, service):
    event = submit()
    before = data_versions("events")["events"]
    service(event, organiser, coordinator)
    assert data_versions("events")["events"] == before + 1


@pytest.mark.parametrize("which", range(6), ids=PAGE_NAMES)
def test_a_kept_page_carries_the_headers_the_page_had(approved, which):
    """A hit skips the session, CSRF and framing layers: the copy holds what they added,
    and the layers before it add theirs again."""
    url = _pages(approved)[which]
    client = client_for(None)
    made = client.get(url)
    kept = client.get(url)
    assert made.status_code == kept.status_code == 200 and kept.content == made.content
    for header in ("Content-Type", "X-Frame-Options", "Content-Security-Policy", "Permissions-Policy", "ETag"):
        assert kept.get(header) == made.get(header), header
    if url.startswith(FEED):  # the same for everyone, answered early for anyone
        assert kept.get("Vary") == made.get("Vary")
    else:
        assert "Cookie" in kept["Vary"]
    assert int(kept["Content-Length"]) == len(kept.content)
    assert not kept.cookies


def test_the_feed_is_answered_early_for_someone_signed_in_too(approved, organiser):
    """The feed is the same for everyone: a calendar app signed in to nothing and a
    person signed in both get its 304 from the version alone."""
    signed_in = client_for(organiser)
    first = signed_in.get(FEED, {"start": "2031-05-01"})
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        again = signed_in.get(FEED, {"start": "2031-05-01"}, headers={"if-none-match": first["ETag"]})
        kept = signed_in.get(FEED, {"start": "2031-05-01"})
    assert again.status_code == 304 and kept.content == first.content
    assert len(queries) == 2  # one version read each: no session read
