"""Reads of reports: a report's content computed now (for the preview, and what
publication freezes), the frozen copy a published report's page, CSV and API read, and
the lists of reports.

`report_preview(report)` computes the content from `results.py` (the one home of every
figure) and lists what stops publication, each as a sentence: a figure that does not
equal the estimate or names what does not exist, a bare percentage, a representative
sample without weights, a quote that may not be published. `ReportContent` is the same
shape live and frozen: `content_json` writes it for `Report.published_content` and
`report_frozen` reads it back, typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from pydantic import TypeAdapter

from nurture.surveys import weighting
from nurture.surveys.charts import BarRow, Chart, bar_chart
from nurture.surveys.coding import quote_problem
from nurture.surveys.figures import bare_percentages, one_decimal, summary_read, whole_percent
from nurture.surveys.models import (
    ItemKind,
    Question,
    Quote,
    Report,
    ReportItem,
    ReportStatus,
    Response,
    Sample,
    Survey,
)
from nurture.surveys.results import Respondents, estimate_codes, question_result, respondents

OPT_IN_REASON = (
    "Its respondents chose to take part (an opt-in sample), so they had no known probability of "
    "selection and its sampling error cannot be estimated: its results are shown without a margin of "
    "error or interval, and describe those who answered rather than the whole population."
)


def _id_part(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "x"


def table_anchor(sample_code: str, question_code: str) -> str:
    """The id of a question's full table for a sample, which figures link to."""
    return f"table-{_id_part(sample_code)}-{_id_part(question_code)}"


def _percent(share: float | None) -> float | None:
    return None if share is None else one_decimal(share)


# The content, live or frozen ---------------------------------------------------------------


@dataclass(frozen=True)
class OptionRow:
    code: str
    label: str
    count: int  # unweighted respondents who gave it
    share: float
    low: float | None  # None when no interval is published (an opt-in sample)
    high: float | None
    design_effect: float | None
    effective_n: float | None

    @property
    def percent(self) -> int:
        return whole_percent(self.share)

    @property
    def low_percent(self) -> int | None:
        return None if self.low is None else whole_percent(self.low)

    @property
    def high_percent(self) -> int | None:
        return None if self.high is None else whole_percent(self.high)


@dataclass(frozen=True)
class Table:
    anchor: str
    sample: str
    sample_name: str
    question: str
    wording: str
    multiple: bool
    base: int  # unweighted: respondents who answered
    weighted_base: float
    interval: bool  # a 95% interval is published (a representative sample)
    options: tuple[OptionRow, ...]
    # Options counted together by a figure in the text ("agree" = 1 and 2), so the figure
    # that links here is found in the table as it is written.
    nets: tuple[OptionRow, ...] = ()

    @property
    def title(self) -> str:
        return f"{self.wording} ({self.sample_name})"

    @property
    def chart(self) -> Chart:
        return bar_chart([BarRow(o.label, o.share, o.low, o.high) for o in self.options])

    @property
    def description(self) -> str:
        parts = []
        for o in self.options:
            interval = f" (95% interval {o.low_percent}% to {o.high_percent}%)" if self.interval else ""
            parts.append(f"{o.label}: {o.percent}%{interval}")
        return f"{'; '.join(parts)}. Base: {self.base} respondents."


@dataclass(frozen=True)
class TargetCategory:
    name: str
    share: str  # a percentage, as entered


@dataclass(frozen=True)
class TargetUsed:
    label: str
    source: str
    categories: tuple[TargetCategory, ...]


@dataclass(frozen=True)
class SampleFacts:
    code: str
    name: str
    kind_label: str
    opt_in: bool
    population: str
    coverage: str
    method: str
    respondents: int
    weighted_base: float
    first_completed: date | None
    last_completed: date | None
    weighted: bool
    design_effect: float | None  # Kish's, of the weights
    effective_n: float | None
    lower: str  # the weights' bounds, as multiples of the base weight ("" when not weighted)
    upper: str
    targets: tuple[TargetUsed, ...]
    left_out: int  # completed after the weighting run, so not in the results
    unanswered: tuple[str, ...] = ()  # questions with options nobody in the sample answered ("CODE: wording")


@dataclass(frozen=True)
class Side:
    sample: str
    sample_name: str
    share: float
    low: float | None
    high: float | None
    base: int
    count: int

    @property
    def percent(self) -> int:
        return whole_percent(self.share)

    @property
    def low_percent(self) -> int | None:
        return None if self.low is None else whole_percent(self.low)

    @property
    def high_percent(self) -> int | None:
        return None if self.high is None else whole_percent(self.high)


