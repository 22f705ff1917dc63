"""Writes to a practitioner's portfolio. Views call these; nothing else writes.

Each function takes keyword arguments, runs in one transaction, checks that the
change is allowed, and records it in the audit log.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from nurture.accounts.models import User
from nurture.core.audit import audit_record
from nurture.core.emails import EmailLimitReached, Sender, email_send
from nurture.core.link_tokens import token_digest
from nurture.core.origins import site_url
from nurture.core.uploads import atomic_with_files
from nurture.portfolios.identifiers import identifiers_find
from nurture.portfolios.models import Evidence, SupervisionEntry, SupervisionLink, TrainingRecord


class PortfolioError(Exception):
    """A change the portfolio refuses, with a message for the practitioner."""


def _audit_name(record: models.Model) -> str:
    return f"portfolios.{record._meta.model_name}"


def record_save(
    *,
    owner: User,
    record: models.Model,
    original_name: str = "",
    upload_type: str | None = None,
    competency_ids: list[int] | None = None,
) -> models.Model:
    """Create or update one portfolio record that belongs to `owner`."""
    created = record.pk is None
    with atomic_with_files():  # a file saved by a refused change goes too
        if not created:
            stored = type(record).objects.select_for_update().get(pk=record.pk, owner=owner)  # type: ignore[attr-defined]
            if isinstance(stored, SupervisionEntry) and stored.is_locked:
                raise PortfolioError("Your supervisor has confirmed this entry, so it can no longer be changed.")
        record.owner = owner  # type: ignore[attr-defined]
        if upload_type and original_name:
            if isinstance(record, TrainingRecord):
                record.certificate_name, record.certificate_type = original_name, upload_type
            if isinstance(record, Evidence):
                record.file_name, record.file_type = original_name, upload_type
        if isinstance(record, Evidence):
            evidence_scan(evidence=record)
        email_changed = (
            isinstance(record, SupervisionEntry)
            and not created
            and stored.supervisor_email.lower() != record.supervisor_email.lower()
        )
        record.save()
        if isinstance(record, Evidence) and competency_ids is not None:
            record.competencies.set(competency_ids)
        audit_record(action=f"{_audit_name(record)}.{'created' if created else 'updated'}", actor=owner, target=record)
        if isinstance(record, SupervisionEntry) and (created or email_changed):
            supervision_link_send(entry=record, actor=owner)
    return record


def record_delete(*, owner: User, record: models.Model) -> None:
    """Delete one of `owner`'s records, as it is in the database now."""
    with transaction.atomic():
        stored = type(record).objects.select_for_update().filter(pk=record.pk, owner=owner).first()  # type: ignore[attr-defined]
        if stored is None:
            raise PortfolioError("There is no such record in your portfolio.")
        if isinstance(stored, SupervisionEntry) and stored.is_locked:
            raise PortfolioError("Your supervisor has confirmed this entry, so it cannot be deleted.")
        audit_record(action=f"{_audit_name(stored)}.deleted", actor=owner, target=stored)
        stored.delete()  # its file goes after the commit (core.uploads.files_follow_their_rows)


def evidence_scan(*, evidence: Evidence) -> None:
    """Scan written evidence again; new or changed findings need a fresh review."""
    findings = [f.as_dict() for f in identifiers_find(evidence.text)]
    if findings != evidence.findings:
        evidence.findings = findings
        evidence.findings_reviewed_at = None


def evidence_findings_review(*, owner: User, evidence: Evidence) -> Evidence:
    """The practitioner has looked at each finding and says none identifies a family."""
    with transaction.atomic():
        if not evidence.findings:
            raise PortfolioError("There is nothing to review in this evidence.")
        evidence.findings_reviewed_at = timezone.now()
        evidence.save(update_fields=["findings_reviewed_at"])
        audit_record(
            action="portfolios.evidence.findings_reviewed",
            actor=owner,
            target=evidence,
            data={"kinds": sorted({f["kind"] for f in evidence.findings})},
        )
    return evidence


# Supervision links -----------------------------------------------------------------


