"""The attendance request is claimed before it is sent: two runs at once send it once."""

from __future__ import annotations

from datetime import date

import pytest

from nurture.core.tests.concurrency import RACE, twice
from nurture.events.models import EventMessage
from nurture.events.services import attendance_request_send


@pytest.mark.parametrize("at_once", RACE)
def test_two_runs_at_once_send_the_attendance_request_once(approved, at_once):
    results = twice(
        at_once,
        lambda: attendance_request_send(
            event=approved, kind=EventMessage.Kind.ATTENDANCE_REQUEST, today=date(2031, 5, 13)
        ),
    )
    assert sorted(results) == [False, True]
    assert EventMessage.objects.filter(event=approved).count() == 1