@dataclass(frozen=True)
class ComparisonFacts:
    anchor: str
    question: str
    wording: str
    answer: str  # the options counted, by label
    first: Side
    second: Side
    difference: float  # first − second, as a share
    p_value: float | None  # None when no test can be made (an opt-in sample)
    note: str

    @property
    def sides(self) -> tuple[Side, Side]:
        return (self.first, self.second)

    @property
    def points(self) -> int:
        return self.first.percent - self.second.percent

    @property
    def interval(self) -> bool:
        return self.first.low is not None and self.second.low is not None

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < 0.05

    @property
    def title(self) -> str:
        return f"{self.wording}: {self.answer}, {self.first.sample_name} and {self.second.sample_name}"

    @property
    def chart(self) -> Chart:
        return bar_chart([BarRow(s.sample_name, s.share, s.low, s.high) for s in (self.first, self.second)])

    @property
    def description(self) -> str:
        sides = "; ".join(f"{s.sample_name}: {s.percent}% of {s.base}" for s in (self.first, self.second))
        return f"{self.answer}. {sides}."


@dataclass(frozen=True)
class QuoteFacts:
    text: str
    attribution: str
    question: str
    wording: str


@dataclass(frozen=True)
class Item:
    position: int
    kind: str
    note: str
    tables: tuple[Table, ...] = ()
    comparison: ComparisonFacts | None = None
    quote: QuoteFacts | None = None


@dataclass(frozen=True)
class Segment:
    text: str
    anchor: str = ""  # a figure: the id of its table


@dataclass(frozen=True)
class SummaryParagraph:
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class ReportContent:
    slug: str
    title: str
    survey_title: str
    commissioned_by: str
    conducted_by: str
    paragraphs: tuple[SummaryParagraph, ...]
    items: tuple[Item, ...]
    samples: tuple[SampleFacts, ...]
    tables: tuple[Table, ...]
    published_at: datetime | None = None

    @property
    def opt_in_samples(self) -> list[SampleFacts]:
        return [s for s in self.samples if s.opt_in]

    @property
    def weighted_samples(self) -> list[SampleFacts]:
        return [s for s in self.samples if s.weighted]

    def tables_of(self, sample: str) -> list[Table]:
        return [t for t in self.tables if t.sample == sample]

    @cached_property
    def tables_by_sample(self) -> list[tuple[SampleFacts, list[Table]]]:
        return [(s, self.tables_of(s.code)) for s in self.samples]


_CONTENT = TypeAdapter(ReportContent)


def content_json(content: ReportContent) -> dict[str, Any]:
    dumped: dict[str, Any] = _CONTENT.dump_python(content, mode="json")
    return dumped


def content_read(data: dict[str, Any]) -> ReportContent:
    return _CONTENT.validate_python(data)


# Computing it now --------------------------------------------------------------------------


@dataclass
class ReportPreview:
    content: ReportContent
    problems: list[str] = field(default_factory=list)  # each stops publication
    notes: list[str] = field(default_factory=list)  # worth knowing, stops nothing


@dataclass
class _Data:
    survey: Survey
    samples: dict[str, Sample]
    questions: dict[str, Question]
    people: dict[str, Respondents]

    def in_report(self) -> list[Sample]:
        return [s for s in self.samples.values() if self.people[s.code].ids]


def _shown(text: str, most: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 1] + "…"


def _table(people: Respondents, question: Question, anchor: str) -> Table | None:
    result = question_result(people, question)
    if result is None:
        return None
    interval = result.margin_of_error
    return Table(
        anchor=anchor,
        sample=people.sample.code,
        sample_name=people.sample.name,
        question=question.code,
        wording=question.text,
        multiple=question.is_multiple,
        base=result.base,
        weighted_base=result.weighted_base,
        interval=interval,
        options=tuple(
            OptionRow(
                code=o.code,
                label=o.label,
                count=o.count,
                share=o.estimate.share,
                low=o.estimate.low if interval else None,
                high=o.estimate.high if interval else None,
                design_effect=o.estimate.design_effect if interval else None,
                effective_n=o.estimate.effective_n if interval else None,
            )
            for o in result.options
        ),
    )


