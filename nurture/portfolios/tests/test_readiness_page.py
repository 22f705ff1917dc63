"""The readiness page leads straight on: to the form that fixes each unmet requirement,
and, once every requirement is met, to starting (or continuing) the application."""

from __future__ import annotations

import re

import pytest

from conftest import client_for
from nurture.endorsements.models import Application
from nurture.endorsements.tests.conftest import promotion_level, ready_portfolio

pytestmark = pytest.mark.django_db

PAGE = "/portfolio/readiness/promotion/"


def test_when_every_requirement_is_met_the_page_offers_to_start_the_application(practitioner):
    ready_portfolio(practitioner, promotion_level())
    page = client_for(practitioner).get(PAGE).content.decode()
    assert "You meet every requirement you can meet before applying" in page
    assert re.search(
        r'<form method="post" action="/applications/start/promotion/">.*?'
        r'<button type="submit">Start your application for Infant Mental Health Promotion</button>',
        page,
        re.S,
    )
    assert "Add training" not in page and "Add evidence" not in page


def test_starting_from_readiness_opens_the_new_draft(practitioner):
    ready_portfolio(practitioner, promotion_level())
    client = client_for(practitioner)
    response = client.post("/applications/start/promotion/")
    application = Application.objects.get(practitioner=practitioner)
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{application.pk}/"


def test_with_an_application_open_the_page_links_to_it_instead(practitioner):
    ready_portfolio(practitioner, promotion_level())
    client = client_for(practitioner)
    client.post("/applications/start/promotion/")
    application = Application.objects.get(practitioner=practitioner)
    page = client.get(PAGE).content.decode()
    assert f'<a class="button" href="/applications/{application.pk}/">Continue your application</a>' in page
    assert "Start your application for" not in page


def test_not_ready_offers_no_start(practitioner):
    page = client_for(practitioner).get(PAGE).content.decode()
    assert "Start your application" not in page
    assert "still to meet" in page
