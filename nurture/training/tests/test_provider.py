"""A provider's own pages: the people booked on its cohorts and open days, the interest
registered in its courses, each as CSV that cannot run a formula, and a message to
everyone with a place. Another provider's are 404; a visitor registers interest."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import client_for, ensure_shipped_framework, make_person
from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.core.emails import Sender
from nurture.core.models import AuditEntry, OutboundEmail
from nurture.training.models import Booking, Course, Interest, Message, Provider, Session
from nurture.training.services import Booker, booking_make
from nurture.training.tests.conftest import course_made

VISITOR = Sender.from_address("192.0.2.10")


@pytest.fixture
def rival(db) -> User:
    other = Provider.objects.create(name="Another Provider", slug="another")
    person = make_person("rival@example.org", Role.TRAINING_PROVIDER)
    other.members.add(person)
    return person


@pytest.fixture
def open_day(severn) -> Session:
    course = course_made("pgcert", starts_in_days=None, provider=severn, title="PG Cert")
    when = timezone.now() + timedelta(days=10)
    return Session.objects.create(
        course=course, kind=Session.Kind.OPEN_DAY, starts_at=when, ends_at=when + timedelta(hours=2),
        capacity=2, booking_deadline=when,
    )  # fmt: skip


def book(session: Session, name: str, email: str, places: int = 1, organisation: str = "") -> Booking:
    booker = Booker(name=name, email=email, organisation=organisation, places=places)
    return booking_make(session=session, booker=booker, sender=VISITOR).booking


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_provider_sees_its_courses_places_and_the_people_on_an_open_day(mei, open_day):
    book(open_day, "Ama Owusu", "ama@example.org", places=2)
    book(open_day, "Ben Carter", "ben@example.org")
    client = client_for(mei)
    assert client.get("/dashboard/").url == "/provider/"
    home = client.get("/provider/").content.decode()
    assert "PG Cert" in home and "2 of 2" in home
    page = client.get(f"/provider/sessions/{open_day.pk}/").content.decode()
    assert "Ama Owusu" in page and "ben@example.org" in page and "On the waiting list" in page


def test_another_providers_people_and_interest_are_not_found(rival, open_day):
    book(open_day, "Ama Owusu", "ama@example.org")
    client = client_for(rival)
    for url in (
        f"/provider/sessions/{open_day.pk}/",
        f"/provider/sessions/{open_day.pk}/people.csv",
        f"/provider/courses/{open_day.course.slug}/interest/",
        f"/provider/courses/{open_day.course.slug}/interest.csv",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/provider/sessions/{open_day.pk}/", {"subject": "Hi", "body": "x"}).status_code == 404
    assert "PG Cert" not in client.get("/provider/").content.decode()
    assert OutboundEmail.objects.exclude(to="ama@example.org").count() == 0


def test_the_people_csv_lists_everyone_and_cannot_run_a_formula(mei, open_day):
    book(open_day, "Ama Owusu", "ama@example.org", organisation="+44 Family Hub")
    book(open_day, "Ben Carter", "ben@example.org", places=2)
    response = client_for(mei).get(f"/provider/sessions/{open_day.pk}/people.csv")
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    header, *rows = rows_of(response)
    assert header == ["Name", "Email", "Organisation", "Places", "Status", "Booked at"]
    assert [(r[0], r[2], r[3], r[4]) for r in rows] == [
        ("Ama Owusu", "'+44 Family Hub", "1", "Booked"), ("Ben Carter", "", "2", "On the waiting list"),
    ]  # fmt: skip


def test_a_message_goes_to_everyone_with_a_place_and_no_one_else(mei, open_day):
    book(open_day, "Ama Owusu", "ama@example.org")
    book(open_day, "Bo Li", "bo@example.org")
    book(open_day, "Ben Carter", "ben@example.org")  # waiting
    before = OutboundEmail.objects.count()
    client = client_for(mei)
    response = client.post(
        f"/provider/sessions/{open_day.pk}/", {"subject": "Parking", "body": "Park at the north gate.\nSee you!"}
    )
    assert response.status_code == 302
    sent = OutboundEmail.objects.order_by("pk")[before:]
    assert sorted(m.to for m in sent) == ["ama@example.org", "bo@example.org"]
    assert all("Park at the north gate." in m.body_text and "/bookings/" in m.body_text for m in sent)
    assert Message.objects.get().recipients == 2
    assert AuditEntry.objects.filter(action="training.message.sent", actor=mei).count() == 1
    page = client.get(f"/provider/sessions/{open_day.pk}/").content.decode()
    assert "on its way to 2 people" in page and "“Parking”, to 2" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"subject": "", "body": "x"}, "This field is required"),
        ({"subject": "Hi", "body": "x" * 5001}, "at most 5000 characters"),
        ({"subject": "Hi\u0007", "body": "x"}, "control character"),
    ],
)
def test_a_bad_message_is_refused_keeping_what_was_typed_and_sends_nothing(mei, open_day, fields, message):
    book(open_day, "Ama Owusu", "ama@example.org")
    before = OutboundEmail.objects.count()
    response = client_for(mei).post(f"/provider/sessions/{open_day.pk}/", fields)
    assert response.status_code == 400 and message in response.content.decode()
    assert OutboundEmail.objects.count() == before and Message.objects.count() == 0


def test_a_message_with_nobody_booked_says_so(mei, open_day):
    response = client_for(mei).post(f"/provider/sessions/{open_day.pk}/", {"subject": "Hi", "body": "Hello"})
    assert response.status_code == 400 and "there is nobody to message" in response.content.decode()


def test_a_visitor_registers_interest_and_the_provider_sees_it_and_its_csv(client, mei, open_day):
    course = open_day.course
    url = f"/courses/{course.slug}/interest/"
    assert client.get(f"/courses/{course.slug}/").content.decode().count(url) == 1
    fields = {
        "name": "Grace Obi", "email": "grace@example.org", "role": "Family support volunteer",
        "organisation": "=Baby Bank", "question": "Is there a bursary?",
    }  # fmt: skip
    response = client.post(url, fields)
    assert response.status_code == 400 and "An organisation cannot start with" in response.content.decode()
    assert Interest.objects.count() == 0 and 'value="Family support volunteer"' in response.content.decode()
    response = client.post(url, {**fields, "organisation": "Bristol Baby Bank"})
    assert response.status_code == 302 and response.url == f"/courses/{course.slug}/interest/sent/"
    (copy,) = OutboundEmail.objects.filter(to="grace@example.org")
    assert copy.subject == "Your interest in PG Cert" and "Is there a bursary?" in copy.body_text
    page = client_for(mei).get(f"/provider/courses/{course.slug}/interest/").content.decode()
    assert "Grace Obi" in page and "Is there a bursary?" in page
    header, row = rows_of(client_for(mei).get(f"/provider/courses/{course.slug}/interest.csv"))
    assert header[:5] == ["Name", "Email", "What they do", "Organisation", "What they want to know"]
    assert row[:5] == [
        "Grace Obi", "grace@example.org", "Family support volunteer", "Bristol Baby Bank", "Is there a bursary?",
    ]  # fmt: skip


def test_the_provider_pages_read_the_same_number_of_queries_however_many_people(mei, open_day):
    client = client_for(mei)
    book(open_day, "First", "first@example.org")
    Interest.objects.create(course=open_day.course, name="First", email="first@example.org", role="Nurse")

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as seen:
            assert client.get(url).status_code == 200
        return len(seen)

    urls = ("/provider/", f"/provider/sessions/{open_day.pk}/", f"/provider/courses/{open_day.course.slug}/interest/")
    few = [queries(url) for url in urls]
    for n in range(6):
        book(open_day, f"Person {n}", f"p{n}@example.org")
        Interest.objects.create(course=open_day.course, name=f"P {n}", email=f"p{n}@example.org", role="Nurse")
    assert [queries(url) for url in urls] == few


def course_fields(**changes: str | list[str]) -> dict[str, str | list[str]]:
    return {
        "title": "Observing infants", "summary": "Weekly observation\r\nwith a seminar.", "study_level": "cpd-module",
        "format": "blended", "duration": "10 weeks", "hours": "40", "cost": "950.00", "free_for": "",
        "eligibility": "", "region": "south-west", "competencies": ["D4.1", "D4.2"], "part_of": "",
        "published": "on", **changes,
    }  # fmt: skip


def test_the_provider_adds_a_course_which_the_directory_shows_with_its_competencies(mei, severn, client):
    ensure_shipped_framework()
    response = client_for(mei).post(f"/provider/{severn.slug}/courses/new/", course_fields())
    assert response.status_code == 302
    course = Course.objects.get(title="Observing infants")
    assert (course.provider, course.slug, course.cost_pence, course.summary) == (
        severn, "observing-infants", 95_000, "Weekly observation\nwith a seminar.",
    )  # fmt: skip
    assert sorted(course.competencies.values_list("code", flat=True)) == ["D4.1", "D4.2"]
    assert course.accredited_at is None
    assert AuditEntry.objects.filter(action="training.course.created", actor=mei).count() == 1
    edit = client_for(mei).post(
        f"/provider/courses/{course.slug}/edit/", course_fields(competencies=["D4.1", "D5.1"], cost="0")
    )
    assert edit.status_code == 302
    course.refresh_from_db()
    assert course.is_free and sorted(course.competencies.values_list("code", flat=True)) == ["D4.1", "D5.1"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "This field is required"),
        ({"hours": "-3"}, "greater than or equal to 0.5"),
        ({"cost": "12.345"}, "no more than 2 decimal places"),
        ({"competencies": ["Z9.9"]}, "Select a valid choice"),
        ({"summary": "x" * 3001}, "at most 3000 characters"),
        ({"title": "Bad\u0007title"}, "control character"),
    ],
)
def test_a_bad_course_is_refused_keeping_what_was_typed(mei, severn, changes, message):
    ensure_shipped_framework()
    response = client_for(mei).post(f"/provider/{severn.slug}/courses/new/", course_fields(**changes))
    assert response.status_code == 400 and message in response.content.decode()
    assert Course.objects.filter(provider=severn).count() == 0
    assert "10 weeks" in response.content.decode()


def test_another_providers_course_cannot_be_changed_or_added_to(rival, open_day, severn):
    ensure_shipped_framework()
    client = client_for(rival)
    course = open_day.course
    assert client.post(f"/provider/courses/{course.slug}/edit/", course_fields()).status_code == 404
    assert client.post(f"/provider/{severn.slug}/courses/new/", course_fields()).status_code == 404
    assert client.get(f"/provider/courses/{course.slug}/sessions/new/").status_code == 404
    assert client.get(f"/provider/sessions/{open_day.pk}/edit/").status_code == 404
    course.refresh_from_db()
    assert course.title == "PG Cert"


def session_fields(**changes: str) -> dict[str, str]:
    return {
        "kind": "open-day", "start_time": "17:30", "end_time": "19:00", "place": "Glenside Campus",
        "start_date_day": "20", "start_date_month": "1", "start_date_year": "2031",
        "end_date_day": "20", "end_date_month": "1", "end_date_year": "2031",
        "online_url": "", "capacity": "30", "deadline_date_day": "19", "deadline_date_month": "1",
        "deadline_date_year": "2031",
        **changes,
    }  # fmt: skip


def test_the_provider_adds_an_open_day_in_uk_time_and_more_places_go_to_the_waiting_list(mei, open_day):
    course = open_day.course
    response = client_for(mei).post(f"/provider/courses/{course.slug}/sessions/new/", session_fields())
    assert response.status_code == 302
    added = Session.objects.exclude(pk=open_day.pk).get()
    assert (timezone.localtime(added.starts_at).hour, added.capacity, added.kind) == (17, 30, "open-day")
    book(open_day, "Ama", "ama@example.org", places=2)
    waiting = book(open_day, "Ben", "ben@example.org")
    local = timezone.localtime(open_day.starts_at)
    deadline = timezone.localtime(open_day.booking_deadline)
    grow = client_for(mei).post(
        f"/provider/sessions/{open_day.pk}/edit/",
        session_fields(
            start_date_day=str(local.day), start_date_month=str(local.month), start_date_year=str(local.year),
            start_time=f"{local:%H:%M}", end_date_day=str(local.day), end_date_month=str(local.month),
            end_date_year=str(local.year), end_time="23:59", capacity="3", deadline_date_day=str(deadline.day),
            deadline_date_month=str(deadline.month), deadline_date_year=str(deadline.year),
        ),
    )  # fmt: skip
    assert grow.status_code == 302
    waiting.refresh_from_db()
    assert waiting.is_offered
    shrink = client_for(mei).post(f"/provider/sessions/{open_day.pk}/edit/", session_fields(capacity="1"))
    assert shrink.status_code == 400 and "3 places are already booked or offered" in shrink.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end_date_day": "19"}, "It cannot end before it starts"),
        ({"deadline_date_day": "21"}, "cannot be after the start"),
        ({"place": "", "online_url": ""}, "Give a place, an online link, or both"),
        ({"capacity": "0"}, "greater than or equal to 1"),
        ({"start_date_month": "13"}, "month"),
        ({"start_time": "25:00"}, "Enter a valid time"),
    ],
)
def test_a_bad_session_is_refused_keeping_what_was_typed(mei, open_day, changes, message):
    response = client_for(mei).post(
        f"/provider/courses/{open_day.course.slug}/sessions/new/", session_fields(**changes)
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert Session.objects.count() == 1
    assert 'value="30"' in response.content.decode() or changes.get("capacity")


def test_changing_what_was_accredited_takes_the_mark_away_until_the_registrar_accredits_again(mei, severn):
    ensure_shipped_framework()
    client_for(mei).post(f"/provider/{severn.slug}/courses/new/", course_fields())
    course = Course.objects.get(title="Observing infants")
    course.accredited_at = timezone.now()
    course.save()
    unchanged = client_for(mei).post(f"/provider/courses/{course.slug}/edit/", course_fields(duration="11 weeks"))
    assert unchanged.status_code == 302
    course.refresh_from_db()
    assert course.is_accredited, "the duration's wording is not what was accredited"
    client_for(mei).post(f"/provider/courses/{course.slug}/edit/", course_fields(hours="80"))
    course.refresh_from_db()
    assert not course.is_accredited
    assert AuditEntry.objects.filter(action="training.course.accreditation_lapsed", actor=mei).count() == 1
