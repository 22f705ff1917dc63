"""This domain's rows of the permission table (see nurture/core/tests/test_permissions.py)."""

# The table reads best with one row per URL, so its lines may be long.
# ruff: noqa: E501

from __future__ import annotations

import pytest
from django.urls import reverse

from nurture.core.emails import Sender
from nurture.core.tests.test_permissions import GET, LOGIN, ROLES, Row, assert_row
from nurture.training.models import Course, Session
from nurture.training.services import Booker, booking_make, booking_token

# fmt: off
TABLE: dict[str, Row] = {
    #                                       method visitor  practitioner        other               assessor            registrar           coordinator         organiser
    # The public directory and its API
    "training:list":                        (GET , 200,    200,                200,                200,                200,                200,                200),
    "training:detail":                      (GET , 200,    200,                200,                200,                200,                200,                200),
    "training:feed":                        (GET , 200,    200,                200,                200,                200,                200,                200),
    # Booking needs no account; the emailed link is the key to one booking, whoever holds it
    "training:book":                        (GET , 200,    200,                200,                200,                200,                200,                200),
    "training:booking":                     (GET , 200,    200,                200,                200,                200,                200,                200),
    "training:interest":                    (GET , 200,    200,                200,                200,                200,                200,                200),
    "training:interest_sent":               (GET , 200,    200,                200,                200,                200,                200,                200),
    # A practitioner records a course they completed into their portfolio
    "training:completed":                   (GET , LOGIN,  200,                200,                403,                403,                403,                403),
    # The registrar's accreditation mark
    "training:staff_courses":               (GET , LOGIN,  403,                403,                403,                200,                403,                403),
    # The provider's pages: for training providers only (their own courses; another
    # provider's are a 404, tested in test_provider.py)
    "training:provider_home":               (GET , LOGIN,  403,                403,                403,                403,                403,                403),
    "training:provider_session":            (GET , LOGIN,  403,                403,                403,                403,                403,                403),
    "training:provider_session_edit":       (GET , LOGIN,  403,                403,                403,                403,                403,                403),
    "training:provider_session_new":        (GET , LOGIN,  403,                403,                403,                403,                403,                403),
    "training:provider_course_new":         (GET , LOGIN,  403,                403,                403,                403,                403,                403),
    "training:provider_course_edit":        (GET , LOGIN,  403,                403,                403,                403,                403,                403),
    "training:provider_session_csv":        (GET , LOGIN,  403,                403,                403,                403,                403,                403),
    "training:provider_interest":           (GET , LOGIN,  403,                403,                403,                403,                403,                403),
    "training:provider_completions":        (GET , LOGIN,  403,                403,                403,                403,                403,                403),
    "training:provider_interest_csv":       (GET , LOGIN,  403,                403,                403,                403,                403,                403),
    "api:courses_list_api":                 (GET , 200,    200,                200,                200,                200,                200,                200),
}
# fmt: on


@pytest.mark.parametrize(("name", "role"), [(name, role) for name in TABLE for role in ROLES], ids=lambda value: value)
def test_the_role_gets_the_answer_in_the_table(request, courses: dict[str, Course], name, role):
    course = courses["bristol"]
    session = course.sessions.get()
    by_name: dict[str, dict[str, object]] = {
        "training:detail": {"slug": course.slug},
        "training:book": {"slug": course.slug, "session_id": session.pk},
        "training:booking": {"token": _a_booking_token(session)},
        "training:interest": {"slug": course.slug},
        "training:interest_sent": {"slug": course.slug},
        "training:completed": {"slug": course.slug},
        "training:provider_completions": {"slug": course.slug},
        "training:provider_session": {"session_id": session.pk},
        "training:provider_session_edit": {"session_id": session.pk},
        "training:provider_session_new": {"slug": course.slug},
        "training:provider_course_new": {"provider_slug": course.provider.slug},
        "training:provider_course_edit": {"slug": course.slug},
        "training:provider_session_csv": {"session_id": session.pk},
        "training:provider_interest": {"slug": course.slug},
        "training:provider_interest_csv": {"slug": course.slug},
    }
    kwargs = by_name.get(name)
    assert_row(request, TABLE[name], role, reverse(name, kwargs=kwargs))


def _a_booking_token(session: Session) -> str:
    booker = Booker(name="Ama Owusu", email="ama@example.org", organisation="", places=1)
    made = booking_make(session=session, booker=booker, sender=Sender.from_address("192.0.2.1"))
    return booking_token(made.booking.pk)


def test_every_training_url_is_in_the_table():
    from nurture.training.urls import urlpatterns

    assert {f"training:{p.name}" for p in urlpatterns} == {n for n in TABLE if n.startswith("training:")}
