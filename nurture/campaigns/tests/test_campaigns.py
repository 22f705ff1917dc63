"""Campaign pages: this year's landing, a year's landing, the archive, the coordinator's editing."""

from __future__ import annotations

import io
import re
from datetime import date

from django.test import modify_settings
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from nurture.campaigns.demo import demo_campaigns
from nurture.campaigns.models import Campaign, PledgeSignature, PledgeTally, Resource
from nurture.campaigns.selectors import events_counts

from .conftest import make_campaign


def test_the_landing_page_shows_the_current_campaign(db):
    make_campaign(2021, "Including Infants")
    make_campaign(2022, "Understanding Early Trauma", landing_body="Trauma in the earliest years.")
    content = client_for(None).get(reverse("campaigns:current")).content.decode()
    assert "2022: Understanding Early Trauma" in content
    assert "Trauma in the earliest years." in content
    assert "Relationships are the main buffer." in content
    assert "#IMHAW2022" in content


def test_without_a_campaign_the_landing_page_says_so(db):
    assert client_for(None).get(reverse("campaigns:current")).status_code == 404


def test_an_unpublished_campaign_is_not_shown(db):
    make_campaign(2023, published=False)
    assert client_for(None).get(reverse("campaigns:landing", args=["2023"])).status_code == 404


def test_the_archive_lists_every_year_with_what_each_produced(db):
    past = make_campaign(2021, "Including Infants")
    PledgeTally.objects.create(campaign=past, profession="nurse", region="london", count=112)
    Resource.objects.create(slug="r", title="R", kind="briefing", campaign=past, status="published")
    next_year = timezone.localdate().year + 1
    make_campaign(next_year, "Next year")
    make_campaign(2019, "Never published", published=False)
    content = client_for(None).get(reverse("campaigns:archive")).content.decode()
    assert "Including Infants" in content
    assert ">112<" in content
    # The coming year is listed too, first and marked, so the archive never jumps a year.
    assert content.index(f'>{next_year}</a> <span class="tag">Coming</span>') < content.index(">2021</a>")
    assert "Never published" not in content


def test_the_archive_lists_every_year_of_the_demo_without_a_gap(db):
    demo_campaigns(stdout=io.StringIO())
    content = client_for(None).get(reverse("campaigns:archive")).content.decode()
    years = [
        int(y)
        for y in re.findall(r'<th scope="row" data-label="Year"><a href="/awareness-week/\d+/">(\d+)</a>', content)
    ]
    assert years == list(range(max(years), 2019, -1))


def test_the_landing_page_changes_when_the_coordinator_edits_it(db, coordinator):
    campaign = make_campaign(2022)
    url = reverse("campaigns:landing", args=["2022"])
    client_for(None).get(url)
    data = {
        "year": 2022,
        "slug": "2022",
        "name": campaign.name,
        "theme": "A new theme",
        "starts_on": "2022-06-13",
        "ends_on": "2022-06-19",
        "pledge_text": campaign.pledge_text,
        "pledge_open": "on",
        "published": "on",
    }
    response = client_for(coordinator).post(reverse("campaigns:staff_campaign_edit", args=["2022"]), data)
    assert response.status_code == 302
    assert "A new theme" in client_for(None).get(url).content.decode()


def test_the_campaign_form_keeps_typed_input_and_shows_errors_next_to_fields(db, coordinator):
    response = client_for(coordinator).post(
        reverse("campaigns:staff_campaign_new"),
        {"year": "2030", "slug": "archive", "theme": "Typed theme", "starts_on": "2030-06-20", "ends_on": "2030-06-10"},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert 'value="Typed theme"' in content
    assert 'id="id_slug_error"' in content and 'id="id_ends_on_error"' in content


def test_the_demo_is_safe_to_run_twice_and_adds_bulk_signatures(db, private_media):
    class Out:
        def write(self, text: str) -> None:
            pass

    demo_campaigns(stdout=Out(), signatures=30)
    demo_campaigns(stdout=Out(), signatures=40)
    assert set(Campaign.objects.values_list("year", flat=True)) >= {2020, 2021, 2022}
    assert Campaign.objects.get(year=2021).theme == "Including Infants"
    assert Campaign.objects.get(year=2022).starts_on == date(2022, 6, 13)
    current = Campaign.objects.order_by("-year").first()
    assert PledgeSignature.objects.filter(campaign=current).count() == 25 + 40
    assert sum(PledgeTally.objects.filter(campaign=current).values_list("count", flat=True)) == 65
    assert sum(PledgeTally.objects.filter(campaign__year=2021).values_list("count", flat=True)) > 100
    assert Resource.objects.filter(status="published").count() == 4
    assert (
        client_for(None).get(reverse("campaigns:resource", args=["understanding-early-trauma-briefing"])).status_code
        == 200
    )


def test_without_the_events_app_no_events_are_counted(db):
    campaign = make_campaign(2022)
    with modify_settings(INSTALLED_APPS={"remove": ["nurture.events"]}):
        assert events_counts([campaign.pk]) is None
    assert events_counts([campaign.pk]) == {}
