"""Survey fixtures: a small open survey with a public (representative) sample and a
professionals (opt-in) sample, and completed responses made directly.

`make_survey()` builds:
- section 1 "About you": AGE (single: 18-34, 35-54, 55+; profile), SEX (single: Female,
  Male; profile), ROLE (single: Teacher, Health visitor, Nursery worker; optional);
- section 2 "Early relationships": IMPORTANT (Likert: Very important … Not at all
  important, with "don't know"), WHY (free text, optional, shown only when IMPORTANT is 1),
  SUPPORT (multiple: Parents, Health services, Schools).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from nurture.surveys.models import Question, Response, Sample, SampleKind, Section, Survey, SurveyStatus

LIKERT = ["Very important", "Fairly important", "Not very important", "Not at all important"]


def make_survey(slug: str = "early-relationships", status: str = SurveyStatus.OPEN, quota: int | None = None) -> Survey:
    survey = Survey.objects.create(
        slug=slug,
        title="Early relationships survey",
        introduction="Ten minutes on babies' early relationships.",
        commissioned_by="The Infant Mental Health Charity",
        conducted_by="Nurture",
        status=status,
    )
    about = Section.objects.create(survey=survey, position=1, title="About you")
    views = Section.objects.create(survey=survey, position=2, title="Early relationships")
    rows: list[tuple[Section, str, str, str, list[str], dict[str, Any]]] = [
        (about, "AGE", "single", "How old are you?", ["18-34", "35-54", "55+"], {"profile": True}),
        (about, "SEX", "single", "What is your sex?", ["Female", "Male"], {"profile": True}),
        (
            about,
            "ROLE",
            "single",
            "What is your role?",
            ["Teacher", "Health visitor", "Nursery worker"],
            {"profile": True, "required": False},
        ),
        (views, "IMPORTANT", "likert", "How important are a baby's early relationships?", LIKERT, {"dont_know": True}),
        (
            views,
            "WHY",
            "text",
            "Why do you say that?",
            [],
            {"required": False, "show_if_code": "IMPORTANT", "show_if_options": ["1"]},
        ),
        (views, "SUPPORT", "multiple", "Who should support families?", ["Parents", "Health services", "Schools"], {}),
    ]
    for position, (section, code, kind, text, options, extra) in enumerate(rows, start=1):
        Question.objects.create(
            survey=survey,
            section=section,
            position=position,
            code=code,
            kind=kind,
            text=text,
            options=options,
            **extra,
        )
    Sample.objects.create(
        survey=survey,
        code="public",
        name="Public",
        kind=SampleKind.REPRESENTATIVE,
        population="UK adults aged 18 and over",
        link=f"{slug[:20]}-pub",
        quota=quota,
    )
    Sample.objects.create(
        survey=survey,
        code="professionals",
        name="Professionals",
        kind=SampleKind.OPT_IN,
        population="Teachers and early-years professionals in the UK",
        link=f"{slug[:20]}-pro",
    )
    return survey


def answer(
    sample: Sample, answers: dict[str, Any], *, complete: bool = True, quote_consent: bool = False, **fields: Any
) -> Response:
    now = timezone.now()
    return Response.objects.create(
        sample=sample,
        answers=answers,
        quote_consent=quote_consent,
        completed_at=now if complete else None,
        section_reached=2 if complete else 1,
        **fields,
    )


def answer_many(sample: Sample, rows: Sequence[dict[str, Any]]) -> list[Response]:
    now = timezone.now()
    return Response.objects.bulk_create(
        Response(sample=sample, answers=row, completed_at=now, section_reached=2) for row in rows
    )


@pytest.fixture
def survey(db) -> Survey:
    return make_survey()


@pytest.fixture
def public(survey) -> Sample:
    return survey.samples.get(code="public")


@pytest.fixture
def professionals(survey) -> Sample:
    return survey.samples.get(code="professionals")


__all__ = ["LIKERT", "Decimal", "answer", "answer_many", "make_survey"]
