"""iCalendar (RFC 5545) files: one event's "add to calendar" file and the feeds.

Times are written in the event's own time zone (`DTSTART;TZID=Europe/London:…`)
with the zone's VTIMEZONE, never as a fixed UTC offset, so a subscriber's calendar
stays right across the clocks changing. UIDs never change; SEQUENCE rises with each
public change; a cancelled event stays in the feed with STATUS:CANCELLED.
The calendar's NAME and REFRESH-INTERVAL follow RFC 7986.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, vDuration, vText
from icalendar import Event as CalendarEvent

from nurture.core.origins import site_host, site_url
from nurture.events.models import Event

PRODID = "-//Infant Mental Health Association//Nurture events//EN"
REFRESH = timedelta(hours=6)


def event_uid(pk: int) -> str:
    return f"event-{pk}@{site_host()}"


def event_url(row: dict[str, Any]) -> str:
    return site_url("events:detail", row["id"], row["slug"])


def location_text(row: dict[str, Any]) -> str:
    if row["mode"] == "online":
        link = "" if row["joining_link_after_booking"] else row["joining_link"]
        return f"Online: {link}" if link else "Online (the joining link comes when you book)"
    parts = (row["venue"], row["street_address"], row["locality"], row["postcode"])
    return ", ".join(part for part in parts if part)


def _component(row: dict[str, Any]) -> CalendarEvent:
    zone = ZoneInfo(row["timezone"])
    url = event_url(row)
    item = CalendarEvent()
    item.add("uid", event_uid(row["id"]))
    item.add("sequence", row["sequence"])
    item.add("dtstamp", row["public_changed_at"] or row["approved_at"])
    item.add("created", row["approved_at"])
    item.add("last-modified", row["public_changed_at"] or row["approved_at"])
    item.add("dtstart", row["starts_at"].astimezone(zone))
    item.add("dtend", row["ends_at"].astimezone(zone))
    cancelled = row["state"] == Event.State.CANCELLED
    item.add("summary", ("Cancelled: " if cancelled else "") + row["title"])
    details = [row["description"], f"Organiser: {row['organiser_name']}"]
    if row["booking_url"]:
        details.append(f"Booking: {row['booking_url']}")
    details.append(f"Details: {url}")
    item.add("description", "\n\n".join(details))
    item.add("location", location_text(row))
    item.add("url", url)
    item.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    item.add("transp", "OPAQUE")
    return item


def calendar_bytes(rows: Iterable[dict[str, Any]], *, name: str, description: str = "") -> bytes:
    """A calendar of these events (rows with `selectors.FEED_COLUMNS`)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # icalendar knows NAME (RFC 7986) and X-WR-CALNAME by no type, so it would write
    # them unescaped; as text, a line break in an event's title is escaped as in SUMMARY.
    calendar.add("name", vText(name))
    calendar.add("x-wr-calname", vText(name))
    if description:
        calendar.add("description", description)
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for row in rows:
        calendar.add_component(_component(row))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
