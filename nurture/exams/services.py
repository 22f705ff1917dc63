"""Writes of the exam: the bank, blueprints, accommodations, sittings and marking.
Each is atomic and audited; each refusal is an `ExamError` whose message the page shows,
with nothing changed."""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from nurture.accounts.models import User
from nurture.core.audit import audit_record
from nurture.core.emails import email_send
from nurture.core.origins import site_url
from nurture.core.prepared import INT_RANGE
from nurture.endorsements.models import Application
from nurture.endorsements.selectors import assessors_without_conflict
from nurture.endorsements.workflow import EXAM_STATES
from nurture.exams import rules
from nurture.exams.bank_file import (
    BankFile,
    Criterion,
    Problem,
    QuestionDraft,
    QuestionRefused,
    bank_file_read,
    bank_file_write,
    question_read,
)
from nurture.exams.drawing import BlueprintShortfall, blueprint_shortfalls, paper_draw
from nurture.exams.models import (
    Accommodation,
    Attempt,
    AttemptItem,
    Blueprint,
    Kind,
    Part,
    Question,
    QuestionVersion,
    WrittenMark,
)
from nurture.exams.selectors import (
    ExamFramework,
    PartStanding,
    blueprint_wanted,
    current_versions,
    draw_pool,
    exam_framework,
    part_standing,
)

WRITTEN_MAX = 20_000
EXTRA_MINUTES_MAX = 240
# C0 controls but tab, newline and carriage return: dropped from a written answer as it is saved.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ExamError(Exception):
    """Why a step was refused; nothing was changed."""


# The bank --------------------------------------------------------------------------------

_VERSION_FIELDS = (
    "level",
    "domain",
    "competencies",
    "difficulty",
    "stem",
    "options",
    "correct",
    "rationale",
    "case",
    "question_text",
    "model_answer",
    "rubric",
)


def _version_fields(draft: QuestionDraft, framework: ExamFramework) -> dict[str, Any]:
    return {
        "level": draft.level,
        "domain": framework.domain_of[draft.competencies[0]],
        "competencies": list(draft.competencies),
        "difficulty": draft.difficulty,
        "stem": draft.stem,
        "options": list(draft.options),
        "correct": draft.correct,
        "rationale": draft.rationale,
        "case": draft.case,
        "question_text": draft.question,
        "model_answer": draft.model_answer,
        "rubric": [{"criterion": c.criterion, "points": c.points} for c in draft.rubric],
    }


@dataclass(frozen=True)
class BankImport:
    """What an import did: nothing at all when it has problems."""

    problems: list[Problem] = field(default_factory=list)
    added: int = 0
    new_versions: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def bank_import(content: bytes, *, actor: User) -> BankImport:
    """Every question of the file, or none: a new key adds a question, a known key whose
    text changed makes a new version (attempts already drawn keep theirs), the same text
    again changes nothing."""
    framework = exam_framework()
    # Only the levels that sit the exam: a question at another level would never be drawn.
    read: BankFile = bank_file_read(content, levels=framework.exam_levels, competencies=framework.domain_of.keys())
    if not read.ok:
        return BankImport(problems=read.problems)
    kinds = dict(Question.objects.filter(key__in=[d.key for d in read.questions]).values_list("key", "kind"))
    mismatched = [
        Problem(number, draft.key, f"this key names a {Kind(kinds[draft.key]).label.lower()} question in the bank")
        for number, draft in enumerate(read.questions, start=1)
        if draft.key in kinds and kinds[draft.key] != draft.kind
    ]
    if mismatched:
        return BankImport(problems=mismatched)
    try:
        return _bank_write(read.questions, framework, actor)
    except IntegrityError:
        # Another import added the same new key at the same moment: nothing of this one stays.
        raise ExamError(
            "Another import changed the bank at the same moment; nothing was imported. Try again."
        ) from None


