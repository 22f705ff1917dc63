"""The respondent's pages (a sample's link, no account) and the coordinator's builder and
weighting pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from nurture.accounts.http import AuthenticatedHttpRequest
from nurture.accounts.roles import Role
from nurture.core.permissions import staff_required
from nurture.surveys.forms import (
    AnswerForm,
    QuestionForm,
    RunForm,
    SampleForm,
    SectionForm,
    SurveyForm,
    TargetForm,
)
from nurture.surveys.models import (
    Question,
    Response,
    RunStatus,
    Sample,
    Section,
    Survey,
    SurveyStatus,
    Target,
    WeightingRun,
    new_token,
)
from nurture.surveys.results import last_run
from nurture.surveys.services import (
    WEIGHTABLE,
    Next,
    PageSent,
    SurveyError,
    is_full,
    page_of,
    page_submit,
    question_save,
    sample_save,
    section_save,
    status_actions,
    survey_save,
    survey_status_change,
    target_remove,
    target_save,
    weighting_request,
)

coordinator_required = staff_required(Role.COORDINATOR)
COOKIE_DAYS = 30


# Respondents ---------------------------------------------------------------------------


def _sample(link: str) -> Sample:
    sample = Sample.objects.select_related("survey").filter(link=link).first()
    if sample is None or sample.survey.status == SurveyStatus.DRAFT:
        raise Http404("No such survey.")
    return sample


def _cookie(sample: Sample) -> str:
    return f"survey_{sample.pk}"


def _response(request: HttpRequest, sample: Sample) -> Response | None:
    """This device's response to the sample: kept once a page is saved; before that an
    unsaved one with the device's token (nothing is stored for someone who starts and leaves)."""
    token = request.get_signed_cookie(
        _cookie(sample), default=None, salt="surveys.response", max_age=COOKIE_DAYS * 86400
    )
    if not token:
        return None
    found = Response.objects.filter(sample=sample, token=token).first()
    if found is None:
        return Response(sample=sample, token=token)
    return None if found.is_complete else found


def _answered_here(request: HttpRequest, sample: Sample) -> bool:
    return bool(request.get_signed_cookie(_done_cookie(sample), default=None, salt="surveys.done"))


def _done_cookie(sample: Sample) -> str:
    return f"survey_{sample.pk}_sent"


def _refused(request: HttpRequest, sample: Sample, reason: str) -> HttpResponse:
    return render(request, "surveys/respond_closed.html", {"sample": sample, "survey": sample.survey, "reason": reason})


def _not_taking(sample: Sample) -> str:
    if sample.survey.status != SurveyStatus.OPEN:
        return "This survey has closed and is no longer taking answers. Thank you for your interest."
    if is_full(sample):
        return "This survey has all the answers it needs from people like you, so it is not taking more. Thank you."
    return ""


@require_http_methods(["GET", "POST"])
def respond_start(request: HttpRequest, link: str) -> HttpResponse:
    sample = _sample(link)
    survey = sample.survey
    response = _response(request, sample)
    reason = _not_taking(sample)
    if reason:
        return _refused(request, sample, reason)
    if response is None and _answered_here(request, sample):
        return _refused(request, sample, "You have already answered this survey on this device. Thank you.")
    if request.method == "POST":
        if response is None:
            response = Response(sample=sample, token=new_token())
        page = min(response.section_reached + 1, survey.sections.count())
        answer = redirect("surveys:respond_page", link=link, number=max(page, 1))
        answer.set_signed_cookie(
            _cookie(sample),
            response.token,
            salt="surveys.response",
            max_age=COOKIE_DAYS * 86400,
            path=f"/s/{link}/",
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
        return answer
    context = {
        "sample": sample,
        "survey": survey,
        "response": response,
        "pages": survey.sections.count(),
        "questions": survey.questions.count(),
        "days": COOKIE_DAYS,
    }
    return render(request, "surveys/respond_start.html", context)


@require_http_methods(["GET", "POST"])
def respond_page(request: HttpRequest, link: str, number: int) -> HttpResponseBase:
    sample = _sample(link)
    response = _response(request, sample)
    reason = _not_taking(sample)
    if reason:
        return _refused(request, sample, reason)
    if response is None:
        messages.info(request, "Start here: your answers are kept on this device as you go.")
        return redirect("surveys:respond_start", link=link)
    page = page_of(survey=sample.survey, response=response, number=number)
    if page is None:
        raise Http404("No such page.")
    if number > response.section_reached + 1:
        return redirect("surveys:respond_page", link=link, number=response.section_reached + 1)
    shown = page.shown(set(request.POST.getlist("asked")) if request.method == "POST" else ())
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        initial={q.code: response.answers.get(q.code) for q in shown} | {"quote_consent": response.quote_consent},
        questions=shown,
        all_questions=page.questions,
        earlier=dict(response.answers),
        consent_text=page.consent_text,
    )
    if request.method == "POST" and form.is_valid():
        consent = bool(form.cleaned_data.get("quote_consent"))
        sent = page_submit(response=response, page=page, asked=shown, answers=form.kept, quote_consent=consent)
        return _after_page(request, sample, sent)
    context = {"sample": sample, "survey": sample.survey, "page": page, "form": form, "asked": [q.code for q in shown]}
    return render(request, "surveys/respond_page.html", context)


