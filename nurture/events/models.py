"""Awareness Week events: what organisers submit, what the coordinator approved,
and what the public calendar and its feeds show.

An approved event's own fields are always the approved (public) version. When its
organiser edits it, the changes wait in `proposal` until the coordinator approves
them, so the public page and the feeds never show unmoderated text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q

from nurture.accounts.models import Organisation, Region
from nurture.campaigns.models import Campaign
from nurture.core.csv_export import validate_exported_name

DEFAULT_TIMEZONE = "Europe/London"


class EventQuerySet(models.QuerySet["Event"]):
    def for_public_display(self) -> EventQuerySet:
        """Approved events, and approved events since cancelled (shown marked cancelled)."""
        return self.filter(listed=True)

    def counted(self) -> EventQuerySet:
        """The events public counts count: approved ones (`COUNTED_STATES`)."""
        return self.filter(state__in=COUNTED_STATES)


class Event(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for moderation"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        CANCELLED = "cancelled", "Cancelled"

    class ProposalState(models.TextChoices):
        NONE = "", "No proposed changes"
        SUBMITTED = "submitted", "Changes waiting for moderation"
        CHANGES_REQUESTED = "changes_requested", "Further changes requested"

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"

    class Audience(models.TextChoices):
        PARENTS = "parents", "Parents and carers"
        PROFESSIONALS = "professionals", "Professionals"
        BOTH = "both", "Parents, carers and professionals"

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="events")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="events")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="events_submitted"
    )

    title = models.CharField(max_length=150)
    slug = models.SlugField(max_length=80)
    description = models.TextField(max_length=5000)
    organiser_name = models.CharField("organiser", max_length=200, validators=[validate_exported_name])
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    timezone = models.CharField(max_length=64, default=DEFAULT_TIMEZONE)

    mode = models.CharField(max_length=16, choices=Mode.choices)
    joining_link = models.URLField(blank=True)
    joining_link_after_booking = models.BooleanField(default=False)
    venue = models.CharField(max_length=200, blank=True)
    street_address = models.CharField(max_length=200, blank=True)
    locality = models.CharField("town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    region = models.CharField(max_length=32, choices=Region.choices, blank=True)

    audience = models.CharField(max_length=16, choices=Audience.choices)
    is_free = models.BooleanField(default=True)
    cost = models.CharField(max_length=100, blank=True)
    booking_url = models.URLField(blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)

    step_free = models.BooleanField(default=False)
    buggy_access = models.BooleanField(default=False)
    feeding_space = models.BooleanField(default=False)
    changing_space = models.BooleanField(default=False)
    quiet_room = models.BooleanField(default=False)
    babies_welcome = models.BooleanField(default=False)
    accessibility_notes = models.TextField(max_length=2000, blank=True)

    state = models.CharField(max_length=20, choices=State.choices, default=State.SUBMITTED)
    state_reason = models.TextField(max_length=2000, blank=True)
    listed = models.BooleanField(default=False, help_text="Shown on the public calendar and in the feeds.")
    approved_at = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE: raised at each public change.")
    public_changed_at = models.DateTimeField(null=True, blank=True)
    proposal = models.JSONField(null=True, blank=True)
    proposal_state = models.CharField(max_length=20, choices=ProposalState.choices, blank=True, default="")
    proposal_reason = models.TextField(max_length=2000, blank=True)

    parents_carers_attended = models.PositiveIntegerField(null=True, blank=True)
    professionals_attended = models.PositiveIntegerField(null=True, blank=True)
    others_attended = models.PositiveIntegerField(null=True, blank=True)
    attendance_reported_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["campaign", "listed", "starts_at"], name="event_campaign_listed_start"),
            models.Index(fields=["listed", "starts_at"], name="event_listed_start"),
            models.Index(fields=["region", "starts_at"], name="event_region_start"),
            models.Index(fields=["audience", "starts_at"], name="event_audience_start"),
            models.Index(fields=["state", "created_at"], name="event_state_created"),
            models.Index(fields=["submitted_by", "created_at"], name="event_submitter_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(state__in=["submitted", "changes_requested", "approved", "rejected", "cancelled"]),
                name="event_state_known",
            ),
            models.CheckConstraint(
                condition=Q(listed=False) | Q(state__in=["approved", "cancelled"], approved_at__isnull=False),
                name="event_listed_only_once_approved",
            ),
            models.CheckConstraint(
                condition=Q(proposal_state="") | Q(state="approved", proposal__isnull=False),
                name="event_proposal_only_when_approved",
            ),
            models.CheckConstraint(condition=Q(mode__in=["in_person", "online"]), name="event_mode_known"),
            models.CheckConstraint(
                condition=Q(audience__in=["parents", "professionals", "both"]), name="event_audience_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def is_cancelled(self) -> bool:
        return self.state == self.State.CANCELLED

    @property
    def is_approved(self) -> bool:
        """Approved and public: its organiser's edits wait in `proposal`, and attendance is
        recorded once it has ended."""
        return self.state == self.State.APPROVED

    @property
    def open_to_changes(self) -> bool:
        """Its organiser may still edit or cancel it: it is neither rejected nor cancelled."""
        return self.state not in (self.State.REJECTED, self.State.CANCELLED)

    @property
    def awaits_moderation(self) -> bool:
        """A submission, or an approved event's proposed changes, waiting for the coordinator
        (`selectors.moderation_queue`, for one event)."""
        return self.state == self.State.SUBMITTED or (
            self.is_approved and self.proposal_state == self.ProposalState.SUBMITTED
        )

    def attendance_open(self, now: datetime) -> bool:
        """Attendance is recorded for an approved event once it has ended."""
        return self.is_approved and self.ends_at <= now

    @property
    def attendance_total(self) -> int | None:
        counts = (self.parents_carers_attended, self.professionals_attended, self.others_attended)
        return None if self.attendance_reported_at is None else sum(c or 0 for c in counts)

    def accessibility_list(self) -> list[str]:
        return [label for field, label in ACCESSIBILITY if getattr(self, field)]

    def values(self) -> dict[str, Any]:
        """The editable fields, as `proposal` stores them."""
        return {name: getattr(self, name) for name in EDITABLE}


ACCESSIBILITY = (
    ("step_free", "Step-free access"),
    ("buggy_access", "Buggy access and parking"),
    ("feeding_space", "A space to feed a baby"),
    ("changing_space", "Baby changing facilities"),
    ("quiet_room", "A quiet room"),
    ("babies_welcome", "Babies welcome"),
)

# The fields an organiser edits: a proposal holds these, nothing else.
EDITABLE = (
    "title",
    "description",
    "organiser_name",
    "starts_at",
    "ends_at",
    "timezone",
    "mode",
    "joining_link",
    "joining_link_after_booking",
    "venue",
    "street_address",
    "locality",
    "postcode",
    "region",
    "audience",
    "is_free",
    "cost",
    "booking_url",
    "capacity",
    "step_free",
    "buggy_access",
    "feeding_space",
    "changing_space",
    "quiet_room",
    "babies_welcome",
    "accessibility_notes",
)


# The one rule for every count of events the public sees (a campaign's landing page and
# archive, the month view): an event counts while it is approved. A cancelled event stays
# listed, marked cancelled, and is not counted. `EventQuerySet.counted` filters by it and
# `selectors` marks each listed row with it.
COUNTED_STATES = (Event.State.APPROVED,)


class EventMessage(models.Model):
    """An email sent about an event, claimed before sending so it goes once."""

    class Kind(models.TextChoices):
        ATTENDANCE_REQUEST = "attendance_request", "Attendance request"
        ATTENDANCE_REMINDER = "attendance_reminder", "Attendance reminder"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    sent_on = models.DateField(help_text="The day the scheduled job ran for.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "kind"], name="event_message_once")]

    def __str__(self) -> str:
        return f"{self.kind} for event {self.event_id}"
