"""Reads of the exam: what the framework says about it, the bank a level draws from,
and a candidate's standing. Typed values, never dicts of anything."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import ROUND_FLOOR, Decimal

from django.db.models import Count, F, Prefetch, QuerySet
from django.utils import timezone

from nurture.accounts.models import User
from nurture.exams.drawing import BankQuestion
from nurture.exams.item_analysis import OMITTED, ItemStats, PaperStats, item_stats, paper_stats
from nurture.exams.models import Attempt, AttemptItem, Blueprint, Kind, Part, QuestionVersion, WrittenMark
from nurture.exams.rules import may_start_again, retake_from
from nurture.framework.selectors import framework_competencies, framework_current, framework_levels

VIGNETTES = "Case vignettes"


@dataclass(frozen=True)
class ExamFramework:
    """The current framework as the exam reads it: its level codes in order (those that
    sit the exam marked), each competency's domain, and each domain's label."""

    levels: tuple[str, ...]
    exam_levels: tuple[str, ...]
    level_names: dict[str, str]
    domain_of: dict[str, str]  # competency code → domain code
    domain_labels: dict[str, str]  # domain code → "D4 Observation, …"

    def pool_levels(self, level: str) -> tuple[str, ...]:
        """The levels whose questions a level's paper may draw: its own and the exam levels
        before it (a leadership paper may ask what an intervention paper asks)."""
        if level not in self.exam_levels:
            return ()
        return self.exam_levels[: self.exam_levels.index(level) + 1]


def exam_framework() -> ExamFramework:
    version = framework_current()
    levels = list(framework_levels(version))
    competencies = list(framework_competencies(version))
    return ExamFramework(
        levels=tuple(level.code for level in levels),
        exam_levels=tuple(level.code for level in levels if level.exam_required),
        level_names={level.code: level.name for level in levels},
        domain_of={c.code: c.domain.code for c in competencies},
        domain_labels={c.domain.code: f"{c.domain.code} {c.domain.name}" for c in competencies},
    )


def current_versions(*, levels: tuple[str, ...] | None = None, kind: str | None = None) -> QuerySet[QuestionVersion]:
    found = QuestionVersion.objects.filter(is_current=True).select_related("question")
    if levels is not None:
        found = found.filter(level__in=levels)
    if kind is not None:
        found = found.filter(question__kind=kind)
    return found.order_by("question__key")


def draw_pool(level: str, part: int, framework: ExamFramework) -> list[BankQuestion]:
    """The bank a level's part draws from, as the draw sees it: each question's domain is
    its label (part 1) or the one pool of vignettes (part 2)."""
    kind = Kind.MULTIPLE_CHOICE if part == Part.MULTIPLE_CHOICE else Kind.VIGNETTE
    pool = current_versions(levels=framework.pool_levels(level), kind=kind).values_list("pk", "domain", "options")
    if part == Part.MULTIPLE_CHOICE:
        return [
            BankQuestion(id=pk, domain=framework.domain_labels.get(domain, domain), options=len(options))
            for pk, domain, options in pool
        ]
    return [BankQuestion(id=pk, domain=VIGNETTES) for pk, _, _ in pool]


def blueprint_wanted(blueprint: Blueprint, framework: ExamFramework) -> dict[str, int]:
    """What the draw is asked for, keyed as `draw_pool` keys the bank."""
    if blueprint.part == Part.MULTIPLE_CHOICE:
        return {framework.domain_labels.get(code, code): count for code, count in blueprint.per_domain.items() if count}
    return {VIGNETTES: blueprint.vignettes_shown}


def blueprint_of(level: str, part: int) -> Blueprint | None:
    return Blueprint.objects.filter(level=level, part=part).first()


@dataclass(frozen=True)
class PartStanding:
    """Where a candidate stands on one part of a level's exam."""

    part: int
    label: str
    blueprint: Blueprint | None
    open_attempt: Attempt | None
    attempts_used: int
    passed: bool
    awaiting_result: bool
    last_failed_on: date | None
    may_start: bool
    retake_from: date | None  # after a fail, the first day of the next attempt
    why_not: str  # why an attempt may not start now ("" when it may, or when passed)


