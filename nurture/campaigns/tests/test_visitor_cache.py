"""Public campaign pages are cached whole for visitors, and never go stale."""

from datetime import date
from typing import Any

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


def _signed(campaign: Campaign, *, confirmed: bool):
    from django.core import mail

    from nurture.campaigns.models import PledgeSignature
    from nurture.campaigns.services import pledge_confirm

    from .conftest import sign

    mail.outbox.clear()
    sign(campaign)
    signature = PledgeSignature.objects.get(campaign=campaign)
    return pledge_confirm(signature=signature) if confirmed else signature


def _campaign_services() -> dict[str, tuple[Any, Any]]:
    """Each service, as (what it needs made first, the change itself)."""
    from nurture.campaigns.models import Resource
    from nurture.campaigns.services import (
        campaign_save,
        pledge_confirm,
        pledge_hide,
        pledge_withdraw,
        pledges_anonymise,
        resource_save,
    )

    def nothing(campaign: Campaign) -> None:
        return None

    def unconfirmed(campaign: Campaign) -> Any:
        return _signed(campaign, confirmed=False)

    def confirmed(campaign: Campaign) -> Any:
        return _signed(campaign, confirmed=True)

    return {
        "edit the campaign": (
            nothing,
            lambda made, campaign, coordinator: campaign_save(campaign=campaign, actor=coordinator),
        ),
        "confirm a signature": (unconfirmed, lambda made, campaign, coordinator: pledge_confirm(signature=made)),
        "withdraw a signature": (confirmed, lambda made, campaign, coordinator: pledge_withdraw(signature=made)),
        "hide a signature": (
            confirmed,
            lambda made, campaign, coordinator: pledge_hide(signature=made, actor=coordinator, reason="Not real"),
        ),
        "anonymise the signatures": (
            confirmed,
            lambda made, campaign, coordinator: pledges_anonymise(campaign=campaign),
        ),
        "save a resource": (
            nothing,
            lambda made, campaign, coordinator: resource_save(
                resource=Resource(slug="pack", title="Pack", kind="briefing", campaign=campaign), actor=coordinator
            ),
        ),
    }


@pytest.mark.parametrize("name", _campaign_services().keys())
def test_each_change_the_public_sees_bumps_the_campaigns_version(campaign, coordinator, name):
    from nurture.core.data_versions import data_versions

    prepare, change = _campaign_services()[name]
    made = prepare(campaign)
    mine = f"campaign:{campaign.pk}"
    before = data_versions(mine, "campaigns")
    change(made, campaign, coordinator)
    after = data_versions(mine, "campaigns")
    assert after[mine] > before[mine]
    # Only a change to the campaign itself touches what other apps' pages show of it.
    assert after["campaigns"] == before["campaigns"] + (name == "edit the campaign")