def _sample_facts(sample: Sample, people: Respondents) -> SampleFacts:
    kept = set(people.ids)
    days = [
        timezone.localdate(done)
        for pk, done in Response.objects.filter(sample=sample, completed_at__isnull=False).values_list(
            "id", "completed_at"
        )
        if pk in kept and done is not None
    ]
    run = people.run
    weights = people.weights
    n = len(people.ids)
    design_effect = float(n * (weights**2).sum() / weights.sum() ** 2) if run is not None and n else None
    return SampleFacts(
        code=sample.code,
        name=sample.name,
        kind_label=sample.get_kind_display(),
        opt_in=sample.is_opt_in,
        population=sample.population,
        coverage=sample.coverage,
        method=sample.method,
        respondents=n,
        weighted_base=float(weights.sum()),
        first_completed=min(days, default=None),
        last_completed=max(days, default=None),
        weighted=run is not None,
        design_effect=design_effect,
        effective_n=n / design_effect if design_effect else None,
        lower=f"{run.lower.normalize():f}" if run is not None else "",
        upper=f"{run.upper.normalize():f}" if run is not None else "",
        targets=tuple(
            TargetUsed(
                label=str(t.get("label", "")),
                source=str(t.get("source", "")),
                categories=tuple(
                    TargetCategory(str(t.get("names", {}).get(key, key)), str(share))
                    for key, share in t.get("shares", {}).items()
                ),
            )
            for t in (run.targets_used if run is not None else [])
        ),
        left_out=people.not_weighted,
    )


def _data(report: Report) -> _Data:
    survey = report.survey
    samples = {s.code: s for s in survey.samples.order_by("code")}
    questions = {q.code: q for q in survey.questions.order_by("position")}
    return _Data(survey, samples, questions, {code: respondents(s) for code, s in samples.items()})


def _options_text(question: Question, codes: list[str]) -> str:
    labels = question.labels
    return " or ".join(f"“{labels.get(c, c)}”" for c in codes)


def _side(people: Respondents, question: Question, codes: list[str]) -> Side | None:
    found = estimate_codes(people, question, codes)
    if found is None:
        return None
    estimate, count = found
    interval = not people.sample.is_opt_in
    return Side(
        sample=people.sample.code,
        sample_name=people.sample.name,
        share=estimate.share,
        low=estimate.low if interval else None,
        high=estimate.high if interval else None,
        base=estimate.base,
        count=count,
    )


def _comparison(item: ReportItem, data: _Data, problems: list[str]) -> ComparisonFacts | None:
    question, first, second = item.question, item.sample, item.other_sample
    where = f"Item {item.position} (a comparison)"
    if question is None or first is None or second is None:
        problems.append(f"{where} lacks its question or one of its samples: remove it and add it again.")
        return None
    codes = [str(c) for c in item.options]
    one = _side(data.people[first.code], question, codes) if first.code in data.people else None
    two = _side(data.people[second.code], question, codes) if second.code in data.people else None
    if one is None or two is None:
        nobody = first if one is None else second
        problems.append(f"{where}: nobody in the {nobody.name} sample has answered {question.code} yet.")
        return None
    tested = not first.is_opt_in and not second.is_opt_in
    p_value = None
    note = ""
    if tested:
        a, b = (estimate_codes(data.people[s.code], question, codes) for s in (first, second))
        assert a is not None and b is not None  # both answered: see above
        test = weighting.difference(a[0], b[0])
        p_value = test.p_value
        verdict = "is" if p_value < 0.05 else "is not"
        note = (
            f"The difference {verdict} statistically significant at the 5% level "
            f"(design-based z test, p = {p_value:.3f})."
        )
    else:
        opt_in = first if first.is_opt_in else second
        note = (
            f"No significance test is made: the {opt_in.name} sample is opt-in, so its sampling error "
            "cannot be estimated."
        )
    return ComparisonFacts(
        anchor=f"comparison-{item.position}",
        question=question.code,
        wording=question.text,
        answer=_options_text(question, codes),
        first=one,
        second=two,
        difference=one.share - two.share,
        p_value=p_value,
        note=note,
    )


def _quote(item: ReportItem, problems: list[str]) -> QuoteFacts | None:
    quote = item.quote
    if quote is None:
        problems.append(f"Item {item.position} lacks its quote: remove it.")
        return None
    problem = quote_problem(consent=quote.response.quote_consent, text=quote.text)
    if problem:
        problems.append(f"The quote “{_shown(quote.text)}” (item {item.position}): {problem}")
    return QuoteFacts(quote.text, quote.attribution, quote.question.code, quote.question.text)


