"""Writes to a practitioner's portfolio. Views call these; nothing else writes.

Each function takes keyword arguments, runs in one transaction, checks that the
change is allowed, and records it in the audit log.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

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
from nurture.portfolios.models import Evidence, SupervisionEntry, SupervisionLink, SupervisionRequest, TrainingRecord


class PortfolioError(Exception):
    """A change the portfolio refuses, with a message for the practitioner."""


LOCKED_TRAINING = "The course's provider has confirmed this training, so it can no longer be changed or deleted."


@dataclass(frozen=True)
class DirectoryCourse:
    """A course of the training directory, as the practitioner completed it."""

    slug: str
    title: str
    provider: str
    hours: Decimal
    relationship_based: bool
    competency_codes: tuple[str, ...]


def training_from_directory(*, owner: User, course: DirectoryCourse, completed_on: date) -> TrainingRecord:
    """The practitioner records a directory course as completed: its training record is
    filled in from the course (title, provider, hours, competencies covered)."""
    if completed_on > timezone.localdate():
        raise PortfolioError("The completion date cannot be in the future.")
    with transaction.atomic():
        record = TrainingRecord.objects.create(
            owner=owner,
            title=course.title[:200],
            provider=course.provider[:200],
            hours=course.hours,
            completed_on=completed_on,
            relationship_based=course.relationship_based,
            competency_codes=", ".join(course.competency_codes)[:500],
            directory_course=course.slug,
        )
        audit_record(
            action="portfolios.trainingrecord.created", actor=owner, target=record, data={"course": course.slug}
        )
    return record


def training_confirm(*, record_id: int, course: DirectoryCourse, accredited: bool) -> bool:
    """The course's provider confirms a completion recorded from the directory: the record
    is marked (and locked) with the course's own title, provider, hours and competencies,
    whatever the practitioner changed them to meanwhile. False when it is gone, or not this
    course's; twice changes nothing."""
    with transaction.atomic():
        done = TrainingRecord.objects.filter(
            pk=record_id, directory_course=course.slug, confirmed_at__isnull=True
        ).update(
            confirmed_at=timezone.now(),
            confirmed_by=course.provider[:200],
            accredited=accredited,
            title=course.title[:200],
            provider=course.provider[:200],
            hours=course.hours,
            competency_codes=", ".join(course.competency_codes)[:500],
        )
        if done:
            audit_record(
                action="portfolios.trainingrecord.confirmed",
                actor_label=course.provider[:200],
                target=TrainingRecord.objects.get(pk=record_id),
                data={"accredited": accredited, "hours": str(course.hours)},
            )
    return bool(done)


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
            if isinstance(stored, TrainingRecord) and stored.is_locked:
                raise PortfolioError(LOCKED_TRAINING)
            if isinstance(stored, TrainingRecord) and isinstance(record, TrainingRecord):
                # What the directory and the provider wrote is not the form's to change.
                for name in ("directory_course", "confirmed_at", "confirmed_by", "accredited", "competency_codes"):
                    setattr(record, name, getattr(stored, name))
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
            supervision_requests_make(entries=[record], actor=owner)
    return record


def record_delete(*, owner: User, record: models.Model) -> None:
    """Delete one of `owner`'s records, as it is in the database now."""
    with transaction.atomic():
        stored = type(record).objects.select_for_update().filter(pk=record.pk, owner=owner).first()  # type: ignore[attr-defined]
        if stored is None:
            raise PortfolioError("There is no such record in your portfolio.")
        if isinstance(stored, SupervisionEntry) and stored.is_locked:
            raise PortfolioError("Your supervisor has confirmed this entry, so it cannot be deleted.")
        if isinstance(stored, TrainingRecord) and stored.is_locked:
            raise PortfolioError(LOCKED_TRAINING)
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


# Supervision: requests and their links ---------------------------------------------


def _same_session(a: SupervisionEntry, b: SupervisionEntry) -> bool:
    return (a.session_on, a.supervisor_email.strip().lower(), a.kind, a.hours) == (
        b.session_on,
        b.supervisor_email.strip().lower(),
        b.kind,
        b.hours,
    )


