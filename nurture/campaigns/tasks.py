"""Awareness Week's daily job, as a background task that takes plain values.

`pledges_daily` anonymises the signers of every campaign that ended more than
NURTURE_PLEDGE_ANONYMISE_DAYS days ago (90 by default) and closes its pledge. The
counts stay. Safe to run twice: only signatures not yet anonymised are touched.
`manage.py run_scheduled` runs it every day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django_tasks import task

from nurture.campaigns.models import Campaign
from nurture.campaigns.services import anonymise_after_days, pledges_anonymise


@task()
def pledges_daily(*, today: str) -> dict[str, int]:
    """Everything the pledge does each day; `today` is an ISO date. Returns counts."""
    day = date.fromisoformat(today)
    cutoff = day - timedelta(days=anonymise_after_days())
    now = timezone.make_aware(datetime.combine(day, time(3, 0)))
    anonymised = 0
    for campaign in Campaign.objects.filter(ends_on__lt=cutoff, signatures__anonymised_at__isnull=True).distinct():
        anonymised += pledges_anonymise(campaign=campaign, now=now)
    return {"pledge signatures anonymised": anonymised}
