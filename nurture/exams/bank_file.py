"""The question bank as a file: read and checked row by row, written back the same way.
Pure Python, no Django: the import service (to come) writes all of a file or none of it.

The file is JSON:

    {"format": "nurture-exam-bank", "version": 1, "questions": [
      {"key": "mcq-attachment-01", "kind": "multiple_choice", "level": "intervention",
       "competencies": ["RP-2"], "difficulty": "medium",
       "stem": "…", "options": ["…", "…", "…"], "correct": 1, "rationale": "…"},
      {"key": "vignette-sleep-01", "kind": "vignette", "level": "intervention",
       "competencies": ["ID-1", "RF-3"], "difficulty": "hard",
       "case": "…", "question": "…", "model_answer": "…",
       "rubric": [{"criterion": "…", "points": 4}, …]}
    ]}

- `key` names a question across versions (letters, digits, `-` and `_`, at most 60): a
  key already in the bank makes a new version of that question; an attempt already sat
  keeps the version it was given.
- `kind` is `multiple_choice` (3–5 distinct options, `correct` the 0-based index of the
  one correct option, a `rationale` shown with the results) or `vignette` (a case, a
  question, a model answer and a rubric of 1–10 criteria, each worth 1–20 points).
- `level` and each of `competencies` are codes of the current framework; `difficulty`
  is `easy`, `medium` or `hard`.
- Text is plain: no control characters, each field within its limit (`LIMITS`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

FORMAT = "nurture-exam-bank"
VERSION = 1
MAX_BYTES = 5 * 1024 * 1024
MAX_QUESTIONS = 2000
KINDS = ("multiple_choice", "vignette")
DIFFICULTIES = ("easy", "medium", "hard")
KEY = re.compile(r"[A-Za-z0-9_-]{1,60}")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LIMITS = {
    "stem": 2000,
    "option": 500,
    "rationale": 3000,
    "case": 6000,
    "question": 2000,
    "model_answer": 6000,
    "criterion": 500,
}
OPTIONS = range(3, 6)
CRITERIA = range(1, 11)
POINTS = range(1, 21)


@dataclass(frozen=True)
class Criterion:
    criterion: str
    points: int


@dataclass(frozen=True)
class QuestionDraft:
    """One question as the file gives it, checked."""

    key: str
    kind: str
    level: str
    competencies: tuple[str, ...]
    difficulty: str
    stem: str = ""
    options: tuple[str, ...] = ()
    correct: int | None = None
    rationale: str = ""
    case: str = ""
    question: str = ""
    model_answer: str = ""
    rubric: tuple[Criterion, ...] = field(default=())


@dataclass(frozen=True)
class Problem:
    """Why a question (numbered from 1 in the file's order; 0 for the file itself) was refused."""

    row: int
    key: str
    message: str

    def __str__(self) -> str:
        where = "The file" if self.row == 0 else f"Question {self.row}" + (f" ({self.key})" if self.key else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class BankFile:
    questions: list[QuestionDraft]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


class QuestionRefused(ValueError):
    """Why one question was refused, as a sentence fragment ("stem is missing or empty")."""


_Refused = QuestionRefused


def _text(row: dict[str, Any], name: str, limit_name: str | None = None) -> str:
    value = row.get(name)
    if not isinstance(value, str) or not value.strip():
        raise _Refused(f"{name} is missing or empty")
    return _checked_text(value, limit_name or name)


def _checked_text(value: str, limit_name: str) -> str:
    limit = LIMITS[limit_name]
    if CONTROL.search(value):
        raise _Refused(f"{limit_name} holds a control character; only plain text is taken")
    if len(value) > limit:
        raise _Refused(f"{limit_name} is {len(value):,} characters long; the most is {limit:,}")
    return value.strip()


def _question(row: Any, levels: Collection[str], competencies: Collection[str]) -> QuestionDraft:
    if not isinstance(row, dict):
        raise _Refused("each question must be an object")
    kind = row.get("kind")
    if kind not in KINDS:
        raise _Refused(f"kind must be one of {', '.join(KINDS)}")
    level = row.get("level")
    if level not in levels:
        raise _Refused(f"level {level!r} is not a level of the current framework")
    codes = row.get("competencies")
    if not isinstance(codes, list) or not codes or not all(isinstance(code, str) for code in codes):
        raise _Refused("competencies must be a list of at least one competency code")
    unknown = [code for code in codes if code not in competencies]
    if unknown:
        raise _Refused(f"unknown competency codes: {', '.join(unknown[:5])}")
    difficulty = row.get("difficulty")
    if difficulty not in DIFFICULTIES:
        raise _Refused(f"difficulty must be one of {', '.join(DIFFICULTIES)}")
    common = {
        "key": row["key"],
        "kind": kind,
        "level": level,
        "competencies": tuple(dict.fromkeys(codes)),
        "difficulty": difficulty,
    }
    if kind == "multiple_choice":
        options = row.get("options")
        if not isinstance(options, list) or len(options) not in OPTIONS:
            raise _Refused(f"a multiple-choice question has {OPTIONS.start} to {OPTIONS.stop - 1} options")
        if not all(isinstance(option, str) and option.strip() for option in options):
            raise _Refused("every option must be text")
        texts = tuple(_checked_text(option, "option") for option in options)
        if len({text.casefold() for text in texts}) != len(texts):
            raise _Refused("two options are the same")
        correct = row.get("correct")
        if not isinstance(correct, int) or isinstance(correct, bool) or not 0 <= correct < len(texts):
            raise _Refused(f"correct must be the index of one option, from 0 to {len(texts) - 1}")
        return QuestionDraft(
            **common,
            stem=_text(row, "stem"),
            options=texts,
            correct=correct,
            rationale=_text(row, "rationale"),
        )
    rubric = row.get("rubric")
    if not isinstance(rubric, list) or len(rubric) not in CRITERIA:
        raise _Refused(f"a vignette's rubric has {CRITERIA.start} to {CRITERIA.stop - 1} criteria")
    criteria: list[Criterion] = []
    for part in rubric:
        if not isinstance(part, dict):
            raise _Refused("each rubric criterion must be an object with criterion and points")
        points = part.get("points")
        if not isinstance(points, int) or isinstance(points, bool) or points not in POINTS:
            raise _Refused(f"each criterion is worth {POINTS.start} to {POINTS.stop - 1} points")
        criteria.append(Criterion(criterion=_text(part, "criterion"), points=points))
    return QuestionDraft(
        **common,
        case=_text(row, "case"),
        question=_text(row, "question"),
        model_answer=_text(row, "model_answer"),
        rubric=tuple(criteria),
    )


def question_read(row: dict[str, Any], *, levels: Collection[str], competencies: Collection[str]) -> QuestionDraft:
    """One question, checked as a file's question is (its key included): the registrar's
    page edits one question this way. Raises `QuestionRefused` with the reason."""
    key = row.get("key")
    if not (isinstance(key, str) and KEY.fullmatch(key)):
        raise QuestionRefused("key must be 1 to 60 letters, digits, '-' or '_'")
    return _question(row, levels, competencies)


def bank_file_read(content: bytes, *, levels: Collection[str], competencies: Collection[str]) -> BankFile:
    """Every question of the file checked: the good ones, and each refusal with its
    question's number, key and reason. The caller imports only a file without problems."""
    if len(content) > MAX_BYTES:
        return BankFile([], [Problem(0, "", f"it is larger than {MAX_BYTES // (1024 * 1024)} MB")])
    try:
        document = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        return BankFile([], [Problem(0, "", f"it is not a JSON file in UTF-8 ({error})")])
    except RecursionError:
        return BankFile([], [Problem(0, "", "it is nested far deeper than a bank file is")])
    if not isinstance(document, dict) or document.get("format") != FORMAT or document.get("version") != VERSION:
        return BankFile(
            [], [Problem(0, "", f'it must be an object with "format": "{FORMAT}" and "version": {VERSION}')]
        )
    rows = document.get("questions")
    if not isinstance(rows, list) or not rows:
        return BankFile([], [Problem(0, "", 'it must hold a non-empty "questions" list')])
    if len(rows) > MAX_QUESTIONS:
        return BankFile(
            [], [Problem(0, "", f"it holds {len(rows):,} questions; the most in one file is {MAX_QUESTIONS:,}")]
        )
    questions: list[QuestionDraft] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        key = row.get("key") if isinstance(row, dict) else None
        shown = key if isinstance(key, str) and KEY.fullmatch(key) else ""
        try:
            if not shown:
                raise _Refused("key must be 1 to 60 letters, digits, '-' or '_'")
            if key in seen:
                raise _Refused("this key is used by an earlier question of the file")
            seen.add(shown)
            questions.append(_question(row, levels, competencies))
        except _Refused as refused:
            problems.append(Problem(number, shown, str(refused)))
    return BankFile(questions, problems)


def bank_file_write(questions: Sequence[QuestionDraft]) -> str:
    """The questions as a file `bank_file_read` takes back unchanged."""
    rows: list[dict[str, Any]] = []
    for draft in questions:
        row: dict[str, Any] = {
            "key": draft.key,
            "kind": draft.kind,
            "level": draft.level,
            "competencies": list(draft.competencies),
            "difficulty": draft.difficulty,
        }
        if draft.kind == "multiple_choice":
            row |= {"stem": draft.stem, "options": list(draft.options), "correct": draft.correct}
            row["rationale"] = draft.rationale
        else:
            row |= {"case": draft.case, "question": draft.question, "model_answer": draft.model_answer}
            row["rubric"] = [asdict(part) for part in draft.rubric]
        rows.append(row)
    return json.dumps({"format": FORMAT, "version": VERSION, "questions": rows}, ensure_ascii=False, indent=2)
