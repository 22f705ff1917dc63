from __future__ import annotations

from django.conf import settings
from django.db import models

from nurture.core.uploads import private_upload_path
from nurture.framework.models import Competency, Education


class OwnedQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def owned_by(self, user: object) -> OwnedQuerySet:
        return self.filter(owner=user)


class Owned(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        abstract = True


class EducationRecord(Owned):
    level = models.CharField("level", max_length=16, choices=Education.choices)
    qualification = models.CharField(max_length=200, help_text="For example: BSc (Hons) Nursing")
    institution = models.CharField(max_length=200)
    awarded_on = models.DateField("date awarded")

    class Meta:
        ordering = ["-awarded_on"]

    def __str__(self) -> str:
        return self.qualification


class TrainingRecord(Owned):
    title = models.CharField(max_length=200)
    provider = models.CharField(max_length=200)
    hours = models.DecimalField(max_digits=6, decimal_places=1)
    completed_on = models.DateField("date completed")
    relationship_based = models.BooleanField(
        "relationship-based training",
        default=False,
        help_text="Training about the relationships between infants, their parents and caregivers.",
    )
    certificate = models.FileField(upload_to=private_upload_path, blank=True)
    certificate_name = models.CharField(max_length=255, blank=True)
    certificate_type = models.CharField(max_length=100, blank=True)
    # A course recorded from the training directory: the competencies it covers (codes,
    # comma-separated) and its address there. Its provider may then confirm the completion
    # (`services.training_confirm`): the record is locked, and accredited confirmed hours
    # count as relationship-based training (`counts_as_relationship_based`).
    competency_codes = models.CharField("competencies covered", max_length=500, blank=True)
    directory_course = models.CharField(max_length=100, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.CharField(max_length=200, blank=True)
    accredited = models.BooleanField(default=False)

    class Meta:
        ordering = ["-completed_on"]
        constraints = [models.CheckConstraint(condition=models.Q(hours__gt=0), name="training_hours_positive")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_locked(self) -> bool:
        """Confirmed by the course's provider: the practitioner can no longer change it."""
        return self.confirmed_at is not None

    @property
    def counts_as_relationship_based(self) -> bool:
        return self.relationship_based or (self.accredited and self.is_locked)


class ExperienceRecord(Owned):
    role_title = models.CharField("role", max_length=200)
    employer = models.CharField(max_length=200)
    setting = models.CharField(max_length=200, blank=True, help_text="For example: community health visiting team")
    started_on = models.DateField("start date")
    ended_on = models.DateField("end date", null=True, blank=True, help_text="Leave empty if you still work here.")
    paid = models.BooleanField("paid work", default=True)
    families_served = models.PositiveIntegerField("families of children aged 0–36 months served", default=0)

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="experience_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.role_title}, {self.employer}"


class SupervisionRequest(Owned):
    """One supervisor asked, in one email, to confirm one or more of the practitioner's sessions.

    The sessions entered together for the same address share a request; its links are
    the tokens sent (a resend makes a new link for the same request, so the older email
    is superseded). A session whose address changes moves to a new request."""

    supervisor_email = models.EmailField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"request to {self.supervisor_email}"


class SupervisionEntry(Owned):
    """Reflective supervision or consultation (RS/C), confirmed by the supervisor."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", "Individual"
        GROUP = "group", "Group"
        PEER = "peer", "Peer (does not count towards requirements)"

    class Status(models.TextChoices):
        AWAITING = "awaiting", "Awaiting supervisor"
        CONFIRMED = "confirmed", "Confirmed by supervisor"
        DECLINED = "declined", "Declined by supervisor"

    session_on = models.DateField("date of session")
    supervisor_name = models.CharField(max_length=150)
    supervisor_email = models.EmailField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.INDIVIDUAL)
    notes = models.TextField(
        max_length=5000, blank=True, help_text="Themes only. Never a family's identifying details."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.AWAITING)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    request = models.ForeignKey(
        SupervisionRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries"
    )

    class Meta:
        ordering = ["-session_on"]
        verbose_name_plural = "supervision entries"
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="supervision_hours_positive"),
            models.CheckConstraint(
                condition=~models.Q(status="confirmed") | models.Q(confirmed_at__isnull=False),
                name="supervision_confirmed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_on:%-d %B %Y} with {self.supervisor_name}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.CONFIRMED


class SupervisionLink(models.Model):
    """A single-use, expiring link emailed to a supervisor for a request's sessions. Only a hash is stored."""

    request = models.ForeignKey(SupervisionRequest, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    sent_to = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"link sent to {self.sent_to}"


class CPDEntry(Owned):
    activity = models.CharField(max_length=200)
    done_on = models.DateField("date")
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    reflection = models.TextField(
        max_length=5000, blank=True, help_text="What you learned and how it changes your practice."
    )

    class Meta:
        ordering = ["-done_on"]
        verbose_name = "CPD entry"
        verbose_name_plural = "CPD entries"
        constraints = [models.CheckConstraint(condition=models.Q(hours__gt=0), name="cpd_hours_positive")]

    def __str__(self) -> str:
        return self.activity


class Evidence(Owned):
    class Kind(models.TextChoices):
        REFLECTIVE_ACCOUNT = "reflective-account", "Reflective account"
        CASE_STUDY = "case-study", "Anonymised case study"
        CERTIFICATE = "certificate", "Certificate"
        OTHER = "other", "Other evidence"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    text = models.TextField("written evidence", max_length=20_000, blank=True)
    file = models.FileField(upload_to=private_upload_path, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    competencies = models.ManyToManyField(Competency, related_name="+")
    findings = models.JSONField(default=list, blank=True)
    findings_reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title

    @property
    def has_unresolved_findings(self) -> bool:
        return bool(self.findings) and self.findings_reviewed_at is None
