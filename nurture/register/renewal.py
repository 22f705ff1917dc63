"""The renewal calendar: pure functions on dates, no Django.

- An entry is endorsed for one year; its renewal is due on `renewal_due_on`.
- Reminders go 60, 30 and 7 days before the due date.
- "Renewal due" starts with the first reminder, 60 days before the due date: the
  practitioner can renew from then on, and the public page still says they are
  endorsed today.
- The grace period is 30 days: on the due date + 30 days the entry lapses.
- Renewing on time moves the due date one year on from the previous due date
  (renewing early never shortens a year). Renewing a lapsed entry (late) starts a
  new year from the day of renewal, without a new application.
"""

from __future__ import annotations

from datetime import date, timedelta

REMINDER_DAYS = (60, 30, 7)
DUE_WINDOW_DAYS = max(REMINDER_DAYS)
GRACE_DAYS = 30

ACTIVE = "active"
RENEWAL_DUE = "renewal_due"
LAPSED = "lapsed"


def one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def renewal_window_opens(due_on: date) -> date:
    return due_on - timedelta(days=DUE_WINDOW_DAYS)


def lapses_on(due_on: date) -> date:
    return due_on + timedelta(days=GRACE_DAYS)


def status_for_dates(due_on: date, today: date) -> str:
    """What the calendar says an entry in good standing is today."""
    if today >= lapses_on(due_on):
        return LAPSED
    if today >= renewal_window_opens(due_on):
        return RENEWAL_DUE
    return ACTIVE


def reminder_due(due_on: date, today: date) -> int | None:
    """The reminder (days before) that should have gone by today, the latest one
    only: a job that did not run for a while sends one reminder, not three."""
    days_left = (due_on - today).days
    if days_left < 0:
        return None
    crossed = [days for days in REMINDER_DAYS if days_left <= days]
    return min(crossed) if crossed else None


def next_period(*, due_on: date, today: date, lapsed: bool) -> tuple[date, date]:
    """(period start, new due date) after a renewal submitted `today`."""
    if lapsed:
        return today, one_year_after(today)
    return due_on, one_year_after(due_on)
