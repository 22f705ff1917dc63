"""Providers and what they offer: courses (with modules also sold on their own as CPD),
the framework competencies each covers, and dated cohorts and open days."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from nurture.accounts.models import Region


class Provider(models.Model):
    """A university, charity or trust that trains people; several accounts may belong to one."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    website = models.URLField(max_length=300, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="training_providers")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StudyLevel(models.TextChoices):
    INTRODUCTORY = "introductory", "Introductory"
    SHORT_COURSE = "short-course", "Short course"
    CPD_MODULE = "cpd-module", "CPD module"
    POSTGRADUATE_CERTIFICATE = "postgraduate-certificate", "Postgraduate certificate"
    MASTERS = "masters", "Master's degree"


class Format(models.TextChoices):
    ONLINE = "online", "Online"
    IN_PERSON = "in-person", "In person"
    BLENDED = "blended", "Blended"


class Course(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="courses")
    # A module of a longer course, also sold on its own as CPD.
    part_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="modules")
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(max_length=3000)
    study_level = models.CharField(max_length=32, choices=StudyLevel.choices)
    format = models.CharField(max_length=16, choices=Format.choices)
    duration = models.CharField(max_length=100, help_text="As people say it: 6 weeks, January to September.")
    hours = models.DecimalField(max_digits=6, decimal_places=1)
    cost_pence = models.PositiveIntegerField(help_text="0 for a free course.")
    free_for = models.CharField(max_length=300, blank=True, help_text="Who does not pay, when others do.")
    eligibility = models.TextField(max_length=2000, blank=True)
    # Where it is taught; blank for a course taught online to anyone in the UK.
    region = models.CharField(max_length=32, choices=Region.choices, blank=True)
    published = models.BooleanField(default=True)
    # Set only by the registrar (services.course_accredit), and audited.
    accredited_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_free(self) -> bool:
        return self.cost_pence == 0

    @property
    def is_accredited(self) -> bool:
        return self.accredited_at is not None


class CourseCompetency(models.Model):
    """A framework competency a course covers, by code (the framework's versions keep codes)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="competencies")
    code = models.CharField(max_length=16)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["course", "code"], name="training_course_competency")]
        indexes = [models.Index(fields=["code"], name="training_competency_code")]

    def __str__(self) -> str:
        return self.code


class Session(models.Model):
    """A dated cohort of a course, or an open day about it."""

    class Kind(models.TextChoices):
        COHORT = "cohort", "Cohort"
        OPEN_DAY = "open-day", "Open day"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True)
    online_url = models.URLField(max_length=300, blank=True)
    capacity = models.PositiveIntegerField()
    # Places booked or offered and not yet answered: changed only by the booking services'
    # conditional updates, never past the capacity (the constraint says so too).
    places_taken = models.PositiveIntegerField(default=0)
    booking_deadline = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["kind", "starts_at"], name="training_session_starts")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")), name="training_session_order"
            ),
            models.CheckConstraint(
                condition=models.Q(places_taken__lte=models.F("capacity")), name="training_session_not_overbooked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} {self.get_kind_display().lower()} {self.starts_at:%Y-%m-%d}"

    @property
    def is_open_day(self) -> bool:
        return self.kind == self.Kind.OPEN_DAY

    @property
    def places_free(self) -> int:
        return max(0, self.capacity - self.places_taken)


MAX_PLACES = 4
"""The most places one booking or waiting-list entry may ask for (a person and colleagues)."""


class Booking(models.Model):
    """A visitor's places at a cohort or open day, or their entry on its waiting list.

    No account is needed: the emailed link (a signed token of the row) lets the person
    cancel, accept an offered place or say they are no longer interested. Places held
    (booked, or offered and not yet answered) are counted on `Session.places_taken`,
    changed only by conditional updates, so two people can never take the last place."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        WAITING = "waiting", "On the waiting list"
        OFFERED = "offered", "Offered a place"
        CANCELLED = "cancelled", "Cancelled"
        DECLINED = "declined", "No longer interested"
        EXPIRED = "expired", "Offer not taken up in time"

    ACTIVE = (Status.BOOKED, Status.WAITING, Status.OFFERED)
    HOLDING = (Status.BOOKED, Status.OFFERED)

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="bookings")
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    canonical_email = models.CharField(max_length=254)
    organisation = models.CharField(max_length=200, blank=True)
    places = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=16, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now)  # the waiting list's order, with the id
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "canonical_email"],
                condition=models.Q(status__in=["booked", "waiting", "offered"]),
                name="training_booking_one_active_per_address",
            ),
            models.CheckConstraint(
                condition=models.Q(places__gte=1, places__lte=MAX_PLACES), name="training_booking_places"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["booked", "waiting", "offered", "cancelled", "declined", "expired"]),
                name="training_booking_status",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="offered") | models.Q(offer_expires_at__isnull=False),
                name="training_booking_offer_has_expiry",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status", "created_at"], name="training_booking_queue"),
            models.Index(fields=["status", "offer_expires_at"], name="training_booking_offers"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display().lower()}), {self.session}"

    @property
    def is_booked(self) -> bool:
        return self.status == self.Status.BOOKED

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.WAITING

    @property
    def is_offered(self) -> bool:
        return self.status == self.Status.OFFERED

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class Interest(models.Model):
    """A visitor's registration of interest in a course: who they are, what they do and
    what they want to know. Seen by the course's provider only."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="interests")
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    canonical_email = models.CharField(max_length=254)
    role = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200, blank=True)
    question = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["course", "created_at"], name="training_interest_course")]

    def __str__(self) -> str:
        return f"{self.name}, interested in {self.course}"


class Message(models.Model):
    """A provider's message to everyone booked on a cohort or open day: kept, and audited."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="messages")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(max_length=150)
    body = models.TextField(max_length=5000)
    recipients = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject


class Completion(models.Model):
    """A practitioner's word that they completed a course, recorded in their portfolio
    (the training record `record_id`), waiting for the provider to confirm it."""

    class Status(models.TextChoices):
        ASKED = "asked", "Waiting for the provider"
        CONFIRMED = "confirmed", "Confirmed"

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="completions")
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    record_id = models.PositiveBigIntegerField(unique=True)  # portfolios' TrainingRecord
    completed_on = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ASKED)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["course", "status"], name="training_completion_course")]

    def __str__(self) -> str:
        return f"{self.course} completed by {self.practitioner_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED
