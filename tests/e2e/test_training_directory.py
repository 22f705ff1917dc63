"""A visitor finds a course in the training directory in a real browser: through the
filters, by keyboard, to the course's page. axe checks every page, and every page is
shown on a 390 px phone as well."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.core.management.base import OutputWrapper
from django.core.management.color import no_style
from django.utils import timezone
from playwright.sync_api import expect

from conftest import ensure_shipped_framework, make_person
from nurture.accounts.roles import Role
from nurture.core.demo import DemoRun
from nurture.core.emails import Sender
from nurture.training.demo import demo_training
from nurture.training.models import Booking, Provider, Session
from nurture.training.services import Booker, booking_make
from nurture.training.tests.conftest import course_made
from tests.e2e.conftest import Visitor, link_in, tab_to

BOOKING_LINK = r"/bookings/[^/\s]+/"
Outbox = list[EmailMessage]


@pytest.mark.browser
def test_a_visitor_finds_the_free_introduction_through_the_filters_by_keyboard_and_registers_interest(
    new_visitor: Callable[..., Visitor],
):
    ensure_shipped_framework()
    make_person("registrar@example.org", Role.REGISTRAR)
    demo_training(DemoRun(options={}, seed=1, verbosity=0, stdout=OutputWrapper(io.StringIO()), style=no_style()))
    me = new_visitor(keyboard=True)
    page = me.page
    me.visit("/courses/")
    expect(page.get_by_role("heading", level=2)).to_have_text("4 courses with a cohort to come")
    expect(page.get_by_text("Accredited by the association").first).to_be_visible()
    tab_to(page, page.get_by_label("Free courses only"))
    page.keyboard.press("Space")
    me.follow(page.get_by_role("button", name="Show courses"))
    expect(page.get_by_role("heading", level=2)).to_have_text("1 course with a cohort to come")
    me.follow(page.get_by_role("link", name="An introduction to infant mental health"))
    expect(page.get_by_role("heading", level=1)).to_have_text("An introduction to infant mental health")
    expect(page.get_by_text("third-sector organisations")).to_be_visible()
    expect(page.get_by_role("link", name="D2.1 Attachment and relationship-based theory")).to_be_visible()

    me.follow(page.get_by_role("link", name="Register your interest"))
    me.type_into(page.get_by_label("Your name"), "Noor Haddad")
    me.type_into(page.get_by_label("Email address"), "noor@example.org")
    me.type_into(page.get_by_label("What you do"), "Family support volunteer")
    me.type_into(page.get_by_label("Organisation (optional)"), "Bristol Baby Bank")
    me.type_into(page.get_by_label("What you want to know (optional)"), "Can two of our volunteers join?")
    me.follow(page.get_by_role("button", name="Register interest"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your interest is registered")

    provider = make_person("kate@example.org", Role.TRAINING_PROVIDER, name="Kate Morris")
    Provider.objects.get(slug="little-roots-trust").members.add(provider)
    kate = new_visitor()
    kate.sign_in_as(provider)
    kate.visit("/dashboard/")
    expect(kate.page.get_by_role("heading", level=1)).to_have_text("Your courses")
    kate.follow(kate.page.get_by_role("link", name="2 registrations of interest"))  # the demo has one
    row = kate.page.get_by_role("row", name="Noor Haddad")
    expect(row).to_contain_text("Can two of our volunteers join?")
    expect(row).to_contain_text("Family support volunteer")


def _book(visitor: Visitor, name: str, email: str, button: str) -> None:
    page = visitor.page
    visitor.type_into(page.get_by_label("Your name"), name)
    visitor.type_into(page.get_by_label("Email address"), email)
    visitor.follow(page.get_by_role("button", name=button, exact=True))


@pytest.mark.browser
def test_the_last_open_day_place_a_waiting_list_a_cancellation_and_the_offer_taken(
    new_visitor: Callable[..., Visitor], mailoutbox: Outbox
):
    ensure_shipped_framework()
    course = course_made("postgraduate-certificate", starts_in_days=None, title="Postgraduate certificate")
    when = timezone.now() + timedelta(days=14)
    open_day = Session.objects.create(
        course=course, kind=Session.Kind.OPEN_DAY, starts_at=when, ends_at=when + timedelta(hours=3),
        place="Severn House, Bristol", capacity=2, booking_deadline=when - timedelta(days=1),
    )  # fmt: skip
    booker = Booker(name="Early Bird", email="early@example.org", organisation="", places=1)
    booking_make(session=open_day, booker=booker, sender=Sender.from_address("192.0.2.1"))

    ama = new_visitor(keyboard=True)
    ama.visit(f"/courses/{course.slug}/")
    expect(ama.page.get_by_text("(1 free)")).to_be_visible()
    ama.follow(ama.page.get_by_role("link", name="Book the open day"))
    expect(ama.page.get_by_text("1 of 2 places free")).to_be_visible()
    _book(ama, "Ama Owusu", "ama@example.org", "Book")
    expect(ama.page.get_by_text("Ama Owusu, you have 1 place")).to_be_visible()

    ben = new_visitor()
    ben.visit(f"/courses/{course.slug}/")
    ben.follow(ben.page.get_by_role("link", name="join the waiting list"))
    _book(ben, "Ben Carter", "ben@example.org", "Join the waiting list")
    expect(ben.page.get_by_text("you are number 1 on the waiting list")).to_be_visible()

    ama.visit(link_in(mailoutbox, to="ama@example.org", path=BOOKING_LINK))
    ama.follow(ama.page.get_by_role("button", name="Cancel my booking"))
    expect(ama.page.get_by_text("This booking has ended: cancelled")).to_be_visible()

    offer = [m for m in mailoutbox if "ben@example.org" in m.to][-1]
    assert offer.subject.startswith("A place for you")
    ben.visit(link_in(mailoutbox, to="ben@example.org", path=BOOKING_LINK))
    expect(ben.page.get_by_text("held for you until")).to_be_visible()
    ben.follow(ben.page.get_by_role("button", name="Accept the place"))
    expect(ben.page.get_by_text("Ben Carter, you have 1 place")).to_be_visible()
    assert sorted(Booking.objects.values_list("name", "status")) == [
        ("Ama Owusu", "cancelled"), ("Ben Carter", "booked"), ("Early Bird", "booked"),
    ]  # fmt: skip
