"""This domain's rows of the permission table (see nurture/core/tests/test_permissions.py)."""

# The table reads best with one row per URL, so its lines may be long.
# ruff: noqa: E501

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.urls import reverse

from conftest import client_for, make_person
from nurture.accounts.roles import Role
from nurture.campaigns.demo import demo_pdf
from nurture.campaigns.models import Campaign, PledgeSignature, Resource, ResourceVersion
from nurture.campaigns.services import CONFIRM_SALT, WITHDRAW_SALT
from nurture.core.tests.test_permissions import GET, LOGIN, ROLES, Row, assert_answer, assert_row, to

from .conftest import make_campaign

# fmt: off
TABLE: dict[str, Row] = {
    #                                       method visitor  practitioner        other               assessor            registrar           coordinator         organiser
    # Awareness Week: public campaign pages, the pledge and the resources library
    "campaigns:current":                    (GET , 200,    200,                200,                200,                200,                200,                200),
    "campaigns:archive":                    (GET , 200,    200,                200,                200,                200,                200,                200),
    "campaigns:landing":                    (GET , 200,    200,                200,                200,                200,                200,                200),
    "campaigns:pledge":                     (GET , 200,    200,                200,                200,                200,                200,                200),
    "campaigns:pledge_sent":                (GET , 200,    200,                200,                200,                200,                200,                200),
    # Signers' emailed links need no account; opening them changes nothing
    "campaigns:pledge_confirm":             (GET , 200,    200,                200,                200,                200,                200,                200),
    "campaigns:pledge_withdraw":            (GET , 200,    200,                200,                200,                200,                200,                200),
    "campaigns:resources":                  (GET , 200,    200,                200,                200,                200,                200,                200),
    "campaigns:resource":                   (GET , 200,    200,                200,                200,                200,                200,                200),
    "campaigns:resource_version":           (GET , 200,    200,                200,                200,                200,                200,                200),
    "campaigns:resource_download":          (GET , 200,    200,                200,                200,                200,                200,                200),
    # The coordinator's pages (two-factor enforced by staff_required)
    "campaigns:staff_campaigns":            (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "campaigns:staff_campaign_new":         (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "campaigns:staff_campaign_edit":        (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "campaigns:staff_pledge":               (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "campaigns:staff_pledge_export":        (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "campaigns:staff_resources":            (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "campaigns:staff_resource":             (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    # The public API
    "api:pledge_api":                       (GET , 200,    200,                200,                200,                200,                200,                200),
}
# fmt: on

# The form a POST row sends (empty when not listed).
DATA: dict[str, dict[str, object]] = {}


@dataclass(frozen=True)
class Records:
    campaign: Campaign
    resource: Resource
    confirm_token: str
    withdraw_token: str


KWARGS: dict[str, Callable[[Records], dict[str, Any]]] = {
    "campaigns:landing": lambda r: {"slug": r.campaign.slug},
    "campaigns:pledge": lambda r: {"slug": r.campaign.slug},
    "campaigns:pledge_sent": lambda r: {"slug": r.campaign.slug},
    "campaigns:pledge_confirm": lambda r: {"token": r.confirm_token},
    "campaigns:pledge_withdraw": lambda r: {"token": r.withdraw_token},
    "campaigns:resources": lambda r: {"slug": r.campaign.slug},
    "campaigns:resource": lambda r: {"slug": r.resource.slug},
    "campaigns:resource_version": lambda r: {"slug": r.resource.slug, "number": 1},
    "campaigns:resource_download": lambda r: {"slug": r.resource.slug, "number": 1},
    "campaigns:staff_campaign_edit": lambda r: {"slug": r.campaign.slug},
    "campaigns:staff_pledge": lambda r: {"slug": r.campaign.slug},
    "campaigns:staff_pledge_export": lambda r: {"slug": r.campaign.slug},
    "campaigns:staff_resource": lambda r: {"slug": r.resource.slug},
    "api:pledge_api": lambda r: {"campaign": r.campaign.slug},
}


@pytest.fixture
def records(db, private_media) -> Records:
    campaign = make_campaign(2022)
    signature = PledgeSignature.objects.create(
        campaign=campaign,
        name="Rose Clark",
        profession="nurse",
        region="london",
        email="rose@example.org",
        canonical_email="rose@example.org",
        created_at="2022-06-14T10:00:00Z",
    )
    resource = Resource.objects.create(
        slug="briefing", title="Briefing", kind="briefing", campaign=campaign, status="published"
    )
    version = ResourceVersion(resource=resource, number=1, file_name="b.pdf", content_type="application/pdf")
    version.file.save("b.pdf", ContentFile(demo_pdf("Briefing")), save=True)
    return Records(
        campaign=campaign,
        resource=resource,
        confirm_token=signing.dumps(signature.pk, salt=CONFIRM_SALT),
        withdraw_token=signing.dumps(signature.pk, salt=WITHDRAW_SALT),
    )


@pytest.mark.parametrize(("name", "role"), [(name, role) for name in TABLE for role in ROLES], ids=lambda value: value)
def test_the_role_gets_the_answer_in_the_table(request, records, name, role):
    url = reverse(name, kwargs=KWARGS[name](records) if name in KWARGS else None)
    assert_row(request, TABLE[name], role, url, DATA.get(name))


def test_a_coordinator_without_two_factor_is_sent_to_set_it_up(db, records):
    person = make_person("new.coordinator@example.org", Role.COORDINATOR, mfa=False)
    response = client_for(person).get(reverse("campaigns:staff_campaigns"))
    assert_answer(response, to("/accounts/2fa/totp/activate/"))
