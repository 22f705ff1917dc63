"""The candidate's pages: their exam, the sitting one question at a time, handing in, and
the result. Every page works without JavaScript ("Save and next" saves); with it, each
change is also saved as it is made (`answer`, used by `static/exams/sitting.js`)."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nurture.accounts.http import AuthenticatedHttpRequest
from nurture.accounts.roles import Role
from nurture.core.permissions import practitioner_required, staff_required
from nurture.endorsements.models import Application
from nurture.endorsements.workflow import EXAM_STATES
from nurture.exams import rules
from nurture.exams.forms import BankFileForm, BlueprintForm, ExtraTimeForm, MarkForm, QuestionForm, blueprint_values
from nurture.exams.models import Accommodation, Attempt, Kind, Part, WrittenMark
from nurture.exams.selectors import (
    QuestionShown,
    attempt_result,
    bank_question,
    bank_rows,
    blueprint_of,
    exam_framework,
    exam_overview,
    item_analysis,
    marking_rows,
    paper_places,
    part_standing,
    question_shown,
)
from nurture.exams.services import (
    AttemptClosed,
    ExamError,
    NoSuchQuestion,
    NotYours,
    accommodation_grant,
    answer_save,
    attempt_start,
    attempt_submit,
    bank_export,
    bank_import,
    blueprint_default,
    blueprint_save,
    mark_submit,
    question_edit,
    version_draft,
)


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
        attempt = attempt_submit(attempt=attempt, actor=None, by="deadline passed (on the candidate's next page)")
    return attempt


@never_cache
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
    }
    return render(request, "exams/overview.html", context)


@never_cache
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
    given = {"written": data.get("written", "")} if shown.kind == Kind.VIGNETTE else _answer_given(data)
    answer_save(attempt=attempt, actor=request.user, position=shown.position, **given)


def _time_left_words(left: timedelta) -> str:
    if left < timedelta(minutes=1):
        return "Less than a minute left"
    minutes = math.ceil(left.total_seconds() / 60)  # as a clock's minute hand reads it: 89:59 is 90 minutes
    if minutes >= 60:
        hours, minutes = divmod(minutes, 60)
        return f"{hours} hour{'s' if hours != 1 else ''} {minutes} minute{'s' if minutes != 1 else ''} left"
    return f"{minutes} minute{'s' if minutes != 1 else ''} left"


@never_cache
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
        "grace_ms": int(rules.GRACE.total_seconds() * 1000),
        "now_ms": int(now.timestamp() * 1000),
        "warnings": [int(at.total_seconds() // 60) for at in rules.warnings_passed(now, attempt.deadline)],
        "part_label": Part(attempt.part).label,
    }
    return render(request, "exams/question.html", context, status=400 if error else 200)


def _as_posted(shown: QuestionShown, data: QueryDict) -> QuestionShown:
    """The question with what the candidate just sent, so a refused save loses nothing they typed."""
    if shown.kind == Kind.MULTIPLE_CHOICE:
        raw = data.get("choice", "")
        return replace(shown, options=tuple(replace(o, chosen=str(o.position) == raw) for o in shown.options))
    return replace(shown, written=data.get("written", "")[:50_000])


@never_cache
@practitioner_required
@require_POST
def answer(request: AuthenticatedHttpRequest, pk: int, position: int) -> JsonResponse:
    """The page's script saves each change here; the answer is the status to show. Every
    candidate saves every few seconds, so this reads nothing the save does not need."""
    try:
        saved = answer_save(attempt=pk, actor=request.user, position=position, **_answer_given(request.POST))
    except (NotYours, NoSuchQuestion) as missing:
        raise Http404(str(missing)) from None
    except AttemptClosed as closed:
        return JsonResponse({"saved": False, "error": str(closed)}, status=409)
    except ExamError as refused:
        return JsonResponse({"saved": False, "error": str(refused)}, status=400)
    return JsonResponse({"saved": True, "position": saved.position})


def _answer_given(data: QueryDict) -> dict[str, Any]:
    """The choice (its place on screen) or the written answer a form sent, as `answer_save` takes them."""
    if "written" in data:
        return {"written": data.get("written", "")}
    raw = data.get("choice", "")
    if raw == "":
        return {"choice": None}
    if raw.isascii() and raw.isdigit() and len(raw) < 3:
        return {"choice": int(raw)}
    raise ExamError("Choose one of the options shown.")


@never_cache
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


@never_cache
@practitioner_required
@require_GET
def result(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    attempt = _own_attempt(request, pk)
    if attempt.status == Attempt.Status.OPEN:
        return redirect("exams:question", pk=attempt.pk, position=1)
    if attempt.status == Attempt.Status.SUBMITTED:
        return render(request, "exams/submitted.html", {"attempt": attempt, "part_label": Part(attempt.part).label})
    return render(request, "exams/result.html", {"r": attempt_result(attempt), "part_label": Part(attempt.part).label})


# Markers ---------------------------------------------------------------------------------


@staff_required(Role.ASSESSOR)
@require_GET
def marking(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "exams/marking.html", {"rows": marking_rows(request.user)})


@staff_required(Role.ASSESSOR)
@require_http_methods(["GET", "POST"])
def mark(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """One answer to mark: the case, the question, the answer, the model answer and the
    rubric; never whose answer it is."""
    given = get_object_or_404(WrittenMark.objects.select_related("item__version"), pk=pk, marker=request.user)
    version = given.item.version
    if request.method == "POST" and given.submitted_at is not None:
        messages.error(request, "You have already marked this answer: a mark cannot change once it is in.")
        return redirect("exams:mark", pk=given.pk)
    form = MarkForm(request.POST if request.method == "POST" else None, rubric=version.rubric)
    if request.method == "POST" and form.is_valid():
        marked = form.marked()
        try:
            mark_submit(mark=given, actor=request.user, points=marked.points, comment=marked.comment)
        except ExamError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Your mark is saved: {sum(marked.points)} of {version.points}.")
            return redirect("exams:marking")
    context = {
        "given": given,
        "version": version,
        "answer": given.item.written,
        "form": form,
        "criteria": list(zip(version.rubric, given.points or [None] * len(version.rubric), strict=False)),
    }
    return render(request, "exams/mark.html", context, status=400 if form.errors else 200)


# The registrar ---------------------------------------------------------------------------


def _staff_page(
    request: AuthenticatedHttpRequest,
    *,
    bank_form: BankFileForm | None = None,
    extra_form: ExtraTimeForm | None = None,
    problems: list[str] | None = None,
) -> HttpResponse:
    overview = exam_overview()
    context = {
        "o": overview,
        "bank_form": bank_form or BankFileForm(),
        "extra_form": extra_form or ExtraTimeForm(levels=overview.exam_levels),
        "problems": problems or [],
        "accommodations": Accommodation.objects.select_related("candidate").order_by("-granted_at")[:50],
    }
    failed = bool(problems) or any(f is not None and f.errors for f in (bank_form, extra_form))
    return render(request, "exams/staff.html", context, status=400 if failed else 200)


@staff_required(Role.REGISTRAR)
@require_GET
def staff(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _staff_page(request)


@staff_required(Role.REGISTRAR)
@require_POST
def staff_bank_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = BankFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _staff_page(request, bank_form=form)
    done = bank_import(form.content(), actor=request.user)
    if not done.ok:
        return _staff_page(request, bank_form=form, problems=[str(p) for p in done.problems])
    messages.success(
        request,
        f"Imported: {done.added} new question{pluralize(done.added)}, {done.new_versions} new "
        f"version{pluralize(done.new_versions)}, {done.unchanged} unchanged.",
    )
    return redirect("exams:staff")


@staff_required(Role.REGISTRAR)
@require_GET
def staff_bank_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    response = HttpResponse(bank_export(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="exam-bank-{timezone.localdate():%Y-%m-%d}.json"'
    return response


@staff_required(Role.REGISTRAR)
@require_GET
def staff_questions(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "exams/staff_questions.html", {"rows": bank_rows()})


@staff_required(Role.REGISTRAR)
@require_http_methods(["GET", "POST"])
def staff_question(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    """One question: what it says now, its versions, and a form whose change makes a new one."""
    page = bank_question(key)
    if page is None:
        raise Http404("The bank has no such question.")
    framework = exam_framework()
    form = QuestionForm(
        request.POST or None,
        draft=version_draft(page.current),
        version=page.current.number,
        levels={code: framework.level_names[code] for code in framework.exam_levels},
        competencies=page.competencies,
    )
    if request.method == "POST" and form.is_valid():
        try:
            edited = question_edit(key=key, row=form.row(), based_on=form.based_on(), actor=request.user)
        except ExamError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                f"Saved {key} as version {edited.number}. Attempts already drawn keep the version they were given."
                if edited.changed
                else f"Nothing changed in {key}: no new version was made.",
            )
            return redirect("exams:staff_question", key=key)
    context = {"page": page, "form": form, "kind": Kind(page.current.question.kind).label}
    return render(request, "exams/staff_question.html", context, status=400 if form.errors else 200)


@staff_required(Role.REGISTRAR)
@require_http_methods(["GET", "POST"])
def staff_blueprint(request: AuthenticatedHttpRequest, level: str, part: int) -> HttpResponse:
    framework = exam_framework()
    if level not in framework.exam_levels or part not in Part.values:
        raise Http404("No such blueprint.")
    existing = blueprint_of(level, part)
    current = blueprint_values(existing) if existing else blueprint_default(level, part, framework)
    domains = dict(framework.domain_labels)
    form = BlueprintForm(request.POST or None, part=part, domains=domains, blueprint=current)
    if request.method == "POST" and form.is_valid():
        try:
            blueprint_save(level=level, part=part, values=form.values(), actor=request.user)
        except ExamError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, f"Saved the blueprint of {Part(part).label.lower()} for {framework.level_names[level]}."
            )
            return redirect("exams:staff")
    context = {
        "form": form,
        "level_name": framework.level_names[level],
        "part_label": Part(part).label,
        "new": existing is None,
    }
    return render(request, "exams/staff_blueprint.html", context, status=400 if form.errors else 200)


@staff_required(Role.REGISTRAR)
@require_POST
def staff_extra_time(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ExtraTimeForm(request.POST, levels=exam_overview().exam_levels)
    if form.is_valid():
        extra = form.extra_time()
        try:
            accommodation_grant(
                candidate=extra.candidate, level=extra.level, extra_minutes=extra.minutes, reason=extra.reason,
                actor=request.user,
            )  # fmt: skip
        except ExamError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{extra.candidate} has {extra.minutes} extra minutes at this level.")
            return redirect("exams:staff")
    return _staff_page(request, extra_form=form)


@staff_required(Role.REGISTRAR)
@require_GET
def staff_items(request: AuthenticatedHttpRequest, level: str) -> HttpResponse:
    if level not in exam_framework().exam_levels:
        raise Http404("No such level.")
    return render(request, "exams/staff_items.html", {"a": item_analysis(level)})