def part_standing(candidate: User, level: str, part: int, *, today: date | None = None) -> PartStanding:
    today = today or timezone.localdate()
    blueprint = blueprint_of(level, part)
    attempts = list(Attempt.objects.filter(candidate=candidate, level=level, part=part).order_by("number"))
    open_attempt = next((a for a in attempts if a.status == Attempt.Status.OPEN), None)
    passed = any(a.status == Attempt.Status.RELEASED and a.passed for a in attempts)
    awaiting = any(a.status == Attempt.Status.SUBMITTED for a in attempts)
    failed = [a for a in attempts if a.status == Attempt.Status.RELEASED and a.passed is False]
    last_failed_on = timezone.localdate(failed[-1].released_at) if failed and failed[-1].released_at else None
    waiting = blueprint.waiting_days if blueprint else 0
    again_from = retake_from(last_failed_on, waiting) if last_failed_on else None
    why = ""
    if blueprint is None:
        why = "This part of the exam has no blueprint yet; the registrar sets one up."
    elif passed:
        why = "You have passed this part."
    elif awaiting:
        why = "Your attempt is being marked. You will be emailed when the result is released."
    elif open_attempt is None and not may_start_again(
        today=today,
        attempts_used=len(attempts),
        attempts_allowed=blueprint.attempts_allowed,
        last_failed_on=last_failed_on,
        waiting_days=waiting,
    ):
        if len(attempts) >= blueprint.attempts_allowed:
            allowed = blueprint.attempts_allowed
            why = f"You have used the {allowed} attempt{'s' if allowed != 1 else ''} allowed at this level."
        else:
            why = f"You may sit this part again from {again_from:%-d %B %Y}."
    return PartStanding(
        part=part,
        label=Part(part).label,
        blueprint=blueprint,
        open_attempt=open_attempt,
        attempts_used=len(attempts),
        passed=passed,
        awaiting_result=awaiting,
        last_failed_on=last_failed_on,
        may_start=open_attempt is not None or not why,
        retake_from=again_from,
        why_not=why,
    )


def exam_passed(candidate_id: int, level: str) -> bool:
    """Whether the candidate has passed both parts of the level's exam (a released pass of each)."""
    parts = set(Part.values)  # both parts, always: a part without a blueprint cannot be passed
    passed = set(
        Attempt.objects.filter(
            candidate_id=candidate_id, level=level, status=Attempt.Status.RELEASED, passed=True
        ).values_list("part", flat=True)
    )
    return parts <= passed


# The sitting, as the candidate's pages show it -------------------------------------------


@dataclass(frozen=True)
class OptionShown:
    position: int  # 0-based, in the order this candidate sees the options
    text: str
    chosen: bool


@dataclass(frozen=True)
class QuestionShown:
    """One question of a paper as the candidate sees it: never which option is correct,
    nor the rationale, the model answer or the rubric."""

    position: int
    total: int
    kind: str
    stem: str
    options: tuple[OptionShown, ...]
    case: str
    question: str
    written: str
    points: int

    @property
    def is_multiple_choice(self) -> bool:
        return self.kind == Kind.MULTIPLE_CHOICE

    @property
    def answered(self) -> bool:
        return any(o.chosen for o in self.options) or bool(self.written.strip())


@dataclass(frozen=True)
class PaperPlace:
    position: int
    answered: bool


def question_shown(attempt: Attempt, position: int) -> QuestionShown | None:
    item = attempt.items.select_related("version__question").filter(position=position).first()
    if item is None:
        return None
    version = item.version
    options = tuple(
        OptionShown(position=shown, text=version.options[index], chosen=item.chosen == index)
        for shown, index in enumerate(item.option_order)
    )
    return QuestionShown(
        position=item.position,
        total=attempt.items.count(),
        kind=version.question.kind,
        stem=version.stem,
        options=options,
        case=version.case,
        question=version.question_text,
        written=item.written,
        points=version.points,
    )