def _bank_write(
    drafts: list[QuestionDraft],
    framework: ExamFramework,
    actor: User,
    *,
    action: str = "exams.bank.imported",
    data: dict[str, Any] | None = None,
) -> BankImport:
    added = new_versions = unchanged = 0
    with transaction.atomic():
        current = {v.question.key: v for v in current_versions().select_for_update(of=("self",))}
        for draft in drafts:
            fields = _version_fields(draft, framework)
            version = current.get(draft.key)
            if version is not None and all(getattr(version, name) == fields[name] for name in _VERSION_FIELDS):
                unchanged += 1
                continue
            if version is None:
                question, made = Question.objects.get_or_create(key=draft.key, defaults={"kind": draft.kind})
                number = 1 + (question.versions.count() if not made else 0)
                added += 1
            else:
                question = version.question
                QuestionVersion.objects.filter(pk=version.pk).update(is_current=False)
                number = version.number + 1
                new_versions += 1
            QuestionVersion.objects.create(question=question, number=number, created_by=actor, **fields)
        if added or new_versions:  # the same file again changes nothing, the log included
            audit_record(
                action=action,
                actor=actor,
                data={"added": added, "new_versions": new_versions, "unchanged": unchanged, **(data or {})},
            )
    return BankImport(added=added, new_versions=new_versions, unchanged=unchanged)


@dataclass(frozen=True)
class QuestionEdited:
    number: int  # the question's current version after the edit
    changed: bool  # whether the edit made it


def question_edit(*, key: str, row: dict[str, Any], based_on: int, actor: User) -> QuestionEdited:
    """One question edited on the registrar's page: `row` holds its fields as a bank file
    gives them (its key and kind are the question's own), checked the same way. A change
    makes a new version (attempts already drawn keep theirs); the same text again changes
    nothing. `based_on` is the version the form was filled from: when someone else has made
    a newer one since, nothing is saved and the edit is refused, so it never undoes theirs."""
    framework = exam_framework()
    current = current_versions().filter(question__key=key).first()
    if current is None:
        raise NoSuchQuestion("The bank has no such question.")
    try:
        draft = question_read(
            {**row, "key": key, "kind": current.question.kind},
            levels=framework.exam_levels,
            competencies=framework.domain_of.keys(),
        )
    except QuestionRefused as refused:
        raise ExamError(f"Not saved: {refused}.") from None
    changed_since = ExamError(
        f"Not saved: {key} was changed by someone else since you opened it. The page now shows their "
        "version; make your change to it again."
    )
    try:
        with transaction.atomic():
            locked = current_versions().select_for_update(of=("self",)).filter(question__key=key).first()
            if locked is None or locked.number != based_on:
                raise changed_since
            done = _bank_write(
                [draft], framework, actor, action="exams.question.edited", data={"key": key, "from_version": based_on}
            )
    except IntegrityError:  # another edit made its version at the same moment
        raise changed_since from None
    return QuestionEdited(number=based_on + done.new_versions, changed=done.new_versions == 1)


def version_draft(version: QuestionVersion) -> QuestionDraft:
    return QuestionDraft(
        key=version.question.key,
        kind=version.question.kind,
        level=version.level,
        competencies=tuple(version.competencies),
        difficulty=version.difficulty,
        stem=version.stem,
        options=tuple(version.options),
        correct=version.correct,
        rationale=version.rationale,
        case=version.case,
        question=version.question_text,
        model_answer=version.model_answer,
        rubric=tuple(Criterion(c["criterion"], int(c["points"])) for c in version.rubric),
    )


def bank_export() -> str:
    """The bank's current versions as an import file."""
    return bank_file_write([version_draft(v) for v in current_versions()])


# Blueprints ------------------------------------------------------------------------------

DEFAULTS: dict[int, dict[str, int]] = {
    Part.MULTIPLE_CHOICE: {"minutes": 90, "pass_mark_percent": 80, "attempts_allowed": 3, "waiting_days": 90},
    Part.WRITTEN: {
        "minutes": 90,
        "pass_mark_percent": 60,
        "attempts_allowed": 3,
        "waiting_days": 90,
        "vignettes_shown": 3,
        "vignettes_answered": 2,
        "marking_margin": 4,
    },
}
DEFAULT_QUESTIONS = 60


def per_domain_spread(domains: list[str], total: int = DEFAULT_QUESTIONS) -> dict[str, int]:
    """`total` questions spread as evenly as the domains allow, the first ones taking any remainder."""
    if not domains:
        return {}
    base, extra = divmod(total, len(domains))
    return {code: base + (1 if index < extra else 0) for index, code in enumerate(domains)}


@dataclass(frozen=True)
class BlueprintValues:
    per_domain: dict[str, int]
    vignettes_shown: int
    vignettes_answered: int
    minutes: int
    pass_mark_percent: int
    attempts_allowed: int
    waiting_days: int
    marking_margin: int


