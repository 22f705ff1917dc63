"""The coordinator's pages for free-text answers: a survey's free-text questions; one
question's answers to browse, code with themes and choose as quotes; a theme's page
(rename, remove); and the chosen quotes. Every form is a plain POST that comes back to
the same filters and page; a refusal is said on the page and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from nurture.accounts.http import AuthenticatedHttpRequest
from nurture.accounts.roles import Role
from nurture.core.forms import page_number, search_text
from nurture.core.permissions import staff_required
from nurture.surveys.coding import answer_code, quote_choose, quote_remove, theme_add, theme_remove, theme_rename
from nurture.surveys.coding_forms import AnswerFilterForm, ThemeForm
from nurture.surveys.coding_selectors import (
    MAX_PAGE,
    AnswerFilters,
    answer_page,
    coding_survey,
    question_theme,
    question_themes,
    quote_list,
    record_id,
    survey_quote,
    survey_response,
    survey_role_question,
    survey_samples,
    text_question,
    text_questions,
    theme_counts,
)
from nurture.surveys.models import Question, Response, Survey
from nurture.surveys.services import SurveyError

coordinator_required = staff_required(Role.COORDINATOR)
FILTER_KEYS = ("sample", "theme", "q", "page")


def _survey_or_404(slug: str) -> Survey:
    survey = coding_survey(slug)
    if survey is None:
        raise Http404("No such survey.")
    return survey


def _question_or_404(slug: str, code: str) -> tuple[Survey, Question]:
    survey = _survey_or_404(slug)
    question = text_question(survey, code)
    if question is None:
        raise Http404("No such free-text question in this survey.")
    return survey, question


def _kept_filters(request: HttpRequest) -> str:
    """The page's filters and page number as a query string ("" when none), cleaned."""
    kept = {key: search_text(request.GET.get(key, "")) for key in FILTER_KEYS}
    query = urlencode({key: value for key, value in kept.items() if value})
    return f"?{query}" if query else ""


