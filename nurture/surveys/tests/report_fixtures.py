"""Reports' test data, shared by the report tests, the permission table and the CSV check:
the survey of `conftest.make_survey` with answers in both samples, the public sample
weighted to targets, and reports made through the services."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from nurture.accounts.models import User
from nurture.surveys.models import ItemKind, Question, Quote, Report, Sample, Survey, WeightingRun
from nurture.surveys.reports import item_add, report_create, report_publish, report_save
from nurture.surveys.services import target_save, weighting_compute, weighting_request

from .conftest import answer, answer_many, make_survey


def people(n: int, seed: int = 4) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        age = rng.choices(["1", "2", "3"], [5, 3, 2])[0]
        rows.append(
            {
                "AGE": age,
                "SEX": rng.choices(["1", "2"], [7, 3])[0],
                "IMPORTANT": rng.choices(["1", "2", "3", "4", "99"], [6 if age == "1" else 3, 3, 1, 1, 1])[0],
                "SUPPORT": rng.sample(["1", "2", "3"], rng.randint(1, 3)),
            }
        )
    return rows


def weighted(sample: Sample, coordinator: User, n: int = 300) -> WeightingRun:
    """`n` completed responses in the sample, raked to age and sex targets (the run done)."""
    questions = {q.code: q for q in sample.survey.questions.all()}
    target_save(
        sample=sample,
        question=questions["AGE"],
        crossed_with=None,
        shares={"1": "30", "2": "35", "3": "35"},
        source="ONS mid-2022 population estimates",
        actor=coordinator,
    )
    target_save(
        sample=sample,
        question=questions["SEX"],
        crossed_with=None,
        shares={"1": "51", "2": "49"},
        source="ONS Census 2021",
        actor=coordinator,
    )
    answer_many(sample, people(n))
    return weighting_compute(
        weighting_request(sample=sample, lower=Decimal("0.2"), upper=Decimal("5"), actor=coordinator)
    )


def opt_in_answers(sample: Sample, n: int = 120) -> None:
    answer_many(sample, [row | {"ROLE": str(1 + i % 3)} for i, row in enumerate(people(n, seed=9))])


def quote_of(sample: Sample, text: str, *, consent: bool = True, attribution: str = "Health visitor") -> Quote:
    why = sample.survey.questions.get(code="WHY")
    response = answer(
        sample, {"AGE": "1", "SEX": "1", "IMPORTANT": "1", "WHY": text, "SUPPORT": ["1"]}, quote_consent=consent
    )
    return Quote.objects.create(response=response, question=why, text=text, attribution=attribution)


def question(survey: Survey, code: str) -> Question:
    return survey.questions.get(code=code)


def report_with(
    survey: Survey, coordinator: User, summary: str = "", *, slug_title: str = "What adults think"
) -> Report:
    report = report_create(survey=survey, title=slug_title, actor=coordinator)
    return report_save(report=report, title=report.title, summary=summary, actor=coordinator)


def published_opt_in_report(coordinator: User, *, slug: str = "the-survey", title: str = "The report") -> Report:
    """A published report of a survey whose only answers are in its opt-in sample."""
    survey = make_survey(slug=slug)
    opt_in_answers(survey.samples.get(code="professionals"), 20)
    report = report_with(survey, coordinator, slug_title=title)
    item_add(report=report, kind=ItemKind.QUESTION, question=question(survey, "IMPORTANT"), actor=coordinator)
    return report_publish(report=report, actor=coordinator)


def published_with_labels(coordinator: User, labels: list[str]) -> Report:
    """A published report whose question's option labels, question wording and sample name
    are the given values (as if the builder's checks had been bypassed)."""
    survey = make_survey(slug="hostile-labels")
    important = question(survey, "IMPORTANT")
    important.options = labels
    important.text = labels[0]
    important.save(update_fields=["options", "text"])
    sample = survey.samples.get(code="professionals")
    sample.name = labels[-1]
    sample.save(update_fields=["name"])
    answer_many(
        sample, [{"AGE": "1", "SEX": "1", "IMPORTANT": str(1 + i % len(labels))} for i in range(2 * len(labels))]
    )
    report = report_with(survey, coordinator, slug_title="Hostile labels")
    item_add(report=report, kind=ItemKind.QUESTION, question=important, actor=coordinator)
    return report_publish(report=report, actor=coordinator)
