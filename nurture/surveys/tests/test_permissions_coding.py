"""This part of the surveys' rows of the permission table (see nurture/core/tests/test_permissions.py):
the coordinator's pages for free-text answers, themes and quotes."""

# The table reads best with one row per URL, so its lines may be long.
# ruff: noqa: E501

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from nurture.core.tests.test_permissions import GET, LOGIN, ROLES, Row, assert_row
from nurture.surveys.models import Survey, Theme

# fmt: off
TABLE: dict[str, Row] = {
    #                                       method visitor  practitioner        other               assessor            registrar           coordinator         organiser
    # The coordinator's free-text coding and quotes (staff pages, two-factor)
    "surveys:staff_text_questions":         (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "surveys:staff_text":                   (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "surveys:staff_theme":                  (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "surveys:staff_quotes":                 (GET , LOGIN,  403,                403,                403,                403,                200,                403),
}
# fmt: on


@dataclass(frozen=True)
class Records:
    survey: Survey
    theme: Theme


@pytest.fixture
def records(survey: Survey) -> Records:
    why = survey.questions.get(code="WHY")
    return Records(survey=survey, theme=Theme.objects.create(question=why, name="Bonding"))


KWARGS: dict[str, Callable[[Records], dict[str, object]]] = {
    "surveys:staff_text_questions": lambda r: {"slug": r.survey.slug},
    "surveys:staff_text": lambda r: {"slug": r.survey.slug, "code": "WHY"},
    "surveys:staff_theme": lambda r: {"slug": r.survey.slug, "code": "WHY", "theme_id": r.theme.pk},
    "surveys:staff_quotes": lambda r: {"slug": r.survey.slug},
}


@pytest.mark.parametrize(("name", "role"), [(name, role) for name in TABLE for role in ROLES], ids=lambda value: value)
def test_the_role_gets_the_answer_in_the_table(request, records: Records, name, role):
    assert_row(request, TABLE[name], role, reverse(name, kwargs=KWARGS[name](records)))


def test_every_coding_url_is_in_the_table():
    from nurture.surveys.coding_views import urlpatterns

    assert {f"surveys:{p.name}" for p in urlpatterns} == set(TABLE)
