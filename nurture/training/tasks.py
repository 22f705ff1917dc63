"""The training directory's background work, as tasks that take plain values.

`offer_expire` passes one unanswered offer on when it runs out (queued for that moment
when a place is offered). `training_daily` does what is due each day: every offer past
its time passes on (for a queue that could not wait), places still free go to the waiting
list, and everyone with a place at a cohort or open day that starts tomorrow is reminded.
Each is safe to run twice: every step changes a row only from the status it expects.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from django_tasks import task

from nurture.training.models import Booking, Session
from nurture.training.services import offer_expire_now, offers_expire, offers_make, reminders_send


@task()
def offer_expire(*, booking_id: int) -> bool:
    booking = Booking.objects.filter(pk=booking_id).first()
    return booking is not None and offer_expire_now(booking=booking, now=timezone.now())


@task()
def training_daily(*, today: str) -> dict[str, int]:
    day = date.fromisoformat(today)
    now = timezone.now()  # offers run out by the clock; `today` only says whose session is tomorrow
    expired = offers_expire(now=now)
    offered = 0
    waiting = Session.objects.filter(starts_at__gt=now, bookings__status=Booking.Status.WAITING).distinct()
    for session in waiting.select_related("course__provider"):
        offered += offers_make(session=session, now=now)
    reminded = reminders_send(starting_on=day + timedelta(days=1), now=now)
    return {"place offers passed on": expired, "waiting-list offers": offered, "booking reminders": reminded}
