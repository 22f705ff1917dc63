"""Two clicks at once on the pledge and on a new campaign: one row, and calm answers."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import client_for, make_person
from nurture.accounts.roles import Role
from nurture.campaigns.models import Campaign, PledgeSignature
from nurture.campaigns.services import CampaignError, campaign_save, pledge_sign
from nurture.core.tests.concurrency import RACE, meeting_before, run_together, twice

from .conftest import make_campaign, signer


@pytest.mark.parametrize("at_once", RACE)
def test_signing_twice_is_one_signature(db, at_once):
    campaign = make_campaign(2022)
    sign = lambda: pledge_sign(campaign=campaign, signer=signer(), address="192.0.2.10")  # noqa: E731
    if at_once:
        with meeting_before(PledgeSignature.objects, "create"):
            results = run_together(sign, sign)
    else:
        results = twice(at_once, sign)
    assert results == [True, True]
    assert PledgeSignature.objects.filter(campaign=campaign).count() == 1


def new_campaign() -> Campaign:
    return Campaign(
        year=2031,
        slug="2031",
        name="Infant Mental Health Awareness Week",
        theme="Play",
        starts_on=date(2031, 6, 9),
        ends_on=date(2031, 6, 15),
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_creating_the_same_campaign_twice_at_once_makes_one_and_says_why_not_the_other():
    coordinator = make_person("coordinator@example.org", Role.COORDINATOR)
    with meeting_before(Campaign, "save"):
        results = run_together(
            lambda: campaign_save(campaign=new_campaign(), actor=coordinator),
            lambda: campaign_save(campaign=new_campaign(), actor=coordinator),
        )
    (saved,) = Campaign.objects.filter(year=2031)
    assert saved in results
    (refusal,) = [r for r in results if r != saved]
    assert isinstance(refusal, CampaignError)
    assert "There is already a campaign for 2031 or at the address 2031" in str(refusal)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_new_campaign_form_sent_twice_at_once_saves_one_and_shows_why_not_the_other():
    coordinator = make_person("coordinator@example.org", Role.COORDINATOR)
    data = {
        "year": "2031",
        "slug": "2031",
        "name": "Infant Mental Health Awareness Week",
        "theme": "Play",
        "starts_on": "2031-06-09",
        "ends_on": "2031-06-15",
    }
    clients = [client_for(coordinator), client_for(coordinator)]
    with meeting_before(Campaign, "save"):
        responses = run_together(*(lambda c=c: c.post("/staff/campaigns/new/", data) for c in clients))
    assert sorted(r.status_code for r in responses) == [302, 400]
    (refused,) = [r for r in responses if r.status_code == 400]
    page = refused.content.decode()
    assert "There is already a campaign for 2031 or at the address 2031" in page
    assert 'value="Play"' in page
    assert Campaign.objects.filter(year=2031).count() == 1
