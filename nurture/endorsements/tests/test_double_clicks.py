"""Two clicks at once: each create of the workflow leads both requests to one row.

The concurrent tests run on PostgreSQL only (`postgres` marker): two threads with
their own connections, made to meet just before the INSERT. The sequential ones
run on both databases.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for, ensure_shipped_framework, make_person
from nurture.core.models import AuditEntry
from nurture.core.tests.concurrency import RACE, meeting_before, run_together, twice
from nurture.endorsements import services
from nurture.endorsements.models import Application, Assignment, ReferenceRequest
from nurture.endorsements.tests.conftest import promotion_level, stage
from nurture.endorsements.workflow import State


def start_url() -> str:
    return reverse("endorsements:application_start", args=["promotion"])


def test_two_start_clicks_one_after_the_other_open_one_draft(practitioner, level):
    client = client_for(practitioner)
    first, second = client.post(start_url()), client.post(start_url())
    (application,) = Application.objects.all()
    expected = reverse("endorsements:application", args=[application.pk])
    assert (first.status_code, first["Location"]) == (302, expected)
    assert (second.status_code, second["Location"]) == (302, expected)
    assert application.state == State.DRAFT


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_starting_twice_at_once_leads_both_to_one_application():
    ensure_shipped_framework()
    person = make_person("amara.okafor@example.org")
    level = promotion_level()
    with meeting_before(Application.objects, "create"):
        results = run_together(
            lambda: services.application_start(practitioner=person, level=level),
            lambda: services.application_start(practitioner=person, level=level),
        )
    (application,) = Application.objects.all()
    assert results == [application, application]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_start_clicks_at_once_both_open_the_one_draft():
    ensure_shipped_framework()
    person = make_person("amara.okafor@example.org")
    clients = [client_for(person), client_for(person)]
    with meeting_before(Application.objects, "create"):
        responses = run_together(*(lambda client=client: client.post(start_url()) for client in clients))
    (application,) = Application.objects.all()
    expected = reverse("endorsements:application", args=[application.pk])
    assert [(r.status_code, r["Location"]) for r in responses] == [(302, expected), (302, expected)]


# Referees, assessors and the moderator: the application's row lock makes the second
# request wait for the first; then it finds what the first made and returns it.


@pytest.fixture
def shipped_framework(db):
    ensure_shipped_framework()  # emptied by an earlier transactional test


@pytest.fixture
def draft(shipped_framework, practitioner, assessor, second_assessor, registrar) -> Application:
    return stage(State.DRAFT, practitioner=practitioner, assessors=(assessor, second_assessor), registrar=registrar)


@pytest.fixture
def submitted(shipped_framework, practitioner, assessor, second_assessor, registrar) -> Application:
    application = stage(
        State.SUBMITTED, practitioner=practitioner, assessors=(assessor, second_assessor), registrar=registrar
    )
    Assignment.objects.filter(application=application).delete()
    return application


@pytest.mark.parametrize("at_once", RACE)
def test_naming_the_same_referee_twice_makes_one_request(draft, practitioner, at_once):
    before = ReferenceRequest.objects.count()
    role = draft.level.reference_roles[0]
    results = twice(
        at_once,
        lambda: services.referee_add(
            application=draft, actor=practitioner, name="Dr Ruth Adeyemi", email="Ruth@example.org", role=role
        ),
    )
    (reference,) = ReferenceRequest.objects.filter(referee_email__iexact="ruth@example.org")
    assert results == [reference, reference]
    assert ReferenceRequest.objects.count() == before + 1


@pytest.mark.parametrize("at_once", RACE)
def test_assigning_the_same_assessor_twice_makes_one_assignment(submitted, registrar, assessor, at_once):
    results = twice(
        at_once, lambda: services.assessor_assign(application=submitted, actor=registrar, assessor=assessor)
    )
    (assignment,) = Assignment.objects.filter(application=submitted)
    assert results == [assignment, assignment]


@pytest.mark.parametrize("at_once", RACE)
def test_picking_the_same_moderator_twice_makes_one_assignment(
    shipped_framework, practitioner, assessor, second_assessor, third_assessor, registrar, at_once
):
    reviewed = stage(
        State.REVIEWED, practitioner=practitioner, assessors=(assessor, second_assessor), registrar=registrar
    )
    results = twice(
        at_once,
        lambda: services.moderator_assign(application=reviewed, actor=registrar, moderator=third_assessor),
    )
    (assignment,) = Assignment.objects.filter(application=reviewed, kind=Assignment.Kind.MODERATOR)
    assert results == [assignment, assignment]


@pytest.mark.parametrize("at_once", RACE)
def test_lodging_the_same_appeal_twice_lodges_it_once(
    shipped_framework, practitioner, assessor, second_assessor, registrar, at_once
):
    decided = stage(
        State.NOT_ENDORSED, practitioner=practitioner, assessors=(assessor, second_assessor), registrar=registrar
    )
    results = twice(
        at_once,
        lambda: services.appeal_lodge(application=decided, actor=practitioner, grounds="My supervisor's hours."),
    )
    assert results == [decided, decided]
    decided.refresh_from_db()
    assert decided.state == State.APPEAL
    assert AuditEntry.objects.filter(action__startswith="endorsements.application.appeal").count() == 1


def test_a_second_appeal_with_other_grounds_is_still_refused(
    shipped_framework, practitioner, assessor, second_assessor, registrar
):
    decided = stage(
        State.NOT_ENDORSED, practitioner=practitioner, assessors=(assessor, second_assessor), registrar=registrar
    )
    services.appeal_lodge(application=decided, actor=practitioner, grounds="My supervisor's hours.")
    with pytest.raises(services.WorkflowError):
        services.appeal_lodge(application=decided, actor=practitioner, grounds="Something else.")


# Through the pages: the second of two clicks, or a step sent from a page that is out of date.


def _act_url(application: Application, step: str, *, staff: bool = False) -> str:
    return reverse("endorsements:staff_act" if staff else "endorsements:application_act", args=[application.pk, step])


def test_appealing_twice_lodges_one_appeal_and_both_clicks_say_it_is_lodged(
    practitioner, assessor, second_assessor, registrar
):
    decided = stage(
        State.NOT_ENDORSED, practitioner=practitioner, assessors=(assessor, second_assessor), registrar=registrar
    )
    client = client_for(practitioner)
    data = {"appeal-grounds": "My supervisor's confirmed hours were left out."}
    first, second = client.post(_act_url(decided, "appeal"), data), client.post(_act_url(decided, "appeal"), data)
    page = reverse("endorsements:application", args=[decided.pk])
    assert (first.status_code, first["Location"]) == (302, page)
    assert (second.status_code, second["Location"]) == (302, page)
    assert "Your appeal is lodged." in client.get(page).content.decode()
    decided.refresh_from_db()
    assert decided.state == State.APPEAL
    assert AuditEntry.objects.filter(action="endorsements.application.appealed").count() == 1


def test_a_decision_sent_from_an_out_of_date_page_says_why_on_the_page(
    practitioner, assessor, second_assessor, registrar
):
    submitted = stage(
        State.SUBMITTED, practitioner=practitioner, assessors=(assessor, second_assessor), registrar=registrar
    )
    client = client_for(registrar)
    response = client.post(
        _act_url(submitted, "decide", staff=True), {"decide-decision": "endorse", "decide-reason": "Strong."}
    )
    page = reverse("endorsements:staff_application", args=[submitted.pk])
    assert (response.status_code, response["Location"]) == (302, page)
    assert "You cannot endorse" in client.get(page).content.decode()
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_a_refused_decision_names_the_decision_chosen(practitioner, assessor, second_assessor, registrar):
    submitted = stage(
        State.SUBMITTED, practitioner=practitioner, assessors=(assessor, second_assessor), registrar=registrar
    )
    client = client_for(registrar)
    data = {"decide-decision": "defer", "decide-reason": "More supervision.", "decide-required_actions": "Ten hours."}
    response = client.post(_act_url(submitted, "decide", staff=True), data)
    body = client.get(response["Location"]).content.decode()
    assert "You cannot defer" in body
    assert "You cannot endorse" not in body
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
