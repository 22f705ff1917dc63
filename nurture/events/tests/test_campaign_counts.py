"""What a campaign's pages count of its events. The rule (approved events only) is the
events app's; the campaigns app asks for it through `EventsConfig.campaign_event_counts`
and imports nothing of events."""

from __future__ import annotations

from django.urls import reverse

from conftest import client_for
from nurture.campaigns.selectors import events_counts
from nurture.events.selectors import approved_events_per_campaign
from nurture.events.services import event_cancel


def test_only_approved_events_count_for_their_campaign(submit, approve, organiser, campaign):
    approve(submit(title="Baby massage"))
    approve(submit(title="Songs and rhymes"))
    submit(title="Waiting for the coordinator")
    event_cancel(event=approve(submit(title="Called off")), actor=organiser, reason="The hall flooded.")
    assert approved_events_per_campaign([campaign.pk]) == {campaign.pk: 2}
    assert approved_events_per_campaign([campaign.pk + 1]) == {}


def test_the_campaigns_app_counts_through_the_events_selector(submit, approve, campaign):
    approve(submit())
    assert events_counts([campaign.pk]) == {campaign.pk: 1}


def test_the_campaign_landing_page_shows_the_count(submit, approve, campaign):
    campaign.published = True
    campaign.save(update_fields=["published"])
    approve(submit(title="Baby massage"))
    approve(submit(title="Songs and rhymes"))
    content = client_for(None).get(reverse("campaigns:landing", args=[campaign.slug])).content.decode()
    assert "2 events in the calendar for 2031." in content
