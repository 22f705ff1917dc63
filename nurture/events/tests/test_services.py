from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from nurture.core.models import AuditEntry
from nurture.events.models import Event
from nurture.events.services import (
    EventError,
    attendance_record,
    event_cancel,
    event_moderate,
    event_submit,
    event_update,
)

from .conftest import LONDON, event_values

State = Event.State


def _in_state(state: str, submit, coordinator, organiser) -> Event:
    event = submit()
    if state == State.APPROVED:
        event = event_moderate(event=event, actor=coordinator, action="approve")
    elif state == State.REJECTED:
        event = event_moderate(event=event, actor=coordinator, action="reject", reason="Not about babies.")
    elif state == State.CHANGES_REQUESTED:
        event = event_moderate(event=event, actor=coordinator, action="ask_changes", reason="Add the postcode.")
    elif state == State.CANCELLED:
        event = event_cancel(event=event, actor=organiser)
    return event


# (from, action) → to; every pair not listed is refused.
MODERATION = {
    (State.SUBMITTED, "approve"): State.APPROVED,
    (State.SUBMITTED, "reject"): State.REJECTED,
    (State.SUBMITTED, "ask_changes"): State.CHANGES_REQUESTED,
}


@pytest.mark.parametrize("start", list(State))
@pytest.mark.parametrize("action", ["approve", "reject", "ask_changes"])
def test_the_coordinator_moderates_only_from_the_legal_states(submit, coordinator, organiser, start, action):
    event = _in_state(start, submit, coordinator, organiser)
    expected = MODERATION.get((start, action))
    if expected is None:
        with pytest.raises(EventError):
            event_moderate(event=event, actor=coordinator, action=action, reason="Because.")
        event.refresh_from_db()
        assert event.state == start
    else:
        assert event_moderate(event=event, actor=coordinator, action=action, reason="Because.").state == expected


EDITABLE_FROM = {
    State.SUBMITTED: State.SUBMITTED,
    State.CHANGES_REQUESTED: State.SUBMITTED,
    State.APPROVED: State.APPROVED,
}


@pytest.mark.parametrize("start", list(State))
def test_the_organiser_edits_only_from_the_legal_states(submit, coordinator, organiser, start):
    event = _in_state(start, submit, coordinator, organiser)
    if start in EDITABLE_FROM:
        assert (
            event_update(event=event, actor=organiser, values=event_values(title="New title")).state
            == (EDITABLE_FROM[start])
        )
    else:
        with pytest.raises(EventError):
            event_update(event=event, actor=organiser, values=event_values())


@pytest.mark.parametrize("start", list(State))
def test_the_organiser_cancels_any_event_not_already_closed(submit, coordinator, organiser, start):
    event = _in_state(start, submit, coordinator, organiser)
    if start in (State.REJECTED, State.CANCELLED):
        with pytest.raises(EventError):
            event_cancel(event=event, actor=organiser)
    else:
        assert event_cancel(event=event, actor=organiser).state == State.CANCELLED


def test_answering_a_request_for_changes_sends_it_back_to_moderation(submit, coordinator, organiser):
    event = event_moderate(event=submit(), actor=coordinator, action="ask_changes", reason="Add access details.")
    event = event_update(event=event, actor=organiser, values=event_values(quiet_room=True))
    assert event.state == State.SUBMITTED and event.quiet_room


def test_rejecting_or_asking_for_changes_needs_a_reason(submit, coordinator):
    event = submit()
    for action in ("reject", "ask_changes"):
        with pytest.raises(EventError, match="reason"):
            event_moderate(event=event, actor=coordinator, action=action, reason="  ")


def test_only_the_coordinator_moderates(submit, registrar, organiser):
    event = submit()
    for person in (registrar, organiser):
        with pytest.raises(EventError):
            event_moderate(event=event, actor=person, action="approve")


def test_approval_lists_the_event_emails_the_organiser_and_is_audited(
    submit, coordinator, organiser, django_capture_on_commit_callbacks
):
    event = submit()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        event = event_moderate(event=event, actor=coordinator, action="approve")
    assert event.listed and event.approved_at is not None and event.sequence == 0
    (message,) = mail.outbox
    assert message.to == [organiser.email]
    assert "on the calendar" in message.subject
    assert AuditEntry.objects.filter(action="events.event.approved", target_id=str(event.pk)).exists()


def test_a_rejection_tells_the_organiser_why(submit, coordinator, django_capture_on_commit_callbacks):
    event = submit()
    with django_capture_on_commit_callbacks(execute=True):
        event_moderate(event=event, actor=coordinator, action="reject", reason="This is a product launch.")
    assert "This is a product launch." in mail.outbox[-1].body
    assert not Event.objects.get(pk=event.pk).listed


