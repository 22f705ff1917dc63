"""This domain's rows of the permission table (see nurture/core/tests/test_permissions.py).

"practitioner" is the candidate: the application and attempts are theirs. "other", another
practitioner, gets 404 for every one of them, so nobody learns whether it exists."""

# The table reads best with one row per URL, so its lines may be long.
# ruff: noqa: E501

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from nurture.accounts.models import User
from nurture.core.tests.test_permissions import GET, LOGIN, POST, ROLES, Row, assert_row, to
from nurture.endorsements.models import Application
from nurture.exams.models import Attempt, AttemptItem, Blueprint, Part, QuestionVersion, WrittenMark
from nurture.exams.services import attempt_start

TO_QUESTION = to("/exam/attempt/<pk>/question/<pk>/")

# fmt: off
TABLE: dict[str, Row] = {
    #                                       method visitor  practitioner        other               assessor            registrar           coordinator         organiser
    "exams:overview":                       (GET , LOGIN,  200,                404,                403,                403,                403,                403),
    "exams:start":                          (POST, LOGIN,  TO_QUESTION,        404,                403,                403,                403,                403),
    "exams:question":                       (GET , LOGIN,  200,                404,                403,                403,                403,                403),
    "exams:answer":                         (POST, LOGIN,  200,                404,                403,                403,                403,                403),
    "exams:submit":                         (GET , LOGIN,  200,                404,                403,                403,                403,                403),
    "exams:result":                         (GET , LOGIN,  200,                404,                403,                403,                403,                403),
    # Markers (assessors, two-factor): the answers given to them; another's are 404
    "exams:marking":                        (GET , LOGIN,  403,                403,                200,                403,                403,                403),
    "exams:mark":                           (GET , LOGIN,  403,                403,                200,                403,                403,                403),
    # The registrar (two-factor): the bank, blueprints, extra time, item analysis
    "exams:staff":                          (GET , LOGIN,  403,                403,                403,                200,                403,                403),
    "exams:staff_bank_import":              (POST, LOGIN,  403,                403,                403,                400,                403,                403),
    "exams:staff_bank_export":              (GET , LOGIN,  403,                403,                403,                200,                403,                403),
    "exams:staff_questions":                (GET , LOGIN,  403,                403,                403,                200,                403,                403),
    "exams:staff_question":                 (GET , LOGIN,  403,                403,                403,                200,                403,                403),
    "exams:staff_blueprint":                (GET , LOGIN,  403,                403,                403,                200,                403,                403),
    "exams:staff_extra_time":               (POST, LOGIN,  403,                403,                403,                400,                403,                403),
    "exams:staff_items":                    (GET , LOGIN,  403,                403,                403,                200,                403,                403),
    # The API: a candidate's own attempts; the registrar's item statistics
    "api:attempts_api":                     (GET , 401,    200,                200,                403,                403,                403,                403),
    "api:attempt_api":                      (GET , 401,    200,                404,                403,                403,                403,                403),
    "api:items_api":                        (GET , 401,    403,                403,                403,                200,                403,                403),
}
# fmt: on

DATA = {"exams:answer": {"choice": "0"}}


@dataclass(frozen=True)
class Sitting:
    application: Application
    open_attempt: Attempt
    released: Attempt
    mark: WrittenMark


@pytest.fixture
def sitting(blueprints: tuple[Blueprint, Blueprint], application: Application, assessor: User) -> Sitting:
    opened = attempt_start(application=application, actor=application.practitioner, part=Part.MULTIPLE_CHOICE)
    now = timezone.now()
    released = Attempt.objects.create(
        candidate=application.practitioner, application=application, level="intervention", part=Part.WRITTEN,
        number=1, seed="x", minutes=90, pass_mark_percent=60, started_at=now, deadline=now,
        status=Attempt.Status.RELEASED, score=70, out_of=100, passed=True, released_at=now,
    )  # fmt: skip
    vignette = QuestionVersion.objects.filter(question__kind="vignette")[0]
    item = AttemptItem.objects.create(attempt=released, position=1, version=vignette, written="An answer")
    mark = WrittenMark.objects.create(item=item, marker=assessor, role=WrittenMark.Role.FIRST)
    return Sitting(application, opened, released, mark)


KWARGS: dict[str, Callable[[Sitting], dict[str, Any]]] = {
    "exams:overview": lambda s: {"application_pk": s.application.pk},
    "exams:start": lambda s: {"application_pk": s.application.pk, "part": 1},
    "exams:question": lambda s: {"pk": s.open_attempt.pk, "position": 1},
    "exams:answer": lambda s: {"pk": s.open_attempt.pk, "position": 1},
    "exams:submit": lambda s: {"pk": s.open_attempt.pk},
    "exams:result": lambda s: {"pk": s.released.pk},
    "exams:mark": lambda s: {"pk": s.mark.pk},
    "api:attempt_api": lambda s: {"attempt_id": s.released.pk},
    "api:items_api": lambda s: {"level": "intervention"},
    "exams:staff_blueprint": lambda s: {"level": "intervention", "part": 2},
    "exams:staff_items": lambda s: {"level": "intervention"},
    "exams:staff_question": lambda s: {"key": "mcq-d1-1"},
}


@pytest.mark.parametrize(("name", "role"), [(name, role) for name in TABLE for role in ROLES], ids=lambda value: value)
def test_the_role_gets_the_answer_in_the_table(request, sitting, name, role):
    assert_row(
        request,
        TABLE[name],
        role,
        reverse(name, kwargs=KWARGS[name](sitting) if name in KWARGS else None),
        DATA.get(name),
    )


def test_every_exams_url_is_in_the_table():
    from nurture.exams.urls import MARKING, SITTING, STAFF

    assert {f"exams:{p.name}" for p in SITTING + MARKING + STAFF} == {
        name for name in TABLE if name.startswith("exams:")
    }


def test_a_marker_gets_404_for_an_answer_given_to_someone_else(sitting, markers):
    from conftest import client_for

    assert client_for(markers[0]).get(reverse("exams:mark", args=[sitting.mark.pk])).status_code == 404
