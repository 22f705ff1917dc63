"""At once, for real (PostgreSQL, two threads with their own connections): two people
asking for the last place of an open day at the same moment; exactly one gets it and
the other is put on the waiting list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from nurture.core.emails import Sender
from nurture.core.tests.concurrency import meeting_before, run_together
from nurture.training.models import Booking, Session
from nurture.training.services import Booker, booking_cancel, booking_make
from nurture.training.tests.conftest import course_made

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _open_day(capacity: int) -> Session:
    course = course_made("open-day-course", starts_in_days=None)
    when = timezone.now() + timedelta(days=10)
    return Session.objects.create(
        course=course, kind=Session.Kind.OPEN_DAY, starts_at=when, ends_at=when + timedelta(hours=3),
        capacity=capacity, booking_deadline=when,
    )  # fmt: skip


def _book(session: Session, who: str) -> Booking:
    booker = Booker(name=who, email=f"{who}@example.org", organisation="", places=1)
    return booking_make(session=session, booker=booker, sender=Sender.from_address("192.0.2.1")).booking


@pytest.mark.parametrize("round_", range(3))
def test_two_people_taking_the_last_place_at_once_exactly_one_gets_it(round_):
    session = _open_day(capacity=2)
    _book(session, "early")
    # Both have read that a place is free before either writes.
    with meeting_before(QuerySet, "update"):
        first, second = run_together(lambda: _book(session, "ama"), lambda: _book(session, "ben"))
    assert isinstance(first, Booking) and isinstance(second, Booking), (first, second)
    assert sorted([first.status, second.status]) == [Booking.Status.BOOKED, Booking.Status.WAITING]
    session.refresh_from_db()
    assert session.places_taken == 2


def test_two_cancellations_at_once_offer_each_freed_place_once():
    session = _open_day(capacity=2)
    ama, ben = _book(session, "ama"), _book(session, "ben")
    for who in ("cat", "dan", "eve"):
        _book(session, who)
    run_together(lambda: booking_cancel(booking=ama), lambda: booking_cancel(booking=ben))
    offered = sorted(Booking.objects.filter(status=Booking.Status.OFFERED).values_list("name", flat=True))
    assert offered == ["cat", "dan"]
    session.refresh_from_db()
    assert session.places_taken == 2