def blueprint_default(level: str, part: int, framework: ExamFramework) -> BlueprintValues:
    values = DEFAULTS[part]
    return BlueprintValues(
        per_domain=per_domain_spread(list(framework.domain_labels)) if part == Part.MULTIPLE_CHOICE else {},
        vignettes_shown=values.get("vignettes_shown", 0),
        vignettes_answered=values.get("vignettes_answered", 0),
        minutes=values["minutes"],
        pass_mark_percent=values["pass_mark_percent"],
        attempts_allowed=values["attempts_allowed"],
        waiting_days=values["waiting_days"],
        marking_margin=values.get("marking_margin", 0),
    )


def blueprint_check(level: str, part: int, values: BlueprintValues, framework: ExamFramework) -> None:
    if level not in framework.exam_levels:
        raise ExamError("Only a level that requires the exam has a blueprint.")
    if part not in Part.values:
        raise ExamError("There is no such part of the exam.")
    unknown = [code for code in values.per_domain if code not in framework.domain_labels]
    if unknown:
        raise ExamError(f"The framework has no domain {', '.join(unknown)}.")
    if any(count < 0 for count in values.per_domain.values()):
        raise ExamError("A domain cannot have fewer than 0 questions.")
    if part == Part.MULTIPLE_CHOICE and sum(values.per_domain.values()) < 1:
        raise ExamError("Part 1 needs at least one question.")
    if part == Part.WRITTEN and not 1 <= values.vignettes_answered <= values.vignettes_shown:
        raise ExamError("Part 2 shows at least as many vignettes as the candidate answers, and at least one.")
    if not 1 <= values.minutes <= 600:
        raise ExamError("The time allowed must be between 1 and 600 minutes.")
    if not 1 <= values.pass_mark_percent <= 100:
        raise ExamError("The pass mark is a percentage from 1 to 100.")
    if not 1 <= values.attempts_allowed <= 10:
        raise ExamError("Allow between 1 and 10 attempts.")
    if not 0 <= values.waiting_days <= 730:
        raise ExamError("The waiting period is between 0 and 730 days.")
    if not 0 <= values.marking_margin <= 100:
        raise ExamError("The marking margin is between 0 and 100 points.")
    probe = Blueprint(level=level, part=part, per_domain=values.per_domain, vignettes_shown=values.vignettes_shown)
    if shortfalls := blueprint_shortfalls(blueprint_wanted(probe, framework), draw_pool(level, part, framework)):
        raise ExamError(
            "The question bank cannot fill this blueprint. "
            + " ".join(s.message for s in shortfalls)
            + " Nothing was changed."
        )


def blueprint_save(*, level: str, part: int, values: BlueprintValues, actor: User | None) -> Blueprint:
    """Set a level's part: refused, naming each domain and how many it lacks, when the bank cannot fill it."""
    framework = exam_framework()
    blueprint_check(level, part, values, framework)
    with transaction.atomic():
        blueprint, _ = Blueprint.objects.update_or_create(
            level=level,
            part=part,
            defaults={
                "per_domain": values.per_domain if part == Part.MULTIPLE_CHOICE else {},
                "vignettes_shown": values.vignettes_shown if part == Part.WRITTEN else 0,
                "vignettes_answered": values.vignettes_answered if part == Part.WRITTEN else 0,
                "minutes": values.minutes,
                "pass_mark_percent": values.pass_mark_percent,
                "attempts_allowed": values.attempts_allowed,
                "waiting_days": values.waiting_days,
                "marking_margin": values.marking_margin if part == Part.WRITTEN else 0,
                "updated_at": timezone.now(),
                "updated_by": actor,
            },
        )
        audit_record(
            action="exams.blueprint.saved",
            actor=actor,
            target=blueprint,
            data={"level": level, "part": part, "questions": blueprint.questions, "minutes": values.minutes},
        )
    return blueprint


# Accommodations --------------------------------------------------------------------------


