"""The surveys' demo data: the research behind Awareness Week 2022 (DESIGN.md), made up.

- A representative survey of 2,000 UK adults (imported, as a panel agency's fieldwork
  would be), raked to age band × sex and region targets; its weighted results land near
  the published figures: 75 % say early relationships are "very important", 84 % agree
  health services should support families with early relationship difficulties.
- An opt-in survey of 500 teachers and early-years professionals (answered here): 97 %
  "very important", 84 % disagree that government does enough to protect children from
  trauma, 67 % that local services do enough. Their written answers come from
  `data/demo_answers.txt`; some agreed to be quoted, and one holds a phone number, so the
  identifier scan's refusal can be seen.
- The weighting is run through the same service as the coordinator's button.

The numbers are drawn so that each group's share is fixed (not left to chance), so a fresh
demo always lands on the same figures.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from nurture.accounts.models import Region, User
from nurture.accounts.roles import Role
from nurture.core.demo import DemoRun
from nurture.surveys.models import (
    Question,
    Response,
    RunStatus,
    Sample,
    SampleKind,
    Section,
    Source,
    Survey,
    SurveyStatus,
    WeightingRun,
)
from nurture.surveys.services import target_save, weighting_compute

SLUG = "early-relationships-2022"
AGES = ["18-24", "25-34", "35-44", "45-54", "55-64", "65 and over"]
# Rounded shares of UK adults (ONS mid-2020 estimates), age band × sex, female first.
AGE_SEX = {
    "1|1": "5.2", "1|2": "5.4", "2|1": "8.5", "2|2": "8.5", "3|1": "8.1", "3|2": "7.9",
    "4|1": "8.6", "4|2": "8.3", "5|1": "7.7", "5|2": "7.4", "6|1": "13.2", "6|2": "11.2",
}  # fmt: skip
REGIONS = list(Region.choices)
REGION_SHARES = ["4.0", "11.0", "8.2", "7.3", "8.9", "9.4", "13.4", "13.8", "8.5", "4.8", "8.3", "2.4"]
ROLES = ["Teacher", "Early-years practitioner", "Health visitor", "Midwife", "Social worker", "Other"]
IMPORTANT = ["Very important", "Fairly important", "Not very important", "Not at all important"]
AGREE = ["Strongly agree", "Tend to agree", "Neither agree nor disagree", "Tend to disagree", "Strongly disagree"]


def _questions(survey: Survey) -> None:
    about = Section.objects.create(survey=survey, position=1, title="About you")
    views = Section.objects.create(
        survey=survey,
        position=2,
        title="Babies and their relationships",
        introduction="By early relationships we mean a baby's relationships with the people who care for them.",
    )
    rows: list[tuple[Section, str, str, str, list[str], dict[str, Any]]] = [
        (about, "AGE", "single", "How old are you?", AGES, {"profile": True}),
        (about, "SEX", "single", "What is your sex?", ["Female", "Male"], {"profile": True}),
        (about, "REGION", "single", "Where in the UK do you live?", [label for _, label in REGIONS], {"profile": True}),
        (about, "WORK", "single", "Do you work with babies, young children or their families?", ["Yes", "No"], {}),
        (about, "ROLE", "single", "Which best describes your work?", ROLES,
         {"profile": True, "show_if_code": "WORK", "show_if_options": ["1"]}),
        (views, "IMPORTANT", "likert",
         "How important or unimportant, if at all, do you think a baby's early relationships are for their "
         "later mental health?", IMPORTANT, {"dont_know": True}),
        (views, "HEALTH", "likert",
         "How far do you agree or disagree: health services should support families who have difficulties "
         "in the early relationship between parent and baby.", AGREE, {"dont_know": True}),
        (views, "GOVT", "likert",
         "How far do you agree or disagree: the government does enough to protect children from trauma.",
         AGREE, {"dont_know": True}),
        (views, "LOCAL", "likert",
         "How far do you agree or disagree: services where you live do enough to support babies' early "
         "relationships.", AGREE, {"dont_know": True}),
        (views, "HELP", "text", "What would most help the babies and families you work with?", [],
         {"required": False, "show_if_code": "WORK", "show_if_options": ["1"]}),
    ]  # fmt: skip
    for position, (section, code, kind, text, options, extra) in enumerate(rows, start=1):
        Question.objects.create(
            survey=survey, section=section, position=position, code=code, kind=kind, text=text, options=options,
            **extra,
        )  # fmt: skip


def _exactly(rng: random.Random, n: int, shares: Sequence[tuple[str, float]]) -> list[str]:
    """n answers with each code's share as given (rounded), shuffled."""
    out: list[str] = []
    for code, share in shares[:-1]:
        out += [code] * round(n * share)
    out += [shares[-1][0]] * (n - len(out))
    rng.shuffle(out)
    return out


