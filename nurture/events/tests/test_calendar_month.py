"""The month view opens where the events are, and counts by the same rule as the
campaign's pages: cancelled events are listed, marked, and not counted."""

from __future__ import annotations

import re
from datetime import datetime

from django.urls import reverse

from conftest import client_for
from nurture.campaigns.models import Campaign
from nurture.events.services import event_cancel

from .conftest import LONDON


def _month_link(html: str) -> str:
    found = re.search(r'<a href="(/events/month/\d+/\d+/)[^"]*">Month view', html)
    assert found, "no month view link"
    return found.group(1)


def test_the_month_view_link_opens_on_the_month_of_the_first_event_listed(approved):
    html = client_for(None).get(reverse("events:list")).content.decode()
    assert _month_link(html) == "/events/month/2031/5/"


def test_for_a_campaign_without_events_ahead_it_opens_on_the_campaigns_week(db):
    Campaign.objects.create(
        year=2022, slug="2022", name="IMHAW", theme="Understanding Early Trauma", starts_on="2022-06-13",
        ends_on="2022-06-19", published=True,
    )  # fmt: skip
    html = client_for(None).get(reverse("events:list"), {"campaign": "2022"}).content.decode()
    assert _month_link(html) == "/events/month/2022/6/"


def test_with_nothing_to_show_it_opens_on_this_month(db):
    from django.utils import timezone

    today = timezone.localdate()
    html = client_for(None).get(reverse("events:list")).content.decode()
    assert _month_link(html) == f"/events/month/{today.year}/{today.month}/"


def test_a_month_without_events_points_to_the_next_month_that_has_some(approved):
    html = client_for(None).get(reverse("events:month", args=[2030, 12])).content.decode()
    assert "No events start in December 2030." in html
    assert '<a href="/events/month/2031/5/">May 2031</a>' in html


def test_a_month_with_events_does_not_look_further(approved, django_assert_num_queries):
    # The calendar's versions (the visitor page cache, a miss), then the day counts and each
    # day's first events; no look for the next month with events.
    with django_assert_num_queries(3):
        client_for(None).get(reverse("events:month", args=[2031, 5]))


def test_the_month_and_the_landing_page_count_the_same_events(submit, approve, organiser, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(published=True)
    approve(submit(title="Baby massage"))
    approve(submit(title="Songs and rhymes"))
    event_cancel(event=approve(submit(title="Called off")), actor=organiser, reason="The hall flooded.")
    landing = client_for(None).get(reverse("campaigns:landing", args=[campaign.slug])).content.decode()
    month = client_for(None).get(reverse("events:month", args=[2031, 5])).content.decode()
    assert "2 events in the calendar for 2031." in landing
    assert "<span>2 events · 1 cancelled, not counted</span>" in month
    assert "Cancelled: Called off" in month


def test_the_landing_page_links_to_the_calendar_of_its_week(approved, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(published=True)
    landing = client_for(None).get(reverse("campaigns:landing", args=[campaign.slug])).content.decode()
    assert '<a href="/events/month/2031/5/?campaign=2031">The calendar for May 2031</a>' in landing


def test_each_day_with_events_carries_its_full_date_for_the_list_a_phone_shows(approved, submit, approve):
    approve(submit(title="Later", starts_at=datetime(2031, 5, 20, 9, 0, tzinfo=LONDON),
                   ends_at=datetime(2031, 5, 20, 10, 0, tzinfo=LONDON)))  # fmt: skip
    html = client_for(None).get(reverse("events:month", args=[2031, 5])).content.decode()
    assert '<span class="day-long">Monday 12 May</span>' in html
    assert '<span class="day-long">Tuesday 20 May</span>' in html
    # Days without events are marked, and a small screen leaves them out (nurture.css).
    assert html.count('class="day--empty"') == 31 - 2
