"""Campaign fixtures: campaigns with dates set explicitly, and signatures made through the service."""

from __future__ import annotations

import re
from datetime import date

import pytest

from nurture.campaigns.models import Campaign
from nurture.campaigns.services import Signer, pledge_sign


@pytest.fixture
def send_now(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the emails) at the end of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def make_campaign(year: int, theme: str = "Understanding Early Trauma", **fields) -> Campaign:
    values = {
        "slug": str(year),
        "name": "Infant Mental Health Awareness Week",
        "theme": theme,
        "starts_on": date(year, 6, 13),
        "ends_on": date(year, 6, 19),
        "key_messages": "Babies can be affected by trauma.\nRelationships are the main buffer.",
        "hashtag": f"#IMHAW{year}",
        "pledge_text": "I pledge to ask how the babies I meet are doing.",
        **fields,
    }
    return Campaign.objects.create(year=year, **values)


@pytest.fixture
def campaign(db) -> Campaign:
    return make_campaign(2022)


def signer(email: str = "rose.clark@example.org", **fields) -> Signer:
    values = {
        "name": "Rose Clark",
        "profession": "health-visitor",
        "organisation": "Leeds Community Healthcare",
        "region": "yorkshire",
        "email": email,
        "show_name": True,
        **fields,
    }
    return Signer(**values)


def sign(campaign: Campaign, email: str = "rose.clark@example.org", *, address: str = "192.0.2.10", **fields) -> None:
    pledge_sign(campaign=campaign, signer=signer(email, **fields), address=address)


def emailed_links(message) -> tuple[str, str]:
    confirm = re.search(r"/awareness-week/pledge/confirm/([^/\s]+)/", message.body)
    withdraw = re.search(r"/awareness-week/pledge/withdraw/([^/\s]+)/", message.body)
    assert confirm and withdraw, message.body
    return confirm.group(1), withdraw.group(1)
