"""The events lists, the coordinator's, the organiser's and the public month, and the staff
pages read the same number of queries however many rows they show."""

from datetime import datetime, timedelta

from conftest import client_for, make_person
from nurture.accounts.models import Region
from nurture.accounts.roles import Role
from nurture.core.audit import audit_record
from nurture.core.tests.queries import page_queries

from .conftest import LONDON, make_organiser

MODERATION = 5
MINE = 4
ATTENDANCE = 5
STAFF_EVENT = 5
MONTH = 3  # the calendar's versions (a cache miss), each day's counts, its first few events


def test_the_moderation_queue_reads_as_many_queries_for_twelve_events_as_for_two(submit, coordinator):
    client = client_for(coordinator)
    for n in range(2):
        submit(title=f"Stay and play {n}")
    two, _page = page_queries(client, "/staff/events/")
    teammate = make_organiser("tom@severnside.example.org", "Severnside Family Hubs")
    other = make_organiser("ola@bristol.example.org", "Bristol Baby Club")
    for n in range(2, 12):
        submit(by=(teammate, other)[n % 2], title=f"Stay and play {n}")
    twelve, page = page_queries(client, "/staff/events/")
    assert "Stay and play 11" in page
    assert (two, twelve) == (MODERATION, MODERATION)


def test_an_organisations_own_events_read_as_many_queries_for_twelve_as_for_two(submit, approve, organiser, teammate):
    client = client_for(organiser)
    for n in range(2):
        approve(submit(title=f"Stay and play {n}"))
    two, _page = page_queries(client, "/events/mine/")
    for n in range(2, 12):
        event = submit(by=(organiser, teammate)[n % 2], title=f"Stay and play {n}")
        if n % 3:
            approve(event)
    twelve, page = page_queries(client, "/events/mine/")
    assert "Stay and play 11" in page
    assert (two, twelve) == (MINE, MINE)


def test_the_attendance_report_reads_as_many_queries_for_twelve_regions_as_for_two(
    submit, approve, organiser, other_organiser, coordinator, campaign
):
    regions = [code for code, _label in Region.choices]
    client = client_for(coordinator)
    for n in range(2):
        approve(submit(title=f"Stay and play {n}", region=regions[n]))
    two, _page = page_queries(client, "/staff/events/attendance/")
    for n in range(2, 12):
        approve(submit(by=(organiser, other_organiser)[n % 2], title=f"Stay and play {n}", region=regions[n]))
    twelve, page = page_queries(client, "/staff/events/attendance/")
    assert Region(regions[11]).label in page
    assert (two, twelve) == (ATTENDANCE, ATTENDANCE)


def test_a_staff_event_page_reads_as_many_queries_for_twelve_audit_entries_as_for_two(submit, coordinator):
    client = client_for(coordinator)
    event = submit(title="Stay and play")
    audit_record(action="events.event.noted", actor=coordinator, target=event, reason="Reason 1")
    two, _page = page_queries(client, f"/staff/events/{event.pk}/")
    for n in range(2, 12):
        actor = make_person(f"coordinator{n}@example.org", Role.COORDINATOR, name=f"Coordinator {n}")
        audit_record(action="events.event.noted", actor=actor, target=event, reason=f"Reason {n}")
    twelve, page = page_queries(client, f"/staff/events/{event.pk}/")
    assert "Reason 11" in page and "Coordinator 11" in page
    assert (two, twelve) == (STAFF_EVENT, STAFF_EVENT)


def test_the_month_reads_as_many_queries_for_twelve_events_as_for_two(submit, approve, organiser, other_organiser):
    client = client_for(None)
    for n in range(2):
        approve(submit(title=f"Stay and play {n}"))
    two, _page = page_queries(client, "/events/month/2031/5/")
    for n in range(2, 12):
        starts = datetime(2031, 5, n + 1, 10, 0, tzinfo=LONDON)
        values = {"starts_at": starts, "ends_at": starts + timedelta(hours=2), "title": f"Stay and play {n}"}
        approve(submit(by=(organiser, other_organiser)[n % 2], **values))
    twelve, page = page_queries(client, "/events/month/2031/5/")
    assert "Stay and play 11" in page
    assert (two, twelve) == (MONTH, MONTH)