def _public_rows(rng: random.Random, n: int = 2000) -> list[dict[str, Any]]:
    # The panel over-represents women and older people, as online panels do; weighting corrects it.
    sexes = _exactly(rng, n, [("1", 0.60), ("2", 0.40)])
    rows: list[dict[str, Any]] = []
    for sex in ("1", "2"):
        people = [i for i in range(n) if sexes[i] == sex]
        m = len(people)
        ages = _exactly(rng, m, [("1", 0.06), ("2", 0.12), ("3", 0.15), ("4", 0.18), ("5", 0.21), ("6", 0.28)])
        regions = _exactly(rng, m, [(str(i), float(s) / 100) for i, s in enumerate(REGION_SHARES, start=1)])
        # Women say "very important" and agree a little more often than men.
        very = 0.80 if sex == "1" else 0.70
        agree = 0.86 if sex == "1" else 0.82
        important = _exactly(rng, m, [("1", very), ("2", 0.93 - very), ("3", 0.03), ("4", 0.01), ("99", 0.03)])
        health_agree = _exactly(rng, m, [("1", agree * 0.45), ("2", agree * 0.55), ("3", 0.08), ("4", 0.03),
                                         ("5", 0.02), ("99", 0.0)])  # fmt: skip
        govt = _exactly(rng, m, [("1", 0.06), ("2", 0.17), ("3", 0.25), ("4", 0.27), ("5", 0.17), ("99", 0.08)])
        local = _exactly(rng, m, [("1", 0.08), ("2", 0.24), ("3", 0.27), ("4", 0.23), ("5", 0.10), ("99", 0.08)])
        work = _exactly(rng, m, [("1", 0.12), ("2", 0.88)])
        for j in range(m):
            row: dict[str, Any] = {
                "AGE": ages[j], "SEX": sex, "REGION": regions[j], "WORK": work[j], "IMPORTANT": important[j],
                "HEALTH": health_agree[j], "GOVT": govt[j], "LOCAL": local[j],
            }  # fmt: skip
            if work[j] == "1":
                row["ROLE"] = rng.choice(["2", "3", "4", "6"])
            rows.append(row)
    rng.shuffle(rows)
    return rows


def _answers_file() -> list[str]:
    path = Path(__file__).parent / "data" / "demo_answers.txt"
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _professional_rows(rng: random.Random, n: int = 500) -> list[tuple[dict[str, Any], bool]]:
    important = _exactly(rng, n, [("1", 0.97), ("2", 0.025), ("3", 0.005)])
    govt = _exactly(rng, n, [("1", 0.02), ("2", 0.06), ("3", 0.06), ("4", 0.38), ("5", 0.46), ("99", 0.02)])
    local = _exactly(rng, n, [("1", 0.04), ("2", 0.17), ("3", 0.10), ("4", 0.39), ("5", 0.28), ("99", 0.02)])
    health = _exactly(rng, n, [("1", 0.71), ("2", 0.24), ("3", 0.03), ("4", 0.01), ("5", 0.01)])
    roles = _exactly(rng, n, [("1", 0.34), ("2", 0.30), ("3", 0.14), ("4", 0.06), ("5", 0.08), ("6", 0.08)])
    sexes = _exactly(rng, n, [("1", 0.86), ("2", 0.14)])
    texts = _answers_file()
    rows = []
    for i in range(n):
        row: dict[str, Any] = {
            "AGE": rng.choice(["2", "3", "4", "5"]), "SEX": sexes[i], "REGION": str(rng.randint(1, 12)),
            "WORK": "1", "ROLE": roles[i], "IMPORTANT": important[i], "HEALTH": health[i], "GOVT": govt[i],
            "LOCAL": local[i],
        }  # fmt: skip
        consent = False
        if i < len(texts):
            row["HELP"] = texts[i]
            consent = i % 3 != 2  # two in three agreed to be quoted
        rows.append((row, consent))
    return rows


