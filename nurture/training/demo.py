"""Demo training directory: two providers and the two kinds of course the directory must
serve well.

- Severn University's Postgraduate Certificate in Infant Mental Health: January to
  September, £2,550, blended (teaching days in Bristol), accredited by the association
  (set by the registrar, through `services.course_accredit`, as on the registrar's page),
  with two of its modules also sold on their own as CPD, and open days in November and
  December before it starts.
- The Little Roots Trust's free 6-week introduction to infant mental health, online, for
  staff and volunteers of third-sector organisations that work with parents and carers,
  with two cohorts.

Dates follow today: the certificate's cohort starts the coming January. Safe to run twice:
providers and courses are found by their slugs.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from nurture.accounts.models import Region, User
from nurture.accounts.roles import Role
from nurture.core.demo import DEMO_DOMAIN, DemoRun
from nurture.core.emails import Sender
from nurture.core.models import OutboundEmail
from nurture.core.outbox import messages_recorded_as_sent
from nurture.training.models import Course, CourseCompetency, Format, Provider, Session, StudyLevel
from nurture.training.services import Booker, Enquirer, booking_make, course_accredit, interest_register


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _course(provider: Provider, slug: str, codes: list[str], **fields: Any) -> tuple[Course, bool]:
    course, made = Course.objects.get_or_create(slug=slug, defaults={"provider": provider, **fields})
    if made:
        CourseCompetency.objects.bulk_create(CourseCompetency(course=course, code=code) for code in codes)
    return course, made


def _session(course: Course, kind: str, starts: datetime, ends: datetime, **fields: Any) -> None:
    Session.objects.get_or_create(
        course=course,
        kind=kind,
        starts_at=starts,
        defaults={"ends_at": ends, "booking_deadline": starts - timedelta(days=14), **fields},  # cohorts: 2 weeks
    )


def demo_training(run: DemoRun) -> None:
    today = timezone.localdate()
    year = today.year + 1 if today >= date(today.year, 1, 11) else today.year  # the coming January
    severn, _ = Provider.objects.get_or_create(
        slug="severn-university",
        defaults={
            "name": "Severn University, School of Health and Social Care",
            "website": "https://example.org/severn",
        },
    )
    # The demo provider login (made with the other demo people) works for the university.
    provider_login = User.objects.filter(email=f"provider@{DEMO_DOMAIN}", role=Role.TRAINING_PROVIDER).first()
    if provider_login is not None:
        severn.members.add(provider_login)
    roots, _ = Provider.objects.get_or_create(
        slug="little-roots-trust", defaults={"name": "The Little Roots Trust", "website": "https://example.org/roots"}
    )
    certificate, made = _course(
        severn,
        "pgcert-infant-mental-health",
        ["D1.1", "D1.3", "D2.1", "D2.3", "D3.1", "D4.1", "D4.2", "D5.1", "D5.3", "D8.1", "D8.2"],
        title="Postgraduate Certificate in Infant Mental Health",
        summary=(
            "A part-time postgraduate certificate (60 credits) for practitioners who work with babies from "
            "conception to three and their families: health visitors, midwives, social workers, early years "
            "practitioners, psychologists and therapists. Three modules cover infant development and the "
            "parent–infant relationship, observing infants and relationships, and relationship-based "
            "intervention, taught on eight study days in Bristol with online seminars and reflective "
            "supervision groups between them. Assessment is by an infant observation, a case study and a "
            "reflective account; an optional portfolio submission to the association's endorsement can be "
            "prepared alongside."
        ),
        study_level=StudyLevel.POSTGRADUATE_CERTIFICATE,
        format=Format.BLENDED,
        duration="January to September (9 months, part time)",
        hours=Decimal("120"),
        cost_pence=255_000,
        free_for="",
        eligibility=(
            "A first degree or a professional qualification in health, social care, education or psychology, "
            "and current work with babies or their parents (at least 4 hours a week)."
        ),
        region=Region.SOUTH_WEST,
    )
    cohort_start = date(year, 1, 11)
    _session(
        certificate, Session.Kind.COHORT, _at(cohort_start, 9, 30), _at(date(year, 9, 24), 16),
        place="Severn University, Glenside Campus, Bristol", capacity=24,
    )  # fmt: skip
    for day in (date(year - 1, 11, 18), date(year - 1, 12, 9)):
        _session(
            certificate, Session.Kind.OPEN_DAY, _at(day, 17, 30), _at(day, 19),
            place="Glenside Campus, Bristol, and online", online_url="https://example.org/severn/open-day",
            capacity=30, booking_deadline=_at(day - timedelta(days=1), 23, 59),  # open days book to the day before
        )  # fmt: skip
    modules = (
        ("observing-infants-module", "Observing infants and relationships", ["D4.1", "D4.2"], 2),
        ("relationship-based-intervention-module", "Relationship-based intervention", ["D5.1", "D5.3"], 5),
    )
    for slug, title, codes, month in modules:
        module, _ = _course(
            severn,
            slug,
            codes,
            part_of=certificate,
            title=f"{title} (CPD module)",
            summary=(
                "A module of the Postgraduate Certificate in Infant Mental Health, taken on its own as CPD: "
                "40 hours over four study days and online seminars, assessed by a reflective account."
            ),
            study_level=StudyLevel.CPD_MODULE,
            format=Format.BLENDED,
            duration="4 study days over 3 months",
            hours=Decimal("40"),
            cost_pence=95_000,
            region=Region.SOUTH_WEST,
            eligibility="Current work with babies or their parents.",
        )
        start = date(year, month, 1)
        _session(
            module, Session.Kind.COHORT, _at(start, 9, 30), _at(start + timedelta(days=84), 16),
            place="Glenside Campus, Bristol", capacity=10,
        )  # fmt: skip
    introduction, _ = _course(
        roots,
        "introduction-to-infant-mental-health",
        ["D1.1", "D2.1", "D3.1", "D6.1", "D6.4"],
        title="An introduction to infant mental health",
        summary=(
            "Six weekly online sessions of two hours for people who support parents and carers: what babies "
            "need to feel safe, how relationships shape the developing brain, noticing when a parent or baby "
            "is struggling, and where to turn. Small groups, with time to talk through situations from your "
            "own work. A certificate of attendance for 12 hours of training."
        ),
        study_level=StudyLevel.INTRODUCTORY,
        format=Format.ONLINE,
        duration="6 weeks, one evening a week",
        hours=Decimal("12"),
        cost_pence=0,
        free_for="",
        eligibility=(
            "Staff and volunteers of third-sector organisations that work with parents and carers "
            "(family support charities, baby banks, peer support groups, children's centres)."
        ),
        region="",
    )
    for first in (date(year, 2, 2), date(year, 4, 20)):
        _session(
            introduction, Session.Kind.COHORT, _at(first, 18, 30), _at(first + timedelta(weeks=5), 20, 30),
            online_url="https://example.org/roots/introduction", capacity=20,
        )  # fmt: skip
    _demo_sign_ups(certificate, introduction)
    registrar = User.objects.filter(role=Role.REGISTRAR).order_by("pk").first()
    if registrar is not None and made:
        course_accredit(course=certificate, accredited=True, actor=registrar, reason="Demo: accredited course")
    if run.verbosity:
        run.stdout.write(
            f"Training: {Provider.objects.count()} providers, {Course.objects.count()} courses, "
            f"{Session.objects.count()} cohorts and open days."
        )


DEMO_VISITORS = (
    ("Grace Obi", "Bristol Baby Bank", 1),
    ("Tomasz Nowak", "North Somerset Council", 2),
    ("Aisha Rahman", "", 1),
)


def _demo_sign_ups(certificate: Course, introduction: Course) -> None:
    """A few bookings on the certificate's next open day and interest in the introduction,
    through the services (so places are counted), once: what the demo provider login sees."""
    now = timezone.now()
    outbox_after = OutboundEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    open_day = certificate.sessions.filter(kind=Session.Kind.OPEN_DAY, booking_deadline__gt=now).order_by("starts_at")
    first = open_day.first()
    if first is not None and not first.bookings.exists():
        for name, organisation, places in DEMO_VISITORS:
            email = f"{name.split()[0].lower()}@example.org"
            booker = Booker(name=name, email=email, organisation=organisation, places=places)
            booking_make(session=first, booker=booker, sender=Sender.from_address("192.0.2.1"))
    if not introduction.interests.exists():
        enquirer = Enquirer(
            name="Grace Obi", email="grace@example.org", role="Family support volunteer",
            organisation="Bristol Baby Bank", question="Can two of our volunteers join the same cohort?",
        )  # fmt: skip
        interest_register(course=introduction, enquirer=enquirer, sender=Sender.from_address("192.0.2.1"))
    messages_recorded_as_sent(after_pk=outbox_after)  # to made-up addresses: recorded, never sent


def demo_load(run: DemoRun) -> None:
    """The app's part of `manage.py demo` (`core/demo.py`)."""
    demo_training(run)