def _items(report: Report, data: _Data, tables: dict[str, Table], problems: list[str]) -> list[Item]:
    rows = report.items.select_related("question", "sample", "other_sample", "quote__response", "quote__question")
    items = []
    for item in rows.order_by("position"):
        for bare in bare_percentages(item.note):
            problems.append(
                f"Item {item.position}'s note says “{bare}”, which cannot be linked or checked there: "
                "put the figure in the summary, where it is linked to its table and checked."
            )
        if item.kind == ItemKind.QUESTION and item.question is not None:
            chosen = [item.sample] if item.sample is not None else data.in_report()
            shown = []
            for sample in chosen:
                table = tables.get(table_anchor(sample.code, item.question.code))
                if table is None:
                    problems.append(
                        f"Item {item.position} shows {item.question.code} for the {sample.name} sample, "
                        "which has no answers to it yet."
                    )
                    continue
                shown.append(replace(table, anchor=f"item-{item.position}-{_id_part(sample.code)}"))
            items.append(Item(item.position, item.kind, item.note, tables=tuple(shown)))
        elif item.kind == ItemKind.COMPARISON:
            found = _comparison(item, data, problems)
            items.append(Item(item.position, item.kind, item.note, comparison=found))
        elif item.kind == ItemKind.QUOTE:
            items.append(Item(item.position, item.kind, item.note, quote=_quote(item, problems)))
    return items


def _figures(
    report: Report,
    data: _Data,
    anchors: set[str],
    problems: list[str],
    nets: dict[str, dict[tuple[str, ...], OptionRow]],
) -> list[SummaryParagraph]:
    summary = summary_read(report.summary)
    problems.extend(summary.problems)
    paragraphs = []
    for paragraph in summary.paragraphs:
        segments = []
        for piece in paragraph.pieces:
            reference = piece.reference
            if reference is None:
                segments.append(Segment(piece.text))
                continue
            where = f"“{_shown(piece.written)}” in paragraph {paragraph.number}"
            problem = ""
            sample = data.samples.get(reference.sample)
            question = data.questions.get(reference.question)
            if sample is None:
                known = ", ".join(data.samples) or "none yet"
                problem = f"{where}: the survey has no sample “{reference.sample}” (its samples: {known})."
            elif question is None:
                problem = f"{where}: the survey has no question “{reference.question}”."
            elif not question.has_options:
                problem = f"{where}: {question.code} is not a question with options, so it has no percentages."
            else:
                unknown = [c for c in reference.options if c not in question.labels]
                if unknown:
                    listed = ", ".join(f"{code} = {label}" for code, label in question.labels.items())
                    problem = f"{where}: {question.code} has no option “{unknown[0]}” (its options: {listed})."
            if problem or sample is None or question is None:
                problems.append(problem)
                segments.append(Segment(piece.text))
                continue
            found = estimate_codes(data.people[sample.code], question, list(reference.options))
            anchor = table_anchor(sample.code, question.code)
            if found is not None and len(reference.options) > 1:
                labels = question.labels
                interval = not sample.is_opt_in
                estimate, count = found
                nets.setdefault(anchor, {})[tuple(reference.options)] = OptionRow(
                    code=",".join(reference.options),
                    label="Net: " + " or ".join(labels[c] for c in reference.options),
                    count=count,
                    share=estimate.share,
                    low=estimate.low if interval else None,
                    high=estimate.high if interval else None,
                    design_effect=estimate.design_effect if interval else None,
                    effective_n=estimate.effective_n if interval else None,
                )
            if found is None:
                problems.append(f"{where}: nobody in the {sample.name} sample has answered {question.code} yet.")
                segments.append(Segment(piece.text))
                continue
            computed = whole_percent(found[0].share)
            if computed != piece.number:
                problems.append(
                    f"{where} says {piece.number}%, but the estimate is {computed}% "
                    f"({one_decimal(found[0].share)}% before rounding): correct the figure."
                )
            segments.append(Segment(piece.text, anchor if anchor in anchors else ""))
        paragraphs.append(SummaryParagraph(tuple(segments)))
    return paragraphs


