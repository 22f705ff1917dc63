"""This domain's rows of the permission table (see nurture/core/tests/test_permissions.py)."""

# The table reads best with one row per URL, so its lines may be long.
# ruff: noqa: E501

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from conftest import client_for
from nurture.core.tests.test_permissions import GET, LOGIN, ROLES, Answer, Row, assert_answer, assert_row
from nurture.events.models import Event

# The "organiser" persona organises for another organisation than the event's: their
# own pages answer, the event's are 404. Below, organisers of the event's organisation.
# fmt: off
TABLE: dict[str, Row] = {
    #                                       method visitor  practitioner        other               assessor            registrar           coordinator         organiser
    # The public calendar, its event pages, files and feeds
    "events:list":                          (GET , 200,    200,                200,                200,                200,                200,                200),
    "events:month":                         (GET , 200,    200,                200,                200,                200,                200,                200),
    "events:detail":                        (GET , 200,    200,                200,                200,                200,                200,                200),
    "events:ics":                           (GET , 200,    200,                200,                200,                200,                200,                200),
    "events:feed":                          (GET , 200,    200,                200,                200,                200,                200,                200),
    # Event organisers: their organisation's events (another organisation's are 404)
    "events:mine":                          (GET , LOGIN,  403,                403,                403,                403,                403,                200),
    "events:submit":                        (GET , LOGIN,  403,                403,                403,                403,                403,                200),
    "events:edit":                          (GET , LOGIN,  403,                403,                403,                403,                403,                404),
    "events:cancel":                        (GET , LOGIN,  403,                403,                403,                403,                403,                404),
    "events:attendance":                    (GET , LOGIN,  403,                403,                403,                403,                403,                404),
    # The coordinator (two-factor enforced by staff_required)
    "events:staff_queue":                   (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "events:staff_event":                   (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    "events:staff_attendance":              (GET , LOGIN,  403,                403,                403,                403,                200,                403),
    # The public API
    "api:events_list_api":                  (GET , 200,    200,                200,                200,                200,                200,                200),
}
# fmt: on

KWARGS: dict[str, Callable[[Event], dict[str, Any]]] = {
    "events:month": lambda e: {"year": 2031, "month": 5},
    "events:detail": lambda e: {"pk": e.pk, "slug": e.slug},
    "events:ics": lambda e: {"pk": e.pk},
    "events:edit": lambda e: {"pk": e.pk},
    "events:cancel": lambda e: {"pk": e.pk},
    "events:attendance": lambda e: {"pk": e.pk},
    "events:staff_event": lambda e: {"pk": e.pk},
}

ORGANISER_PAGES = ("events:mine", "events:submit", "events:edit", "events:cancel", "events:attendance")


def _url(name: str, event: Event) -> str:
    return reverse(name, kwargs=KWARGS[name](event) if name in KWARGS else None)


@pytest.mark.parametrize(("name", "role"), [(name, role) for name in TABLE for role in ROLES], ids=lambda value: value)
def test_the_role_gets_the_answer_in_the_table(request, approved, name, role):
    assert_row(request, TABLE[name], role, _url(name, approved))


# Beyond the table: the organisers ---------------------------------------------------------

# fmt: off
# organiser → (own organisation's organiser, teammate, another organisation's organiser, organiser of no organisation)
ORGANISERS: dict[str, tuple[Answer, Answer, Answer, Answer]] = {
    "events:mine":                          (200,     200,                200,                403),
    "events:submit":                        (200,     200,                200,                403),
    "events:edit":                          (200,     200,                404,                403),
    "events:cancel":                        (200,     200,                404,                403),
    "events:attendance":                    (200,     200,                404,                403),
    "events:staff_queue":                   (403,     403,                403,                403),
    "events:staff_event":                   (403,     403,                403,                403),
    "events:staff_attendance":              (403,     403,                403,                403),
}
# fmt: on


@pytest.fixture
def lone_organiser(db):
    from conftest import make_person
    from nurture.accounts.roles import Role

    return make_person("no.organisation@example.org", Role.EVENT_ORGANISER)


@pytest.mark.parametrize(
    ("name", "who"),
    [(name, who) for name in ORGANISERS for who in ("organiser", "teammate", "other_organiser", "lone_organiser")],
    ids=lambda value: value,
)
def test_organisers_see_only_their_organisations_events(request, approved, name, who):
    expected = ORGANISERS[name][("organiser", "teammate", "other_organiser", "lone_organiser").index(who)]
    assert_answer(client_for(request.getfixturevalue(who)).get(_url(name, approved)), expected)


def test_every_events_url_is_in_the_table():
    from nurture.events.urls import urlpatterns

    assert {f"events:{p.name}" for p in urlpatterns} <= set(TABLE)
