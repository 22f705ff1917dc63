"""Applications for endorsement, their references, assessment and conflicts.

The state machine itself lives in `workflow.py`; these models store where each
application is, and the database refuses a state the workflow does not know.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from nurture.accounts.models import User
from nurture.core.uploads import stored_suffix
from nurture.endorsements import workflow
from nurture.framework.models import Competency, Level

STATE_CHOICES = [(state.value, workflow.LABELS[state]) for state in workflow.State]


class ApplicationQuerySet(models.QuerySet["Application"]):
    def owned_by(self, user: User) -> ApplicationQuerySet:
        return self.filter(practitioner=user)

    def assigned_to(self, user: User) -> ApplicationQuerySet:
        return self.filter(assignments__assessor=user).distinct()


class Application(models.Model):
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=32, choices=STATE_CHOICES, default=workflow.State.DRAFT.value)
    state_changed_at = models.DateTimeField(default=timezone.now)
    round = models.PositiveIntegerField(default=1, help_text="Goes up when a deferred application is resubmitted.")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    snapshot = models.JSONField(default=dict, blank=True)
    info_question = models.TextField(max_length=5000, blank=True)
    info_answer = models.TextField(max_length=5000, blank=True)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderation_recommendation = models.CharField(max_length=16, blank=True)
    moderation_reason = models.TextField(max_length=5000, blank=True)
    decision_reason = models.TextField(max_length=5000, blank=True)
    required_actions = models.TextField(max_length=5000, blank=True)
    appeal_grounds = models.TextField(max_length=5000, blank=True)
    appeal_reason = models.TextField(max_length=5000, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=[s.value for s in workflow.State]), name="endorsements_state_known"
            ),
            models.CheckConstraint(
                condition=models.Q(moderation_recommendation__in=["", *workflow.RECOMMENDATIONS]),
                name="endorsements_moderation_known",
            ),
            models.UniqueConstraint(
                fields=["practitioner", "level"],
                condition=models.Q(state__in=sorted(workflow.OPEN)),
                name="endorsements_one_open_application_per_level",
            ),
        ]

    def __str__(self) -> str:
        return f"Application {self.pk} for {self.level}"

    @property
    def title(self) -> str:
        """How every staff page names it: assessors and the registrar see whose it is (they must,
        to spot a conflict of interest), so lists and pages say the same "Amara Okafor: Promotion"."""
        return f"{self.practitioner}: {self.level.name}"

    @property
    def moderation_label(self) -> str:
        """The moderation's recommendation in words ("Defer with required actions")."""
        return str(dict(Review.Recommendation.choices).get(self.moderation_recommendation, ""))

    @property
    def workflow_state(self) -> workflow.State:
        return workflow.State(self.state)


def snapshot_path(instance: SnapshotFile, filename: str) -> str:
    """Files copied at submission belong to the application, not the portfolio."""
    return f"applications/{instance.application_id}/{uuid.uuid4().hex}{stored_suffix(filename)}"


class SnapshotFile(models.Model):
    """A copy of a portfolio file, taken when the application was submitted."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="files")
    round = models.PositiveIntegerField(default=1)
    file = models.FileField(upload_to=snapshot_path)
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    label = models.CharField(max_length=255, help_text="The record the file came from.")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ReferenceRequest(models.Model):
    """A referee's single-use emailed link to the reference form. Only a hash is stored."""

    class Status(models.TextChoices):
        """Where the request has got to, read from its dates (`status`); not stored."""

        NOT_SENT = "not sent", "Not sent"
        SENT = "sent", "Sent"
        OPENED = "opened", "Opened"
        ANSWERED = "answered", "Answered"
        VOID = "void", "Void"
        BOUNCED = "bounced", "Bounced"
        EXPIRED = "expired", "Expired"
        REPLACED = "replaced", "Replaced"

    class Rating(models.TextChoices):
        MET = "met", "Shows this competency"
        PARTLY = "partly", "Partly shows it"
        NOT_MET = "not_met", "Does not yet show it"
        UNKNOWN = "unknown", "Not enough information to say"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="references")
    referee_name = models.CharField(max_length=150)
    referee_email = models.EmailField()
    referee_role = models.CharField(max_length=150)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    replaced_at = models.DateTimeField(null=True, blank=True)
    ratings = models.JSONField(default=dict, blank=True)
    comment = models.TextField(max_length=5000, blank=True)
    void = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(void=True) | models.Q(answered_at__isnull=False),
                name="endorsements_void_reference_is_answered",
            )
        ]

    def __str__(self) -> str:
        return f"reference from {self.referee_name}"

    @property
    def status(self) -> ReferenceRequest.Status:
        if self.replaced_at:
            return self.Status.REPLACED
        if self.answered_at:
            return self.Status.VOID if self.void else self.Status.ANSWERED
        if self.bounced_at:
            return self.Status.BOUNCED
        if self.sent_at is None:
            return self.Status.NOT_SENT
        if self.expires_at and self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.OPENED if self.opened_at else self.Status.SENT

    @property
    def counts(self) -> bool:
        return self.answered_at is not None and not self.void and self.replaced_at is None

    @property
    def can_be_resent(self) -> bool:
        """Not arrived (a void answer may be asked of someone else) and not replaced already."""
        return self.replaced_at is None and not self.counts


