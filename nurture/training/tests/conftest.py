from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from conftest import ensure_shipped_framework, make_person
from nurture.accounts.models import Region, User
from nurture.accounts.roles import Role
from nurture.training.models import Course, CourseCompetency, Format, Provider, Session, StudyLevel


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def course_made(
    slug: str, *, codes: tuple[str, ...] = ("D1.1",), starts_in_days: int | None = 30, **fields: Any
) -> Course:
    provider, _ = Provider.objects.get_or_create(slug="provider", defaults={"name": "A provider"})
    values: dict[str, Any] = {
        "title": slug.replace("-", " ").capitalize(),
        "summary": "What it covers.",
        "study_level": StudyLevel.SHORT_COURSE,
        "format": Format.ONLINE,
        "duration": "6 weeks",
        "hours": Decimal("12"),
        "cost_pence": 15_000,
        "region": "",
        **fields,
    }
    course = Course.objects.create(
        provider=fields.pop("provider", provider), slug=slug, **{k: v for k, v in values.items() if k != "provider"}
    )
    CourseCompetency.objects.bulk_create(CourseCompetency(course=course, code=code) for code in codes)
    if starts_in_days is not None:
        first = timezone.localdate() + timedelta(days=starts_in_days)
        Session.objects.create(
            course=course, kind=Session.Kind.COHORT, starts_at=at(first), ends_at=at(first + timedelta(weeks=6)),
            capacity=20, booking_deadline=at(first - timedelta(days=7)),
        )  # fmt: skip
    return course


@pytest.fixture
def courses(db) -> dict[str, Course]:
    ensure_shipped_framework()
    return {
        "free-online": course_made(
            "free-online", codes=("D1.1", "D2.1"), cost_pence=0, study_level=StudyLevel.INTRODUCTORY,
        ),
        "bristol": course_made(
            "bristol", codes=("D4.1",), format=Format.BLENDED, region=Region.SOUTH_WEST,
            study_level=StudyLevel.POSTGRADUATE_CERTIFICATE, cost_pence=255_000, starts_in_days=60,
        ),
        "leeds": course_made(
            "leeds", codes=("D4.1",), format=Format.IN_PERSON, region=Region.YORKSHIRE, starts_in_days=90,
        ),
        "past": course_made("past", starts_in_days=-10),
        "hidden": course_made("hidden", published=False),
    }  # fmt: skip


@pytest.fixture
def severn(db) -> Provider:
    return Provider.objects.create(name="Severn University", slug="severn")


@pytest.fixture
def mei(severn: Provider) -> User:
    """One of Severn University's people, with the training provider role."""
    person = make_person("mei.chen@example.org", Role.TRAINING_PROVIDER, name="Dr Mei Chen")
    severn.members.add(person)
    return person
