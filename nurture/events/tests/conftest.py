"""Events fixtures: organisers in two organisations, a campaign, and events made
through the services. Events fall in May 2031, so "in the future" holds for years."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conftest import make_person
from nurture.accounts.models import Organisation, User
from nurture.accounts.roles import Role
from nurture.campaigns.models import Campaign
from nurture.events.models import Event
from nurture.events.services import event_moderate, event_submit

LONDON = ZoneInfo("Europe/London")


def make_organiser(email: str, organisation: str) -> User:
    person = make_person(email, Role.EVENT_ORGANISER)
    person.organisation, _ = Organisation.objects.get_or_create(name=organisation)
    person.save(update_fields=["organisation"])
    return person


def event_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": "Baby massage and songs for new parents",
        "description": "A relaxed morning of baby massage, songs and tea for parents of babies up to one.",
        "organiser_name": "Severnside Family Hubs",
        "starts_at": datetime(2031, 5, 12, 10, 0, tzinfo=LONDON),
        "ends_at": datetime(2031, 5, 12, 12, 0, tzinfo=LONDON),
        "timezone": "Europe/London",
        "mode": Event.Mode.IN_PERSON,
        "joining_link": "",
        "joining_link_after_booking": False,
        "venue": "Lawrence Weston Family Hub",
        "street_address": "Long Cross",
        "locality": "Bristol",
        "postcode": "BS11 0QA",
        "region": "south-west",
        "audience": Event.Audience.PARENTS,
        "is_free": True,
        "cost": "",
        "booking_url": "https://tickets.example.org/baby-massage",
        "capacity": 20,
        "step_free": True,
        "buggy_access": True,
        "feeding_space": True,
        "changing_space": True,
        "quiet_room": False,
        "babies_welcome": True,
        "accessibility_notes": "",
    }
    values.update(overrides)
    return values


def online_values(**overrides: Any) -> dict[str, Any]:
    return event_values(
        title="Understanding your baby's cues: an online talk",
        mode=Event.Mode.ONLINE,
        joining_link="https://meet.example.org/cues",
        venue="",
        street_address="",
        locality="",
        postcode="",
        region="",
        audience=Event.Audience.BOTH,
        **overrides,
    )


def form_data(**overrides: Any) -> dict[str, Any]:
    """What the submit form posts for `event_values()`."""
    data = {k: v for k, v in event_values().items() if k not in ("starts_at", "ends_at") and v not in (False, None)}
    data.update(start_date="2031-05-12", start_time="10:00", end_date="2031-05-12", end_time="12:00")
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def campaign(db) -> Campaign:
    return Campaign.objects.create(
        year=2031,
        slug="2031",
        name="Infant Mental Health Awareness Week",
        theme="Making connections",
        starts_on=date(2031, 5, 11),
        ends_on=date(2031, 5, 17),
    )


@pytest.fixture
def organiser(db) -> User:
    return make_organiser("rachel@severnside.example.org", "Severnside Family Hubs")


@pytest.fixture
def teammate(db) -> User:
    return make_organiser("sam@severnside.example.org", "Severnside Family Hubs")


@pytest.fixture
def other_organiser(db) -> User:
    return make_organiser("li@tyneside.example.org", "Tyneside Parent–Infant Partnership")


@pytest.fixture
def submit(organiser, campaign):
    def make(by: User | None = None, **overrides: Any) -> Event:
        return event_submit(organiser=by or organiser, campaign=campaign, values=event_values(**overrides))

    return make


@pytest.fixture
def approve(coordinator):
    def decide(event: Event) -> Event:
        return event_moderate(event=event, actor=coordinator, action="approve")

    return decide


@pytest.fixture
def approved(submit, approve) -> Event:
    return approve(submit())


@pytest.fixture
def send_now(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the emails) at the end of the block."""
    from django.core import mail

    mail.outbox.clear()
    return lambda: django_capture_on_commit_callbacks(execute=True)