def accommodation_grant(*, candidate: User, level: str, extra_minutes: int, reason: str, actor: User) -> Accommodation:
    """Extra time for one candidate at one level, with the reason, audited. It applies to
    the attempts they start from now on, and to one they have open."""
    reason = reason.strip()
    if not reason:
        raise ExamError("Give the reason for the extra time: it is kept in the audit log.")
    if len(reason) > 2000:
        raise ExamError("Keep the reason to 2,000 characters.")
    if not 1 <= extra_minutes <= EXTRA_MINUTES_MAX:
        raise ExamError(f"Extra time is between 1 and {EXTRA_MINUTES_MAX} minutes.")
    with transaction.atomic():
        granted, _ = Accommodation.objects.update_or_create(
            candidate=candidate,
            level=level,
            defaults={
                "extra_minutes": extra_minutes,
                "reason": reason,
                "granted_by": actor,
                "granted_at": timezone.now(),
            },
        )
        for attempt in Attempt.objects.select_for_update().filter(
            candidate=candidate, level=level, status=Attempt.Status.OPEN
        ):
            attempt.extra_minutes = extra_minutes
            attempt.deadline = rules.deadline_of(
                attempt.started_at, timedelta(minutes=attempt.minutes), timedelta(minutes=extra_minutes)
            )
            attempt.save(update_fields=["extra_minutes", "deadline"])
        audit_record(
            action="exams.accommodation.granted",
            actor=actor,
            target=granted,
            reason=reason,
            data={"candidate": candidate.pk, "level": level, "extra_minutes": extra_minutes},
        )
    return granted


# Sitting ---------------------------------------------------------------------------------


def start_check(*, application: Application, actor: User, part: int) -> PartStanding:
    """Whether `actor` may start (or go back to) this part of their application's exam."""
    if application.practitioner_id != actor.pk:
        raise ExamError("Only the applicant sits their exam.")
    if not application.level.exam_required:
        raise ExamError(f"The {application.level.name} level has no exam.")
    if application.state not in EXAM_STATES:
        raise ExamError("You can sit the exam once your application has been accepted for review.")
    if part not in Part.values:
        raise ExamError("There is no such part of the exam.")
    standing = part_standing(actor, application.level.code, part)
    if not standing.may_start:
        raise ExamError(standing.why_not)
    return standing


def attempt_start(*, application: Application, actor: User, part: int, now: datetime | None = None) -> Attempt:
    """The candidate's open attempt of this part, drawn now if they have none: their own
    paper, its order and options shuffled from a random seed stored with it."""
    standing = start_check(application=application, actor=actor, part=part)
    if standing.open_attempt is not None:
        return standing.open_attempt
    blueprint = standing.blueprint
    assert blueprint is not None  # start_check refuses a part without one
    now = now or timezone.now()
    framework = exam_framework()
    seed = secrets.token_hex(16)
    try:
        drawn = paper_draw(
            blueprint_wanted(blueprint, framework), draw_pool(blueprint.level, part, framework), seed=seed
        )
    except BlueprintShortfall as short:
        raise ExamError(
            "The exam cannot be drawn today: the question bank is short. " + str(short) + " Please tell the registrar."
        ) from None
    extra = (
        Accommodation.objects.filter(candidate=actor, level=blueprint.level)
        .values_list("extra_minutes", flat=True)
        .first()
        or 0
    )
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                candidate=actor,
                application=application,
                level=blueprint.level,
                part=part,
                number=standing.attempts_used + 1,
                seed=seed,
                minutes=blueprint.minutes,
                extra_minutes=extra,
                pass_mark_percent=blueprint.pass_mark_percent,
                vignettes_answered=blueprint.vignettes_answered,
                marking_margin=blueprint.marking_margin,
                started_at=now,
                deadline=rules.deadline_of(now, timedelta(minutes=blueprint.minutes), timedelta(minutes=extra)),
            )
            AttemptItem.objects.bulk_create(
                AttemptItem(
                    attempt=attempt, position=position, version_id=d.question, option_order=list(d.option_order)
                )
                for position, d in enumerate(drawn, start=1)
            )
            audit_record(
                action="exams.attempt.started",
                actor=actor,
                target=attempt,
                data={"level": attempt.level, "part": part, "number": attempt.number, "extra_minutes": extra},
            )
    except IntegrityError:
        # Started twice at once (two tabs): the other start's attempt is the one.
        opened = Attempt.objects.filter(
            candidate=actor, level=blueprint.level, part=part, status=Attempt.Status.OPEN
        ).first()
        if opened is None:
            raise
        return opened
    return attempt