@dataclass(frozen=True)
class SessionsAdded:
    """What `supervision_sessions_add` did: the sessions it added, those already in the
    log (a second click, or typed twice), and the supervisors it emailed."""

    added: list[SupervisionEntry]
    already: list[SupervisionEntry]
    emailed: list[str]


def supervision_sessions_add(*, owner: User, sessions: list[SupervisionEntry]) -> SessionsAdded:
    """Add several supervision sessions at once; each supervisor gets one email, with one
    link, for all of their sessions among them.

    A session already in the log (same date, supervisor's address, kind and hours) is not
    added again: the owner's row is locked first, so a form sent twice (a double click)
    adds its sessions once, and the second request finds what the first made."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=owner.pk).first()
        existing = list(SupervisionEntry.objects.owned_by(owner))
        added: list[SupervisionEntry] = []
        already: list[SupervisionEntry] = []
        for session in sessions:
            found = next((e for e in [*existing, *added] if _same_session(e, session)), None)
            if found is not None:
                already.append(found)
                continue
            session.owner = owner
            session.save()
            audit_record(action="portfolios.supervisionentry.created", actor=owner, target=session)
            added.append(session)
        requests = supervision_requests_make(entries=added, actor=owner)
    return SessionsAdded(added, already, [r.supervisor_email for r in requests])


def supervision_requests_make(*, entries: list[SupervisionEntry], actor: User) -> list[SupervisionRequest]:
    """Ask each supervisor once about `entries`: grouped by address, one request (with its
    link and email) per supervisor. An entry leaves the request it was in; a request left
    with no entry awaiting an answer has its links revoked."""
    groups: dict[str, list[SupervisionEntry]] = {}
    for entry in entries:
        groups.setdefault(entry.supervisor_email.strip().lower(), []).append(entry)
    made = []
    with transaction.atomic():
        earlier = {e.request_id for e in entries if e.request_id is not None}
        for group in groups.values():
            request = SupervisionRequest.objects.create(owner=actor, supervisor_email=group[0].supervisor_email)
            SupervisionEntry.objects.filter(pk__in=[e.pk for e in group]).update(request=request)
            for entry in group:
                entry.request = request
            supervision_link_send(request=request, actor=actor)
            made.append(request)
        left = SupervisionRequest.objects.filter(pk__in=earlier).exclude(
            entries__status=SupervisionEntry.Status.AWAITING
        )
        SupervisionLink.objects.filter(request__in=left, used_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    return made


def _asked(request: SupervisionRequest) -> list[SupervisionEntry]:
    """The request's sessions the supervisor is asked about: those not yet confirmed."""
    return list(request.entries.exclude(status=SupervisionEntry.Status.CONFIRMED).order_by("session_on", "pk"))


