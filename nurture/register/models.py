from __future__ import annotations

from django.conf import settings
from django.db import models

from nurture.accounts.models import Profession, Region

# The version (`core.DataVersion`) of what the public Register shows, bumped by every
# service that changes a public entry (the daily job's lapses too); the cached search
# and entry pages are keyed by it.
REGISTER_DATA_SET = "register"


class RegisterEntryQuerySet(models.QuerySet["RegisterEntry"]):
    def for_public_display(self) -> RegisterEntryQuerySet:
        """Entries the public may find and verify: everything but removed ones."""
        return self.exclude(status=RegisterEntry.Status.REMOVED)


class RegisterEntry(models.Model):
    """One practitioner's place on the public Register at one level.

    The Register keeps its public record after the person's account is erased
    (`practitioner` becomes null), so the name and level are copied here."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RENEWAL_DUE = "renewal_due", "Renewal due"
        LAPSED = "lapsed", "Lapsed"
        SUSPENDED = "suspended", "Suspended"
        REMOVED = "removed", "Removed"

    number = models.CharField(max_length=16, unique=True)
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="register_entries",
    )
    full_name = models.CharField(max_length=150)
    search_name = models.CharField(max_length=150)
    level_code = models.SlugField(max_length=32)
    level_name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    first_endorsed_on = models.DateField()
    period_started_on = models.DateField()
    renewal_due_on = models.DateField()
    status_changed_at = models.DateTimeField()
    status_reason = models.TextField(
        max_length=2000, blank=True, help_text="Why the registrar suspended, removed or restored it."
    )
    show_profession = models.BooleanField(default=False)
    show_region = models.BooleanField(default=False)
    show_employer = models.BooleanField(default=False)
    profession = models.CharField(max_length=32, choices=Profession.choices, blank=True)
    region = models.CharField(max_length=32, choices=Region.choices, blank=True)
    employer = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegisterEntryQuerySet.as_manager()

    class Meta:
        ordering = ["search_name", "id"]
        verbose_name_plural = "register entries"
        indexes = [
            models.Index(fields=["search_name", "id"], name="register_entry_name_order"),
            models.Index(fields=["status", "renewal_due_on"], name="register_entry_calendar"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "renewal_due", "lapsed", "suspended", "removed"]),
                name="register_entry_status_known",
            ),
            models.UniqueConstraint(
                fields=["practitioner", "level_code"],
                condition=models.Q(practitioner__isnull=False),
                name="register_entry_one_per_level",
            ),
            models.CheckConstraint(
                condition=models.Q(renewal_due_on__gt=models.F("period_started_on")),
                name="register_entry_due_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.full_name}"

    @property
    def endorsed_today(self) -> bool:
        return self.status in (self.Status.ACTIVE, self.Status.RENEWAL_DUE)

    @property
    def shown_publicly(self) -> bool:
        """On the public Register (search, its page, the export): `for_public_display`, for one entry."""
        return self.status != self.Status.REMOVED


class RegisterNameToken(models.Model):
    """One folded part of an entry's name, or a run of its parts joined (from one part
    to the end of the name; the whole name without spaces is the longest): `names.name_tokens`;
    or a pair token, " " + the first three letters of one of those + " " + another
    (`names.name_pairs`), read by searches of two words or more.

    A name search is an indexed prefix range on `token`, read in index order
    (token, sort_name, entry), so a page of results costs about a page of index
    steps however many entries match. On PostgreSQL, migration 0002 puts
    `token` and `sort_name` in the "C" collation and rebuilds the index as a
    plain btree, so the range and the order both come from it; migration 0004 gives
    `token` 1,000 statistics buckets, so that the planner can tell a rare prefix from a common one."""

    entry = models.ForeignKey(RegisterEntry, on_delete=models.CASCADE, related_name="tokens")
    token = models.CharField(max_length=64)
    sort_name = models.CharField(max_length=150, help_text="The entry's search_name, so results come in index order.")

    class Meta:
        indexes = [
            models.Index(
                fields=["token", "sort_name", "entry"],
                name="register_token_prefix",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "int8_ops"],
            ),
            # The other words of a search, and "is this the entry's first matching
            # token", are checked per row by an index-only seek on (entry, token).
            models.Index(fields=["entry", "token"], name="register_token_of_entry"),
        ]

    def __str__(self) -> str:
        return self.token


class Renewal(models.Model):
    """A yearly renewal the practitioner submitted, with the hours they declared."""

    entry = models.ForeignKey(RegisterEntry, on_delete=models.CASCADE, related_name="renewals")
    submitted_at = models.DateTimeField(auto_now_add=True)
    submitted_on = models.DateField()
    cpd_hours = models.DecimalField(max_digits=6, decimal_places=1)
    supervision_hours = models.DecimalField(max_digits=6, decimal_places=2)
    ethics_agreed = models.BooleanField()
    previous_due_on = models.DateField()
    new_due_on = models.DateField()
    late = models.BooleanField(default=False)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ethics_agreed=True), name="register_renewal_ethics_agreed"),
            models.CheckConstraint(
                condition=models.Q(new_due_on__gt=models.F("previous_due_on")), name="register_renewal_moves_on"
            ),
        ]

    def __str__(self) -> str:
        return f"renewal of {self.entry.number} on {self.submitted_on}"


class RenewalReminder(models.Model):
    """A reminder email, claimed (inserted) before it is sent so it goes once."""

    entry = models.ForeignKey(RegisterEntry, on_delete=models.CASCADE, related_name="reminders")
    due_on = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "due_on", "days_before"], name="register_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.days_before}-day reminder for {self.entry.number}"


class Subscription(models.Model):
    """An employer's request to be emailed when any of some entries changes status.

    It counts once the emailed link is confirmed. Links are signed, not stored."""

    email = models.EmailField()
    entries = models.ManyToManyField(RegisterEntry, related_name="subscriptions")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"subscription of {self.email}"

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None