class Assignment(models.Model):
    class Kind(models.TextChoices):
        ASSESSOR = "assessor", "Assessor"
        MODERATOR = "moderator", "Moderator"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.ASSESSOR)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "assessor"], name="endorsements_assigned_once"),
            models.CheckConstraint(condition=models.Q(kind__in=["assessor", "moderator"]), name="endorsements_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.assessor} on {self.application}"


class Review(models.Model):
    """One assessor's independent review of one round of an application."""

    class Recommendation(models.TextChoices):
        ENDORSE = "endorse", "Endorse"
        DEFER = "defer", "Defer with required actions"
        NOT_ENDORSE = "not_endorse", "Do not endorse"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reviews")
    round = models.PositiveIntegerField()
    recommendation = models.CharField(max_length=16, choices=Recommendation.choices)
    summary = models.TextField(max_length=5000, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "assessor", "round"], name="endorsements_one_review"),
            models.CheckConstraint(
                condition=models.Q(recommendation__in=["endorse", "defer", "not_endorse"]),
                name="endorsements_recommendation_known",
            ),
        ]

    def __str__(self) -> str:
        return f"review by {self.assessor}"


class ReviewDraft(models.Model):
    """An assessor's review in progress: kept on the server so it survives a closed tab, seen by
    nobody else, and gone once the review is submitted. A draft may be partial."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="review_drafts")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_drafts")
    round = models.PositiveIntegerField()
    scores = models.JSONField(default=dict, blank=True, help_text="Competency id -> [value, comment].")
    recommendation = models.CharField(max_length=16, blank=True)
    summary = models.TextField(max_length=5000, blank=True)
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "assessor", "round"], name="endorsements_one_review_draft"),
        ]

    def __str__(self) -> str:
        return f"draft review by {self.assessor}"

    def initial(self) -> dict[str, str]:
        """The rubric form's initial values (`RubricForm`'s field names)."""
        values = {"recommendation": self.recommendation, "summary": self.summary}
        for pk, (value, comment) in self.scores.items():
            values[f"score_{pk}"], values[f"comment_{pk}"] = value, comment
        return values


class Score(models.Model):
    """One rubric line: a competency scored met / partly met / not met."""

    class Value(models.TextChoices):
        MET = "met", "Met"
        PARTLY = "partly", "Partly met"
        NOT_MET = "not_met", "Not met"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(max_length=16, choices=Value.choices)
    comment = models.TextField(max_length=5000, blank=True)

    class Meta:
        ordering = ["competency__domain__position", "competency__position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "competency"], name="endorsements_one_score"),
            models.CheckConstraint(
                condition=models.Q(value__in=["met", "partly", "not_met"]), name="endorsements_score_known"
            ),
            models.CheckConstraint(
                condition=models.Q(value="met") | ~models.Q(comment=""), name="endorsements_score_below_met_explained"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competency.code}: {self.value}"


class ConflictDeclaration(models.Model):
    """An assessor says they must not assess a practitioner, or anyone from an employer."""

    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts")
    practitioner_email = models.EmailField(blank=True)
    employer = models.CharField(max_length=150, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(practitioner_email="") | ~models.Q(employer=""),
                name="endorsements_conflict_names_someone",
            )
        ]

    def __str__(self) -> str:
        return self.practitioner_email or self.employer
