"""Public campaign pages are cached whole for visitors, and never go stale."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import client_for
from nurture.campaigns.models import Campaign
from nurture.campaigns.services import campaign_touch

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return Campaign.objects.create(
        year=2026,
        slug="2026",
        name="Infant Mental Health Awareness Week",
        theme="Relationships from the Start",
        starts_on=date(2026, 6, 8),
        ends_on=date(2026, 6, 14),
        pledge_text="I will include infants.",
    )


def test_a_visitors_second_visit_is_served_from_the_cache_with_one_small_query(campaign):
    visitor = Client()
    first = visitor.get("/awareness-week/2026/pledge/")
    with CaptureQueriesContext(connection) as queries:
        second = visitor.get("/awareness-week/2026/pledge/")
    assert second.status_code == 200
    assert second.content == first.content
    assert len(queries) == 1
    assert "csrftoken" not in first.cookies


def test_a_change_to_the_campaign_shows_at_once(campaign):
    visitor = Client()
    visitor.get("/awareness-week/2026/")
    Campaign.objects.filter(pk=campaign.pk).update(theme="Seen at once")
    campaign_touch(campaign_id=campaign.pk)
    assert b"Seen at once" in visitor.get("/awareness-week/2026/").content


def test_signed_in_people_never_get_a_visitors_page(campaign, practitioner):
    Client().get("/awareness-week/2026/")
    page = client_for(practitioner).get("/awareness-week/2026/").content.decode()
    assert "Sign out" in page
    assert "Create an account" not in page
