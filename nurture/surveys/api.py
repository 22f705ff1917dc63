"""Published reports through the JSON API: a report's aggregate results, as frozen when it
was published (the same figures as its page and its CSV)."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.params.functions import Path

from nurture.core.api import NOT_FOUND, SLUG, answers
from nurture.core.origins import site_url
from nurture.surveys.figures import one_decimal
from nurture.surveys.report_selectors import (
    OPT_IN_REASON,
    ComparisonFacts,
    ReportContent,
    SampleFacts,
    Side,
    Table,
    report_frozen,
    report_published,
)

router = Router(tags=["reports"])


def _percent(share: float | None) -> float | None:
    return None if share is None else one_decimal(share)


class OptionOut(Schema):
    code: str
    label: str
    percent: float
    low: float | None
    high: float | None
    respondents: int
    design_effect: float | None
    effective_n: float | None


class QuestionOut(Schema):
    code: str
    wording: str
    multiple: bool
    base: int
    weighted_base: float
    options: list[OptionOut]


class TargetShareOut(Schema):
    category: str
    percent: str


class TargetOut(Schema):
    label: str
    source: str
    shares: list[TargetShareOut]


class SampleOut(Schema):
    code: str
    name: str
    kind: str
    opt_in: bool
    no_margin_of_error_because: str | None
    population: str
    coverage: str
    method: str
    fieldwork_start: date | None
    fieldwork_end: date | None
    base: int
    weighted_base: float
    weighted: bool
    design_effect: float | None
    effective_n: float | None
    weighting_targets: list[TargetOut]
    questions: list[QuestionOut]


class SideOut(Schema):
    sample: str
    percent: float
    low: float | None
    high: float | None
    base: int


class ComparisonOut(Schema):
    question: str
    wording: str
    options: str
    first: SideOut
    second: SideOut
    difference_points: float
    p_value: float | None
    note: str


class ReportOut(Schema):
    slug: str
    title: str
    survey: str
    commissioned_by: str
    conducted_by: str
    published_at: datetime | None
    url: str
    csv_url: str
    summary: list[str]
    samples: list[SampleOut]
    comparisons: list[ComparisonOut]


def _question(table: Table) -> QuestionOut:
    return QuestionOut(
        code=table.question,
        wording=table.wording,
        multiple=table.multiple,
        base=table.base,
        weighted_base=round(table.weighted_base, 1),
        options=[
            OptionOut(
                code=o.code,
                label=o.label,
                percent=one_decimal(o.share),
                low=_percent(o.low),
                high=_percent(o.high),
                respondents=o.count,
                design_effect=None if o.design_effect is None else round(o.design_effect, 3),
                effective_n=None if o.effective_n is None else round(o.effective_n, 1),
            )
            for o in table.options
        ],
    )


def _sample(s: SampleFacts, content: ReportContent) -> SampleOut:
    return SampleOut(
        code=s.code,
        name=s.name,
        kind="opt-in" if s.opt_in else "representative",
        opt_in=s.opt_in,
        no_margin_of_error_because=OPT_IN_REASON if s.opt_in else None,
        population=s.population,
        coverage=s.coverage,
        method=s.method,
        fieldwork_start=s.first_completed,
        fieldwork_end=s.last_completed,
        base=s.respondents,
        weighted_base=round(s.weighted_base, 1),
        weighted=s.weighted,
        design_effect=None if s.design_effect is None else round(s.design_effect, 3),
        effective_n=None if s.effective_n is None else round(s.effective_n, 1),
        weighting_targets=[
            TargetOut(
                label=t.label,
                source=t.source,
                shares=[TargetShareOut(category=c.name, percent=c.share) for c in t.categories],
            )
            for t in s.targets
        ],
        questions=[_question(t) for t in content.tables_of(s.code)],
    )


def _side(side: Side) -> SideOut:
    return SideOut(
        sample=side.sample,
        percent=one_decimal(side.share),
        low=_percent(side.low),
        high=_percent(side.high),
        base=side.base,
    )


def _comparison(k: ComparisonFacts) -> ComparisonOut:
    return ComparisonOut(
        question=k.question,
        wording=k.wording,
        options=k.answer,
        first=_side(k.first),
        second=_side(k.second),
        difference_points=round(k.difference * 100, 1),
        p_value=k.p_value,
        note=k.note,
    )


@router.get("/{slug}", response=answers(ReportOut, NOT_FOUND), summary="A published report's aggregate results")
def report_api(request: HttpRequest, slug: str = Path(..., max_length=80, pattern=SLUG)) -> ReportOut:
    """The report as it was published: per sample, its kind, population, coverage, method,
    fieldwork dates, bases and weighting targets, and every question with options with each
    option's percentage (weighted for a representative sample) to one decimal place, its 95%
    interval (`low`, `high`; null for an opt-in sample, whose sampling error cannot be
    estimated), design effect and effective sample size; then the report's comparisons of
    two samples, with the design-based test's p-value (null when a sample is opt-in).
    404 when no published report has this slug."""
    report = report_published(slug)
    if report is None:
        raise HttpError(404, "There is no published report with this slug.")
    content = report_frozen(report)
    return ReportOut(
        slug=content.slug,
        title=content.title,
        survey=content.survey_title,
        commissioned_by=content.commissioned_by,
        conducted_by=content.conducted_by,
        published_at=content.published_at,
        url=site_url("surveys:report", content.slug),
        csv_url=site_url("surveys:report_csv", content.slug),
        summary=["".join(s.text for s in p.segments) for p in content.paragraphs],
        samples=[_sample(s, content) for s in content.samples],
        comparisons=[_comparison(i.comparison) for i in content.items if i.comparison is not None],
    )
