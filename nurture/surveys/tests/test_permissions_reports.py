"""This part of the surveys' rows of the permission table (see nurture/core/tests/test_permissions.py):
reports, composed by the coordinator and read by everyone once published."""

# The table reads best with one row per URL, so its lines may be long.
# ruff: noqa: E501

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from nurture.core.tests.test_permissions import GET, LOGIN, POST, ROLES, Row, assert_row, to
from nurture.surveys.models import Report

from .report_fixtures import published_opt_in_report

SLUG = "the-report"
TO_PAGE, TO_EDIT = to(f"/reports/{SLUG}/"), to(f"/staff/reports/{SLUG}/")

# fmt: off
TABLE: dict[str, Row] = {
    #                                       method visitor  practitioner        other               assessor            registrar           coordinator         organiser
    # A published report, its results and its API entry: for everyone (a draft is a 404 for everyone)
    "surveys:reports":                      (GET , 200,    200,                200,                200,                200,                200,                200),
    "surveys:report":                       (GET , 200,    200,                200,                200,                200,                200,                200),
    "surveys:report_csv":                   (GET , 200,    200,                200,                200,                200,                200,                200),
    "surveys:report_pdf":                   (GET , 200,    200,                200,                200,                200,                200,                200),
    "api:report_api":                       (GET , 200,    200,                200,                200,                200,                200,                200),
    # The coordinator composes, previews, publishes (again) and withdraws (staff pages, two-factor)
    "surveys:staff_reports":                (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "surveys:staff_report":                 (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "surveys:staff_report_preview":         (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "surveys:staff_report_publish":         (POST, LOGIN,  403,                403,                403,                403,                TO_PAGE,            403),
    "surveys:staff_report_withdraw":        (POST, LOGIN,  403,                403,                403,                403,                TO_EDIT,            403),
}
# fmt: on


@dataclass(frozen=True)
class Records:
    report: Report


@pytest.fixture
def records(coordinator) -> Records:
    return Records(report=published_opt_in_report(coordinator, slug="report-survey", title="The report"))


KWARGS: dict[str, Callable[[Records], dict[str, object]]] = {
    "surveys:report": lambda r: {"slug": r.report.slug},
    "surveys:report_csv": lambda r: {"slug": r.report.slug},
    "surveys:report_pdf": lambda r: {"slug": r.report.slug},
    "api:report_api": lambda r: {"slug": r.report.slug},
    "surveys:staff_reports": lambda r: {"slug": r.report.survey.slug},
    "surveys:staff_report": lambda r: {"slug": r.report.slug},
    "surveys:staff_report_preview": lambda r: {"slug": r.report.slug},
    "surveys:staff_report_publish": lambda r: {"slug": r.report.slug},
    "surveys:staff_report_withdraw": lambda r: {"slug": r.report.slug},
}


@pytest.mark.parametrize(("name", "role"), [(name, role) for name in TABLE for role in ROLES], ids=lambda value: value)
def test_the_role_gets_the_answer_in_the_table(request, records: Records, name, role):
    assert records.report.slug == SLUG
    kwargs = KWARGS[name](records) if name in KWARGS else None
    assert_row(request, TABLE[name], role, reverse(name, kwargs=kwargs))


def test_every_report_url_is_in_the_table():
    from nurture.surveys.report_views import urlpatterns

    assert {f"surveys:{p.name}" for p in urlpatterns} | {"api:report_api"} == set(TABLE)
