"""This part of the surveys' rows of the permission table (see nurture/core/tests/test_permissions.py):
the coordinator's import of responses and the exports of a survey's responses."""

# The table reads best with one row per URL, so its lines may be long.
# ruff: noqa: E501

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from nurture.core.tests.test_permissions import GET, LOGIN, ROLES, Row, assert_row
from nurture.surveys.models import Sample, Survey
from nurture.surveys.tests.conftest import answer

# fmt: off
TABLE: dict[str, Row] = {
    #                                       method visitor  practitioner        other               assessor            registrar           coordinator         organiser
    # The coordinator's import (a sample's page) and exports (the whole survey); staff pages, two-factor
    "surveys:staff_import":                 (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "surveys:staff_export_csv":             (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "surveys:staff_export_sav":             (GET , LOGIN,  403,                403,                403,                403,                200,                403),
}
# fmt: on


@dataclass(frozen=True)
class Records:
    survey: Survey
    sample: Sample


@pytest.fixture
def records(survey: Survey, public: Sample) -> Records:
    answer(public, {"AGE": "1", "SEX": "2", "IMPORTANT": "1", "WHY": "Bonding.", "SUPPORT": ["1", "3"]})
    return Records(survey=survey, sample=public)


KWARGS: dict[str, Callable[[Records], dict[str, object]]] = {
    "surveys:staff_import": lambda r: {"slug": r.survey.slug, "code": r.sample.code},
    "surveys:staff_export_csv": lambda r: {"slug": r.survey.slug},
    "surveys:staff_export_sav": lambda r: {"slug": r.survey.slug},
}


@pytest.mark.parametrize(("name", "role"), [(name, role) for name in TABLE for role in ROLES], ids=lambda value: value)
def test_the_role_gets_the_answer_in_the_table(request, records: Records, name, role):
    assert_row(request, TABLE[name], role, reverse(name, kwargs=KWARGS[name](records)))


def test_every_transfer_url_is_in_the_table():
    from nurture.surveys.transfer_views import urlpatterns

    assert {f"surveys:{p.name}" for p in urlpatterns} == set(TABLE)
