"""This domain's rows of the permission table (see nurture/core/tests/test_permissions.py).

The records: one application of the practitioner, under review, with a file copied at
submission and a referee's usable link. The assessor persona IS assigned to it (so the
assessor's pages answer 200); an assessor who is not assigned gets 404, tested below.
"other" is another practitioner, who gets 404 for the practitioner's application.
"""

# The table reads best with one row per URL, so its lines may be long.

# The table reads best with one row per URL, so its lines may be long.
# ruff: noqa: E501

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from conftest import client_for, make_person
from nurture.core.link_tokens import token_digest
from nurture.core.tests.test_permissions import GET, LOGIN, POST, ROLES, Row, assert_row, to
from nurture.endorsements.models import Application, ReferenceRequest, SnapshotFile
from nurture.endorsements.tests.conftest import stage
from nurture.endorsements.workflow import State

# A started or acted-on application sends its practitioner back to its page.
TO_APPLICATION = to("/applications/<pk>/")

# fmt: off
TABLE: dict[str, Row] = {
    #                                       method visitor  practitioner        other               assessor            registrar           coordinator         organiser
    # The practitioner's own applications; another practitioner gets 404
    "endorsements:applications":            (GET , LOGIN,  200,                200,                403,                403,                403,                403),
    "endorsements:application_start":       (POST, LOGIN,  TO_APPLICATION,     TO_APPLICATION,     403,                403,                403,                403),
    "endorsements:application":             (GET , LOGIN,  200,                404,                403,                403,                403,                403),
    "endorsements:application_act":         (POST, LOGIN,  TO_APPLICATION,     404,                403,                403,                403,                403),
    "endorsements:reference_resend":        (GET , LOGIN,  200,                404,                403,                403,                403,                403),
    # Files copied at submission: the practitioner, the assigned assessors, the registrar
    "endorsements:snapshot_file":           (GET , LOGIN,  200,                404,                200,                200,                404,                404),
    # The referee's emailed link needs no account
    "endorsements:reference":               (GET , 200,    200,                200,                200,                200,                200,                200),
    # The registrar
    "endorsements:staff_queue":             (GET , LOGIN,  403,                403,                403,                200,                403,                403),
    "endorsements:staff_application":       (GET , LOGIN,  403,                403,                403,                200,                403,                403),
    "endorsements:staff_act":               (POST, LOGIN,  403,                403,                403,                400,                403,                403),
    "endorsements:agreement":               (GET , LOGIN,  403,                403,                403,                200,                403,                403),
    # The assessor (only what is assigned to them)
    "endorsements:reviews":                 (GET , LOGIN,  403,                403,                200,                403,                403,                403),
    "endorsements:review":                  (GET , LOGIN,  403,                403,                200,                403,                403,                403),
    "endorsements:review_act":              (POST, LOGIN,  403,                403,                400,                403,                403,                403),
    "endorsements:conflicts":               (GET , LOGIN,  403,                403,                200,                403,                403,                403),
    # The JSON API: the signed-in practitioner's own applications
    "api:application_list_api":             (GET , 401,    200,                200,                403,                403,                403,                403),
    "api:application_api":                  (GET , 401,    200,                404,                403,                403,                403,                403),
}
# fmt: on

# The form a POST row sends (empty when not listed).
DATA: dict[str, dict[str, object]] = {}

TOKEN = "a-referee-token-for-the-permission-table"


@dataclass(frozen=True)
class Records:
    application: Application
    copy: SnapshotFile
    reference: ReferenceRequest


