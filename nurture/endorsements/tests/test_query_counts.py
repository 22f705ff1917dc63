"""The endorsement lists, the practitioner's and the staff's, read the same number of queries
however many rows they show (the registrar's application page, as assessors grow, is in
`test_assessment.py`)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from conftest import client_for, make_person
from nurture.accounts.roles import Role
from nurture.core.tests.queries import page_queries
from nurture.endorsements import services
from nurture.endorsements.models import ReferenceRequest
from nurture.endorsements.tests.conftest import stage
from nurture.endorsements.workflow import State

APPLICATIONS = 7  # one of them: the references of those waiting for them (the next step names what is missing)
STAFF_QUEUE = 4
REVIEWS = 6
AGREEMENT = 6
CONFLICTS = 4
REVIEW = 20  # with the rubric's saved draft, the other review and the snapshot's level rules

CLOSED = (State.WITHDRAWN, State.ENDORSED, State.NOT_ENDORSED, State.UPHELD)
WAITING = (State.SUBMITTED, State.UNDER_REVIEW, State.REVIEWED, State.MORE_INFO_REQUESTED, State.APPEAL)


def _practitioner(n: int) -> Any:
    return make_person(f"practitioner{n}@example.org", name=f"Practitioner {n:02d}")


def test_a_practitioners_applications_read_as_many_queries_for_twelve_as_for_two(
    practitioner, assessor, second_assessor, registrar
):
    client = client_for(practitioner)
    people = {"practitioner": practitioner, "assessors": (assessor, second_assessor), "registrar": registrar}
    stage(State.WITHDRAWN, **people)
    stage(State.SUBMITTED, **people)
    two, _page = page_queries(client, "/applications/")
    for n in range(10):
        stage(CLOSED[n % len(CLOSED)], **people)
    twelve, page = page_queries(client, "/applications/")
    assert page.count("Started ") == 12
    assert (two, twelve) == (APPLICATIONS, APPLICATIONS)


def test_the_registrars_queue_reads_as_many_queries_for_twelve_applications_as_for_two(
    assessor, second_assessor, registrar
):
    client = client_for(registrar)
    assessors = (assessor, second_assessor)
    for n in range(2):
        stage(WAITING[n], practitioner=_practitioner(n), assessors=assessors, registrar=registrar)
    two, _page = page_queries(client, "/staff/applications/")
    for n in range(2, 12):
        stage(WAITING[n % len(WAITING)], practitioner=_practitioner(n), assessors=assessors, registrar=registrar)
    twelve, page = page_queries(client, "/staff/applications/")
    assert "Practitioner 11" in page
    assert (two, twelve) == (STAFF_QUEUE, STAFF_QUEUE)


def test_an_assessors_reviews_read_as_many_queries_for_twelve_assignments_as_for_two(
    assessor, second_assessor, registrar
):
    client = client_for(assessor)
    assessors = (assessor, second_assessor)
    for n in range(2):
        stage(WAITING[n], practitioner=_practitioner(n), assessors=assessors, registrar=registrar)
    two, _page = page_queries(client, "/staff/reviews/")
    for n in range(2, 12):
        stage(WAITING[n % len(WAITING)], practitioner=_practitioner(n), assessors=assessors, registrar=registrar)
    twelve, page = page_queries(client, "/staff/reviews/")
    assert page.count("Practitioner ") == 12  # each row names its application: "Practitioner NN: <level>"
    assert (two, twelve) == (REVIEWS, REVIEWS)


def test_the_agreement_report_reads_as_many_queries_for_twelve_pairs_of_assessors_as_for_two(registrar):
    client = client_for(registrar)
    assessors = [make_person(f"assessor{n}@example.org", Role.ASSESSOR, name=f"Assessor {n:02d}") for n in range(13)]
    for n in range(2):
        pair = (assessors[0], assessors[n + 1])
        stage(State.REVIEWED, practitioner=_practitioner(n), assessors=pair, registrar=registrar)
    two, page = page_queries(client, "/staff/agreement/")
    assert page.count(" and Assessor ") == 2
    for n in range(2, 12):
        pair = (assessors[0], assessors[n + 1])
        stage(State.REVIEWED, practitioner=_practitioner(n), assessors=pair, registrar=registrar)
    twelve, page = page_queries(client, "/staff/agreement/")
    assert page.count(" and Assessor ") == 12
    assert (two, twelve) == (AGREEMENT, AGREEMENT)


def test_an_assessors_conflicts_read_as_many_queries_for_twelve_as_for_two(assessor):
    client = client_for(assessor)
    for n in range(2):
        services.conflict_declare(assessor=assessor, employer=f"Trust {n:02d}")
    two, _page = page_queries(client, "/staff/conflicts/")
    for n in range(2, 12):
        services.conflict_declare(assessor=assessor, practitioner_email=f"someone{n}@example.org", reason="Colleague")
    twelve, page = page_queries(client, "/staff/conflicts/")
    assert "someone11@example.org" in page
    assert (two, twelve) == (CONFLICTS, CONFLICTS)


def _answered_reference(application: Any, n: int) -> None:
    ReferenceRequest.objects.create(
        application=application,
        referee_name=f"Referee {n:02d}",
        referee_email=f"referee{n}@example.org",
        referee_role="line manager",
        sent_at=timezone.now(),
        answered_at=timezone.now(),
        ratings={"A1": "met"},
        comment=f"Comment {n}",
    )


def test_an_assessors_review_page_reads_as_many_queries_for_twelve_references_as_for_two(
    practitioner, assessor, second_assessor, registrar
):
    client = client_for(assessor)
    application = stage(
        State.UNDER_REVIEW, practitioner=practitioner, assessors=(assessor, second_assessor), registrar=registrar
    )
    ReferenceRequest.objects.filter(application=application).delete()
    for n in range(2):
        _answered_reference(application, n)
    two, _page = page_queries(client, f"/staff/reviews/{application.pk}/")
    for n in range(2, 12):
        _answered_reference(application, n)
    twelve, page = page_queries(client, f"/staff/reviews/{application.pk}/")
    assert "Comment 11" in page
    assert (two, twelve) == (REVIEW, REVIEW)