def report_preview(report: Report) -> ReportPreview:
    """The report's content computed from the data now, and what stops its publication."""
    data = _data(report)
    problems: list[str] = []
    notes: list[str] = []
    samples = data.in_report()
    if not samples:
        problems.append("No sample has completed responses yet, so there is nothing to report.")
    facts = []
    tables: dict[str, Table] = {}
    option_questions = [q for q in data.questions.values() if q.has_options]
    for sample in samples:
        people = data.people[sample.code]
        if not sample.is_opt_in and people.run is None:
            problems.append(
                f"The {sample.name} sample is representative but has not been weighted: enter its population "
                "targets and run the weighting before publishing."
            )
        if people.not_weighted:
            notes.append(
                f"{people.not_weighted} responses to the {sample.name} sample were completed after its last "
                "weighting run and are left out of the results: run the weighting again to include them."
            )
        unanswered = []
        for question in option_questions:
            table = _table(people, question, table_anchor(sample.code, question.code))
            if table is not None and table.base:
                tables[table.anchor] = table
            else:
                unanswered.append(f"{question.code}: {question.text}")
        facts.append(replace(_sample_facts(sample, people), unanswered=tuple(unanswered)))
    nets: dict[str, dict[tuple[str, ...], OptionRow]] = {}
    paragraphs = _figures(report, data, set(tables), problems, nets)
    for anchor, rows in nets.items():
        if anchor in tables:
            tables[anchor] = replace(tables[anchor], nets=tuple(rows.values()))
    items = _items(report, data, tables, problems)
    if not paragraphs and not items:
        problems.append("The report is empty: write its summary or add a question, a comparison or a quote.")
    content = ReportContent(
        slug=report.slug,
        title=report.title,
        survey_title=data.survey.title,
        commissioned_by=data.survey.commissioned_by,
        conducted_by=data.survey.conducted_by,
        paragraphs=tuple(paragraphs),
        items=tuple(items),
        samples=tuple(facts),
        tables=tuple(tables.values()),
    )
    return ReportPreview(content, problems, notes)


# Reading what was frozen --------------------------------------------------------------------


def report_published(slug: str) -> Report | None:
    """A published report (a draft is not found, for anyone)."""
    return Report.objects.filter(slug=slug, status=ReportStatus.PUBLISHED).only("slug", "published_content").first()


def report_frozen(report: Report) -> ReportContent:
    return content_read(report.published_content)


@dataclass(frozen=True)
class ReportListed:
    slug: str
    title: str
    survey_title: str
    published_at: datetime | None


def reports_published() -> list[ReportListed]:
    """The titles as published (an edit waits for publishing again, as the page does)."""
    rows = Report.objects.filter(status=ReportStatus.PUBLISHED).order_by("-published_at", "-id")
    listed = rows.values_list("slug", "published_content__title", "published_content__survey_title", "published_at")
    return [ReportListed(slug, str(title), str(survey_title), at) for slug, title, survey_title, at in listed]


# The coordinator's pages --------------------------------------------------------------------


def survey_reports(survey: Survey) -> QuerySet[Report]:
    return survey.reports.annotate(item_count=Count("items")).order_by("-created_at", "-id")


def staff_report(slug: str) -> Report | None:
    items = ReportItem.objects.select_related(
        "question", "sample", "other_sample", "quote__question", "quote__response"
    ).order_by("position")
    return (
        Report.objects.select_related("survey", "published_by")
        .prefetch_related(Prefetch("items", queryset=items))
        .filter(slug=slug)
        .first()
    )


@dataclass(frozen=True)
class ItemChoices:
    """What the coordinator may add to a report of this survey."""

    questions: list[Question]  # with options
    samples: list[Sample]
    quotes: list[Quote]


def item_choices(survey: Survey) -> ItemChoices:
    questions = [q for q in survey.questions.order_by("position") if q.has_options]
    quotes = list(
        Quote.objects.filter(question__survey=survey).select_related("question", "response").order_by("question", "id")
    )
    return ItemChoices(questions, list(survey.samples.order_by("code")), quotes)


# The aggregate results as rows (the CSV) ------------------------------------------------------

RESULTS_COLUMNS = (
    "sample",
    "sample_name",
    "sample_kind",
    "question",
    "wording",
    "option_code",
    "option",
    "percent",
    "low_95",
    "high_95",
    "respondents_giving_it",
    "base_unweighted",
    "base_weighted",
    "design_effect",
    "effective_sample_size",
)


def _rounded(value: float | None, places: int) -> float | str:
    return "" if value is None else round(value, places)


def results_rows(content: ReportContent) -> Iterator[list[object]]:
    """One row per option of every full table: percentages to one decimal place, the
    interval's ends empty for an opt-in sample."""
    kinds = {s.code: "opt-in" if s.opt_in else "representative" for s in content.samples}
    for table in content.tables:
        for o in table.options:
            yield [
                table.sample,
                table.sample_name,
                kinds.get(table.sample, ""),
                table.question,
                table.wording,
                o.code,
                o.label,
                one_decimal(o.share),
                "" if o.low is None else one_decimal(o.low),
                "" if o.high is None else one_decimal(o.high),
                o.count,
                table.base,
                round(table.weighted_base, 1),
                _rounded(o.design_effect, 3),
                _rounded(o.effective_n, 1),
            ]