def paper_places(attempt: Attempt) -> list[PaperPlace]:
    return [
        PaperPlace(position=position, answered=chosen is not None or bool(written.strip()))
        for position, chosen, written in attempt.items.order_by("position").values_list("position", "chosen", "written")
    ]


# Results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DomainScore:
    label: str
    right: int
    out_of: int


@dataclass(frozen=True)
class OptionReviewed:
    text: str
    chosen: bool
    correct: bool


@dataclass(frozen=True)
class ItemReviewed:
    position: int
    kind: str
    stem: str
    options: tuple[OptionReviewed, ...]
    right: bool
    rationale: str
    case: str
    question: str
    written: str
    mark: Decimal | None
    points: int
    feedback: tuple[str, ...]  # the markers' feedback, whose it is never said

    @property
    def is_multiple_choice(self) -> bool:
        return self.kind == Kind.MULTIPLE_CHOICE


@dataclass(frozen=True)
class AttemptResult:
    attempt: Attempt
    level_name: str
    percent: Decimal
    by_domain: tuple[DomainScore, ...]
    items: tuple[ItemReviewed, ...]
    standing: PartStanding
    answers_shown: bool  # the correct answers and rationales (see `answers_shown`)


def answers_shown(standing: PartStanding) -> bool:
    """Whether a candidate may see the correct answers and rationales of a part's papers:
    once they have passed it or have no attempt left, never while a retake could draw the
    same questions (whether each answer was right, and the markers' feedback, always)."""
    blueprint = standing.blueprint
    return standing.passed or (blueprint is not None and standing.attempts_used >= blueprint.attempts_allowed)


def _without_key(item: ItemReviewed) -> ItemReviewed:
    return replace(item, options=tuple(replace(o, correct=False) for o in item.options), rationale="")


def attempt_result(attempt: Attempt) -> AttemptResult:
    """A released attempt's result: score, domain by domain for multiple choice, each
    question with the candidate's answer, the correct one and its rationale, and each
    written answer's mark and its markers' feedback."""
    framework = exam_framework()
    items = list(attempt.items.select_related("version__question").prefetch_related("marks"))
    by_domain: dict[str, list[int]] = {}
    reviewed = []
    for item in items:
        version = item.version
        right = item.chosen is not None and item.chosen == version.correct
        if version.question.kind == Kind.MULTIPLE_CHOICE:
            tally = by_domain.setdefault(version.domain, [0, 0])
            tally[0] += int(right)
            tally[1] += 1
        reviewed.append(
            ItemReviewed(
                position=item.position,
                kind=version.question.kind,
                stem=version.stem,
                options=tuple(
                    OptionReviewed(text=version.options[i], chosen=item.chosen == i, correct=version.correct == i)
                    for i in item.option_order
                ),
                right=right,
                rationale=version.rationale,
                case=version.case,
                question=version.question_text,
                written=item.written,
                mark=item.mark,
                points=version.points,
                feedback=tuple(m.comment for m in sorted(item.marks.all(), key=lambda m: m.role) if m.submitted_at),
            )
        )
    score = attempt.score or Decimal(0)
    percent = score if attempt.part == Part.WRITTEN else (score * 100 / max(attempt.out_of, 1))
    standing = part_standing(attempt.candidate, attempt.level, attempt.part)
    shown = answers_shown(standing)
    return AttemptResult(
        attempt=attempt,
        level_name=framework.level_names.get(attempt.level, attempt.level),
        # Down, so that a score under the pass mark never reads as reaching it.
        percent=percent.quantize(Decimal("0.1"), rounding=ROUND_FLOOR),
        by_domain=tuple(
            DomainScore(label=framework.domain_labels.get(code, code), right=right, out_of=out_of)
            for code, (right, out_of) in sorted(by_domain.items())
        ),
        items=tuple(reviewed) if shown else tuple(_without_key(i) for i in reviewed),
        standing=standing,
        answers_shown=shown,
    )


