"""The directory's iCalendar (RFC 5545) feed: upcoming cohorts and open days.

Times are written in Europe/London with its VTIMEZONE, so a subscriber's calendar stays
right across the clocks changing; each session's UID never changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, vDuration, vText
from icalendar import Event as CalendarEvent

from nurture.core.origins import site_host, site_url
from nurture.training.models import Session

PRODID = "-//Infant Mental Health Association//Nurture training//EN"
REFRESH = timedelta(hours=12)
LONDON = ZoneInfo("Europe/London")


def session_uid(pk: int) -> str:
    return f"training-session-{pk}@{site_host()}"


def _component(session: Session) -> CalendarEvent:
    course = session.course
    url = site_url("training:detail", course.slug)
    item = CalendarEvent()
    item.add("uid", session_uid(session.pk))
    item.add("dtstamp", course.created_at)
    item.add("dtstart", session.starts_at.astimezone(LONDON))
    item.add("dtend", session.ends_at.astimezone(LONDON))
    what = "Open day" if session.kind == Session.Kind.OPEN_DAY else "Course starts"
    item.add("summary", f"{what}: {course.title}")
    item.add(
        "description",
        "\n\n".join([course.summary, f"Provider: {course.provider.name}", f"Details: {url}"]),
    )
    where = [part for part in (session.place, "Online" if session.online_url else "") if part]
    item.add("location", ", ".join(where) or "To be announced")
    item.add("url", url)
    item.add("status", "CONFIRMED")
    item.add("transp", "TRANSPARENT" if session.kind == Session.Kind.COHORT else "OPAQUE")
    return item


def feed_bytes(sessions: Iterable[Session]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = "Infant mental health training: cohorts and open days"
    calendar.add("name", vText(name))
    calendar.add("x-wr-calname", vText(name))
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for session in sessions:
        calendar.add_component(_component(session))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
