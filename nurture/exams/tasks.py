"""The exam's daily job, as a background task taking plain values. Safe to run twice:
submitting an attempt claims it with its row lock and does nothing to one already in."""

from __future__ import annotations

from django_tasks import task

from nurture.exams.services import attempts_overdue_submit, markers_missing_assign


@task()
def exams_daily(*, today: str) -> dict[str, int]:
    """Submit attempts left open past their deadline; give waiting answers their markers."""
    return {"attempts submitted": attempts_overdue_submit(), "answers given markers": markers_missing_assign()}