def demo_surveys(*, out: Callable[[str], None], seed: int = 2022) -> Survey | None:
    if Survey.objects.filter(slug=SLUG).exists():
        return None
    rng = random.Random(seed)  # noqa: S311 - made-up answers, not secrets
    coordinator = User.objects.filter(role=Role.COORDINATOR).order_by("pk").first()
    now = timezone.now()
    fieldwork_start = now - timedelta(days=200)
    with transaction.atomic():
        survey = Survey.objects.create(
            slug=SLUG,
            title="Early relationships and trauma: what the public and professionals think",
            introduction=(
                "A ten-minute survey for Infant Mental Health Awareness Week 2022: Understanding Early Trauma."
            ),
            commissioned_by="Infant Mental Health Awareness Week (the Parent-Infant Foundation)",
            conducted_by="Nurture demo panel (made-up data for the demonstration)",
            status=SurveyStatus.CLOSED,
        )
        _questions(survey)
        public = Sample.objects.create(
            survey=survey, code="public", name="UK adults", kind=SampleKind.REPRESENTATIVE,
            population="Adults aged 18 and over living in the United Kingdom", coverage="United Kingdom",
            method="Online interviews with members of a research panel, chosen to match quotas on age, sex and region",
            quota=2000,
        )  # fmt: skip
        professionals = Sample.objects.create(
            survey=survey, code="professionals", name="Teachers and early-years professionals",
            kind=SampleKind.OPT_IN,
            population="Teachers and professionals working with babies, young children and families in the UK",
            coverage="United Kingdom",
            method="Online self-completion questionnaire, shared through professional networks",
            quota=500,
        )  # fmt: skip
        public_rows = _public_rows(rng)
        Response.objects.bulk_create(
            Response(
                sample=public, source=Source.IMPORT, external_id=f"P{i:05d}", answers=row, section_reached=2,
                started_at=fieldwork_start + timedelta(minutes=7 * i),
                completed_at=fieldwork_start + timedelta(minutes=7 * i + 9),
            )
            for i, row in enumerate(public_rows, start=1)
        )  # fmt: skip
        Response.objects.bulk_create(
            Response(
                sample=professionals, answers=row, quote_consent=consent, section_reached=2,
                started_at=fieldwork_start + timedelta(hours=i),
                completed_at=fieldwork_start + timedelta(hours=i, minutes=12),
            )
            for i, (row, consent) in enumerate(_professional_rows(rng))
        )  # fmt: skip
        age, sex, region = (survey.questions.get(code=c) for c in ("AGE", "SEX", "REGION"))
        if coordinator is not None:
            target_save(
                sample=public, question=age, crossed_with=sex, shares={k: Decimal(v) for k, v in AGE_SEX.items()},
                source="ONS mid-year population estimates 2020, adults 18+ (rounded)", actor=coordinator,
            )  # fmt: skip
            target_save(
                sample=public, question=region,
                crossed_with=None, shares={str(i): Decimal(s) for i, s in enumerate(REGION_SHARES, start=1)},
                source="ONS mid-year population estimates 2020, adults 18+ (rounded)", actor=coordinator,
            )  # fmt: skip
    if coordinator is not None:
        run = WeightingRun.objects.create(
            sample=public, requested_by=coordinator, lower=Decimal("0.3"), upper=Decimal("3")
        )
        run = weighting_compute(run)
        if run.status != RunStatus.DONE:
            out(f"  the demo weighting failed: {run.message}")
        else:
            _demo_report(survey, coordinator, out)
    out(f"  surveys: “{survey.title}”, 2,000 public and 500 professional responses, weighted")
    return survey


# Themes for the professionals' written answers, and words that place an answer under one.
THEMES = {
    "Staff time and continuity": ("time", "caseload", "same health visitor", "run ragged", "key people", "longer"),
    "Local specialist services": ("specialist", "local", "waiting list", "named person", "hub"),
    "Training and supervision": ("training", "supervision", "taken seriously"),
    "Support for parents": ("parent", "dads", "mums", "groups", "families"),
}

SUMMARY = """Babies' early relationships matter to almost everyone asked. [97%](professionals:IMPORTANT=1) of \
teachers and early-years professionals and [75%](public:IMPORTANT=1) of UK adults say they are very important \
for a baby's later mental health.

[84%](public:HEALTH=1,2) of the public agree that health services should support families who have difficulties \
in the early relationship between parent and baby.

Professionals doubt that enough is done: [84%](professionals:GOVT=4,5) disagree that the government does enough \
to protect children from trauma, and [67%](professionals:LOCAL=4,5) that services where they live do enough."""