@coordinator_required
@require_GET
def staff_text_questions(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    survey = _survey_or_404(slug)
    return render(request, "surveys/coding_questions.html", {"survey": survey, "questions": text_questions(survey)})


@dataclass(frozen=True)
class Done:
    message: str
    anchor: str = ""


def _response_or_404(request: HttpRequest, survey: Survey) -> Response:
    pk = record_id(request.POST.get("response", ""))
    if pk is None:
        raise SurveyError("That answer could not be found: choose one from the list.")
    response = survey_response(survey, pk)
    if response is None:
        raise Http404("No such response in this survey.")
    return response


def _coding_act(request: AuthenticatedHttpRequest, survey: Survey, question: Question, form: ThemeForm) -> Done | None:
    action = request.POST.get("action")
    if action == "theme":
        if not form.is_valid():
            return None
        theme = theme_add(question=question, name=form.cleaned_data["name"], actor=request.user)
        return Done(f"Added the theme “{theme.name}”.", "themes")
    if action in ("code", "quote"):
        response = _response_or_404(request, survey)
        if action == "quote":
            quote = quote_choose(response=response, question=question, actor=request.user)
            return Done(
                f"Answer {response.pk} is a quote now, attributed to “{quote.attribution}”.", f"answer-{response.pk}"
            )
        ids = [record_id(raw) for raw in request.POST.getlist("themes")[:1000]]
        if None in ids:
            raise SurveyError("Choose themes from the list.")
        themes = answer_code(response=response, question=question, theme_ids={i for i in ids if i}, actor=request.user)
        named = ", ".join(t.name for t in themes) or "no theme"
        return Done(f"Answer {response.pk} has {named}.", f"answer-{response.pk}")
    raise SurveyError("Choose one of the buttons.")


@coordinator_required
@require_http_methods(["GET", "POST"])
def staff_text(request: AuthenticatedHttpRequest, slug: str, code: str) -> HttpResponse:
    """Browse a free-text question's answers, code them with themes, choose quotes."""
    survey, question = _question_or_404(slug, code)
    theme_form = ThemeForm(request.POST if request.POST.get("action") == "theme" else None)
    problem = ""
    if request.method == "POST":
        try:
            done = _coding_act(request, survey, question, theme_form)
        except SurveyError as error:
            problem = str(error)
        else:
            if done is not None:
                messages.success(request, done.message)
                anchor = f"#{done.anchor}" if done.anchor else ""
                return redirect(f"{request.path}{_kept_filters(request)}{anchor}")
    samples, themes = survey_samples(survey), question_themes(question)
    filter_form = AnswerFilterForm(request.GET, samples=samples, themes=themes)
    filters = filter_form.filters()
    page = page_number(request.GET.get("page"), most=MAX_PAGE)
    context = {
        "survey": survey,
        "question": question,
        "theme_form": theme_form,
        "filter_form": filter_form,
        "problem": problem,
        "filtered": filters != AnswerFilters(),
        "here": f"{request.path}{_kept_filters(request)}",
        "page": answer_page(question, filters, themes=themes, role=survey_role_question(survey), page=page),
        "counts": theme_counts(question, sample=filters.sample),
        "sample_name": next((s.name for s in samples if s.code == filters.sample), ""),
    }
    status = 400 if problem or theme_form.errors or filter_form.errors else 200
    return render(request, "surveys/coding_text.html", context, status=status)


@coordinator_required
@require_http_methods(["GET", "POST"])
def staff_theme(request: AuthenticatedHttpRequest, slug: str, code: str, theme_id: str) -> HttpResponse:
    """Rename a theme, or remove it (and take it off every answer)."""
    survey, question = _question_or_404(slug, code)
    theme = question_theme(question, theme_id)
    if theme is None:
        raise Http404("No such theme for this question.")
    back = reverse("surveys:staff_text", kwargs={"slug": survey.slug, "code": question.code})
    form = ThemeForm(request.POST if request.POST.get("action") == "rename" else None, label="Name")
    problem = ""
    try:
        if request.POST.get("action") == "remove":
            coded = theme_remove(theme=theme, actor=request.user)
            messages.success(request, f"Removed the theme “{theme.name}” (it was on {coded} answers).")
            return redirect(f"{back}#themes")
        if form.is_bound and form.is_valid():
            theme = theme_rename(theme=theme, name=form.cleaned_data["name"], actor=request.user)
            messages.success(request, f"The theme is called “{theme.name}” now.")
            return redirect(f"{back}#themes")
        if request.method == "POST" and not form.is_bound:
            problem = "Choose one of the buttons."
    except SurveyError as error:
        problem = str(error)
    if not form.is_bound:
        form = ThemeForm(initial={"name": theme.name}, label="Name")
    context = {"survey": survey, "question": question, "theme": theme, "form": form, "problem": problem}
    return render(request, "surveys/coding_theme.html", context, status=400 if problem or form.errors else 200)


@coordinator_required
@require_http_methods(["GET", "POST"])
def staff_quotes(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The chosen quotes, each with whether it may still be published; remove one."""
    survey = _survey_or_404(slug)
    problem = ""
    if request.method == "POST":
        pk = record_id(request.POST.get("quote", ""))
        quote = survey_quote(survey, pk) if pk is not None else None
        if pk is not None and quote is None:
            raise Http404("No such quote in this survey.")
        try:
            if quote is None or request.POST.get("action") != "remove":
                raise SurveyError("Choose a quote's “Remove” button.")
            quote_remove(quote=quote, actor=request.user)
        except SurveyError as error:
            problem = str(error)
        else:
            messages.success(request, f"Removed the quote attributed to “{quote.attribution}”.")
            return redirect("surveys:staff_quotes", slug=survey.slug)
    context = {"survey": survey, "quotes": quote_list(survey), "problem": problem}
    return render(request, "surveys/coding_quotes.html", context, status=400 if problem else 200)


urlpatterns: list[URLPattern] = [
    path("staff/surveys/<slug:slug>/text/", staff_text_questions, name="staff_text_questions"),
    path("staff/surveys/<slug:slug>/text/<str:code>/", staff_text, name="staff_text"),
    path("staff/surveys/<slug:slug>/text/<str:code>/themes/<str:theme_id>/", staff_theme, name="staff_theme"),
    path("staff/surveys/<slug:slug>/quotes/", staff_quotes, name="staff_quotes"),
]
