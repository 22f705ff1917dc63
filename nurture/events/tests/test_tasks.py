from __future__ import annotations

from datetime import date, timedelta

from django.core import mail

from nurture.events.models import Event, EventMessage
from nurture.events.services import attendance_record
from nurture.events.tasks import attendance_ask, events_daily

THE_DAY_AFTER = date(2031, 5, 13)


def test_the_organiser_is_asked_about_attendance_once_when_run_twice(approved, organiser, send_now):
    with send_now():
        first = events_daily.call(today=str(THE_DAY_AFTER))
    with send_now():
        second = events_daily.call(today=str(THE_DAY_AFTER))
    assert first == {"attendance requests": 1, "attendance reminders": 0}
    assert second == {"attendance requests": 0, "attendance reminders": 0}
    (message,) = mail.outbox
    assert message.to == [organiser.email] and f"/events/{approved.pk}/attendance/" in message.body


def test_the_same_task_run_twice_sends_once(approved, send_now):
    with send_now():
        assert attendance_ask.call(event_id=approved.pk, kind=EventMessage.Kind.ATTENDANCE_REQUEST, today="2031-05-13")
        assert not attendance_ask.call(
            event_id=approved.pk, kind=EventMessage.Kind.ATTENDANCE_REQUEST, today="2031-05-13"
        )
    assert len(mail.outbox) == 1


def test_nobody_is_asked_before_the_event_ends(approved, send_now):
    with send_now():
        assert events_daily.call(today=str(date(2031, 5, 12)))["attendance requests"] == 0
    assert mail.outbox == []


def test_a_reminder_goes_a_week_later_once(approved, send_now):
    with send_now():
        events_daily.call(today=str(THE_DAY_AFTER))
    with send_now():
        assert events_daily.call(today=str(THE_DAY_AFTER + timedelta(days=6)))["attendance reminders"] == 0
        assert events_daily.call(today=str(THE_DAY_AFTER + timedelta(days=7)))["attendance reminders"] == 1
        assert events_daily.call(today=str(THE_DAY_AFTER + timedelta(days=8)))["attendance reminders"] == 0
    assert [m.subject.startswith("Reminder") for m in mail.outbox] == [False, True]


def test_nobody_is_reminded_once_attendance_is_in(approved, organiser, send_now):
    with send_now():
        events_daily.call(today=str(THE_DAY_AFTER))
    attendance_record(
        event=approved, actor=organiser, parents_carers=5, professionals=1, others=0, now=approved.ends_at
    )
    with send_now():
        assert events_daily.call(today=str(THE_DAY_AFTER + timedelta(days=8))) == {
            "attendance requests": 0,
            "attendance reminders": 0,
        }
    assert len(mail.outbox) == 1


def test_cancelled_events_are_not_asked_about(approved, organiser, send_now):
    Event.objects.filter(pk=approved.pk).update(state=Event.State.CANCELLED)
    with send_now():
        assert events_daily.call(today=str(THE_DAY_AFTER))["attendance requests"] == 0
