"""Reads for coding free-text answers and choosing quotes: a survey's free-text questions
with their counts, a page of one question's answers (filtered), the counts per theme, and
the chosen quotes with whether each may still be published. Typed values only.

An answer is a completed response's non-empty answer to the question; a response still
being filled in is never shown. Each read costs a fixed number of queries, however many
answers there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Trim
from django.db.models.lookups import IContains

from nurture.surveys import questionnaire as rules
from nurture.surveys.coding import answer_text, attribution_of, quote_problem, role_label, role_question
from nurture.surveys.models import Coding, Question, Quote, ReportItem, Response, Sample, Survey, Theme

PER_PAGE = 25
MAX_PAGE = 10_000
NOT_CODED = "none"  # the theme filter's value for answers with no theme yet


def coding_survey(slug: str) -> Survey | None:
    return Survey.objects.filter(slug=slug).first()


def text_question(survey: Survey, code: str) -> Question | None:
    """One of the survey's free-text questions, by code."""
    return Question.objects.filter(survey=survey, code=code, kind=rules.Kind.TEXT).first()


def question_theme(question: Question, raw_id: str) -> Theme | None:
    pk = record_id(raw_id)
    return None if pk is None else Theme.objects.filter(question=question, pk=pk).first()


def record_id(raw: str) -> int | None:
    """A record's id typed or sent as text: plain digits only, of a size a database holds."""
    return int(raw) if raw.isascii() and raw.isdecimal() and len(raw) <= 18 else None


def survey_response(survey: Survey, pk: int) -> Response | None:
    return Response.objects.select_related("sample").filter(pk=pk, sample__survey=survey).first()


def survey_quote(survey: Survey, pk: int) -> Quote | None:
    return Quote.objects.filter(pk=pk, question__survey=survey).first()


def survey_samples(survey: Survey) -> list[Sample]:
    return list(survey.samples.order_by("code"))


def question_themes(question: Question) -> list[Theme]:
    return list(question.themes.order_by("name"))


def answers_of(question: Question) -> QuerySet[Response]:
    """The completed responses that answered a free-text question, with the answer as
    `written` (trimmed)."""
    return (
        Response.objects.filter(sample__survey_id=question.survey_id, completed_at__isnull=False)
        .annotate(written=Trim(KeyTextTransform(question.code, "answers")))
        .filter(written__isnull=False)
        .exclude(written="")
    )


def _coded(question: Question) -> Exists:
    return Exists(Coding.objects.filter(response=OuterRef("pk"), theme__question=question))


# The survey's free-text questions -----------------------------------------------------------


@dataclass(frozen=True)
class TextQuestionRow:
    code: str
    text: str
    answers: int
    not_coded: int
    themes: int
    quotes: int


def text_questions(survey: Survey) -> list[TextQuestionRow]:
    questions = list(
        Question.objects.filter(survey=survey, kind=rules.Kind.TEXT)
        .annotate(theme_count=Count("themes", distinct=True), quote_count=Count("quotes", distinct=True))
        .order_by("position")
    )
    if not questions:
        return []
    done = Response.objects.filter(sample__survey=survey, completed_at__isnull=False)
    for i, question in enumerate(questions):
        done = done.annotate(**{f"a{i}": Trim(KeyTextTransform(question.code, "answers"))})
        done = done.annotate(**{f"c{i}": _coded(question)})
    aggregates: dict[str, Count] = {}
    for i in range(len(questions)):
        answered = Q(**{f"a{i}__isnull": False}) & ~Q(**{f"a{i}": ""})
        aggregates[f"answered{i}"] = Count("pk", filter=answered)
        aggregates[f"coded{i}"] = Count("pk", filter=answered & Q(**{f"c{i}": True}))
    counts = done.aggregate(**aggregates)
    return [
        TextQuestionRow(
            code=q.code,
            text=q.text,
            answers=counts[f"answered{i}"],
            not_coded=counts[f"answered{i}"] - counts[f"coded{i}"],
            themes=q.theme_count,
            quotes=q.quote_count,
        )
        for i, q in enumerate(questions)
    ]


# A page of one question's answers -----------------------------------------------------------


@dataclass(frozen=True)
class AnswerFilters:
    """What narrows the answers shown; empty values do not."""

    sample: str = ""  # a sample's code
    theme: str = ""  # a theme's id, or NOT_CODED
    search: str = ""  # words in the answer


@dataclass(frozen=True)
class ThemeChoice:
    id: int
    name: str
    chosen: bool


@dataclass(frozen=True)
class AnswerRow:
    response_id: int
    text: str
    sample: str
    role: str  # the respondent's answer to the role question; "" when not given
    quote_consent: bool
    themes: tuple[ThemeChoice, ...]
    quote_id: int | None  # already chosen as a quote
    attribution: str  # how a quote of it would be attributed
    quote_problem: str  # why it may not be chosen as a quote; "" when it may

    @property
    def coded(self) -> bool:
        return any(t.chosen for t in self.themes)


@dataclass(frozen=True)
class AnswerPage:
    number: int
    num_pages: int
    count: int
    rows: list[AnswerRow]

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def first_index(self) -> int:
        return (self.number - 1) * PER_PAGE + 1 if self.rows else 0

    @property
    def last_index(self) -> int:
        return self.first_index + len(self.rows) - 1 if self.rows else 0