def _after_page(request: HttpRequest, sample: Sample, sent: PageSent) -> HttpResponseBase:
    if sent.next == Next.SAME_PAGE:
        messages.info(request, "Your answer brought up another question on this page.")
    elif sent.next == Next.BACK_TO:
        messages.error(request, "One more answer is needed on this page before your answers can be sent.")
    elif sent.next == Next.REFUSED:
        return _refused(request, sample, sent.reason)
    if sent.next != Next.SENT:
        return redirect("surveys:respond_page", link=sample.link, number=sent.page)
    answer = redirect("surveys:respond_done", link=sample.link)
    answer.delete_cookie(_cookie(sample), path=f"/s/{sample.link}/")
    answer.set_signed_cookie(
        _done_cookie(sample),
        "1",
        salt="surveys.done",
        max_age=365 * 86400,
        path=f"/s/{sample.link}/",
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return answer


@require_GET
def respond_done(request: HttpRequest, link: str) -> HttpResponse:
    sample = _sample(link)
    return render(request, "surveys/respond_done.html", {"sample": sample, "survey": sample.survey})


# The coordinator's builder -----------------------------------------------------------------


def _survey(slug: str) -> Survey:
    return get_object_or_404(Survey, slug=slug)


@coordinator_required
@require_GET
def staff_surveys(request: AuthenticatedHttpRequest) -> HttpResponse:
    surveys = Survey.objects.annotate(
        completed=Count("samples__responses", filter=Q(samples__responses__completed_at__isnull=False)),
        partial=Count("samples__responses", filter=Q(samples__responses__completed_at__isnull=True)),
    ).order_by("-created_at")
    return render(request, "surveys/staff_surveys.html", {"surveys": surveys})


@coordinator_required
@require_http_methods(["GET", "POST"])
def staff_survey_new(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        survey = survey_save(survey=None, values=form.cleaned_data, actor=request.user)
        messages.success(request, "Survey made. Add its samples, sections and questions.")
        return redirect("surveys:staff_survey", slug=survey.slug)
    return render(request, "surveys/staff_form.html", {"form": form, "title": "A new survey", "survey": None})


@coordinator_required
@require_http_methods(["GET", "POST"])
def staff_survey(request: AuthenticatedHttpRequest, slug: str) -> HttpResponseBase:
    survey = _survey(slug)
    if request.method == "POST":
        try:
            survey_status_change(survey=survey, action=request.POST.get("action", ""), actor=request.user)
            messages.success(request, f"The survey is now {survey.get_status_display().lower()}.")
        except SurveyError as error:
            messages.error(request, str(error))
        return redirect("surveys:staff_survey", slug=slug)
    samples = survey.samples.annotate(
        completed=Count("responses", filter=Q(responses__completed_at__isnull=False)),
        partial=Count("responses", filter=Q(responses__completed_at__isnull=True)),
    )
    sections = survey.sections.order_by("position")
    questions = list(survey.questions.order_by("position"))
    context = {
        "survey": survey,
        "samples": samples,
        "sections": [(s, [q for q in questions if q.section_id == s.pk]) for s in sections],
        "actions": status_actions(survey),
        "editable": survey.status == SurveyStatus.DRAFT,
        "links": {s.code: request.build_absolute_uri(reverse("surveys:respond_start", args=[s.link])) for s in samples},
    }
    return render(request, "surveys/staff_survey.html", context)


@coordinator_required
@require_http_methods(["GET", "POST"])
def staff_survey_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponseBase:
    survey = _survey(slug)
    form = SurveyForm(request.POST or None, instance=survey)
    if request.method == "POST" and form.is_valid():
        survey_save(survey=survey, values=form.cleaned_data, actor=request.user)
        messages.success(request, "Saved.")
        return redirect("surveys:staff_survey", slug=slug)
    return render(request, "surveys/staff_form.html", {"form": form, "title": "Survey details", "survey": survey})


def _sample_form(request: AuthenticatedHttpRequest, survey: Survey, sample: Sample | None) -> HttpResponseBase:
    form = SampleForm(request.POST or None, instance=sample)
    if request.method == "POST" and form.is_valid():
        try:
            sample_save(survey=survey, sample=sample, values=form.cleaned_data, actor=request.user)
            messages.success(request, "Sample saved.")
            return redirect("surveys:staff_survey", slug=survey.slug)
        except SurveyError as error:
            form.add_error(None, str(error))
    title = "A new sample" if sample is None else f"Sample: {sample.name}"
    return render(request, "surveys/staff_form.html", {"form": form, "title": title, "survey": survey})


@coordinator_required
@require_http_methods(["GET", "POST"])
def staff_sample_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponseBase:
    return _sample_form(request, _survey(slug), None)


@coordinator_required
@require_http_methods(["GET", "POST"])
def staff_sample_edit(request: AuthenticatedHttpRequest, slug: str, code: str) -> HttpResponseBase:
    survey = _survey(slug)
    return _sample_form(request, survey, get_object_or_404(Sample, survey=survey, code=code))


def _section_form(request: AuthenticatedHttpRequest, survey: Survey, section: Section | None) -> HttpResponseBase:
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        try:
            section_save(survey=survey, section=section, values=form.cleaned_data, actor=request.user)
            messages.success(request, "Section saved.")
            return redirect("surveys:staff_survey", slug=survey.slug)
        except SurveyError as error:
            form.add_error(None, str(error))
    title = "A new section" if section is None else f"Section {section.position}"
    return render(request, "surveys/staff_form.html", {"form": form, "title": title, "survey": survey})


@coordinator_required
@require_http_methods(["GET", "POST"])
def staff_section_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponseBase:
    return _section_form(request, _survey(slug), None)


@coordinator_required
@require_http_methods(["GET", "POST"])
def staff_section_edit(request: AuthenticatedHttpRequest, slug: str, position: int) -> HttpResponseBase:
    survey = _survey(slug)
    return _section_form(request, survey, get_object_or_404(Section, survey=survey, position=position))


def _question_initial(question: Question) -> dict[str, Any]:
    return {
        "section": question.section_id,
        "code": question.code,
        "kind": question.kind,
        "text": question.text,
        "options": "\n".join(str(o) for o in question.options),
        "dont_know": question.dont_know,
        "required": question.required,
        "least": question.least,
        "most": question.most,
        "show_if_code": question.show_if_code,
        "show_if_options": ", ".join(str(o) for o in question.show_if_options),
        "profile": question.profile,
    }


def _question_form(request: AuthenticatedHttpRequest, survey: Survey, question: Question | None) -> HttpResponseBase:
    if not survey.sections.exists():
        messages.error(request, "Add a section first: every question belongs to one.")
        return redirect("surveys:staff_survey", slug=survey.slug)
    initial = _question_initial(question) if question else {"required": True}
    form = QuestionForm(request.POST or None, initial=initial, survey=survey, editing=question)
    if request.method == "POST" and form.is_valid():
        section = survey.sections.filter(pk=form.cleaned_data["section"]).first()
        try:
            if section is None:
                raise SurveyError("Choose one of the survey's sections.")
            question_save(
                survey=survey, question=question, section=section, values=form.cleaned_data, actor=request.user
            )
            messages.success(request, "Question saved.")
            return redirect("surveys:staff_survey", slug=survey.slug)
        except SurveyError as error:
            form.add_error(None, str(error))
    title = "A new question" if question is None else f"Question {question.code}"
    return render(request, "surveys/staff_form.html", {"form": form, "title": title, "survey": survey})


@coordinator_required
@require_http_methods(["GET", "POST"])
def staff_question_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponseBase:
    return _question_form(request, _survey(slug), None)


@coordinator_required
@require_http_methods(["GET", "POST"])
def staff_question_edit(request: AuthenticatedHttpRequest, slug: str, code: str) -> HttpResponseBase:
    survey = _survey(slug)
    return _question_form(request, survey, get_object_or_404(Question, survey=survey, code=code))


# Weighting ---------------------------------------------------------------------------


def _cells(first: Question, second: Question | None) -> list[tuple[str, str]]:
    if second is None:
        return list(first.labels.items())
    return [(f"{a}|{b}", f"{la} × {lb}") for a, la in first.labels.items() for b, lb in second.labels.items()]


@coordinator_required
@require_http_methods(["GET", "POST"])
def staff_weighting(request: AuthenticatedHttpRequest, slug: str, code: str) -> HttpResponseBase:
    survey = _survey(slug)
    sample = get_object_or_404(Sample, survey=survey, code=code)
    profile = list(survey.questions.filter(profile=True, kind__in=WEIGHTABLE).order_by("position"))
    by_code = {q.code: q for q in profile}
    source = request.POST if request.method == "POST" else request.GET
    first = by_code.get(source.get("question", ""))
    second = by_code.get(source.get("crossed_with", ""))
    if second is not None and first is not None and second.pk == first.pk:
        second = None
    target_form = TargetForm(
        request.POST if request.method == "POST" and "save_target" in request.POST else None,
        cells=_cells(first, second) if first else [],
    )
    run_form = RunForm(request.POST if "run" in request.POST else None)
    if request.method == "POST":
        try:
            if "save_target" in request.POST:
                if first is None:
                    raise SurveyError("Choose a profile question for the targets.")
                if target_form.is_valid():
                    try:
                        target_save(
                            sample=sample,
                            question=first,
                            crossed_with=second,
                            shares=target_form.shares(),
                            source=target_form.cleaned_data["source"],
                            actor=request.user,
                        )
                    except SurveyError as error:
                        target_form.add_error(None, str(error))  # shown with what was typed
                    else:
                        messages.success(request, "Targets saved. Run the weighting again to use them.")
                        return redirect("surveys:staff_weighting", slug=slug, code=code)
            elif "remove_target" in request.POST:
                raw = request.POST.get("remove_target", "")
                if not raw.isascii() or not raw.isdigit():
                    raise SurveyError("That target has already been removed.")
                target_remove(sample=sample, target_id=int(raw), actor=request.user)
                messages.success(request, "Targets removed.")
                return redirect("surveys:staff_weighting", slug=slug, code=code)
            elif "run" in request.POST and run_form.is_valid():
                run = weighting_request(
                    sample=sample,
                    lower=run_form.cleaned_data["lower"],
                    upper=run_form.cleaned_data["upper"],
                    actor=request.user,
                )
                return redirect("surveys:staff_run", slug=slug, pk=run.pk)
        except SurveyError as error:
            messages.error(request, str(error))
    targets = Target.objects.filter(sample=sample).select_related("question", "crossed_with")
    context = {
        "survey": survey,
        "sample": sample,
        "profile": profile,
        "first": first,
        "second": second,
        "target_form": target_form,
        "run_form": run_form,
        "targets": [(t, _cells(t.question, t.crossed_with)) for t in targets],
        "runs": sample.weighting_runs.defer("response_ids", "weights").order_by("-requested_at", "-id")[:10],
        "last": last_run(sample, with_weights=False),
    }
    return render(request, "surveys/staff_weighting.html", context)


@coordinator_required
@require_GET
def staff_run(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = _survey(slug)
    runs = WeightingRun.objects.select_related("sample").defer("response_ids", "weights")
    run = get_object_or_404(runs, pk=pk, sample__survey=survey)
    working = run.status in (RunStatus.QUEUED, RunStatus.RUNNING)
    context = {"survey": survey, "run": run, "sample": run.sample, "working": working}
    # An htmx poll is told to stop (286) with the finished run's page, which it swaps in once.
    polled = request.headers.get("HX-Request") == "true" and not working
    return render(request, "surveys/staff_run.html", context, status=286 if polled else 200)
