"""Two clicks at once: each create of the workflow leads both requests to one row.

The concurrent tests run on PostgreSQL only (`postgres` marker): two threads with
their own connections, made to meet just before the INSERT. The sequential ones
run on both databases.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for, ensure_shipped_framework, make_person
from nurture.core.tests.concurrency import meeting_before, run_together
from nurture.endorsements import services
from nurture.endorsements.models import Application
from nurture.endorsements.tests.conftest import promotion_level
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
