"""A link to a campaign, its pledge, its resources or one resource, posted on social media,
shows the page's title, a description and the campaign's picture (Open Graph and Twitter
card data, every address absolute)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from conftest import client_for
from nurture.campaigns.models import Campaign, Resource
from nurture.campaigns.selectors import share_image
from nurture.campaigns.services import resource_publish, resource_save, resource_version_add

from .conftest import make_campaign
from .test_resources import pdf


def card(html: str) -> dict[str, str]:
    """The page's Open Graph and Twitter meta tags, by property or name."""
    head = html.split("</head>")[0]
    found = re.findall(r'<meta (?:property|name)="((?:og|twitter):[\w:]+)" content="([^"]*)">', head)
    return {key: unescape(value) for key, value in found}


def assert_shareable(tags: dict[str, str], site: str) -> None:
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["og:image"].startswith(f"{site}/static/campaigns/share/") and tags["og:image"].endswith(".png")
    assert finders.find(tags["og:image"].removeprefix(f"{site}/static/")), "the picture is not a static file"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert tags["og:url"].startswith(f"{site}/")
    assert tags["og:image:alt"] and tags["og:description"] and tags["twitter:image"] == tags["og:image"]


@pytest.fixture
def trauma(db) -> Campaign:
    """2022, as the demo has it, so its own picture is shipped."""
    return make_campaign(2022)


def test_the_landing_page_shares_its_year_theme_and_picture(trauma, settings):
    tags = card(client_for(None).get(reverse("campaigns:landing", args=["2022"])).content.decode())
    assert_shareable(tags, settings.NURTURE_SITE_URL)
    assert tags["og:title"] == "Infant Mental Health Awareness Week 2022: Understanding Early Trauma"
    assert tags["og:description"] == "Babies can be affected by trauma. #IMHAW2022"
    assert tags["og:url"] == f"{settings.NURTURE_SITE_URL}/awareness-week/2022/"
    assert tags["og:type"] == "website"
    assert re.search(r"/share/2022-[0-9a-f]{8}\.png$", tags["og:image"])
    assert tags["og:image:alt"] == "Infant Mental Health Awareness Week 2022: Understanding Early Trauma. #IMHAW2022"


def test_this_years_page_shares_the_same_card(trauma, settings):
    tags = card(client_for(None).get(reverse("campaigns:current")).content.decode())
    assert tags["og:url"] == f"{settings.NURTURE_SITE_URL}/awareness-week/2022/"


def test_the_pledge_page_shares_the_pledge(trauma, settings):
    tags = card(client_for(None).get(reverse("campaigns:pledge", args=["2022"])).content.decode())
    assert_shareable(tags, settings.NURTURE_SITE_URL)
    assert tags["og:title"] == "Sign the 2022 pledge: Understanding Early Trauma"
    assert tags["og:description"].startswith("I pledge to ask how the babies I meet are doing.")


def test_resource_pages_share_their_title(trauma, coordinator, private_media, settings):
    resource = resource_save(
        resource=Resource(slug="brief", title="Early trauma: a briefing", kind="briefing", campaign=trauma,
                          summary="What trauma does to babies, and what helps."),
        actor=coordinator,
    )  # fmt: skip
    resource_version_add(resource=resource, actor=coordinator, upload=pdf())
    resource_publish(resource=resource, actor=coordinator)
    tags = card(client_for(None).get(reverse("campaigns:resource", args=["brief"])).content.decode())
    assert_shareable(tags, settings.NURTURE_SITE_URL)
    assert (tags["og:title"], tags["og:type"]) == ("Early trauma: a briefing", "article")
    assert tags["og:description"] == "What trauma does to babies, and what helps."
    listing = card(client_for(None).get(reverse("campaigns:resources", args=["2022"])).content.decode())
    assert_shareable(listing, settings.NURTURE_SITE_URL)


def test_a_campaign_without_its_own_picture_shares_the_any_year_one(db, settings):
    make_campaign(2022, "A theme nobody drew")
    tags = card(client_for(None).get(reverse("campaigns:landing", args=["2022"])).content.decode())
    assert_shareable(tags, settings.NURTURE_SITE_URL)
    assert tags["og:image"] == f"{settings.NURTURE_SITE_URL}/static/campaigns/share/imhaw.png"
    assert tags["og:image:alt"] == "Infant Mental Health Awareness Week. #IMHAW"


def test_every_demo_campaign_has_its_picture(db, monkeypatch):
    """As the demo is on the day the pictures were made; a later demo year shares the
    any-year picture until `manage.py campaign_share_images` is run again."""
    from datetime import date
    from io import StringIO

    from django.utils import timezone

    from nurture.campaigns.demo import demo_campaigns

    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2026, 12, 1))
    demo_campaigns(stdout=StringIO())
    assert set(Campaign.objects.values_list("year", flat=True)) == set(range(2020, 2028))
    for campaign in Campaign.objects.all():
        path, _alt = share_image(campaign)
        assert path != "campaigns/share/imhaw.png", f"{campaign.year} has no picture: manage.py campaign_share_images"


def test_pages_without_a_card_have_no_social_tags(db):
    assert card(client_for(None).get(reverse("register:search")).content.decode()) == {}
