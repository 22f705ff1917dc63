from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from conftest import client_for
from nurture.events.models import Event
from nurture.events.services import event_cancel, event_moderate, event_update

from .conftest import event_values, form_data, online_values


def _json_ld(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found, "no JSON-LD on the page"
    return json.loads(found.group(1))


# The public calendar ---------------------------------------------------------------------


def test_the_list_shows_approved_events_by_day(approved, submit):
    submit(title="Still waiting for moderation")
    response = client_for(None).get(reverse("events:list"), {"start": "2031-05-01"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Monday 12 May 2031" in html and "Baby massage and songs for new parents" in html
    assert "Still waiting" not in html


def test_the_list_is_one_query_whatever_the_page_size(approved, submit, approve, django_assert_num_queries):
    for n in range(5):
        approve(submit(title=f"Stay and play {n}"))
    with django_assert_num_queries(2):  # the calendar's versions (the visitor cache's miss), then the list
        client_for(None).get(reverse("events:list"), {"start": "2031-05-01", "region": "south-west"})


def test_the_list_paginates(submit, approve, settings):
    settings.NURTURE_EVENTS_SUBMIT_PER_HOUR = 100
    for n in range(27):
        approve(submit(title=f"Stay and play {n}"))
    client = client_for(None)
    first = client.get(reverse("events:list"), {"start": "2031-05-01"}).content.decode()
    second = client.get(reverse("events:list"), {"start": "2031-05-01", "page": "2"}).content.decode()
    assert "Next page" in first and "Previous page" in second
    assert second.count("Stay and play") == 2


@pytest.mark.parametrize(
    ("query", "page_answer", "api_answer"),
    [
        # The pages (list, feed, month) refuse a filter they cannot read (400); the API
        # refuses a value of the wrong type (422) and reads what it can
        ({"start": "2031-13-45"}, 400, 422),
        ({"end": "yesterday"}, 400, 422),
        ({"start": "2031-05-10", "end": "2031-05-01"}, 400, 200),
        ({"start": "9999-01-01"}, 400, 200),
        ({"region": "<script>"}, 400, 422),
        ({"audience": "babies"}, 400, 422),
        ({"mode": "hybrid"}, 400, 422),
        ({"q": "x" * 500}, 400, 422),
        ({"q": "\x00%'\"; DROP TABLE"}, 400, 400),  # a NUL: refused first (core.middleware)
        ({"page": "-3"}, 200, 422),
        ({"page": "99999999999999999999"}, 200, 422),
        ({"campaign": "../../etc"}, 400, 422),
        ({"start": "0001-01-01"}, 400, 200),
    ],
)
def test_odd_filters_never_cause_a_500(approved, query, page_answer, api_answer):
    client = client_for(None)
    for name in ("events:list", "events:feed"):
        assert client.get(reverse(name), query).status_code == page_answer, name
    assert client.get(reverse("events:month", args=[2031, 5]), query).status_code == page_answer
    assert client.get("/api/v1/events", query).status_code == api_answer


def test_filter_errors_are_shown_next_to_the_field_and_the_typed_value_kept(db):
    response = client_for(None).get(reverse("events:list"), {"start": "31/02/2031", "q": "songs"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_start_error"' in html and 'value="31/02/2031"' in html and 'value="songs"' in html


def test_the_month_is_an_accessible_table_of_days(approved):
    response = client_for(None).get(reverse("events:month", args=[2031, 5]))
    html = response.content.decode()
    assert "<caption" in html and '<th scope="col"><abbr title="Monday">Mon</abbr></th>' in html
    assert "10:00 Baby massage and songs for new parents" in html
    assert client_for(None).get("/events/month/2031/13/").status_code == 404


def test_the_event_page_redirects_a_wrong_slug(approved):
    response = client_for(None).get(reverse("events:detail", args=[approved.pk, "old-title"]))
    assert response.status_code == 302 and response["Location"].endswith(f"/{approved.slug}/")


def test_an_unapproved_event_has_no_public_page(submit):
    event = submit()
    assert client_for(None).get(reverse("events:detail", args=[event.pk, event.slug])).status_code == 404


# schema.org Event data -------------------------------------------------------------------


def test_an_in_person_event_page_has_schema_org_event_data(approved):
    html = client_for(None).get(reverse("events:detail", args=[approved.pk, approved.slug])).content.decode()
    data = _json_ld(html)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert data["name"] == "Baby massage and songs for new parents"
    assert data["startDate"] == "2031-05-12T10:00:00+01:00"
    assert data["endDate"] == "2031-05-12T12:00:00+01:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    place = data["location"]
    assert place["@type"] == "Place" and place["name"] == "Lawrence Weston Family Hub"
    assert place["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "Long Cross",
        "addressLocality": "Bristol",
        "addressRegion": "South West",
        "postalCode": "BS11 0QA",
        "addressCountry": "GB",
    }
    assert data["organizer"]["@type"] == "Organization" and data["organizer"]["name"] == "Severnside Family Hubs"
    assert data["organizer"]["url"].startswith("http")
    assert data["description"] and data["offers"]["price"] == "0" and data["offers"]["priceCurrency"] == "GBP"


def test_an_online_event_has_a_virtual_location_and_a_cancelled_one_says_so(submit, approve, organiser):
    event = approve(submit(**online_values(joining_link_after_booking=True)))
    event_cancel(event=event, actor=organiser, reason="The speaker is ill.")
    response = client_for(None).get(reverse("events:detail", args=[event.pk, event.slug]))
    html = response.content.decode()
    data = _json_ld(html)
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"] == {"@type": "VirtualLocation", "url": "https://tickets.example.org/baby-massage"}
    assert "meet.example.org" not in html
    assert "This event has been cancelled" in html and "The speaker is ill." in html


def test_the_json_ld_cannot_close_its_script(submit, approve):
    event = approve(submit(description="Bring snacks </script><script>alert(1)</script> please"))
    html = client_for(None).get(reverse("events:detail", args=[event.pk, event.slug])).content.decode()
    assert "<script>alert(1)" not in html
    assert "alert(1)" in _json_ld(html)["description"]


def test_the_public_page_shows_the_approved_version_until_the_change_is_approved(approved, organiser, coordinator):
    event_update(event=approved, actor=organiser, values=event_values(title="Baby massage and songs", venue="Hall 2"))
    page = client_for(None).get(reverse("events:detail", args=[approved.pk, approved.slug])).content.decode()
    assert "Lawrence Weston Family Hub" in page and "Hall 2" not in page

    staff = client_for(coordinator)
    review = staff.get(reverse("events:staff_event", args=[approved.pk])).content.decode()
    assert "<del>Lawrence Weston Family Hub</del>" in review and "<ins>Hall 2</ins>" in review
    response = staff.post(reverse("events:staff_event", args=[approved.pk]), {"action": "approve"})
    assert response.status_code == 302
    approved.refresh_from_db()
    page = client_for(None).get(reverse("events:detail", args=[approved.pk, approved.slug])).content.decode()
    assert "Hall 2" in page


# The organiser ---------------------------------------------------------------------------


def test_an_organiser_submits_an_event_through_the_form(organiser, campaign):
    response = client_for(organiser).post(reverse("events:submit"), form_data())
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.state == Event.State.SUBMITTED and event.organisation == organiser.organisation
    assert event.local_start.isoformat() == "2031-05-12T10:00:00+01:00"


def test_an_organiser_types_the_dates_as_day_month_and_year(organiser, campaign):
    """GOV.UK's date input, as the portfolio's: a native date box orders day and month by the
    browser's language, so a British date typed day first could become another date."""
    page = client_for(organiser).get(reverse("events:submit")).content.decode()
    assert 'type="date"' not in page.split("<main", 1)[1]
    assert 'name="start_date_day"' in page and 'name="end_date_year"' in page

    data = form_data()
    for name in ("start_date", "end_date"):
        data.pop(name)
        data.update({f"{name}_day": "12", f"{name}_month": "May", f"{name}_year": "2031"})
    assert client_for(organiser).post(reverse("events:submit"), data).status_code == 302
    assert Event.objects.get().local_start.isoformat() == "2031-05-12T10:00:00+01:00"


def test_a_date_missing_its_month_is_said_next_to_it_and_the_rest_is_kept(organiser, campaign):
    data = form_data()
    data.pop("start_date")
    data.update({"start_date_day": "12", "start_date_month": "", "start_date_year": "2031"})
    page = client_for(organiser).post(reverse("events:submit"), data).content.decode()
    assert "Date must include a month." in page
    assert 'name="start_date_day" value="12"' in page and Event.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "Visit www.example.com for tickets"}, "title", "web address"),
        ({"description": "x" * 5001}, "description", "at most 5,000"),
        ({"description": "a.com b.org c.net https://d.example.org"}, "description", "at most 3"),
        ({"venue": ""}, "venue", "in-person"),
        ({"region": ""}, "region", "region"),
        ({"end_time": "09:00"}, "end_time", "end after"),
        ({"start_time": "01:30", "start_date": "2031-03-30", "end_date": "2031-03-30"}, "start_time", "clocks"),
        ({"timezone": "Mars/Olympus"}, "timezone", "time zone"),
        ({"start_date": "2032-05-12", "end_date": "2032-05-12"}, "start_date", "no Awareness Week"),
        ({"is_free": "", "cost": ""}, "cost", "costs"),
        ({"booking_url": "", "capacity": ""}, "booking_url", "places"),
        ({"organiser_name": '=HYPERLINK("http://evil.example/","Hubs")'}, "organiser_name", "cannot start with ="),
        ({"organiser_name": "  @SUM(A1)"}, "organiser_name", "cannot start with ="),
    ],
)
def test_the_form_puts_each_problem_next_to_its_field(organiser, campaign, changes, field, message):
    data = form_data()
    data.update(changes)
    response = client_for(organiser).post(reverse("events:submit"), {k: v for k, v in data.items() if v != ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert message in " ".join(str(e) for e in response.context["form"].errors[field])
    assert f'id="id_{field}_error"' in html and 'href="#id_' in html
    assert not Event.objects.exists()


def test_an_online_event_hiding_its_link_needs_a_booking_link(organiser, campaign):
    data = form_data(mode="online", joining_link="https://meet.example.org/x", joining_link_after_booking="on")
    data.pop("booking_url")
    response = client_for(organiser).post(reverse("events:submit"), data)
    assert "booking link" in str(response.context["form"].errors["booking_url"])


def test_the_rate_limit_shows_on_the_form(organiser, campaign, settings):
    settings.NURTURE_EVENTS_SUBMIT_PER_HOUR = 1
    client = client_for(organiser)
    assert client.post(reverse("events:submit"), form_data()).status_code == 302
    response = client.post(reverse("events:submit"), form_data(title="Another"))
    assert response.status_code == 400 and "limit is 1" in response.content.decode()


def test_editing_an_approved_event_shows_the_proposed_version_to_the_organiser(approved, organiser):
    client = client_for(organiser)
    assert (
        client.post(reverse("events:edit", args=[approved.pk]), form_data(title="Songs, new time")).status_code == 302
    )
    form = client.get(reverse("events:edit", args=[approved.pk])).content.decode()
    assert 'value="Songs, new time"' in form


def test_another_organisations_events_are_not_found(approved, other_organiser, teammate):
    for name in ("events:edit", "events:cancel", "events:attendance"):
        assert client_for(other_organiser).get(reverse(name, args=[approved.pk])).status_code == 404, name
        assert client_for(teammate).get(reverse(name, args=[approved.pk])).status_code == 200, name
    assert "Baby massage" not in client_for(other_organiser).get(reverse("events:mine")).content.decode()
    assert "Baby massage" in client_for(teammate).get(reverse("events:mine")).content.decode()


def test_cancelling_through_the_page_keeps_the_public_page(approved, organiser):
    response = client_for(organiser).post(reverse("events:cancel", args=[approved.pk]), {"reason": "Flooded."})
    assert response.status_code == 302
    page = client_for(None).get(reverse("events:detail", args=[approved.pk, approved.slug]))
    assert page.status_code == 200 and "Cancelled: Baby massage" in page.content.decode()


def test_attendance_is_recorded_through_the_page_after_the_event(approved, organiser):
    Event.objects.filter(pk=approved.pk).update(
        starts_at=approved.starts_at - timedelta(days=3650), ends_at=approved.ends_at - timedelta(days=3650)
    )
    response = client_for(organiser).post(
        reverse("events:attendance", args=[approved.pk]), {"parents_carers": "14", "professionals": "2", "others": "0"}
    )
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.attendance_total == 16


def _row(html: str, title: str) -> str:
    """The organiser's table row of the event called `title`."""
    found = re.search(rf"<tr>\s*<th scope=\"row\"[^>]*>(?:<a [^>]*>)?{re.escape(title)}.*?</tr>", html, re.S)
    assert found, title
    return found.group(0)


def test_the_organisers_list_shows_each_state_and_what_can_still_be_done(submit, approve, organiser, coordinator):
    submit(title="Waiting")
    event_moderate(event=submit(title="Asked"), actor=coordinator, action="ask_changes", reason="Add the postcode.")
    event_moderate(event=submit(title="Refused"), actor=coordinator, action="reject", reason="Not a public event.")
    event_cancel(event=approve(submit(title="Called off")), actor=organiser)
    past = approve(submit(title="Held last year"))
    Event.objects.filter(pk=past.pk).update(
        starts_at=past.starts_at - timedelta(days=3650), ends_at=past.ends_at - timedelta(days=3650)
    )
    html = client_for(organiser).get(reverse("events:mine")).content.decode()
    rows = {title: _row(html, title) for title in ("Waiting", "Asked", "Refused", "Called off", "Held last year")}
    assert "tag--later" in rows["Waiting"] and "tag--later" in rows["Asked"] and "Add the postcode." in rows["Asked"]
    assert "tag--no" in rows["Refused"] and "Reason: Not a public event." in rows["Refused"]
    assert "tag--no" in rows["Called off"] and "tag--ok" in rows["Held last year"]
    for title, open_to_changes in (("Waiting", True), ("Asked", True), ("Refused", False), ("Called off", False)):
        assert ("Edit<span" in rows[title]) is open_to_changes, title
    assert "Record attendance" in rows["Held last year"] and "Record attendance" not in html.replace(
        rows["Held last year"], ""
    )


def test_the_edit_form_says_what_the_coordinator_asked_for(submit, approved, organiser, coordinator):
    asked = event_moderate(event=submit(title="Asked"), actor=coordinator, action="ask_changes", reason="Add a time.")
    form = client_for(organiser).get(reverse("events:edit", args=[asked.pk])).content.decode()
    assert "The coordinator asked for changes: Add a time." in form and "approved and public" not in form
    event_update(event=approved, actor=organiser, values=event_values(title="Changed"))
    event_moderate(event=approved, actor=coordinator, action="ask_changes", reason="Keep the old title.")
    form = client_for(organiser).get(reverse("events:edit", args=[approved.pk])).content.decode()
    assert "This event is approved and public." in form
    assert "The coordinator asked for changes: Keep the old title." in form


def test_the_coordinator_decides_only_what_waits_for_moderation(submit, approved, organiser, coordinator):
    client = client_for(coordinator)
    waiting = client.get(reverse("events:staff_event", args=[submit(title="Waiting").pk])).content.decode()
    assert "Record the decision" in waiting
    settled = client.get(reverse("events:staff_event", args=[approved.pk])).content.decode()
    assert "Nothing to decide now." in settled and "Record the decision" not in settled
    event_update(event=approved, actor=organiser, values=event_values(title="Changed"))
    changed = client.get(reverse("events:staff_event", args=[approved.pk])).content.decode()
    assert "Decision on the proposed changes" in changed


def test_attendance_waits_until_an_approved_event_has_ended(submit, approved, organiser):
    client = client_for(organiser)
    page = client.get(reverse("events:attendance", args=[approved.pk])).content.decode()
    assert "once an approved event has ended, after 12 May 2031, 12:00." in page and "Save attendance" not in page
    page = client.get(reverse("events:attendance", args=[submit(title="Waiting").pk])).content.decode()
    assert "once an approved event has ended." in page


# The coordinator -------------------------------------------------------------------------


def test_the_queue_lists_submissions_and_proposed_changes(submit, approved, organiser, coordinator):
    submit(title="Stay and play at the library")
    event_update(event=approved, actor=organiser, values=event_values(title="Changed"))
    html = client_for(coordinator).get(reverse("events:staff_queue")).content.decode()
    assert "Stay and play at the library" in html and "Changes to an approved event" in html


def test_rejecting_without_a_reason_is_an_error_next_to_the_field(submit, coordinator):
    event = submit()
    response = client_for(coordinator).post(reverse("events:staff_event", args=[event.pk]), {"action": "reject"})
    assert response.status_code == 400 and 'id="id_reason_error"' in response.content.decode()


def test_the_coordinator_sees_attendance_by_region_and_audience(approved, submit, approve, coordinator, organiser):
    online = approve(submit(**online_values()))
    Event.objects.filter(pk=approved.pk).update(
        parents_carers_attended=10, professionals_attended=2, others_attended=1, attendance_reported_at=approved.ends_at
    )
    Event.objects.filter(pk=online.pk).update(
        parents_carers_attended=30, professionals_attended=40, others_attended=0, attendance_reported_at=online.ends_at
    )
    response = client_for(coordinator).get(reverse("events:staff_attendance"))
    rows = {row.label: row for row in response.context["rows"]}
    assert (rows["South West"].parents_carers, rows["South West"].total) == (10, 13)
    assert rows["Online, no region"].professionals == 40
    assert (rows["All regions"].events, rows["All regions"].reported, rows["All regions"].total) == (2, 2, 83)


# The API ---------------------------------------------------------------------------------


def test_the_api_lists_approved_events_with_filters(approved, submit, approve):
    approve(submit(**online_values()))
    submit(title="Waiting")
    client = client_for(None)
    body = client.get("/api/v1/events", {"start": "2031-05-01", "campaign": "2031"}).json()
    assert [e["title"] for e in body["results"]] == [
        "Baby massage and songs for new parents",
        "Understanding your baby's cues: an online talk",
    ]
    assert body["results"][0]["starts_at"] == "2031-05-12T10:00:00+01:00"
    assert body["results"][0]["ics_url"].endswith(f"/events/{approved.pk}.ics")
    online = client.get("/api/v1/events", {"start": "2031-05-01", "mode": "online"}).json()["results"]
    assert len(online) == 1
    assert client.get("/api/v1/events", {"start": "2031-05-01", "campaign": "2030"}).json()["results"] == []
    assert client.get("/api/v1/events", {"start": "soon"}).status_code == 422
