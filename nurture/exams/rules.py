"""The exam's rules of time and marking: pure Python, no Django.

- **Time**: the deadline is the start plus the time allowed plus any extra time the
  registrar granted; the server keeps it. An answer is taken up to the deadline, and one
  already on its way when the clock ran out up to `GRACE` later (a save sent at 89:59 of
  90:00 over a slow connection still counts); none after. The page's spoken warnings fall
  at 10, 5 and 1 minutes left.
- **Written answers**: two markers each give a mark out of the question's points. When
  their marks differ by more than the margin, a third marker decides and the third's
  mark stands; otherwise the answer's mark is the mean of the two.
- **Retakes**: after a fail, the next attempt may start once the waiting period has
  passed, if the candidate has attempts left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

GRACE = timedelta(seconds=60)
WARNINGS_AT = (timedelta(minutes=10), timedelta(minutes=5), timedelta(minutes=1))


def deadline_of(started_at: datetime, allowed: timedelta, extra: timedelta = timedelta(0)) -> datetime:
    """When an attempt started at `started_at` ends."""
    if allowed <= timedelta(0) or extra < timedelta(0):
        raise ValueError("the time allowed must be positive and extra time 0 or more")
    return started_at + allowed + extra


def answer_taken(received_at: datetime, deadline: datetime) -> bool:
    """Whether an answer that reached the server at `received_at` is stored."""
    return received_at <= deadline + GRACE


def time_left(now: datetime, deadline: datetime) -> timedelta:
    """What the page shows: the time to the deadline, never below zero."""
    return max(deadline - now, timedelta(0))


def warnings_passed(now: datetime, deadline: datetime) -> tuple[timedelta, ...]:
    """The spoken warnings whose moment has come (10, 5 and 1 minutes left)."""
    left = deadline - now
    return tuple(at for at in WARNINGS_AT if left <= at)


@dataclass(frozen=True)
class WrittenMark:
    """The outcome of an answer's marking so far: `mark` once it is settled, and whether
    a third marker is needed."""

    mark: Fraction | None
    needs_third: bool


def written_mark(
    first: int | None, second: int | None, *, margin: int, out_of: int, third: int | None = None
) -> WrittenMark:
    """The answer's mark from its markers' marks (None for a mark not yet given)."""
    for given in (first, second, third):
        if given is not None and not 0 <= given <= out_of:
            raise ValueError(f"a mark must be between 0 and {out_of}")
    if first is None or second is None:
        return WrittenMark(mark=None, needs_third=False)
    if abs(first - second) <= margin:
        return WrittenMark(mark=Fraction(first + second, 2), needs_third=False)
    if third is None:
        return WrittenMark(mark=None, needs_third=True)
    return WrittenMark(mark=Fraction(third), needs_third=True)


def passed(score: Fraction, out_of: int, pass_mark_percent: int) -> bool:
    """Whether `score` of `out_of` reaches the pass mark (80 means 80% or more), exactly."""
    if out_of <= 0:
        raise ValueError("a paper must be out of more than 0")
    return score * 100 >= Fraction(pass_mark_percent) * out_of


def retake_from(failed_on: date, waiting_days: int) -> date:
    """The first day a candidate who failed on `failed_on` may start again."""
    return failed_on + timedelta(days=waiting_days)


def may_start_again(
    *, today: date, attempts_used: int, attempts_allowed: int, last_failed_on: date | None, waiting_days: int
) -> bool:
    """Whether another attempt may start today."""
    if attempts_used >= attempts_allowed:
        return False
    return last_failed_on is None or today >= retake_from(last_failed_on, waiting_days)