def supervision_link_send(*, entry: SupervisionEntry, actor: User) -> SupervisionLink:
    """Email the supervisor a new single-use link; any earlier link stops working."""
    if entry.is_locked:
        raise PortfolioError("This entry is already confirmed.")
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        entry.links.filter(used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
        link = SupervisionLink.objects.create(
            entry=entry,
            token_hash=token_digest(token),
            sent_to=entry.supervisor_email,
            expires_at=now + timedelta(days=settings.NURTURE_SUPERVISION_LINK_DAYS),
        )
        if entry.status == SupervisionEntry.Status.DECLINED:
            entry.status = SupervisionEntry.Status.AWAITING
            entry.save(update_fields=["status"])
        audit_record(action="portfolios.supervision.link_sent", actor=actor, target=entry)
        url = site_url("portfolios:supervision_confirm", token)
        context = {
            "supervisor_name": entry.supervisor_name,
            "practitioner_name": str(entry.owner),
            "session_on": entry.session_on.strftime("%-d %B %Y"),
            "hours": str(entry.hours),
            "kind": entry.get_kind_display(),
            "url": url,
            "expires_on": link.expires_at.strftime("%-d %B %Y"),
        }
        try:
            email_send(
                to=entry.supervisor_email,
                template="portfolios/email/supervision_confirm",
                context=context,
                about=entry,
                sender=Sender.account(actor),
            )
        except EmailLimitReached as refused:
            raise PortfolioError(str(refused)) from None
    return link


def supervision_link_resend(*, entry: SupervisionEntry, actor: User, email: str) -> SupervisionLink:
    """Send the supervisor a new link, at a corrected address if one is given."""
    with transaction.atomic():
        stored = SupervisionEntry.objects.select_for_update().get(pk=entry.pk, owner=actor)
        if stored.is_locked:
            raise PortfolioError("Your supervisor has already confirmed this entry.")
        if stored.supervisor_email != email:
            stored.supervisor_email = email
            stored.save(update_fields=["supervisor_email"])
        link = supervision_link_send(entry=stored, actor=actor)
    entry.supervisor_email = stored.supervisor_email
    return link


@dataclass(frozen=True)
class LinkState:
    """What a supervisor's link can do now, and a sentence that says so."""

    link: SupervisionLink | None
    usable: bool
    message: str


def supervision_link_state(token: str) -> LinkState:
    link = (
        SupervisionLink.objects.select_related("entry", "entry__owner").filter(token_hash=token_digest(token)).first()
    )
    if link is None:
        return LinkState(None, False, "This link is not valid. Check that you copied the whole address from the email.")
    if link.used_at is not None:
        return LinkState(
            link,
            False,
            f"This link has already been used, on {timezone.localtime(link.used_at):%-d %B %Y}. "
            "Nothing more is needed.",
        )
    if link.revoked_at is not None:
        return LinkState(link, False, "This link has been replaced by a newer one. Please use the most recent email.")
    if link.expires_at <= timezone.now():
        return LinkState(
            link,
            False,
            f"This link expired on {timezone.localtime(link.expires_at):%-d %B %Y}. "
            "Ask the practitioner to send you a new one.",
        )
    return LinkState(link, True, "")


def supervision_confirm(*, token: str, confirmed: bool) -> LinkState:
    """The supervisor confirms (or declines) the entry; the link is used up either way."""
    with transaction.atomic():
        state = supervision_link_state(token)
        if not state.usable or state.link is None:
            return state
        # Claim the link atomically so two clicks cannot both use it.
        claimed = SupervisionLink.objects.filter(pk=state.link.pk, used_at__isnull=True).update(used_at=timezone.now())
        if not claimed:
            return supervision_link_state(token)
        entry = state.link.entry
        entry.status = SupervisionEntry.Status.CONFIRMED if confirmed else SupervisionEntry.Status.DECLINED
        entry.confirmed_at = timezone.now() if confirmed else None
        entry.save(update_fields=["status", "confirmed_at"])
        audit_record(
            action=f"portfolios.supervision.{'confirmed' if confirmed else 'declined'}",
            actor_label=f"supervisor {state.link.sent_to}",
            target=entry,
        )
    return LinkState(
        state.link, False, "Confirmed. Thank you." if confirmed else "Declined. The practitioner will see this."
    )