class NotYours(ExamError):
    """The attempt is not the actor's, or does not exist: a page answers 404."""


class NoSuchQuestion(ExamError):
    """The paper has no question at that position: a page answers 404."""


class AttemptClosed(ExamError):
    """Handed in, or past its deadline and grace: no answer changes any more."""


@dataclass(frozen=True)
class SavedAnswer:
    position: int
    chosen: int | None  # the version's index of the option chosen
    written: str


# The one read of a save, in its transaction before its write (on SQLite the transaction
# holds the one write lock from its first statement; on PostgreSQL the attempt's row is
# locked, so a save racing the hand-in waits for it): the attempt, and its question at
# the position, if there is one.
_SAVE_READ = (
    "SELECT a.candidate_id, a.status, a.deadline, a.vignettes_answered, i.id, i.option_order, q.kind "
    "FROM exams_attempt a "
    "LEFT JOIN exams_attemptitem i ON i.attempt_id = a.id AND i.position = %s "
    "LEFT JOIN exams_questionversion v ON v.id = i.version_id "
    "LEFT JOIN exams_question q ON q.id = v.question_id "
    "WHERE a.id = %s"
)


# A choice saved in one statement, outside any transaction: one round trip to the
# database, like the one write of a bare view (the read, the lock, the write, a BEGIN and a
# COMMIT were five). It changes the row only when everything the full path checks holds:
# the attempt is the actor's, open, and within its deadline and grace; the paper has a
# question at the position and the choice is one of its options (a written question has
# none: its option order is empty, drawing.Drawn, so no choice fits it). On
# PostgreSQL the attempt's row is locked for the statement (FOR UPDATE in the CTE), so a
# save racing the hand-in waits for it and then, the attempt no longer open, changes
# nothing; on SQLite a write statement takes the one write lock before it reads. When it
# changes nothing, the full path below says why (or saves, if the race went the other way).
_CHOICE_SAVE = {
    "postgresql": (
        "WITH a AS (SELECT id FROM exams_attempt WHERE id = %(attempt)s AND candidate_id = %(actor)s "
        "AND status = %(open)s AND deadline >= %(latest)s FOR UPDATE) "
        "UPDATE exams_attemptitem AS i SET chosen = (i.option_order ->> %(choice)s::integer)::integer, "
        "answered_at = %(now)s FROM a "
        "WHERE i.attempt_id = a.id AND i.position = %(position)s "
        "AND jsonb_array_length(i.option_order) > %(choice)s::integer RETURNING i.chosen"
    ),
    "sqlite": (
        "UPDATE exams_attemptitem AS i SET chosen = json_extract(i.option_order, '$[' || %(choice)s || ']'), "
        "answered_at = %(now)s FROM exams_attempt a "
        "WHERE a.id = %(attempt)s AND a.candidate_id = %(actor)s AND a.status = %(open)s "
        "AND a.deadline >= %(latest)s AND i.attempt_id = a.id AND i.position = %(position)s "
        "AND json_array_length(i.option_order) > %(choice)s RETURNING chosen"
    ),
}


