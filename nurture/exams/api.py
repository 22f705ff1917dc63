"""The exam in the JSON API: a candidate's own attempts and results (through their
session), and the registrar's item statistics (signed in with two factors).

Before a result is released nothing here says which answer is correct: an attempt in
progress or being marked shows its clock and status only."""

from __future__ import annotations

from allauth.mfa.utils import is_mfa_enabled
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.params.functions import Path
from ninja.security import django_auth

from nurture.accounts.http import AuthenticatedHttpRequest
from nurture.accounts.roles import Role
from nurture.core.api import INT64_MAX, NEEDS_SIGN_IN, NOT_ALLOWED, NOT_FOUND, SLUG, answers
from nurture.exams.models import Attempt, Part
from nurture.exams.selectors import attempt_result, exam_framework, item_analysis

router = Router(tags=["exam"], auth=django_auth)


class DomainScoreOut(Schema):
    domain: str
    correct: int
    questions: int


class AttemptOut(Schema):
    id: int
    level: str
    part: int
    part_label: str
    number: int
    status: str
    started_at: str
    deadline: str
    submitted_at: str | None
    released_at: str | None
    # Only once the result is released:
    passed: bool | None
    score: float | None
    out_of: int | None
    percent: float | None
    pass_mark_percent: int
    by_domain: list[DomainScoreOut]


def _out(attempt: Attempt) -> AttemptOut:
    released = attempt.status == Attempt.Status.RELEASED
    result = attempt_result(attempt) if released else None
    return AttemptOut(
        id=attempt.pk,
        level=attempt.level,
        part=attempt.part,
        part_label=Part(attempt.part).label,
        number=attempt.number,
        status=attempt.status,
        started_at=attempt.started_at.isoformat(),
        deadline=attempt.deadline.isoformat(),
        submitted_at=attempt.submitted_at.isoformat() if attempt.submitted_at else None,
        released_at=attempt.released_at.isoformat() if attempt.released_at else None,
        passed=attempt.passed if released else None,
        score=float(attempt.score) if released and attempt.score is not None else None,
        out_of=attempt.out_of if released else None,
        percent=float(result.percent) if result else None,
        pass_mark_percent=attempt.pass_mark_percent,
        by_domain=[DomainScoreOut(domain=d.label, correct=d.right, questions=d.out_of) for d in result.by_domain]
        if result
        else [],
    )


def _practitioner(request: AuthenticatedHttpRequest) -> None:
    if request.user.role != Role.PRACTITIONER:
        raise HttpError(403, "Only practitioners sit the exam.")


@router.get("/attempts", response=answers(list[AttemptOut], NEEDS_SIGN_IN, NOT_ALLOWED), summary="My exam attempts")
def attempts_api(request: AuthenticatedHttpRequest) -> list[AttemptOut]:
    _practitioner(request)
    return [_out(a) for a in Attempt.objects.filter(candidate=request.user).order_by("level", "part", "number")]


@router.get(
    "/attempts/{attempt_id}",
    response=answers(AttemptOut, NEEDS_SIGN_IN, NOT_ALLOWED, NOT_FOUND),
    summary="One of my exam attempts, with its result once released",
)
def attempt_api(request: AuthenticatedHttpRequest, attempt_id: int = Path(..., ge=1, le=INT64_MAX)) -> AttemptOut:
    """404 when the attempt is not the signed-in practitioner's, or does not exist."""
    _practitioner(request)
    return _out(get_object_or_404(Attempt, pk=attempt_id, candidate=request.user))


class ItemOut(Schema):
    question: str
    version: int
    domain: str
    candidates: int
    facility: float | None
    discrimination: float | None
    chosen: dict[str, int]  # option number (0-based, as stored) → how many chose it; "" for no answer
    correct_option: int | None
    flags: list[str]


class PaperOut(Schema):
    candidates: int
    questions: int
    mean: float | None
    sd: float | None
    kr20: float | None
    sem: float | None


class ItemAnalysisOut(Schema):
    level: str
    candidates: int
    paper: PaperOut | None
    items: list[ItemOut]


@router.get(
    "/items/{level}",
    response=answers(ItemAnalysisOut, NEEDS_SIGN_IN, NOT_ALLOWED, NOT_FOUND),
    summary="Item statistics of part 1 over first attempts (the registrar, with two-factor authentication)",
)
def items_api(
    request: AuthenticatedHttpRequest, level: str = Path(..., max_length=32, pattern=SLUG)
) -> ItemAnalysisOut:
    """Facility, discrimination (point-biserial with the rest score) and option counts per
    question; mean, SD, KR-20 and SEM over the questions every candidate was given."""
    if request.user.role != Role.REGISTRAR or not is_mfa_enabled(request.user):
        raise HttpError(403, "Item statistics are for the registrar, signed in with two-factor authentication.")
    if level not in exam_framework().exam_levels:
        raise HttpError(404, "No level with an exam has this code.")
    found = item_analysis(level)
    return ItemAnalysisOut(
        level=level,
        candidates=found.candidates,
        paper=PaperOut(**vars(found.paper)) if found.paper else None,
        items=[
            ItemOut(
                question=row.key,
                version=row.version,
                domain=row.domain,
                candidates=row.stats.candidates,
                facility=row.stats.facility,
                discrimination=row.stats.discrimination,
                chosen=row.stats.chosen,
                correct_option=next((i for i, (_, _, correct) in enumerate(row.options) if correct), None),
                flags=[flag.code for flag in row.stats.flags],
            )
            for row in found.rows
        ],
    )