# Marking ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarkingRow:
    """An answer given to a marker: what they may know of it, never whose it is."""

    mark: WrittenMark
    case_opening: str
    level_name: str
    points: int


def marking_rows(marker: User) -> list[MarkingRow]:
    framework = exam_framework()
    marks = (
        WrittenMark.objects.filter(marker=marker)
        .select_related("item__version")
        .only("pk", "role", "total", "assigned_at", "submitted_at", "item__version__case", "item__version__rubric",
              "item__version__level")
        .order_by(F("submitted_at").desc(nulls_first=True), "assigned_at", "pk")
    )  # fmt: skip
    return [
        MarkingRow(
            mark=m,
            case_opening=m.item.version.case[:140].rsplit(" ", 1)[0] + "…",
            level_name=framework.level_names.get(m.item.version.level, m.item.version.level),
            points=m.item.version.points,
        )
        for m in marks
    ]


# The registrar's overview ----------------------------------------------------------------


@dataclass(frozen=True)
class BankCount:
    level_name: str
    kind: str
    domain: str
    questions: int


@dataclass(frozen=True)
class LevelBlueprints:
    code: str
    name: str
    parts: list[Blueprint | None]  # [part 1, part 2]


@dataclass(frozen=True)
class ExamOverview:
    blueprints: list[LevelBlueprints]
    exam_levels: dict[str, str]  # code → name
    bank: list[BankCount]
    open_attempts: int
    being_marked: int
    answers_without_markers: int


def exam_overview() -> ExamOverview:
    framework = exam_framework()
    found = {(b.level, b.part): b for b in Blueprint.objects.all()}
    counts = (
        QuestionVersion.objects.filter(is_current=True)
        .values("level", "question__kind", "domain")
        .annotate(n=Count("pk"))
        .order_by("level", "question__kind", "domain")
    )
    return ExamOverview(
        blueprints=[
            LevelBlueprints(code, framework.level_names[code], [found.get((code, part)) for part in Part.values])
            for code in framework.exam_levels
        ],
        exam_levels={code: framework.level_names[code] for code in framework.exam_levels},
        bank=[
            BankCount(
                level_name=framework.level_names.get(c["level"], c["level"]),
                kind=Kind(c["question__kind"]).label,
                domain=framework.domain_labels.get(c["domain"], c["domain"])
                if c["question__kind"] == Kind.MULTIPLE_CHOICE
                else "",
                questions=c["n"],
            )
            for c in counts
        ],
        open_attempts=Attempt.objects.filter(status=Attempt.Status.OPEN).count(),
        being_marked=Attempt.objects.filter(status=Attempt.Status.SUBMITTED).count(),
        answers_without_markers=AttemptItem.objects.filter(
            attempt__status=Attempt.Status.SUBMITTED, attempt__part=Part.WRITTEN, mark__isnull=True
        )
        .exclude(written="")
        .annotate(markers=Count("marks"))
        .filter(markers__lt=2)
        .count(),
    )


# The bank, question by question ------------------------------------------------------------


@dataclass(frozen=True)
class BankRow:
    key: str
    kind: str
    level_name: str
    domain: str
    difficulty: str
    version: int
    opening: str  # the stem, or the vignette's question, shortened for the list


def bank_rows() -> list[BankRow]:
    """Every question's current version, by key, for the registrar's list."""
    framework = exam_framework()
    return [
        BankRow(
            key=v.question.key,
            kind=Kind(v.question.kind).label,
            level_name=framework.level_names.get(v.level, v.level),
            domain=framework.domain_labels.get(v.domain, v.domain) if v.question.kind == Kind.MULTIPLE_CHOICE else "",
            difficulty=v.get_difficulty_display(),
            version=v.number,
            opening=_shortened(v.stem or v.question_text),
        )
        for v in current_versions()
    ]


