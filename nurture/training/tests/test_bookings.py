"""Booking a cohort or open day without an account, and its waiting list: places are
never given twice, a freed place is offered to the first person it fits and held for
them, an unanswered offer passes on, and every emailed link does what it says once."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from nurture.core.emails import Sender
from nurture.core.models import OutboundEmail
from nurture.training.models import Booking, Session
from nurture.training.services import (
    Booker,
    TrainingError,
    booking_cancel,
    booking_make,
    offer_accept,
)
from nurture.training.tasks import training_daily
from nurture.training.tests.conftest import course_made

LINK = re.compile(r"http://[^\s]+/bookings/[^\s/]+/")
VISITOR = Sender.from_address("192.0.2.10")


@pytest.fixture
def open_day(db) -> Session:
    course = course_made("open-day-course", starts_in_days=None)
    when = timezone.now() + timedelta(days=10)
    return Session.objects.create(
        course=course, kind=Session.Kind.OPEN_DAY, starts_at=when, ends_at=when + timedelta(hours=3),
        place="Room 1, Severn House", capacity=2, booking_deadline=when - timedelta(days=1),
    )  # fmt: skip


def book(session: Session, who: str, places: int = 1) -> Booking:
    return booking_make(
        session=session, booker=Booker(name=who.title(), email=f"{who}@example.org", organisation="", places=places),
        sender=VISITOR,
    ).booking  # fmt: skip


def emails_to(who: str) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(to=f"{who}@example.org").order_by("pk"))


def link_in(message: OutboundEmail) -> str:
    found = LINK.search(message.body_text)
    assert found, message.body_text
    return urlsplit(found.group(0)).path


def statuses(session: Session) -> dict[str, str]:
    return dict(Booking.objects.filter(session=session).values_list("name", "status"))


def taken(session: Session) -> int:
    session.refresh_from_db()
    held = sum(b.places for b in Booking.objects.filter(session=session, status__in=Booking.HOLDING))
    assert session.places_taken == held, "the count of places held agrees with the bookings"
    return held


def test_a_visitor_books_on_the_page_and_is_emailed_a_link_that_shows_the_booking(client, open_day):
    url = f"/courses/{open_day.course.slug}/book/{open_day.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and "2 of 2 places free" in page.content.decode()
    response = client.post(url, {"name": "Ama Owusu", "email": "ama@example.org", "organisation": "", "places": "2"})
    assert response.status_code == 302
    (booking,) = Booking.objects.all()
    assert (booking.status, booking.places, taken(open_day)) == (Booking.Status.BOOKED, 2, 2)
    (email,) = emails_to("ama")
    assert email.subject.startswith("Booked: open day") and "You have 2 places" in email.body_text
    assert response["Location"] == link_in(email)
    shown = client.get(response["Location"]).content.decode()
    assert "Ama Owusu, you have 2 places" in shown and "Cancel my booking" in shown


def test_when_full_the_next_person_joins_the_waiting_list_and_sees_their_place_in_it(client, open_day):
    book(open_day, "first", 2)
    url = f"/courses/{open_day.course.slug}/book/{open_day.pk}/"
    assert "Join the waiting list" in client.get(url).content.decode()
    response = client.post(url, {"name": "Second", "email": "second@example.org", "places": "1"})
    assert response.status_code == 302
    assert statuses(open_day) == {"First": "booked", "Second": "waiting"}
    assert emails_to("second")[0].subject.startswith("On the waiting list")
    assert "you are number 1 on the waiting list" in client.get(response["Location"]).content.decode()


def test_a_cancellation_offers_the_place_to_the_first_waiting_who_accepts_it(client, open_day):
    first = book(open_day, "first", 2)
    book(open_day, "second")
    book(open_day, "third")
    cancel = link_in(emails_to("first")[0])
    assert "Cancel my booking" in client.get(cancel).content.decode()
    assert statuses(open_day)["First"] == "booked", "opening the link changes nothing"
    client.post(cancel, {"action": "cancel"})
    first.refresh_from_db()
    assert statuses(open_day) == {"First": "cancelled", "Second": "offered", "Third": "offered"}
    assert taken(open_day) == 2
    offer = emails_to("second")[-1]
    assert offer.subject.startswith("A place for you") and "held for you until" in offer.body_text
    page = client.post(link_in(offer), {"action": "accept"})
    assert "Second, you have 1 place" in page.content.decode()
    assert statuses(open_day)["Second"] == "booked"
    assert client.post(cancel, {"action": "cancel"}).status_code == 200
    assert statuses(open_day)["First"] == "cancelled" and taken(open_day) == 2, "a second press changes nothing"


def test_first_come_first_served_a_two_place_entry_at_the_head_is_not_passed_by_those_behind(open_day):
    first, second = book(open_day, "first"), book(open_day, "second")
    pair = book(open_day, "pair", 2)
    single = book(open_day, "single")
    booking_cancel(booking=first)
    assert statuses(open_day)["Pair"] == "waiting" and statuses(open_day)["Single"] == "waiting"
    assert taken(open_day) == 1, "the freed place waits for the head of the line"
    late = book(open_day, "late")
    assert late.is_waiting, "a newcomer does not go ahead of the waiting list"
    booking_cancel(booking=second)
    pair.refresh_from_db()
    single.refresh_from_db()
    assert pair.is_offered and pair.places == 2 and single.is_waiting and taken(open_day) == 2


def test_no_longer_interested_passes_the_offer_to_the_next_person(client, open_day):
    first = book(open_day, "first", 2)
    book(open_day, "second")
    book(open_day, "third", 2)
    booking_cancel(booking=first)
    assert statuses(open_day)["Second"] == "offered" and statuses(open_day)["Third"] == "waiting"
    page = client.get(link_in(emails_to("second")[-1])).content.decode()
    assert "Accept the place" in page and "No longer interested" in page
    client.post(link_in(emails_to("second")[-1]), {"action": "cancel"})
    assert statuses(open_day) == {"First": "cancelled", "Second": "declined", "Third": "offered"}
    assert taken(open_day) == 2


def test_an_offer_not_taken_in_time_passes_on_and_the_daily_job_run_twice_does_it_once(client, open_day, settings):
    settings.NURTURE_TRAINING_OFFER_HOURS = 48
    first = book(open_day, "first", 2)
    book(open_day, "second", 2)
    book(open_day, "third", 2)
    booking_cancel(booking=first)
    second = Booking.objects.get(name="Second")
    assert second.offer_expires_at is not None
    assert timedelta(hours=47) < second.offer_expires_at - timezone.now() <= timedelta(hours=48)
    later = second.offer_expires_at + timedelta(minutes=1)
    day = (later + timedelta(hours=1)).date().isoformat()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        first_run = training_daily.call(today=day)
        again = training_daily.call(today=day)
    assert first_run["place offers passed on"] == 1 and again["place offers passed on"] == 0
    assert statuses(open_day) == {"First": "cancelled", "Second": "expired", "Third": "offered"}
    assert len(emails_to("third")) == 2 and taken(open_day) == 2
    refused = client.post(link_in(emails_to("second")[-1]), {"action": "accept"})
    assert refused.status_code == 400 and "There is no place waiting for you" in refused.content.decode()


def test_accepting_after_the_offer_ran_out_is_refused_and_the_place_passes_on(open_day):
    first = book(open_day, "first", 2)
    book(open_day, "second", 2)
    book(open_day, "third", 2)
    booking_cancel(booking=first)
    second = Booking.objects.get(name="Second")
    assert second.offer_expires_at is not None
    with pytest.raises(TrainingError, match="ran out"):
        offer_accept(booking=second, now=second.offer_expires_at)
    assert statuses(open_day)["Second"] == "expired" and statuses(open_day)["Third"] == "offered"


def test_everyone_with_a_place_is_reminded_the_day_before_once(open_day):
    book(open_day, "first")
    book(open_day, "second")
    book(open_day, "waiting")
    day_before = (timezone.localtime(open_day.starts_at).date() - timedelta(days=1)).isoformat()
    assert training_daily.call(today=day_before)["booking reminders"] == 2
    assert training_daily.call(today=day_before)["booking reminders"] == 0
    assert [m.subject for m in emails_to("first")][-1].startswith("Tomorrow")
    assert not any(m.subject.startswith("Tomorrow") for m in emails_to("waiting"))


def test_the_same_address_booking_again_is_sent_its_link_again_and_nothing_else_changes(client, open_day):
    book(open_day, "first")
    url = f"/courses/{open_day.course.slug}/book/{open_day.pk}/"
    again = client.post(url, {"name": "Someone Else", "email": "First@Example.org", "places": "1"})
    assert again.status_code == 200 and "already has a place" in again.content.decode()
    assert statuses(open_day) == {"First": "booked"} and taken(open_day) == 1
    assert len(emails_to("first")) == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "", "email": "a@example.org", "places": "1"}, "This field is required"),
        ({"name": "Ann", "email": "not an address", "places": "1"}, "Enter a valid email address"),
        ({"name": "Ann", "email": "a@example.org", "places": "9"}, "Select a valid choice"),
        ({"name": "=HYPERLINK(1)", "email": "a@example.org", "places": "1"}, "A name cannot start with"),
        ({"name": "Ann", "email": "a@example.org", "places": "1", "organisation": "@SUM(1)"}, "An organisation cannot"),
        ({"name": "Ann" * 100, "email": "a@example.org", "places": "1"}, "at most 200 characters"),
    ],
)
def test_bad_input_is_refused_with_a_message_keeping_what_was_typed(client, open_day, fields, message):
    url = f"/courses/{open_day.course.slug}/book/{open_day.pk}/"
    response = client.post(url, fields)
    page = response.content.decode()
    assert response.status_code == 400 and message in page
    assert Booking.objects.count() == 0 and OutboundEmail.objects.count() == 0
    if fields["email"] == "a@example.org":
        assert 'value="a@example.org"' in page


def test_after_the_deadline_the_page_says_bookings_closed_and_a_begun_session_is_not_found(client, open_day):
    open_day.booking_deadline = timezone.now() - timedelta(minutes=1)
    open_day.save()
    url = f"/courses/{open_day.course.slug}/book/{open_day.pk}/"
    assert "closed on the booking deadline" in client.get(url).content.decode()
    response = client.post(url, {"name": "Late", "email": "late@example.org", "places": "1"})
    assert response.status_code == 400 and "closed on the booking deadline" in response.content.decode()
    assert Booking.objects.count() == 0
    open_day.starts_at = timezone.now() - timedelta(minutes=1)
    open_day.ends_at = open_day.starts_at + timedelta(hours=1)
    open_day.save()
    assert client.get(url).status_code == 404


def test_a_changed_or_foreign_link_is_not_found_and_shows_nothing(client, open_day):
    book(open_day, "first")
    good = link_in(emails_to("first")[0])
    assert client.get(good[:-3] + "xx/").status_code == 404
    assert client.post(good[:-3] + "xx/", {"action": "cancel"}).status_code == 404
    assert client.get("/bookings/1/").status_code == 404
    assert statuses(open_day) == {"First": "booked"}


def test_the_email_limit_for_an_address_stops_a_booking_with_a_message(client, open_day, settings):
    settings.NURTURE_EMAIL_LIMIT_PER_ADDRESS_HOUR = 1
    book(open_day, "first")
    other = Session.objects.create(
        course=open_day.course, kind=Session.Kind.OPEN_DAY, starts_at=open_day.starts_at + timedelta(days=1),
        ends_at=open_day.ends_at + timedelta(days=1), capacity=5, booking_deadline=open_day.booking_deadline,
    )  # fmt: skip
    url = f"/courses/{open_day.course.slug}/book/{other.pk}/"
    response = client.post(url, {"name": "First", "email": "first@example.org", "places": "1"})
    assert response.status_code == 400 and "Please try again" in response.content.decode()
    assert Booking.objects.filter(session=other).count() == 0


def test_an_offer_queues_its_own_expiry_for_the_moment_it_runs_out(
    open_day, settings, django_capture_on_commit_callbacks
):
    from django_tasks import task_backends

    first = book(open_day, "first", 2)
    book(open_day, "second", 2)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=first)
    second = Booking.objects.get(name="Second")
    (queued,) = [r for r in task_backends["default"].results if r.task.name == "offer_expire"]
    assert queued.kwargs == {"booking_id": second.pk} and queued.task.run_after == second.offer_expires_at
