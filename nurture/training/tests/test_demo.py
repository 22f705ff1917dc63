"""The demo directory: the two kinds of course the issue names, found through the search,
the certificate accredited by the registrar, and loaded twice without a change."""

from __future__ import annotations

import io

import pytest
from django.core.management.base import OutputWrapper
from django.core.management.color import no_style
from django.utils import timezone

from conftest import ensure_shipped_framework
from nurture.core.demo import DemoRun
from nurture.core.models import AuditEntry
from nurture.training.demo import demo_training
from nurture.training.models import Booking, Course, Interest, Session
from nurture.training.selectors import CourseFilters, course_detail, course_search

pytestmark = pytest.mark.django_db


def _run() -> DemoRun:
    return DemoRun(options={}, seed=1, verbosity=0, stdout=OutputWrapper(io.StringIO()), style=no_style())


def test_the_demo_has_the_certificate_and_the_free_introduction_and_runs_twice(registrar):
    ensure_shipped_framework()
    demo_training(_run())
    certificate = Course.objects.get(slug="pgcert-infant-mental-health")
    assert certificate.cost_pence == 255_000 and certificate.is_accredited
    cohort = certificate.sessions.get(kind=Session.Kind.COHORT)
    assert (cohort.starts_at.month, cohort.ends_at.month) == (1, 9)
    assert {s.starts_at.month for s in certificate.sessions.filter(kind=Session.Kind.OPEN_DAY)} == {11, 12}
    assert certificate.modules.count() == 2
    free = course_search(CourseFilters(free=True)).rows
    assert [row.slug for row in free] == ["introduction-to-infant-mental-health"]
    detail = course_detail("introduction-to-infant-mental-health")
    assert detail is not None and len(detail.cohorts) == 2 and "third-sector" in detail.course.eligibility
    # What the demo provider sees: interest in the introduction, and bookings on the next open day.
    assert Interest.objects.filter(course__slug="introduction-to-infant-mental-health").count() == 1
    upcoming = certificate.sessions.filter(kind=Session.Kind.OPEN_DAY, booking_deadline__gt=timezone.now()).exists()
    assert Booking.objects.count() == (3 if upcoming else 0)
    counts = (Course.objects.count(), Session.objects.count(), AuditEntry.objects.count(), Booking.objects.count())
    demo_training(_run())
    assert (
        Course.objects.count(), Session.objects.count(), AuditEntry.objects.count(), Booking.objects.count(),
    ) == counts  # fmt: skip