# Editing after approval ----------------------------------------------------------------


def test_an_edit_of_an_approved_event_waits_beside_the_public_version(approved, organiser):
    event = event_update(event=approved, actor=organiser, values=event_values(title="Baby massage: now two sessions"))
    event.refresh_from_db()
    assert event.title == "Baby massage and songs for new parents"
    assert (event.proposal or {})["title"] == "Baby massage: now two sessions"
    assert event.proposal_state == Event.ProposalState.SUBMITTED
    assert event.listed and event.state == State.APPROVED


def test_approving_the_proposal_publishes_it_and_raises_the_sequence(approved, organiser, coordinator):
    later = datetime(2031, 5, 12, 14, 0, tzinfo=LONDON)
    event_update(
        event=approved,
        actor=organiser,
        values=event_values(title="Baby massage: afternoon", starts_at=later, ends_at=later + timedelta(hours=2)),
    )
    event = event_moderate(event=approved, actor=coordinator, action="approve")
    assert (event.title, event.slug, event.starts_at, event.sequence) == (
        "Baby massage: afternoon",
        "baby-massage-afternoon",
        later,
        1,
    )
    assert event.proposal is None and event.proposal_state == ""


def test_rejecting_the_proposal_keeps_the_approved_version(approved, organiser, coordinator):
    event_update(event=approved, actor=organiser, values=event_values(title="Something else"))
    event = event_moderate(event=approved, actor=coordinator, action="reject", reason="The change is off-topic.")
    assert event.title == "Baby massage and songs for new parents" and event.state == State.APPROVED
    assert event.proposal is None and event.proposal_reason == "The change is off-topic." and event.sequence == 0


def test_asking_for_changes_to_a_proposal_keeps_it_for_the_organiser(approved, organiser, coordinator):
    event_update(event=approved, actor=organiser, values=event_values(title="Changed"))
    event = event_moderate(event=approved, actor=coordinator, action="ask_changes", reason="Say which room.")
    assert event.proposal_state == Event.ProposalState.CHANGES_REQUESTED
    assert (event.proposal or {})["title"] == "Changed"
    with pytest.raises(EventError):
        event_moderate(event=event, actor=coordinator, action="approve")
    event = event_update(event=event, actor=organiser, values=event_values(title="Changed, room 2"))
    assert event.proposal_state == Event.ProposalState.SUBMITTED


# Cancelling ------------------------------------------------------------------------------


def test_cancelling_an_approved_event_keeps_it_listed_and_raises_the_sequence(approved, organiser):
    event = event_cancel(event=approved, actor=organiser, reason="The venue flooded.")
    assert event.listed and event.state == State.CANCELLED and event.sequence == 1
    assert event.state_reason == "The venue flooded."


def test_cancelling_drops_a_waiting_proposal(approved, organiser):
    event_update(event=approved, actor=organiser, values=event_values(title="Changed"))
    event = event_cancel(event=approved, actor=organiser)
    assert event.proposal is None and event.proposal_state == ""


def test_cancelling_before_approval_never_lists_it(submit, organiser):
    assert not event_cancel(event=submit(), actor=organiser).listed


# Limits ----------------------------------------------------------------------------------


def test_an_organiser_may_submit_ten_events_an_hour(submit):
    for _ in range(10):
        submit()
    with pytest.raises(EventError, match="limit is 10"):
        submit()


def test_the_hourly_limit_is_configurable_and_per_person(submit, teammate, settings):
    settings.NURTURE_EVENTS_SUBMIT_PER_HOUR = 2
    submit()
    submit()
    with pytest.raises(EventError):
        submit()
    submit(by=teammate)


def test_submissions_older_than_an_hour_do_not_count(submit, settings):
    settings.NURTURE_EVENTS_SUBMIT_PER_HOUR = 1
    first = submit()
    Event.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(minutes=61))
    submit()


def test_people_who_are_not_organisers_cannot_submit(practitioner, campaign):
    with pytest.raises(EventError):
        event_submit(organiser=practitioner, campaign=campaign, values=event_values())


# Attendance ------------------------------------------------------------------------------


def test_attendance_is_recorded_after_the_event(approved, organiser):
    after = approved.ends_at + timedelta(minutes=1)
    event = attendance_record(event=approved, actor=organiser, parents_carers=12, professionals=3, others=1, now=after)
    assert event.attendance_total == 16


def test_attendance_cannot_be_recorded_before_the_event_ends(approved, organiser):
    with pytest.raises(EventError, match="ended"):
        attendance_record(
            event=approved, actor=organiser, parents_carers=1, professionals=0, others=0, now=approved.starts_at
        )