def _demo_report(survey: Survey, coordinator: User, out: Callable[[str], None]) -> None:
    """The published report, composed and published through the coordinator's services."""
    from nurture.surveys.coding import answer_code, quote_choose, quote_problem, theme_add
    from nurture.surveys.reports import item_add, report_create, report_publish, report_save

    report = report_create(survey=survey, title="Understanding early trauma: what the public and professionals think",
                           actor=coordinator)  # fmt: skip
    report_save(report=report, title=report.title, summary=SUMMARY, actor=coordinator)
    public, professionals = survey.samples.get(code="public"), survey.samples.get(code="professionals")
    questions = {q.code: q for q in survey.questions.all()}
    item_add(report=report, kind="comparison", actor=coordinator, question=questions["IMPORTANT"], sample=public,
             other_sample=professionals, options=["1"])  # fmt: skip
    item_add(report=report, kind="question", actor=coordinator, question=questions["HEALTH"], sample=public)
    item_add(report=report, kind="question", actor=coordinator, question=questions["GOVT"], sample=professionals)
    item_add(report=report, kind="question", actor=coordinator, question=questions["LOCAL"], sample=professionals)
    # The written answers coded with themes, as the coordinator does on the free-text page.
    themes = {name: theme_add(question=questions["HELP"], name=name, actor=coordinator) for name in THEMES}
    for response in professionals.responses.filter(answers__has_key="HELP").order_by("id"):
        text = str(response.answers.get("HELP", "")).lower()
        found = [themes[name].pk for name, words in THEMES.items() if any(word in text for word in words)]
        if found:
            answer_code(response=response, question=questions["HELP"], theme_ids=found, actor=coordinator)
    chosen = 0
    for response in professionals.responses.filter(quote_consent=True).order_by("id"):
        text = str(response.answers.get("HELP", ""))
        if text and not quote_problem(consent=True, text=text) and chosen < 3:
            quote = quote_choose(response=response, question=questions["HELP"], actor=coordinator)
            item_add(report=report, kind="quote", actor=coordinator, quote=quote)
            chosen += 1
    report = report_publish(report=report, actor=coordinator)
    out(f"  report published at /reports/{report.slug}/")


FEEDBACK_SLUG = "awareness-week-feedback"


def demo_feedback(*, out: Callable[[str], None]) -> Survey | None:
    """An open survey anyone can answer from the demo: its link is printed, so the
    respondent's pages (routing, saving page by page, coming back) can be tried."""
    if Survey.objects.filter(slug=FEEDBACK_SLUG).exists():
        return None
    with transaction.atomic():
        survey = Survey.objects.create(
            slug=FEEDBACK_SLUG,
            title="Awareness Week: tell us what you think",
            introduction="Two short pages about this year's Infant Mental Health Awareness Week.",
            commissioned_by="Infant Mental Health Awareness Week",
            conducted_by="Nurture",
            status=SurveyStatus.OPEN,
        )
        you = Section.objects.create(survey=survey, position=1, title="About you")
        week = Section.objects.create(survey=survey, position=2, title="The week")
        rows: list[tuple[Section, str, str, str, list[str], dict[str, Any]]] = [
            (you, "WORK", "single", "Do you work with babies, young children or their families?", ["Yes", "No"], {}),
            (you, "ROLE", "single", "Which best describes your work?", ROLES,
             {"profile": True, "show_if_code": "WORK", "show_if_options": ["1"]}),
            (week, "USEFUL", "likert", "How useful did you find this year's resources?",
             ["Very useful", "Fairly useful", "Not very useful", "Not at all useful"], {"dont_know": True}),
            (week, "EVENTS", "number", "How many Awareness Week events did you go to?", [],
             {"least": Decimal(0), "most": Decimal(50)}),
            (week, "NEXT", "text", "What should next year's week focus on?", [], {"required": False}),
        ]  # fmt: skip
        for position, (section, code, kind, text, options, extra) in enumerate(rows, start=1):
            Question.objects.create(
                survey=survey, section=section, position=position, code=code, kind=kind, text=text,
                options=options, **extra,
            )  # fmt: skip
        sample = Sample.objects.create(
            survey=survey, code="visitors", name="Visitors", kind=SampleKind.OPT_IN,
            population="People who took part in Awareness Week", quota=500,
        )  # fmt: skip
    out(f"  an open survey to try as a respondent: /s/{sample.link}/")
    return survey


def demo_load(run: DemoRun) -> None:
    """The app's part of `manage.py demo` (`core/demo.py`)."""
    demo_surveys(out=run.stdout.write, seed=run.seed or 2022)
    demo_feedback(out=run.stdout.write)
