"""The Register's daily jobs, as background tasks that take plain values.

Each is safe to run twice, or on two workers at once: a reminder is claimed by
inserting a unique (entry, due date, days before) row before it is emailed, and a
status change is an atomic `UPDATE … WHERE status = <old>`.
`manage.py run_scheduled` runs them every day (see docs/operations.md).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q
from django_tasks import task

from nurture.register.models import RegisterEntry
from nurture.register.renewal import DUE_WINDOW_DAYS, GRACE_DAYS, reminder_due
from nurture.register.services import register_status_follow_calendar, renewal_reminder_send

Status = RegisterEntry.Status


@task()
def renewal_reminders_send(*, today: str) -> int:
    """Email the 60-, 30- and 7-day reminders due by `today` (ISO date); returns how many went."""
    day = date.fromisoformat(today)
    entries = RegisterEntry.objects.filter(
        status__in=(Status.ACTIVE, Status.RENEWAL_DUE),
        practitioner__isnull=False,
        renewal_due_on__gte=day,
        renewal_due_on__lte=day + timedelta(days=DUE_WINDOW_DAYS),
    ).select_related("practitioner")
    sent = 0
    for entry in entries.iterator(chunk_size=500):
        days_before = reminder_due(entry.renewal_due_on, day)
        if days_before is not None and renewal_reminder_send(entry=entry, days_before=days_before):
            sent += 1
    return sent


@task()
def register_statuses_update(*, today: str) -> int:
    """Move entries along the calendar: renewal due from 60 days before the due date,
    lapsed 30 days after it. Returns how many changed."""
    day = date.fromisoformat(today)
    entries = RegisterEntry.objects.filter(
        Q(status=Status.ACTIVE, renewal_due_on__lte=day + timedelta(days=DUE_WINDOW_DAYS))
        | Q(status=Status.RENEWAL_DUE, renewal_due_on__lte=day - timedelta(days=GRACE_DAYS))
    ).select_related("practitioner")
    changed = 0
    for entry in entries.iterator(chunk_size=500):
        if register_status_follow_calendar(entry=entry, today=day):
            changed += 1
    return changed


@task()
def register_daily(*, today: str) -> dict[str, int]:
    """Everything the Register does each day, in order."""
    return {
        "reminders": renewal_reminders_send.call(today=today),
        "status changes": register_statuses_update.call(today=today),
    }