def supervision_link_send(*, request: SupervisionRequest, actor: User) -> SupervisionLink:
    """Email the supervisor a new single-use link for the request's sessions not yet
    confirmed (a declined one is asked again); any earlier link stops working."""
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        asked = _asked(request)
        if not asked:
            raise PortfolioError("Your supervisor has already confirmed these sessions.")
        request.links.filter(used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
        link = SupervisionLink.objects.create(
            request=request,
            token_hash=token_digest(token),
            sent_to=request.supervisor_email,
            expires_at=now + timedelta(days=settings.NURTURE_SUPERVISION_LINK_DAYS),
        )
        declined = [e.pk for e in asked if e.status == SupervisionEntry.Status.DECLINED]
        if declined:
            SupervisionEntry.objects.filter(pk__in=declined).update(status=SupervisionEntry.Status.AWAITING)
        for entry in asked:
            audit_record(action="portfolios.supervision.link_sent", actor=actor, target=entry)
        context = {
            "supervisor_name": asked[0].supervisor_name,
            "practitioner_name": str(actor),
            "sessions": [
                {"session_on": f"{e.session_on:%-d %B %Y}", "hours": e.hours, "kind": e.get_kind_display()}
                for e in asked
            ],
            "url": site_url("portfolios:supervision_confirm", token),
            "expires_on": f"{link.expires_at:%-d %B %Y}",
        }
        try:
            email_send(
                to=request.supervisor_email,
                template="portfolios/email/supervision_confirm",
                context=context,
                about=request,
                sender=Sender.account(actor),
            )
        except EmailLimitReached as refused:
            raise PortfolioError(str(refused)) from None
    return link


def supervision_link_resend(*, entry: SupervisionEntry, actor: User, email: str) -> SupervisionLink:
    """Send the supervisor a new link for the entry's request (every session of it not yet
    confirmed), at a corrected address if one is given. The request's row is locked, so a
    second click waits, then replaces the first click's link: one link stays usable."""
    with transaction.atomic():
        stored = SupervisionEntry.objects.select_for_update().get(pk=entry.pk, owner=actor)
        if stored.is_locked:
            raise PortfolioError("Your supervisor has already confirmed this entry.")
        if stored.request_id is None:
            (request,) = supervision_requests_make(entries=[stored], actor=actor)
            request.links.update(revoked_at=timezone.now())  # the new link below replaces it
        request = SupervisionRequest.objects.select_for_update().get(pk=stored.request_id)
        if request.supervisor_email != email:
            request.supervisor_email = email
            request.save(update_fields=["supervisor_email", "updated_at"])
            request.entries.exclude(status=SupervisionEntry.Status.CONFIRMED).update(supervisor_email=email)
        link = supervision_link_send(request=request, actor=actor)
    entry.supervisor_email = email
    return link


@dataclass(frozen=True)
class LinkState:
    """What a supervisor's link can do now, and a sentence that says so."""

    link: SupervisionLink | None
    usable: bool
    message: str
    sessions: tuple[SupervisionEntry, ...] = ()


def supervision_link_state(token: str) -> LinkState:
    link = (
        SupervisionLink.objects.select_related("request", "request__owner")
        .filter(token_hash=token_digest(token))
        .first()
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
    sessions = tuple(link.request.entries.filter(status=SupervisionEntry.Status.AWAITING).order_by("session_on", "pk"))
    if not sessions:
        return LinkState(link, False, "There is nothing left to confirm on this link. Nothing more is needed.")
    return LinkState(link, True, "", sessions)


def supervision_answer(*, token: str, decisions: Mapping[int, bool]) -> LinkState:
    """The supervisor confirms or declines each session of the link (by entry id: True
    confirms); the link is used up. Every session awaiting an answer needs one."""
    with transaction.atomic():
        state = supervision_link_state(token)
        if not state.usable or state.link is None:
            return state
        if {s.pk for s in state.sessions} - set(decisions):
            raise PortfolioError("Confirm or decline each session.")
        # Claim the link atomically so two clicks cannot both use it.
        now = timezone.now()
        claimed = SupervisionLink.objects.filter(pk=state.link.pk, used_at__isnull=True).update(used_at=now)
        if not claimed:
            return supervision_link_state(token)
        for entry in state.sessions:
            confirmed = decisions[entry.pk]
            entry.status = SupervisionEntry.Status.CONFIRMED if confirmed else SupervisionEntry.Status.DECLINED
            entry.confirmed_at = now if confirmed else None
            entry.save(update_fields=["status", "confirmed_at"])
            audit_record(
                action=f"portfolios.supervision.{'confirmed' if confirmed else 'declined'}",
                actor_label=f"supervisor {state.link.sent_to}",
                target=entry,
            )
    yes = sum(decisions[e.pk] for e in state.sessions)
    no = len(state.sessions) - yes
    if not no:
        message = "Confirmed. Thank you." if yes == 1 else f"All {yes} sessions confirmed. Thank you."
    elif not yes:
        message = (
            "Declined. The practitioner will see this."
            if no == 1
            else (f"All {no} sessions declined. The practitioner will see this.")
        )
    else:
        message = f"{yes} confirmed and {no} declined. Thank you; the practitioner will see which."
    return LinkState(state.link, False, message, state.sessions)


def supervision_confirm(*, token: str, confirmed: bool) -> LinkState:
    """The supervisor confirms (or declines) every session of the link at once."""
    state = supervision_link_state(token)
    return supervision_answer(token=token, decisions={s.pk: confirmed for s in state.sessions})