def _choice_saved(attempt_id: int, actor: User, position: int, choice: int, now: datetime) -> int | None:
    """The bank's index of the option now stored, or None when the one statement changed
    nothing (the caller then takes the full path)."""
    statement = _CHOICE_SAVE.get(connection.vendor)
    if statement is None or (connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 35)):
        return None  # another database, or an SQLite without UPDATE … FROM … RETURNING: the full path
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            statement,
            {
                "attempt": attempt_id,
                "actor": actor.pk,
                "open": Attempt.Status.OPEN.value,
                "latest": adapt(now - rules.GRACE),
                "position": position,
                "choice": choice,
                "now": adapt(now),
            },
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def answer_save(
    *,
    attempt: Attempt | int,
    actor: User,
    position: int,
    choice: int | None = None,
    written: str | None = None,
    now: datetime | None = None,
) -> SavedAnswer:
    """Save one answer: `choice` is the position of the option as shown (None clears it),
    `written` a written answer. Taken up to the deadline and, for a save already on its
    way, `rules.GRACE` after it; refused after that. Saved as the candidate goes, every
    few seconds by every candidate at once, so it reads two rows with plain SQL, locking
    the attempt (a save racing the hand-in waits for it, and is then refused), and writes one."""
    now = now or timezone.now()
    attempt_id = attempt if isinstance(attempt, int) else attempt.pk
    if attempt_id not in INT_RANGE:  # no row has it (SQLite would raise OverflowError)
        raise NotYours("This is not your attempt.")
    if position not in INT_RANGE:
        raise NoSuchQuestion("This paper has no such question.")
    if choice is not None and written is None and 0 <= choice < 100:
        stored = _choice_saved(attempt_id, actor, position, choice, now)
        if stored is not None:
            return SavedAnswer(position=position, chosen=stored, written="")
    with transaction.atomic(), connection.cursor() as cursor:
        lock = " FOR UPDATE OF a" if connection.features.has_select_for_update_of else ""
        cursor.execute(_SAVE_READ + lock, [position, attempt_id])
        found = cursor.fetchone()
        if found is None or found[0] != actor.pk:
            raise NotYours("This is not your attempt.")
        _, status, deadline, answered_allowed, item_id, option_order, kind = found
        if status != Attempt.Status.OPEN:
            raise AttemptClosed("This attempt has been submitted: its answers can no longer change.")
        deadline = _aware(deadline if isinstance(deadline, datetime) else parse_datetime(str(deadline)))
        if not rules.answer_taken(now, deadline):
            raise AttemptClosed("Time is up: this answer reached us after the exam ended, so it was not saved.")
        if item_id is None:
            raise NoSuchQuestion("This paper has no such question.")
        if isinstance(option_order, str):
            option_order = json.loads(option_order)
        if kind == Kind.MULTIPLE_CHOICE:
            if written is not None:
                raise ExamError("This question is answered by choosing an option.")
            if choice is not None and not 0 <= choice < len(option_order):
                raise ExamError("Choose one of the options shown.")
            chosen = None if choice is None else int(option_order[choice])
            answered_at = connection.ops.adapt_datetimefield_value(now) if choice is not None else None
            cursor.execute(
                "UPDATE exams_attemptitem SET chosen = %s, answered_at = %s WHERE id = %s",
                [chosen, answered_at, item_id],
            )
            return SavedAnswer(position=position, chosen=chosen, written="")
        if choice is not None or written is None:
            raise ExamError("This question is answered in writing.")
        text = _CONTROL.sub("", written.replace("\r\n", "\n"))
        if len(text) > WRITTEN_MAX:
            raise ExamError(
                f"An answer can be at most {WRITTEN_MAX:,} characters; this one is {len(text):,}. It was not saved."
            )
        if text.strip():
            others = [
                w for w in AttemptItem.objects.filter(attempt_id=attempt_id).exclude(pk=item_id).values_list(
                    "written", flat=True
                ) if w.strip()
            ]  # fmt: skip
            if len(others) >= answered_allowed:
                shown = AttemptItem.objects.filter(attempt_id=attempt_id).count()
                raise ExamError(
                    f"You answer {answered_allowed} of the {shown} cases: clear one of your "
                    "other answers before writing this one. This answer was not saved."
                )
        AttemptItem.objects.filter(pk=item_id).update(written=text, answered_at=now if text.strip() else None)
        return SavedAnswer(position=position, chosen=None, written=text)


def _aware(value: datetime | None) -> datetime:
    """A stored time as PostgreSQL gives it (aware) or SQLite does (text, in UTC)."""
    if value is None:
        raise ValueError("an attempt always has a deadline")
    return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)