@pytest.fixture
def records(practitioner, assessor, registrar, private_media) -> Records:
    second = make_person("second.assessor@example.org", "assessor")
    application = stage(
        State.UNDER_REVIEW, practitioner=practitioner, assessors=(assessor, second), registrar=registrar
    )
    copy = SnapshotFile(application=application, name="account.pdf", content_type="application/pdf", label="Account")
    copy.file.save("account.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    reference = application.references.first()
    assert reference is not None
    reference.token_hash, reference.answered_at = token_digest(TOKEN), None
    reference.expires_at = timezone.now() + timedelta(days=5)
    reference.save()
    return Records(application, copy, reference)


def _kwargs(name: str, records: Records) -> dict[str, object]:
    pk = records.application.pk
    return {
        "endorsements:application_start": {"level": "promotion"},
        "endorsements:application": {"pk": pk},
        "endorsements:application_act": {"pk": pk, "step": "submit"},
        "endorsements:reference_resend": {"pk": pk, "reference_pk": records.reference.pk},
        "endorsements:snapshot_file": {"pk": pk, "file_pk": records.copy.pk},
        "endorsements:reference": {"token": TOKEN},
        "endorsements:staff_application": {"pk": pk},
        "endorsements:staff_act": {"pk": pk, "step": "decide"},
        "endorsements:review": {"pk": pk},
        "endorsements:review_act": {"pk": pk, "step": "rubric"},
        "api:application_api": {"application_id": pk},
    }.get(name, {})


@pytest.mark.parametrize(("name", "role"), [(name, role) for name in TABLE for role in ROLES], ids=lambda value: value)
def test_the_role_gets_the_answer_in_the_table(request, records, name, role):
    assert_row(request, TABLE[name], role, reverse(name, kwargs=_kwargs(name, records)), DATA.get(name))


# Beyond the table ------------------------------------------------------------------

ASSESSOR_PAGES = ("endorsements:review", "endorsements:snapshot_file")


@pytest.mark.parametrize("name", ASSESSOR_PAGES)
def test_an_assessor_not_assigned_to_the_application_gets_404(records, name):
    outsider = make_person("outsider.assessor@example.org", "assessor")
    response = client_for(outsider).get(reverse(name, kwargs=_kwargs(name, records)))
    assert response.status_code == 404


def test_an_assessor_sees_only_their_assignments_in_the_list(records, assessor):
    outsider = make_person("outsider.assessor@example.org", "assessor")
    link = f'href="/staff/reviews/{records.application.pk}/"'
    assert link in client_for(assessor).get("/staff/reviews/").content.decode()
    assert link not in client_for(outsider).get("/staff/reviews/").content.decode()


def test_a_staff_person_without_two_factor_is_sent_to_set_it_up(records):
    no_mfa = make_person("new.registrar@example.org", "registrar", mfa=False)
    for name in ("endorsements:staff_application", "endorsements:snapshot_file"):
        response = client_for(no_mfa).get(reverse(name, kwargs=_kwargs(name, records)))
        assert (response.status_code, response["Location"]) == (302, reverse("mfa_activate_totp"))


def test_a_draft_is_not_on_the_registrars_pages(practitioner, registrar, level):
    draft = Application.objects.create(practitioner=practitioner, level=level)
    assert client_for(registrar).get(f"/staff/applications/{draft.pk}/").status_code == 404


def test_the_api_lists_only_ones_own_applications(records, practitioner, other_practitioner):
    mine = client_for(practitioner).get("/api/v1/applications").json()
    assert [a["id"] for a in mine] == [records.application.pk]
    assert mine[0]["state"] == "under_review" and mine[0]["next_step"] and mine[0]["expected_on"]
    assert client_for(other_practitioner).get("/api/v1/applications").json() == []


def test_no_input_breaks_the_step_pages(records, practitioner, registrar, assessor):
    pk = records.application.pk
    for client, url in (
        (client_for(practitioner), f"/applications/{pk}/nonsense/"),
        (client_for(registrar), f"/staff/applications/{pk}/nonsense/"),
        (client_for(assessor), f"/staff/reviews/{pk}/nonsense/"),
    ):
        assert client.post(url, {"x": "x" * 10}).status_code == 404
        assert client.post(url, {"x": "\x00" * 10}).status_code == 400  # a NUL: refused first (core.middleware)
    garbage = {"decide-decision": "approve", "decide-reason": "x" * 10_000}
    assert client_for(registrar).post(f"/staff/applications/{pk}/decide/", garbage).status_code == 400
    assert (
        client_for(registrar).post(f"/staff/applications/{pk}/assign/", {"assign-assessor": "abc"}).status_code == 400
    )
    assert (
        client_for(assessor).post(f"/staff/reviews/{pk}/rubric/", {"rubric-recommendation": "<script>"}).status_code
        == 400
    )
