"""An event's page carries Open Graph and Twitter card data with its campaign's picture."""

from __future__ import annotations

from django.urls import reverse

from conftest import client_for
from nurture.campaigns.tests.test_share_cards import assert_shareable, card
from nurture.events.services import event_cancel


def test_an_event_page_shares_its_title_time_place_and_picture(approved, settings):
    html = client_for(None).get(reverse("events:detail", args=[approved.pk, approved.slug])).content.decode()
    tags = card(html)
    assert_shareable(tags, settings.NURTURE_SITE_URL)
    assert tags["og:title"] == "Baby massage and songs for new parents"
    assert tags["og:description"].startswith(
        "Monday 12 May 2031, 10:00. Lawrence Weston Family Hub, Bristol. Severnside Family Hubs. A relaxed morning"
    )
    assert tags["og:url"] == f"{settings.NURTURE_SITE_URL}/events/{approved.pk}/{approved.slug}/"


def test_a_cancelled_event_says_so_when_shared(approved, organiser):
    event_cancel(event=approved, actor=organiser, reason="The hall flooded.")
    html = client_for(None).get(reverse("events:detail", args=[approved.pk, approved.slug])).content.decode()
    tags = card(html)
    assert tags["og:title"] == "Cancelled: Baby massage and songs for new parents"
    assert tags["og:description"].startswith("Cancelled. ")