def _shortened(text: str, most: int = 90) -> str:
    return text if len(text) <= most else text[: most - 1].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True)
class VersionRow:
    number: int
    is_current: bool
    created_at: datetime
    created_by: str
    drawn: int  # attempts that were given this version


@dataclass(frozen=True)
class BankQuestionPage:
    current: QuestionVersion
    versions: list[VersionRow]
    level_name: str
    competencies: dict[str, str]  # every competency of the framework: code → "code name"


def bank_question(key: str) -> BankQuestionPage | None:
    """One question of the bank, its current version and each earlier one, or None."""
    current = current_versions().filter(question__key=key).first()
    if current is None:
        return None
    framework = exam_framework()
    versions = (
        QuestionVersion.objects.filter(question=current.question).select_related("created_by").order_by("-number")
    )
    drawn = dict(
        AttemptItem.objects.filter(version__question=current.question)
        .values("version_id")
        .annotate(n=Count("attempt", distinct=True))
        .values_list("version_id", "n")
    )
    return BankQuestionPage(
        current=current,
        versions=[
            VersionRow(
                number=v.number,
                is_current=v.is_current,
                created_at=v.created_at,
                created_by=str(v.created_by) if v.created_by else "",
                drawn=drawn.get(v.pk, 0),
            )
            for v in versions
        ],
        level_name=framework.level_names.get(current.level, current.level),
        competencies={c.code: f"{c.code} {c.name}" for c in framework_competencies(framework_current())},
    )


# Item analysis ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRow:
    key: str
    version: int
    domain: str
    stats: ItemStats
    options: tuple[tuple[str, int, bool], ...]  # (option text, how many chose it, whether correct)
    omitted: int


@dataclass(frozen=True)
class ItemAnalysis:
    level_name: str
    candidates: int
    rows: list[ItemRow]
    paper: PaperStats | None
    common_questions: int


def item_analysis(level: str) -> ItemAnalysis:
    """Each question's statistics over candidates' first attempts at part 1 of `level`
    (released ones), and the paper's KR-20 over the questions every one of them was given
    (papers are drawn per candidate, so only those are a paper they all sat whole)."""
    framework = exam_framework()
    firsts = list(
        Attempt.objects.filter(level=level, part=Part.MULTIPLE_CHOICE, number=1, status=Attempt.Status.RELEASED)
        .prefetch_related(Prefetch("items", queryset=AttemptItem.objects.select_related("version__question")))
        .order_by("pk")
    )
    versions: dict[int, QuestionVersion] = {}
    sittings: list[dict[Hashable, str | None]] = []
    for attempt in firsts:
        sitting: dict[Hashable, str | None] = {}
        for item in attempt.items.all():
            versions[item.version_id] = item.version
            sitting[item.version_id] = None if item.chosen is None else str(item.chosen)
        sittings.append(sitting)
    key: dict[Hashable, str] = {pk: str(v.correct) for pk, v in sorted(versions.items())}
    rows = []
    for stats in item_stats(sittings, key):
        version = versions[int(str(stats.question))]
        rows.append(
            ItemRow(
                key=version.question.key,
                version=version.number,
                domain=version.domain,
                stats=stats,
                options=tuple(
                    (text, stats.chosen.get(str(i), 0), i == version.correct) for i, text in enumerate(version.options)
                ),
                omitted=stats.chosen.get(OMITTED, 0),
            )
        )
    rows.sort(key=lambda r: (r.domain, r.key, r.version))
    common = set(key)
    for sitting in sittings:
        common &= set(sitting)
    ordered = sorted(common, key=str)
    paper = (
        paper_stats([[int(s[q] is not None and s[q] == key[q]) for q in ordered] for s in sittings])
        if sittings and len(ordered) >= 2
        else None
    )
    return ItemAnalysis(
        level_name=framework.level_names.get(level, level),
        candidates=len(sittings),
        rows=rows,
        paper=paper,
        common_questions=len(ordered),
    )
