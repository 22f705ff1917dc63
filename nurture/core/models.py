from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One state change or staff action: who did what to which record, and when.

    `action` is a dotted name from the domain (`portfolios.supervision.confirmed`).
    `data` holds what matters about the change; never free text a person typed
    about a family, and never a secret.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(
        max_length=200, blank=True, help_text="Who acted when it was not an account (a supervisor's link)."
    )
    action = models.CharField(max_length=100, db_index=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class OutboundEmail(models.Model):
    """One email the site has promised to send, kept until it is delivered or given up.

    Rows are written in the same transaction as the change that causes the
    message, already rendered, so a message is never lost when the change is
    stored and never sent when the change is rolled back. `core.outbox` sends
    them and records every attempt.

    `about_type`/`about_id` name the record the message is about (a supervision
    entry, a reference request), so its page can show how delivery went.
    `sender_key` is who made the site send to an address they typed (`user:12`
    or a network such as `net:192.0.2.0/24`); empty for the site's own notices.
    `recipient_key` is the address in the form the limits count (one per mailbox).
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        RETRYING = "retrying", "Retrying"
        BOUNCED = "bounced", "Bounced"
        FAILED = "failed", "Failed"

    created_at = models.DateTimeField(db_index=True)
    to = models.EmailField(max_length=254)
    recipient_key = models.CharField(
        max_length=254, help_text="The address as the limits count it (core.addresses.email_canonical)."
    )
    from_email = models.CharField(max_length=254)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    message_id = models.CharField(max_length=200, unique=True)
    purpose = models.CharField(max_length=100, help_text="The template the message was made from.")
    about_type = models.CharField(max_length=100, blank=True)
    about_id = models.CharField(max_length=64, blank=True)
    sender_key = models.CharField(max_length=80, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    give_up_at = models.DateTimeField(help_text="Failed attempts are retried until then (a day after recording).")
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["about_type", "about_id", "-created_at"], name="outbox_about"),
            models.Index(fields=["recipient_key", "created_at"], name="outbox_rate_recipient"),
            models.Index(fields=["sender_key", "created_at"], name="outbox_rate_sender"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["queued", "sending", "sent", "retrying", "bounced", "failed"]),
                name="outbox_state_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="sent") | models.Q(sent_at__isnull=False), name="outbox_sent_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} to {self.to} ({self.state})"


class DataVersion(models.Model):
    """The version of one public data set ("events", "register", "framework",
    "campaign:<id>"): a number bumped in the same transaction as every change the public
    sees (`core.data_versions.data_version_bump`), so that a page cached under it is known
    fresh with one indexed read, never an aggregate over the data set's rows. A name
    with no row yet reads as version 0."""

    name = models.CharField(max_length=100, primary_key=True)
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"
