from __future__ import annotations

import io
from datetime import date

from django.utils import timezone

from conftest import make_person
from nurture.accounts.roles import Role
from nurture.campaigns.demo import demo_campaign_year
from nurture.campaigns.models import Campaign
from nurture.events.demo import demo_events
from nurture.events.models import Event


def _this_years_campaign() -> Campaign:
    year = demo_campaign_year(timezone.localdate())
    return Campaign.objects.create(
        year=year,
        slug=str(year),
        name="IMHAW",
        theme="Connections",
        starts_on=date(year, 6, 9),
        ends_on=date(year, 6, 15),
    )


def test_without_this_years_campaign_the_demo_creates_nothing_and_says_so(db):
    out = io.StringIO()
    demo_events(stdout=out)
    assert not Event.objects.exists() and "no campaign" in out.getvalue()


def test_the_demo_makes_mixed_events_and_is_safe_to_run_twice(db):
    _this_years_campaign()
    organiser = make_person("organiser@demo.nurture.test", Role.EVENT_ORGANISER)
    demo_events(stdout=io.StringIO(), events=50)
    demo_events(stdout=io.StringIO(), events=50)
    organiser.refresh_from_db()
    assert organiser.organisation is not None
    assert Event.objects.count() == 30 + 50
    states = set(Event.objects.values_list("state", flat=True))
    assert states == {"approved", "submitted", "changes_requested", "rejected", "cancelled"}
    assert Event.objects.filter(mode="online").exists() and Event.objects.filter(proposal__isnull=False).exists()
    assert Event.objects.filter(listed=True).count() == 20 + 2 + 1 + 50
    demo_events(stdout=io.StringIO(), events=60)
    assert Event.objects.count() == 30 + 60
