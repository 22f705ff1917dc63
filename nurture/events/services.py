"""Writes to the events calendar. Views and tasks call these; nothing else writes.

Each function takes keyword arguments, runs in one transaction on a locked row,
checks who may do it and from which state, records it in the audit log, and
records the organiser's email in the outbox in the same transaction (it is sent once that commits).

An approved event's own fields are what the public sees. An organiser's edit of an
approved event is stored in `proposal` and waits for the coordinator; approving it
copies it over the public fields and raises the iCalendar SEQUENCE.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.campaigns.models import Campaign
from nurture.campaigns.services import campaign_touch
from nurture.core.audit import audit_record
from nurture.core.data_versions import data_version_bump
from nurture.core.emails import email_send
from nurture.events.models import EDITABLE, EVENTS_DATA_SET, Event, EventMessage

State = Event.State
ProposalState = Event.ProposalState
MODERATION_ACTIONS = {"approve": "Approve", "reject": "Reject", "ask_changes": "Ask for changes"}


class EventError(Exception):
    """A change the calendar refuses, with a message for the person who asked."""


def submissions_per_hour() -> int:
    return settings.NURTURE_EVENTS_SUBMIT_PER_HOUR


def _slug(title: str) -> str:
    return slugify(title)[:80].strip("-") or "event"


def _encode(values: dict[str, Any]) -> dict[str, Any]:
    encoder = DjangoJSONEncoder()
    return {k: encoder.default(v) if isinstance(v, datetime) else v for k, v in values.items() if k in EDITABLE}


def _decode(proposal: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in proposal.items() if k in EDITABLE}
    for name in ("starts_at", "ends_at"):
        values[name] = datetime.fromisoformat(values[name])
    return values


def proposal_values(event: Event) -> dict[str, Any] | None:
    return _decode(event.proposal) if event.proposal else None


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _recipients(event: Event) -> list[str]:
    if event.submitted_by is not None and event.submitted_by.is_active:
        return [event.submitted_by.email]
    return list(
        event.organisation.people.filter(role=Role.EVENT_ORGANISER, is_active=True).values_list("email", flat=True)
    )


def _tell_organiser(event: Event, *, template: str, **context: Any) -> None:
    message = {
        "title": event.title,
        "event_id": event.pk,
        "mine_url": reverse("events:mine"),
        "edit_url": reverse("events:edit", args=[event.pk]),
        "public_url": reverse("events:detail", args=[event.pk, event.slug]) if event.listed else "",
        **context,
    }
    for to in _recipients(event):
        email_send(to=to, template=template, context=message, about=event)


def _changed_publicly(event: Event, now: datetime) -> None:
    event.sequence += 1
    event.public_changed_at = now


# Submitting and editing ----------------------------------------------------------------


def event_submit(*, organiser: User, campaign: Campaign, values: dict[str, Any]) -> Event:
    """A new event from an organiser, waiting for moderation. At most
    `NURTURE_EVENTS_SUBMIT_PER_HOUR` (10) submissions an hour per person."""
    if organiser.role != Role.EVENT_ORGANISER or organiser.organisation_id is None:
        raise EventError("Only an event organiser who belongs to an organisation can submit events.")
    now = timezone.now()
    limit = submissions_per_hour()
    with transaction.atomic():
        recent = Event.objects.filter(submitted_by=organiser, created_at__gte=now - timedelta(hours=1)).count()
        if recent >= limit:
            raise EventError(
                f"You have submitted {recent} events in the last hour; the limit is {limit}. "
                "Please wait a while before submitting more."
            )
        event = Event(
            campaign=campaign,
            organisation_id=organiser.organisation_id,
            submitted_by=organiser,
            slug=_slug(values["title"]),
            state=State.SUBMITTED,
            **{k: v for k, v in values.items() if k in EDITABLE},
        )
        event.save()
        audit_record(action="events.event.submitted", actor=organiser, target=event, data={"title": event.title})
    return event


def event_update(*, event: Event, actor: User, values: dict[str, Any]) -> Event:
    """The organiser's edit. Before approval it replaces the submission (and answers a
    request for changes); after approval it is stored as a proposal for moderation
    while the approved version stays public."""
    with transaction.atomic():
        event = _locked(event)
        if event.state in (State.SUBMITTED, State.CHANGES_REQUESTED):
            for name in EDITABLE:
                setattr(event, name, values[name])
            event.slug = _slug(event.title)
            event.state = State.SUBMITTED
            event.save()
            action = "events.event.resubmitted"
        elif event.state == State.APPROVED:
            event.proposal = _encode(values)
            event.proposal_state = ProposalState.SUBMITTED
            event.save(update_fields=["proposal", "proposal_state", "updated_at"])
            action = "events.event.change_proposed"
        else:
            raise EventError(f"A {event.get_state_display().lower()} event cannot be edited.")
        audit_record(action=action, actor=actor, target=event, data={"title": values["title"]})
    return event


def event_cancel(*, event: Event, actor: User, reason: str = "") -> Event:
    """The organiser cancels. An event that was public keeps its page, marked
    cancelled, and the feeds say STATUS:CANCELLED."""
    now = timezone.now()
    with transaction.atomic():
        event = _locked(event)
        if not event.open_to_changes:
            raise EventError(f"This event is already {event.get_state_display().lower()}.")
        was = event.state
        event.state = State.CANCELLED
        event.state_reason = reason
        event.proposal, event.proposal_state = None, ProposalState.NONE
        if event.listed:
            _changed_publicly(event, now)
        event.save()
        campaign_touch(campaign_id=event.campaign_id)
        data_version_bump(EVENTS_DATA_SET)
        audit_record(action="events.event.cancelled", actor=actor, target=event, reason=reason, data={"from": was})
    return event


# Moderation ----------------------------------------------------------------------------


def event_moderate(*, event: Event, actor: User, action: str, reason: str = "") -> Event:
    """The coordinator's decision on a submission, or on an approved event's proposed
    changes: approve, reject (with a reason) or ask for changes (saying which)."""
    if getattr(actor, "role", None) != Role.COORDINATOR:
        raise EventError("Only the campaign coordinator moderates events.")
    if action not in MODERATION_ACTIONS:
        raise EventError("Choose approve, reject or ask for changes.")
    if action != "approve" and not reason.strip():
        raise EventError("Give a reason: the organiser reads it.")
    now = timezone.now()
    with transaction.atomic():
        event = _locked(event)
        if not event.awaits_moderation:
            raise EventError(f"There is nothing to moderate: the event is {event.get_state_display().lower()}.")
        if event.is_approved:
            outcome = _moderate_proposal(event, action=action, reason=reason, now=now)
        else:
            outcome = _moderate_submission(event, action=action, reason=reason, now=now)
        event.save()
        campaign_touch(campaign_id=event.campaign_id)
        data_version_bump(EVENTS_DATA_SET)
        audit_record(action=f"events.event.{outcome}", actor=actor, target=event, reason=reason)
        _tell_organiser(event, template="events/email/moderated", outcome=outcome, reason=reason)
    return event


def _moderate_submission(event: Event, *, action: str, reason: str, now: datetime) -> str:
    if action == "approve":
        event.state, event.state_reason = State.APPROVED, ""
        event.listed = True
        event.approved_at = now
        event.public_changed_at = now
        return "approved"
    if action == "reject":
        event.state, event.state_reason = State.REJECTED, reason
        return "rejected"
    event.state, event.state_reason = State.CHANGES_REQUESTED, reason
    return "changes_requested"


def _moderate_proposal(event: Event, *, action: str, reason: str, now: datetime) -> str:
    if action == "approve":
        for name, value in _decode(event.proposal or {}).items():
            setattr(event, name, value)
        event.slug = _slug(event.title)
        event.proposal, event.proposal_state, event.proposal_reason = None, ProposalState.NONE, ""
        _changed_publicly(event, now)
        return "change_approved"
    if action == "reject":
        event.proposal, event.proposal_state, event.proposal_reason = None, ProposalState.NONE, reason
        return "change_rejected"
    event.proposal_state, event.proposal_reason = ProposalState.CHANGES_REQUESTED, reason
    return "change_changes_requested"


# Attendance ----------------------------------------------------------------------------


def attendance_record(
    *, event: Event, actor: User, parents_carers: int, professionals: int, others: int, now: datetime | None = None
) -> Event:
    """The organiser says how many came, by audience, once the event has ended."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _locked(event)
        if not event.is_approved:
            raise EventError("Attendance is recorded for approved events that took place.")
        if event.ends_at > now:
            raise EventError("You can record attendance once the event has ended.")
        event.parents_carers_attended = parents_carers
        event.professionals_attended = professionals
        event.others_attended = others
        event.attendance_reported_at = now
        event.save()
        audit_record(
            action="events.event.attendance_recorded",
            actor=actor,
            target=event,
            data={"parents_carers": parents_carers, "professionals": professionals, "others": others},
        )
    return event


def attendance_request_send(*, event: Event, kind: str, today: date) -> bool:
    """Ask the organiser how many attended (or remind them), once: the (event, kind)
    row is claimed before the email goes. Returns whether it was sent now."""
    with transaction.atomic():
        if event.attendance_reported_at is not None or event.state != State.APPROVED:
            return False
        try:
            with transaction.atomic():
                EventMessage.objects.create(event=event, kind=kind, sent_on=today)
        except IntegrityError:
            return False
        audit_record(action=f"events.event.{kind}_sent", actor_label="scheduled job", target=event)
        _tell_organiser(
            event,
            template="events/email/attendance",
            reminder=kind == EventMessage.Kind.ATTENDANCE_REMINDER,
            attendance_url=reverse("events:attendance", args=[event.pk]),
        )
    return True
