"""The candidate's pages: their exam, the sitting one question at a time, handing in, and
the result. Every page works without JavaScript ("Save and next" saves); with it, each
change is also saved as it is made (`answer`, used by `static/exams/sitting.js`)."""

from __future__ import annotations

import math
from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nurture.accounts.http import AuthenticatedHttpRequest
from nurture.core.permissions import practitioner_required
from nurture.endorsements.models import Application
from nurture.endorsements.workflow import EXAM_STATES
from nurture.exams import rules
from nurture.exams.models import Attempt, Kind, Part
from nurture.exams.selectors import (
    QuestionShown,
    attempt_result,
    paper_places,
    part_standing,
    question_shown,
)
from nurture.exams.services import ExamError, answer_save, attempt_start, attempt_submit


def _own_application(request: AuthenticatedHttpRequest, pk: int) -> Application:
    application = get_object_or_404(Application.objects.select_related("level"), pk=pk, practitioner=request.user)
    if not application.level.exam_required:
        raise Http404("This level has no exam.")
    return application


def _own_attempt(request: AuthenticatedHttpRequest, pk: int) -> Attempt:
    """The candidate's own attempt (another's is 404); one left open past its deadline and
    grace is handed in now, as the scheduled job would."""
    attempt = get_object_or_404(Attempt, pk=pk, candidate=request.user)
    if attempt.status == Attempt.Status.OPEN and not rules.answer_taken(timezone.now(), attempt.deadline):
        attempt = attempt_submit(attempt=attempt, actor=None)
    return attempt


@practitioner_required
@require_GET
def overview(request: AuthenticatedHttpRequest, application_pk: int) -> HttpResponse:
    application = _own_application(request, application_pk)
    parts = [part_standing(request.user, application.level.code, part) for part in Part.values]
    attempts = Attempt.objects.filter(candidate=request.user, level=application.level.code).order_by("part", "number")
    context = {
        "application": application,
        "accepted": application.state in EXAM_STATES,
        "parts": parts,
        "attempts": attempts,
        "now": timezone.now(),
    }
    return render(request, "exams/overview.html", context)


@practitioner_required
@require_POST
def start(request: AuthenticatedHttpRequest, application_pk: int, part: int) -> HttpResponse:
    application = _own_application(request, application_pk)
    try:
        attempt = attempt_start(application=application, actor=request.user, part=part)
    except ExamError as refused:
        messages.error(request, str(refused))
        return redirect("exams:overview", application_pk=application.pk)
    places = paper_places(attempt)
    first_open = next((p.position for p in places if not p.answered), 1)
    return redirect("exams:question", pk=attempt.pk, position=first_open)


def _save(request: AuthenticatedHttpRequest, attempt: Attempt, shown: QuestionShown, data: QueryDict) -> None:
    if shown.kind == Kind.MULTIPLE_CHOICE:
        raw = data.get("choice", "")
        if raw == "":
            choice = None
        elif raw.isdigit() and len(raw) < 3:
            choice = int(raw)
        else:
            raise ExamError("Choose one of the options shown.")
        answer_save(attempt=attempt, actor=request.user, position=shown.position, choice=choice)
    else:
        answer_save(attempt=attempt, actor=request.user, position=shown.position, written=data.get("written", ""))


def _time_left_words(left: timedelta) -> str:
    if left < timedelta(minutes=1):
        return "Less than a minute left"
    minutes = math.ceil(left.total_seconds() / 60)  # as a clock's minute hand reads it: 89:59 is 90 minutes
    if minutes >= 60:
        hours, minutes = divmod(minutes, 60)
        return f"{hours} hour{'s' if hours != 1 else ''} {minutes} minute{'s' if minutes != 1 else ''} left"
    return f"{minutes} minute{'s' if minutes != 1 else ''} left"


