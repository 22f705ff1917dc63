"""The exam's clock, marking and retake rules at their edges."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest

from nurture.exams.rules import (
    answer_taken,
    deadline_of,
    may_start_again,
    passed,
    retake_from,
    time_left,
    warnings_passed,
    written_mark,
)

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
NINETY = timedelta(minutes=90)


def test_the_deadline_adds_the_time_allowed_and_any_extra_time():
    assert deadline_of(START, NINETY) == datetime(2027, 3, 1, 10, 30, tzinfo=UTC)
    assert deadline_of(START, NINETY, timedelta(minutes=25)) == datetime(2027, 3, 1, 10, 55, tzinfo=UTC)
    with pytest.raises(ValueError):
        deadline_of(START, timedelta(0))
    with pytest.raises(ValueError):
        deadline_of(START, NINETY, timedelta(minutes=-1))


def test_an_answer_is_taken_until_sixty_seconds_after_the_deadline_and_not_after():
    deadline = deadline_of(START, NINETY)
    assert answer_taken(deadline - timedelta(seconds=1), deadline)
    assert answer_taken(deadline + timedelta(seconds=60), deadline)
    assert not answer_taken(deadline + timedelta(seconds=60, microseconds=1), deadline)


def test_the_time_left_never_goes_below_zero():
    deadline = deadline_of(START, NINETY)
    assert time_left(START, deadline) == NINETY
    assert time_left(deadline + timedelta(minutes=3), deadline) == timedelta(0)


def test_spoken_warnings_fall_at_ten_five_and_one_minutes_left():
    deadline = deadline_of(START, NINETY)
    assert warnings_passed(deadline - timedelta(minutes=11), deadline) == ()
    assert warnings_passed(deadline - timedelta(minutes=10), deadline) == (timedelta(minutes=10),)
    assert len(warnings_passed(deadline - timedelta(minutes=4), deadline)) == 2
    assert len(warnings_passed(deadline - timedelta(seconds=30), deadline)) == 3


def test_two_close_marks_are_averaged_and_two_far_apart_wait_for_a_third_who_decides():
    waiting = written_mark(None, 7, margin=2, out_of=10)
    assert (waiting.mark, waiting.needs_third) == (None, False)
    close = written_mark(6, 8, margin=2, out_of=10)
    assert (close.mark, close.needs_third) == (Fraction(7), False)
    far = written_mark(4, 8, margin=2, out_of=10)
    assert (far.mark, far.needs_third) == (None, True)
    decided = written_mark(4, 8, margin=2, out_of=10, third=5)
    assert (decided.mark, decided.needs_third) == (Fraction(5), True)
    assert written_mark(7, 8, margin=0, out_of=10).needs_third
    with pytest.raises(ValueError, match="between 0 and 10"):
        written_mark(11, 8, margin=2, out_of=10)


def test_the_pass_mark_is_met_exactly_at_its_edge():
    assert passed(Fraction(48), 60, 80)  # 48 of 60 is 80%
    assert not passed(Fraction(47), 60, 80)
    assert passed(Fraction(95, 2), 60, 79)  # 47.5 of 60 is 79.17%
    assert not passed(Fraction(95, 2), 60, 80)


def test_a_retake_waits_for_the_waiting_period_and_attempts_run_out():
    failed = date(2027, 3, 1)
    assert retake_from(failed, 90) == date(2027, 5, 30)
    common = {"attempts_allowed": 3, "last_failed_on": failed, "waiting_days": 90}
    assert not may_start_again(today=date(2027, 5, 29), attempts_used=1, **common)
    assert may_start_again(today=date(2027, 5, 30), attempts_used=1, **common)
    assert not may_start_again(today=date(2028, 1, 1), attempts_used=3, **common)
    assert may_start_again(today=failed, attempts_used=0, attempts_allowed=3, last_failed_on=None, waiting_days=90)
