"""The practitioner's application page: a refused submission says why, and "What happens
next" is true to the application as it is, in every state."""

from __future__ import annotations

import pytest

from conftest import client_for
from nurture.endorsements import services
from nurture.endorsements.models import ReferenceRequest
from nurture.endorsements.selectors import practitioner_next_step, references_missing
from nurture.endorsements.tests.conftest import name_referees, ready_portfolio, stage
from nurture.endorsements.workflow import NEXT_STEPS, State

pytestmark = pytest.mark.django_db


def page_of(practitioner, application) -> str:
    return client_for(practitioner).get(f"/applications/{application.pk}/").content.decode()


def next_step_on(page: str) -> str:
    start = page.index("<strong>What happens next:</strong> ") + len("<strong>What happens next:</strong> ")
    return page[start : page.index("</p>", start)]


def test_submitting_with_no_referees_says_why_in_an_error_summary(practitioner, level):
    ready_portfolio(practitioner, level)
    application = services.application_start(practitioner=practitioner, level=level)
    response = client_for(practitioner).post(f"/applications/{application.pk}/submit/")
    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: " in page
    assert '<div class="error-summary" role="alert" tabindex="-1" id="error-summary" autofocus>' in page
    assert "You cannot submit yet" in page
    assert "Name a referee for each role: still needed, current supervisor" in page
    assert '<a href="#name-referee">Name your referees</a>' in page
    assert '<details id="name-referee" open>' in page
    assert "See what your portfolio still needs" not in page


def test_a_refused_submission_for_the_portfolio_links_to_readiness(practitioner, level):
    application = services.application_start(practitioner=practitioner, level=level)
    name_referees(application)
    page = client_for(practitioner).post(f"/applications/{application.pk}/submit/").content.decode()
    assert "You cannot submit yet" in page
    assert 'href="/portfolio/readiness/promotion/">See what your portfolio still needs' in page
    assert "Name your referees</a>" not in page


def test_opening_a_draft_shows_no_error(practitioner, level):
    application = services.application_start(practitioner=practitioner, level=level)
    page = page_of(practitioner, application)
    assert "error-summary" not in page
    assert "Before you can submit" in page


def test_a_draft_that_can_go_says_so(practitioner, level):
    ready_portfolio(practitioner, level)
    application = services.application_start(practitioner=practitioner, level=level)
    name_referees(application)
    assert next_step_on(page_of(practitioner, application)) == (
        "Everything the application needs is in place: submit it when you are ready."
    )


def test_a_draft_with_things_to_do_counts_them(practitioner, level):
    ready_portfolio(practitioner, level)
    application = services.application_start(practitioner=practitioner, level=level)
    assert next_step_on(page_of(practitioner, application)) == (
        "Before you can submit, 1 thing still to do, listed on this page."
    )


def test_once_every_reference_is_in_it_no_longer_waits_for_referees(practitioner, assessor, second_assessor, registrar):
    application = stage(
        State.SUBMITTED, practitioner=practitioner, assessors=(assessor, second_assessor), registrar=registrar
    )
    step = next_step_on(page_of(practitioner, application))
    assert step == "All your references are in. The registrar assigns two assessors and starts the review."
    assert "referees answer" not in step


def test_while_references_are_missing_it_names_them(practitioner, assessor, second_assessor, registrar):
    application = stage(
        State.SUBMITTED, practitioner=practitioner, assessors=(assessor, second_assessor), registrar=registrar
    )
    ReferenceRequest.objects.filter(application=application, referee_role="current supervisor").update(
        answered_at=None, ratings={}
    )
    step = next_step_on(page_of(practitioner, application))
    assert step.startswith("Waiting for a reference from your current supervisor.")
    list_page = client_for(practitioner).get("/applications/").content.decode()
    assert "Waiting for a reference from your current supervisor." in list_page


@pytest.mark.parametrize("state", [s for s in State if s not in (State.DRAFT, State.SUBMITTED)])
def test_every_later_state_says_its_own_next_step(state, practitioner, assessor, second_assessor, registrar):
    application = stage(state, practitioner=practitioner, assessors=(assessor, second_assessor), registrar=registrar)
    assert practitioner_next_step(application, missing_references=references_missing(application)) == NEXT_STEPS[state]
    assert next_step_on(page_of(practitioner, application)) == NEXT_STEPS[state].replace("'", "&#x27;")


def test_naming_a_referee_is_offered_only_while_a_reference_is_still_needed(
    practitioner, assessor, second_assessor, registrar
):
    application = stage(
        State.UNDER_REVIEW, practitioner=practitioner, assessors=(assessor, second_assessor), registrar=registrar
    )
    assert "Name a referee" not in page_of(practitioner, application)  # every reference is in
    reference = application.references.filter(replaced_at__isnull=True).first()
    ReferenceRequest.objects.filter(pk=reference.pk).update(answered_at=None, bounced_at=reference.sent_at)
    assert '<details id="name-referee"' in page_of(practitioner, application)  # one bounced: ask someone else


def test_a_draft_always_offers_naming_a_referee(practitioner, level):
    application = services.application_start(practitioner=practitioner, level=level)
    name_referees(application)
    assert '<details id="name-referee"' in page_of(practitioner, application)