@practitioner_required
@require_http_methods(["GET", "POST"])
def question(request: AuthenticatedHttpRequest, pk: int, position: int) -> HttpResponseBase:
    attempt = _own_attempt(request, pk)
    if attempt.status != Attempt.Status.OPEN:
        return redirect("exams:result", pk=attempt.pk)
    shown = question_shown(attempt, position)
    if shown is None:
        raise Http404("This paper has no such question.")
    error = ""
    if request.method == "POST":
        try:
            _save(request, attempt, shown, request.POST)
        except ExamError as refused:
            error = str(refused)
            if not rules.answer_taken(timezone.now(), attempt.deadline):
                messages.error(request, error)
                return redirect("exams:result", pk=attempt.pk)
        else:
            go = request.POST.get("go", "next")
            if go == "previous" and position > 1:
                return redirect("exams:question", pk=attempt.pk, position=position - 1)
            if go == "review" or position >= shown.total:
                return redirect("exams:submit", pk=attempt.pk)
            return redirect("exams:question", pk=attempt.pk, position=position + 1)
        shown = _as_posted(shown, request.POST)
    now = timezone.now()
    left = rules.time_left(now, attempt.deadline)
    context = {
        "attempt": attempt,
        "q": shown,
        "places": paper_places(attempt),
        "error": error,
        "time_left": _time_left_words(left),
        "deadline_ms": int(attempt.deadline.timestamp() * 1000),
        "now_ms": int(now.timestamp() * 1000),
        "warnings": [int(at.total_seconds() // 60) for at in rules.warnings_passed(now, attempt.deadline)],
        "part_label": Part(attempt.part).label,
    }
    return render(request, "exams/question.html", context, status=400 if error else 200)


def _as_posted(shown: QuestionShown, data: QueryDict) -> QuestionShown:
    """The question with what the candidate just sent, so a refused save loses nothing they typed."""
    from dataclasses import replace

    if shown.kind == Kind.MULTIPLE_CHOICE:
        raw = data.get("choice", "")
        return replace(shown, options=tuple(replace(o, chosen=str(o.position) == raw) for o in shown.options))
    return replace(shown, written=data.get("written", "")[:50_000])


@practitioner_required
@require_POST
def answer(request: AuthenticatedHttpRequest, pk: int, position: int) -> JsonResponse:
    """The page's script saves each change here; the answer is the status to show."""
    attempt = get_object_or_404(Attempt, pk=pk, candidate=request.user)
    shown = question_shown(attempt, position) if attempt.status == Attempt.Status.OPEN else None
    if attempt.status != Attempt.Status.OPEN:
        return JsonResponse(
            {"saved": False, "error": "This attempt has been handed in: answers can no longer change."}, status=409
        )
    if shown is None:
        raise Http404("This paper has no such question.")
    try:
        _save(request, attempt, shown, request.POST)
    except ExamError as refused:
        closed = not rules.answer_taken(timezone.now(), attempt.deadline)
        return JsonResponse({"saved": False, "error": str(refused)}, status=409 if closed else 400)
    places = paper_places(attempt)
    return JsonResponse(
        {"saved": True, "answered": sum(p.answered for p in places), "total": len(places), "position": position}
    )


@practitioner_required
@require_http_methods(["GET", "POST"])
def submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    attempt = _own_attempt(request, pk)
    if attempt.status != Attempt.Status.OPEN:
        return redirect("exams:result", pk=attempt.pk)
    if request.method == "POST":
        try:
            attempt_submit(attempt=attempt, actor=request.user)
        except ExamError as refused:
            messages.error(request, str(refused))
        return redirect("exams:result", pk=attempt.pk)
    places = paper_places(attempt)
    context = {
        "attempt": attempt,
        "places": places,
        "answered": sum(p.answered for p in places),
        "time_left": _time_left_words(rules.time_left(timezone.now(), attempt.deadline)),
        "part_label": Part(attempt.part).label,
    }
    return render(request, "exams/submit.html", context)


@practitioner_required
@require_GET
def result(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    attempt = _own_attempt(request, pk)
    if attempt.status == Attempt.Status.OPEN:
        return redirect("exams:question", pk=attempt.pk, position=1)
    if attempt.status == Attempt.Status.SUBMITTED:
        return render(request, "exams/submitted.html", {"attempt": attempt, "part_label": Part(attempt.part).label})
    return render(request, "exams/result.html", {"r": attempt_result(attempt), "part_label": Part(attempt.part).label})