def _filtered(question: Question, filters: AnswerFilters) -> QuerySet[Response]:
    found = answers_of(question)
    if filters.sample:
        found = found.filter(sample__code=filters.sample)
    if filters.theme == NOT_CODED:
        found = found.filter(~_coded(question))
    elif filters.theme:
        found = found.filter(Exists(Coding.objects.filter(response=OuterRef("pk"), theme_id=int(filters.theme))))
    if filters.search:
        found = found.filter(IContains(F("written"), filters.search))
    return found


def answer_page(
    question: Question, filters: AnswerFilters, *, themes: list[Theme], role: Question | None, page: int = 1
) -> AnswerPage:
    """One page of the question's answers, oldest first, each with its themes and whether
    it may be chosen as a quote (the reason when not)."""
    paginator = Paginator(_filtered(question, filters).select_related("sample").order_by("pk"), PER_PAGE)
    shown = paginator.get_page(page)
    responses: list[Response] = list(shown.object_list)
    ids = [r.pk for r in responses]
    coded: dict[int, set[int]] = {}
    for response_id, theme_id in Coding.objects.filter(response_id__in=ids, theme__question=question).values_list(
        "response_id", "theme_id"
    ):
        coded.setdefault(response_id, set()).add(theme_id)
    quotes = dict(Quote.objects.filter(response_id__in=ids, question=question).values_list("response_id", "pk"))
    rows = []
    for response in responses:
        text = answer_text(response, question)
        given = coded.get(response.pk, set())
        rows.append(
            AnswerRow(
                response_id=response.pk,
                text=text,
                sample=response.sample.name,
                role=role_label(response, role),
                quote_consent=response.quote_consent,
                themes=tuple(ThemeChoice(t.pk, t.name, t.pk in given) for t in themes),
                quote_id=quotes.get(response.pk),
                attribution=attribution_of(response, role),
                quote_problem=quote_problem(consent=response.quote_consent, text=text),
            )
        )
    return AnswerPage(number=shown.number, num_pages=paginator.num_pages, count=paginator.count, rows=rows)


def survey_role_question(survey: Survey) -> Question | None:
    return role_question(survey.questions.filter(profile=True).order_by("position"))


# Counts per theme -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeCount:
    id: int
    name: str
    answers: int
    share: int  # percent of the answers, rounded


def _share(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


@dataclass(frozen=True)
class ThemeCounts:
    """How many answers have each theme (an answer counts once for each of its themes, so
    the counts may add up to more than the answers), and how many have none yet."""

    answers: int
    not_coded: int
    themes: list[ThemeCount]

    @property
    def not_coded_share(self) -> int:
        return _share(self.not_coded, self.answers)


def theme_counts(question: Question, *, sample: str = "") -> ThemeCounts:
    answered = answers_of(question)
    if sample:
        answered = answered.filter(sample__code=sample)
    totals = answered.aggregate(answers=Count("pk"), not_coded=Count("pk", filter=~_coded(question)))
    in_counts = Q(codings__response__in=answered.values("pk"))
    themes = (
        Theme.objects.filter(question=question)
        .annotate(answers=Count("codings__response", filter=in_counts, distinct=True))
        .order_by("-answers", "name")
    )
    return ThemeCounts(
        answers=totals["answers"],
        not_coded=totals["not_coded"],
        themes=[ThemeCount(t.pk, t.name, t.answers, _share(t.answers, totals["answers"])) for t in themes],
    )


# The chosen quotes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteRow:
    id: int
    question_code: str
    question_text: str
    text: str
    attribution: str
    chosen_at: datetime
    chosen_by: str
    problem: str  # why it may no longer be published; "" when it may
    reports: tuple[str, ...]  # titles of the reports that use it

    @property
    def publishable(self) -> bool:
        return not self.problem


def quote_publication_problem(quote: Quote) -> str:
    """Why a chosen quote may not go into a published report now (consent and the
    identifier scan checked again); "" when it may. For a report's publication check."""
    response = quote.response
    if not response.is_complete:
        return "The response this quote comes from is no longer complete."
    return quote_problem(consent=response.quote_consent, text=quote.text)


def quote_list(survey: Survey) -> list[QuoteRow]:
    quotes = list(
        Quote.objects.filter(question__survey=survey)
        .select_related("response", "question", "chosen_by")
        .order_by("question__position", "id")
    )
    reports: dict[int, set[str]] = {}
    for quote_id, title in ReportItem.objects.filter(quote__in=[q.pk for q in quotes]).values_list(
        "quote_id", "report__title"
    ):
        if quote_id is not None:
            reports.setdefault(quote_id, set()).add(title)
    return [
        QuoteRow(
            id=q.pk,
            question_code=q.question.code,
            question_text=q.question.text,
            text=q.text,
            attribution=q.attribution,
            chosen_at=q.chosen_at,
            chosen_by=q.chosen_by.full_name if q.chosen_by is not None else "",
            problem=quote_publication_problem(q),
            reports=tuple(sorted(reports.get(q.pk, set()))),
        )
        for q in quotes
    ]