def _decimal(score: Fraction) -> Decimal:
    return (Decimal(score.numerator) / Decimal(score.denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def attempt_submit(
    *, attempt: Attempt, actor: User | None, now: datetime | None = None, by: str = "scheduled job"
) -> Attempt:
    """Hand the paper in: by the candidate, or when `actor` is None, past the deadline, by
    `by` (the scheduled job, or the candidate's next request, which is not the job).
    Multiple choice is scored at once and released; written answers go to their markers.
    Submitting twice changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.status != Attempt.Status.OPEN:
            return locked
        if actor is not None and locked.candidate_id != actor.pk:
            raise ExamError("This is not your attempt.")
        items = list(locked.items.select_related("version"))
        locked.status = Attempt.Status.SUBMITTED
        locked.submitted_at = now
        locked.submitted_by_job = actor is None and by == "scheduled job"
        if locked.part == Part.MULTIPLE_CHOICE:
            for item in items:
                item.mark = Decimal(1 if item.chosen is not None and item.chosen == item.version.correct else 0)
            AttemptItem.objects.bulk_update(items, ["mark"])
            score = sum(int(item.mark or 0) for item in items)
            _release(locked, Fraction(score), len(items), now)
        else:
            answered = [item for item in items if item.written.strip()]
            if not answered:
                _release(locked, Fraction(0), 100, now)
            else:
                locked.out_of = 100
                for item in answered:
                    _markers_assign(item, locked, roles=(WrittenMark.Role.FIRST, WrittenMark.Role.SECOND))
        locked.save()
        if locked.status == Attempt.Status.RELEASED:
            _result_email(locked)
        audit_record(
            action="exams.attempt.submitted",
            actor=actor,
            actor_label="" if actor is not None else by,
            target=locked,
            data={"level": locked.level, "part": locked.part, "by_job": locked.submitted_by_job},
        )
    return locked


def _release(attempt: Attempt, score: Fraction, out_of: int, now: datetime) -> None:
    """The result, on the (locked, unsaved) attempt: the caller saves it."""
    attempt.score = _decimal(score)
    attempt.out_of = out_of
    attempt.passed = rules.passed(score, out_of, attempt.pass_mark_percent)
    attempt.status = Attempt.Status.RELEASED
    attempt.released_at = now


def _result_email(attempt: Attempt) -> None:
    """Tell the candidate their result is released (in the caller's transaction: it goes
    once that commits), with when they may retake after a fail."""
    framework = exam_framework()
    retake = ""
    if not attempt.passed:
        blueprint = Blueprint.objects.filter(level=attempt.level, part=attempt.part).first()
        used = Attempt.objects.filter(candidate_id=attempt.candidate_id, level=attempt.level, part=attempt.part).count()
        if blueprint is not None and used < blueprint.attempts_allowed and attempt.released_at is not None:
            retake = f"{rules.retake_from(timezone.localdate(attempt.released_at), blueprint.waiting_days):%-d %B %Y}"
    candidate = attempt.candidate
    email_send(
        to=candidate.email,
        template="exams/email/result",
        context={
            "name": str(candidate),
            "part": Part(attempt.part).label,
            "level_name": framework.level_names.get(attempt.level, attempt.level),
            "passed": attempt.passed,
            "retake_from": retake,
            "result_url": site_url("exams:result", attempt.pk),
        },
        about=attempt,
    )


def attempts_overdue_submit(*, now: datetime | None = None) -> int:
    """Submit every attempt left open past its deadline and grace: the scheduled job's part."""
    now = now or timezone.now()
    submitted = 0
    for attempt in Attempt.objects.filter(status=Attempt.Status.OPEN, deadline__lt=now - rules.GRACE).order_by("pk"):
        if attempt_submit(attempt=attempt, actor=None, now=now).submitted_by_job:
            submitted += 1
    return submitted


# Marking ---------------------------------------------------------------------------------


def _markers_assign(item: AttemptItem, attempt: Attempt, *, roles: tuple[str, ...]) -> list[WrittenMark]:
    """Give the answer to markers for `roles`: assessors without a conflict with the
    candidate (nor assigned to their application, who know whose answer it is), not
    already marking it, the least busy first. Fewer than asked when too few are free:
    the daily job tries again."""
    taken = set(item.marks.values_list("marker_id", flat=True))
    free = [person for person in assessors_without_conflict(attempt.application) if person.pk not in taken]
    if not free:
        return []
    load = dict(
        User.objects.filter(pk__in=[p.pk for p in free])
        .annotate(open_marks=Count("exam_marks", filter=Q(exam_marks__submitted_at__isnull=True)))
        .values_list("pk", "open_marks")
    )
    free.sort(key=lambda person: (load.get(person.pk, 0), person.pk))
    made = []
    for role, marker in zip(roles, free, strict=False):
        made.append(WrittenMark.objects.create(item=item, marker=marker, role=role))
    return made


def mark_submit(*, mark: WrittenMark, actor: User, points: list[int], comment: str) -> WrittenMark:
    """A marker's mark of one answer, criterion by criterion, with feedback for the
    candidate. When both marks are in they are settled (`rules.written_mark`): close
    enough, averaged; too far apart, a third marker is asked. When every answer of the
    attempt is settled, its result is released."""
    comment = comment.strip()
    with transaction.atomic():
        locked = (
            WrittenMark.objects.select_for_update().select_related("item__version", "item__attempt").get(pk=mark.pk)
        )
        if locked.marker_id != actor.pk:
            raise ExamError("This answer was not given to you to mark.")
        if locked.submitted_at is not None:
            raise ExamError("You have already marked this answer.")
        rubric = locked.item.version.rubric
        if len(points) != len(rubric):
            raise ExamError("Give a mark for every criterion of the rubric.")
        for given, criterion in zip(points, rubric, strict=True):
            if not 0 <= given <= int(criterion["points"]):
                raise ExamError(f"“{criterion['criterion']}” is marked from 0 to {criterion['points']}.")
        if not comment:
            raise ExamError("Write feedback for the candidate: they receive it whatever the outcome.")
        if len(comment) > 5000:
            raise ExamError("Keep the feedback to 5,000 characters.")
        locked.points = list(points)
        locked.total = sum(points)
        locked.comment = comment
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["points", "total", "comment", "submitted_at"])
        audit_record(action="exams.answer.marked", actor=actor, target=locked, data={"role": locked.role})
        _settle(locked.item)
    return locked


def _settle(item: AttemptItem) -> None:
    attempt = Attempt.objects.select_for_update().get(pk=item.attempt_id)
    marks = {m.role: m.total for m in item.marks.all() if m.submitted_at is not None}
    outcome = rules.written_mark(
        marks.get(WrittenMark.Role.FIRST),
        marks.get(WrittenMark.Role.SECOND),
        margin=attempt.marking_margin,
        out_of=item.version.points,
        third=marks.get(WrittenMark.Role.THIRD),
    )
    if outcome.mark is None:
        if outcome.needs_third and not item.marks.filter(role=WrittenMark.Role.THIRD).exists():
            _markers_assign(item, attempt, roles=(WrittenMark.Role.THIRD,))
        return
    AttemptItem.objects.filter(pk=item.pk).update(mark=_decimal(outcome.mark))
    answered = [a for a in attempt.items.exclude(written="").select_related("version") if a.written.strip()]
    settled = [(a.mark, a.version.points) for a in answered if a.mark is not None]
    if len(settled) < len(answered):
        return
    # Each answer counts as its share of its points (a mark is a whole or half point, kept
    # exactly); the paper is the mean over the answers asked for, a missing one counting 0.
    share = sum((Fraction(mark) / points for mark, points in settled), Fraction(0))
    _release(attempt, share * 100 / max(attempt.vignettes_answered, 1), 100, timezone.now())
    attempt.save(update_fields=["score", "out_of", "passed", "status", "released_at"])
    _result_email(attempt)
    audit_record(action="exams.attempt.released", target=attempt, data={"passed": attempt.passed})


def markers_missing_assign() -> int:
    """Give markers to submitted answers that have fewer than they need (too few assessors
    were free at submission, or a third marker is wanted): the daily job's part."""
    given = 0
    for attempt in Attempt.objects.filter(status=Attempt.Status.SUBMITTED, part=Part.WRITTEN).order_by("pk"):
        with transaction.atomic():
            locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
            if locked.status != Attempt.Status.SUBMITTED:
                continue
            for item in locked.items.exclude(written="").filter(mark__isnull=True):
                if not item.written.strip():
                    continue
                # A mark still to give whose marker has gone (account erased or made
                # inactive) goes to someone else, or the result would wait for ever.
                item.marks.filter(submitted_at__isnull=True).filter(
                    Q(marker__isnull=True) | Q(marker__is_active=False)
                ).delete()
                roles = set(item.marks.values_list("role", flat=True))
                wanted = tuple(r for r in (WrittenMark.Role.FIRST, WrittenMark.Role.SECOND) if r not in roles)
                submitted = {m.role: m.total for m in item.marks.all() if m.submitted_at is not None}
                first, second = submitted.get(WrittenMark.Role.FIRST), submitted.get(WrittenMark.Role.SECOND)
                if (
                    not wanted
                    and WrittenMark.Role.THIRD not in roles
                    and first is not None
                    and second is not None
                    and abs(first - second) > locked.marking_margin
                ):
                    wanted = (WrittenMark.Role.THIRD,)
                if wanted and _markers_assign(item, locked, roles=wanted):
                    given += 1
    return given
