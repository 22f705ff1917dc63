"""A questionnaire's rules, as plain values with no Django: which questions a respondent
sees (routing), and what is wrong with a set of answers. The respondent's pages and the
import of responses gathered elsewhere both check answers here, so a response is judged
the same way however it arrives.

- `Question`: a code, a kind (single choice, multiple choice, Likert with or without
  "don't know", number, free text), its options (codes), whether it is required, bounds
  for a number, and `show_if`: shown only when an earlier question's answer is one of
  some options.
- `shown(questions, answers)`: the questions this respondent sees, in order.
- `answer_problems(questions, answers)`: each problem with a sentence: an unknown question
  or option code, a wrong type, a number out of range, a required question unanswered,
  an answer to a question routing hides (routing broken).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

Answer = str | list[str] | Decimal
"""An option's code; several codes (multiple choice); a number; or text."""

PLAIN_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)")
DONT_KNOW = "99"  # survey data's usual code for "don't know"
MAX_TEXT = 5000


class Kind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    LIKERT = "likert"
    NUMBER = "number"
    TEXT = "text"


@dataclass(frozen=True)
class ShowIf:
    """Shown only when question `code` was answered with one of `options`."""

    code: str
    options: frozenset[str]


@dataclass(frozen=True)
class Question:
    code: str
    kind: Kind
    text: str
    options: tuple[str, ...] = ()  # codes, for choices and Likert scales
    required: bool = True
    dont_know: bool = False  # a Likert scale's "don't know", coded DONT_KNOW
    least: Decimal | None = None  # a number's bounds
    most: Decimal | None = None
    show_if: ShowIf | None = None
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def choices(self) -> tuple[str, ...]:
        return (*self.options, DONT_KNOW) if self.dont_know else self.options


class QuestionnaireError(ValueError):
    """The questionnaire itself is wrong (a routing rule on a later or unknown question)."""


def check_questionnaire(questions: Sequence[Question]) -> None:
    """Refuse a questionnaire whose routing cannot work: a rule on a question that does not
    come before it, on a question without options, or naming an option it does not have."""
    seen: dict[str, Question] = {}
    for question in questions:
        if question.code in seen:
            raise QuestionnaireError(f"Two questions have the code {question.code}.")
        rule = question.show_if
        if rule is not None:
            earlier = seen.get(rule.code)
            if earlier is None:
                raise QuestionnaireError(f"{question.code} is routed on {rule.code}, which does not come before it.")
            if earlier.kind not in (Kind.SINGLE, Kind.MULTIPLE, Kind.LIKERT):
                raise QuestionnaireError(f"{question.code} is routed on {rule.code}, which has no options.")
            unknown = sorted(rule.options - set(earlier.choices))
            if unknown:
                raise QuestionnaireError(f"{question.code} is routed on options {rule.code} does not have: {unknown}.")
        if question.kind in (Kind.SINGLE, Kind.MULTIPLE, Kind.LIKERT) and not question.options:
            raise QuestionnaireError(f"{question.code} has no options.")
        seen[question.code] = question


def _picked(answer: Answer | None) -> set[str]:
    if isinstance(answer, str):
        return {answer}
    if isinstance(answer, list):
        return set(answer)
    return set()


def shown(questions: Sequence[Question], answers: Mapping[str, Answer]) -> list[Question]:
    """The questions this respondent sees, in order: a routed one only when the question it
    depends on is itself shown and was answered with one of its options."""
    visible: list[Question] = []
    codes: set[str] = set()
    for question in questions:
        rule = question.show_if
        if rule is None or (rule.code in codes and _picked(answers.get(rule.code)) & rule.options):
            visible.append(question)
            codes.add(question.code)
    return visible


LARGEST = Decimal("1e12")  # no answer needs more; 1e999999 would be infinity in an SPSS file


def _number(raw: Answer) -> Decimal | None:
    """A number written plainly (digits, a sign, a decimal point), under a trillion."""
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, str) and PLAIN_NUMBER.fullmatch(raw.strip()):
        value = Decimal(raw.strip())
    else:
        return None
    return value if value.is_finite() and abs(value) < LARGEST else None


def _problem(question: Question, answer: Answer) -> str:
    if question.kind in (Kind.SINGLE, Kind.LIKERT):
        if not isinstance(answer, str) or answer not in question.choices:
            return f"{question.code}: “{answer}” is not one of its options ({', '.join(question.choices)})."
    elif question.kind == Kind.MULTIPLE:
        picked = [answer] if isinstance(answer, str) else answer if isinstance(answer, list) else None
        if picked is None or not picked:
            return f"{question.code}: give one or more of its options."
        unknown = [code for code in picked if code not in question.options]
        if unknown:
            return f"{question.code}: {', '.join(map(str, unknown))} is not one of its options."
        if len(set(picked)) != len(picked):
            return f"{question.code}: an option is given twice."
    elif question.kind == Kind.NUMBER:
        value = _number(answer)
        if value is None:
            return f"{question.code}: “{answer}” is not a number."
        if question.least is not None and value < question.least:
            return f"{question.code}: {value} is below {question.least}."
        if question.most is not None and value > question.most:
            return f"{question.code}: {value} is above {question.most}."
    elif question.kind == Kind.TEXT:
        if not isinstance(answer, str):
            return f"{question.code}: the answer must be text."
        if len(answer) > MAX_TEXT:
            return f"{question.code}: the answer is longer than {MAX_TEXT:,} characters."
    return ""


def _answered(answer: Answer | None) -> bool:
    if answer is None:
        return False
    if isinstance(answer, str):
        return bool(answer.strip())
    if isinstance(answer, list):
        return bool(answer)
    return True


def answer_problems(questions: Sequence[Question], answers: Mapping[str, Answer], *, complete: bool) -> list[str]:
    """What is wrong with these answers, each as a sentence; empty when nothing is. With
    `complete`, every required question the respondent is shown must be answered (a
    finished response); without, only what was given is checked (a page saved)."""
    by_code = {q.code: q for q in questions}
    visible = {q.code for q in shown(questions, answers)}
    problems = [f"{code}: there is no such question." for code in answers if code not in by_code]
    for question in questions:
        answer = answers.get(question.code)
        if not _answered(answer):
            if complete and question.required and question.code in visible:
                problems.append(f"{question.code}: this question must be answered.")
            continue
        assert answer is not None
        if question.code not in visible:
            rule = question.show_if
            assert rule is not None
            problems.append(
                f"{question.code}: answered, but it is asked only when {rule.code} is "
                f"{' or '.join(sorted(rule.options))}."
            )
            continue
        if problem := _problem(question, answer):
            problems.append(problem)
    return problems
