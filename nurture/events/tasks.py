"""The calendar's daily job: after an event, ask its organiser how many attended,
and remind them a week later if they have not said.

Each email is claimed by inserting a unique (event, kind) row before it goes, so
running the job twice, or on two workers, sends nothing twice.
`events_daily` is the app's daily job (`EventsConfig.daily_task`), run by `manage.py run_scheduled`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef
from django_tasks import task

from nurture.events.models import Event, EventMessage
from nurture.events.selectors import site_zone
from nurture.events.services import attendance_request_send

REMINDER_AFTER_DAYS = 7
LOOK_BACK_DAYS = 60

Kind = EventMessage.Kind


@task()
def attendance_ask(*, event_id: int, kind: str, today: str) -> bool:
    """Send one attendance request or reminder; False if it had already gone, or is not needed."""
    event = Event.objects.select_related("organisation", "submitted_by").filter(pk=event_id).first()
    if event is None:
        return False
    return attendance_request_send(event=event, kind=kind, today=date.fromisoformat(today))


@task()
def events_daily(*, today: str) -> dict[str, int]:
    """Ask about events that ended before `today` (YYYY-MM-DD; in the last 60 days), and
    remind those asked at least a week ago. Returns how many of each were queued."""
    return attendance_asks_queue(today=date.fromisoformat(today))


def attendance_asks_queue(*, today: date) -> dict[str, int]:
    """`events_daily`'s work, for a date."""
    midnight = datetime.combine(today, time.min, tzinfo=site_zone())
    ended = Event.objects.filter(
        state=Event.State.APPROVED,
        attendance_reported_at__isnull=True,
        ends_at__lt=midnight,
        ends_at__gte=midnight - timedelta(days=LOOK_BACK_DAYS),
    )
    asked = EventMessage.objects.filter(event=OuterRef("pk"), kind=Kind.ATTENDANCE_REQUEST)
    reminded = EventMessage.objects.filter(event=OuterRef("pk"), kind=Kind.ATTENDANCE_REMINDER)
    asked_long_ago = asked.filter(sent_on__lte=today - timedelta(days=REMINDER_AFTER_DAYS))
    to_ask = ended.filter(~Exists(asked)).values_list("pk", flat=True)
    to_remind = ended.filter(Exists(asked_long_ago), ~Exists(reminded)).values_list("pk", flat=True)
    counts = {"attendance requests": 0, "attendance reminders": 0}
    for pk in list(to_remind):
        attendance_ask.enqueue(event_id=pk, kind=Kind.ATTENDANCE_REMINDER, today=today.isoformat())
        counts["attendance reminders"] += 1
    for pk in list(to_ask):
        attendance_ask.enqueue(event_id=pk, kind=Kind.ATTENDANCE_REQUEST, today=today.isoformat())
        counts["attendance requests"] += 1
    return counts
