"""The surveys' rows of the permission table for the respondent's and builder's pages (see
nurture/core/tests/test_permissions.py). Import and export, free-text coding and reports
keep theirs in test_permissions_transfer.py, _coding.py and _reports.py."""

# The table reads best with one row per URL, so its lines may be long.
# ruff: noqa: E501

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from nurture.core.tests.test_permissions import GET, LOGIN, ROLES, Row, assert_row, to
from nurture.surveys.models import WeightingRun

LINK = "early-relationships-pub"

# fmt: off
TABLE: dict[str, Row] = {
    #                                       method visitor  practitioner        other               assessor            registrar           coordinator         organiser
    # Respondents need no account; a page needs the device's own response (else back to the start)
    "surveys:respond_start":                (GET , 200,    200,                200,                200,                200,                200,                200),
    "surveys:respond_page":                 (GET , to(f"/s/{LINK}/"), to(f"/s/{LINK}/"), to(f"/s/{LINK}/"), to(f"/s/{LINK}/"), to(f"/s/{LINK}/"), to(f"/s/{LINK}/"), to(f"/s/{LINK}/")),
    "surveys:respond_done":                 (GET , 200,    200,                200,                200,                200,                200,                200),
    # The coordinator's builder and weighting (two-factor enforced by staff_required)
    "surveys:staff_surveys":                (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "surveys:staff_survey_new":             (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "surveys:staff_survey":                 (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "surveys:staff_survey_edit":            (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "surveys:staff_sample_new":             (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "surveys:staff_sample_edit":            (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "surveys:staff_section_new":            (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "surveys:staff_section_edit":           (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "surveys:staff_question_new":           (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "surveys:staff_question_edit":          (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "surveys:staff_weighting":              (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "surveys:staff_run":                    (GET , LOGIN,  403,                403,                403,                403,                200,                403),
}
# fmt: on


@pytest.mark.parametrize(("name", "role"), [(name, role) for name in TABLE for role in ROLES], ids=lambda value: value)
def test_the_role_gets_the_answer_in_the_table(request, public, name, role):
    survey = public.survey
    run = WeightingRun.objects.create(sample=public, lower=Decimal("0.2"), upper=Decimal(5))
    by_name: dict[str, dict[str, object]] = {
        "surveys:respond_start": {"link": public.link},
        "surveys:respond_page": {"link": public.link, "number": 1},
        "surveys:respond_done": {"link": public.link},
        "surveys:staff_survey": {"slug": survey.slug},
        "surveys:staff_survey_edit": {"slug": survey.slug},
        "surveys:staff_sample_new": {"slug": survey.slug},
        "surveys:staff_sample_edit": {"slug": survey.slug, "code": public.code},
        "surveys:staff_section_new": {"slug": survey.slug},
        "surveys:staff_section_edit": {"slug": survey.slug, "position": 1},
        "surveys:staff_question_new": {"slug": survey.slug},
        "surveys:staff_question_edit": {"slug": survey.slug, "code": "AGE"},
        "surveys:staff_weighting": {"slug": survey.slug, "code": public.code},
        "surveys:staff_run": {"slug": survey.slug, "pk": run.pk},
    }
    assert_row(request, TABLE[name], role, reverse(name, kwargs=by_name.get(name)))


def test_every_survey_url_is_in_one_of_the_tables():
    from nurture.surveys.tests import test_permissions_coding, test_permissions_reports, test_permissions_transfer
    from nurture.surveys.urls import urlpatterns

    listed = set(TABLE) | set(test_permissions_transfer.TABLE) | set(test_permissions_coding.TABLE)
    listed |= set(test_permissions_reports.TABLE)
    assert {f"surveys:{p.name}" for p in urlpatterns} == {n for n in listed if n.startswith("surveys:")}
