"""The "add to calendar" file and the subscription feeds, read back by two
independent parsers: `icalendar` and `ics`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import ics  # type: ignore[import-untyped]
import pytest
from django.urls import reverse
from icalendar import Calendar

from conftest import client_for
from nurture.events.services import event_cancel, event_moderate, event_update

from .conftest import event_values, online_values

FEED = "/events/feed.ics"


def _parse(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def _events(calendar: Calendar) -> dict[str, Any]:
    return {str(item["UID"]): item for item in calendar.walk("VEVENT")}


def _feed(query: str = "start=2031-05-01") -> bytes:
    response = client_for(None).get(f"{FEED}?{query}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content


def test_the_feed_has_its_name_refresh_interval_and_time_zone(approved):
    body = _feed("start=2031-05-01&region=south-west")
    calendar = _parse(body)
    # NAME is text (RFC 7986), its comma escaped (icalendar reads it back as written).
    assert b"\r\nNAME:Awareness Week events\\, South West\r\n" in body
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=6)
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT6H" in body
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert str(event["DTSTART"].dt.tzinfo) == "Europe/London"
    assert event["DTSTART"].dt.hour == 10
    assert b"DTSTART;TZID=Europe/London:20310512T100000" in body
    vevent = body.decode().split("BEGIN:VEVENT")[1].split("END:VEVENT")[0]
    for line in vevent.splitlines():
        if line.startswith(("DTSTART", "DTEND")):
            assert line.startswith(("DTSTART;TZID=Europe/London:", "DTEND;TZID=Europe/London:")), line
            assert not line.endswith("Z") and "+" not in line, line


def test_uids_stay_and_sequence_rises_as_the_event_changes(approved, organiser, coordinator):
    before = _events(_parse(_feed()))
    event_update(event=approved, actor=organiser, values=event_values(title="Baby massage: room 2"))
    assert _events(_parse(_feed())).keys() == before.keys()
    (uid,) = before
    assert int(before[uid]["SEQUENCE"]) == 0
    event_moderate(event=approved, actor=coordinator, action="approve")
    after = _events(_parse(_feed()))
    assert list(after) == [uid]
    assert int(after[uid]["SEQUENCE"]) == 1
    assert str(after[uid]["SUMMARY"]) == "Baby massage: room 2"
    event_cancel(event=approved, actor=organiser, reason="Venue closed")
    cancelled = _events(_parse(_feed()))[uid]
    assert int(cancelled["SEQUENCE"]) == 2
    assert str(cancelled["STATUS"]) == "CANCELLED"


def test_a_second_parser_reads_the_same_feed(approved, organiser, submit, approve):
    online = approve(submit(**online_values()))
    event_cancel(event=approved, actor=organiser)
    calendar = ics.Calendar(_feed().decode())
    found = {event.uid: event for event in calendar.events}
    assert len(found) == 2
    first = found[f"event-{approved.pk}@127.0.0.1"]
    assert first.status == "CANCELLED"
    assert first.begin.isoformat() == "2031-05-12T10:00:00+01:00"
    assert found[f"event-{online.pk}@127.0.0.1"].location.startswith("Online: https://meet.example.org/cues")


def test_the_feed_follows_the_filters(approved, submit, approve):
    approve(submit(**online_values()))
    assert len(_parse(_feed("start=2031-05-01&mode=online")).walk("VEVENT")) == 1
    assert len(_parse(_feed("start=2031-05-01&region=london")).walk("VEVENT")) == 0
    assert len(_parse(_feed("start=2031-05-01&audience=professionals")).walk("VEVENT")) == 1
    assert len(_parse(_feed("start=2031-05-01&q=massage")).walk("VEVENT")) == 1


def test_unapproved_events_are_never_in_the_feed(submit):
    submit()
    assert _parse(_feed()).walk("VEVENT") == []


def test_the_feed_answers_if_none_match_with_304_until_something_changes(approved, organiser, coordinator):
    client = client_for(None)
    first = client.get(FEED, {"start": "2031-05-01"})
    etag = first["ETag"]
    assert etag.startswith('"') and first["Cache-Control"] == "public, max-age=300"
    again = client.get(FEED, {"start": "2031-05-01"}, headers={"if-none-match": etag})
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    assert client.get(FEED, {"start": "2031-05-02"}, headers={"if-none-match": etag}).status_code == 200

    event_update(event=approved, actor=organiser, values=event_values(title="Unmoderated"))
    assert client.get(FEED, {"start": "2031-05-01"}, headers={"if-none-match": etag}).status_code == 304
    event_moderate(event=approved, actor=coordinator, action="approve")
    changed = client.get(FEED, {"start": "2031-05-01"}, headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert b"Unmoderated" in changed.content


def test_the_feed_is_served_from_the_cache_for_an_unchanged_version(approved, django_assert_max_num_queries):
    _feed()
    with django_assert_max_num_queries(2):
        _feed()


def test_a_bad_filter_is_a_400_not_a_500(db):
    response = client_for(None).get(FEED, {"start": "not a date", "region": "atlantis"})
    assert response.status_code == 400
    assert b"start" in response.content and b"region" in response.content


def test_one_events_ics_file_opens_in_calendars(approved):
    response = client_for(None).get(reverse("events:ics", args=[approved.pk]))
    calendar = _parse(response.content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"event-{approved.pk}@127.0.0.1"
    assert calendar.walk("VTIMEZONE")
    assert len(ics.Calendar(response.content.decode()).events) == 1


def test_a_uid_ends_in_the_site_host_that_emails_message_ids_end_in_too(settings):
    from nurture.core.origins import site_host
    from nurture.events.calendar_files import event_uid

    settings.NURTURE_SITE_URL = "https://Nurture.Example.org:8443"
    assert event_uid(7) == "event-7@nurture.example.org" == f"event-7@{site_host()}"


@pytest.mark.parametrize("state", ["submitted", "rejected"])
def test_an_unpublished_events_ics_file_is_not_found(submit, coordinator, state):
    event = submit()
    if state == "rejected":
        event_moderate(event=event, actor=coordinator, action="reject", reason="No.")
    assert client_for(None).get(reverse("events:ics", args=[event.pk])).status_code == 404


def test_a_feed_across_the_clocks_changing_keeps_local_times(submit, approve):
    from datetime import datetime

    from .conftest import LONDON

    winter = datetime(2031, 11, 4, 10, 0, tzinfo=LONDON)
    approve(submit(starts_at=winter, ends_at=winter + timedelta(hours=1)))
    body = _feed("start=2031-11-01")
    assert b"DTSTART;TZID=Europe/London:20311104T100000" in body
    calendar = ics.Calendar(body.decode())
    (event,) = calendar.events
    assert event.begin.isoformat() == "2031-11-04T10:00:00+00:00"


@pytest.mark.parametrize("title", ["Baby massage\r\nand songs", "Baby massage\nand songs", "Baby massage\rand songs"])
def test_one_events_ics_file_escapes_a_line_break_in_the_title(submit, approve, title):
    """The calendar's name is the event's title: a title stored with a line break
    (from before forms refused them, or through the admin) is escaped, not a 500."""
    event = approve(submit(title=title))
    response = client_for(None).get(reverse("events:ics", args=[event.pk]))
    assert response.status_code == 200
    calendar = _parse(response.content)
    assert b"\r\nNAME:Baby massage\\nand songs\r\n" in response.content
    assert b"\r\nX-WR-CALNAME:Baby massage\\nand songs\r\n" in response.content
    (item,) = calendar.walk("VEVENT")
    assert str(item["SUMMARY"]).splitlines() == ["Baby massage", "and songs"]
    assert len(ics.Calendar(response.content.decode()).events) == 1
