"""The bank file read row by row: good questions taken, each refusal named by its
question's number, key and reason, and a written file read back unchanged."""

from __future__ import annotations

import json
from typing import Any

import pytest

from nurture.exams.bank_file import MAX_BYTES, bank_file_read, bank_file_write

LEVELS = {"promotion", "prevention", "intervention", "leadership"}
COMPETENCIES = {"ID-1", "RP-2", "RF-3"}


def mcq(**changes: Any) -> dict[str, Any]:
    return {
        "key": "mcq-1",
        "kind": "multiple_choice",
        "level": "intervention",
        "competencies": ["RP-2"],
        "difficulty": "medium",
        "stem": "A mother says her 4-month-old 'cries to manipulate her'. What is the most helpful first response?",
        "options": [
            "Explain that babies this young cannot manipulate",
            "Wonder with her what the crying might be saying",
            "Recommend a sleep-training programme",
        ],
        "correct": 1,
        "rationale": "Curiosity about the baby's experience opens reflection; correcting her closes it.",
        **changes,
    }


def vignette(**changes: Any) -> dict[str, Any]:
    return {
        "key": "vig-1",
        "kind": "vignette",
        "level": "intervention",
        "competencies": ["ID-1", "RF-3"],
        "difficulty": "hard",
        "case": "Jo, 19, and her 8-month-old son Ali have moved between three hostels since his birth.",
        "question": "What would you want to understand first, and how would you find it out?",
        "model_answer": "Ali's experience of moves and caregivers; Jo's support; observation of their interaction.",
        "rubric": [
            {"criterion": "Keeps the infant's experience in view", "points": 4},
            {"criterion": "Safety", "points": 3},
        ],
        **changes,
    }


def read(*questions: dict[str, Any], **document: Any) -> Any:
    content = json.dumps({"format": "nurture-exam-bank", "version": 1, "questions": list(questions), **document})
    return bank_file_read(content.encode(), levels=LEVELS, competencies=COMPETENCIES)


def test_a_good_file_is_read_whole_and_written_back_unchanged():
    found = read(mcq(), vignette())
    assert found.ok
    first, second = found.questions
    assert (first.correct, len(first.options), second.rubric[0].points) == (1, 3, 4)
    again = bank_file_read(bank_file_write(found.questions).encode(), levels=LEVELS, competencies=COMPETENCIES)
    assert again.ok and again.questions == found.questions


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        (mcq(options=["a", "b"]), "3 to 5 options"),
        (mcq(options=["a", "b", "c", "d", "e", "f"]), "3 to 5 options"),
        (mcq(options=["Same", "same", "other"]), "two options are the same"),
        (mcq(correct=3), "from 0 to 2"),
        (mcq(correct=True), "from 0 to 2"),
        (mcq(rationale=" "), "rationale is missing"),
        (mcq(level="expert"), "not a level"),
        (mcq(competencies=["XX-9"]), "unknown competency codes: XX-9"),
        (mcq(competencies=[]), "at least one"),
        (mcq(difficulty="tricky"), "difficulty must be"),
        (mcq(kind="essay"), "kind must be"),
        (mcq(stem="x" * 2001), "stem is 2,001 characters long; the most is 2,000"),
        (mcq(stem="nul \x00 here"), "control character"),
        (mcq(key="has space"), "key must be"),
        (vignette(rubric=[]), "1 to 10 criteria"),
        (vignette(rubric=[{"criterion": "x", "points": 0}]), "1 to 20 points"),
        (vignette(model_answer=""), "model_answer is missing"),
    ],
)
def test_each_bad_question_is_refused_with_its_number_key_and_reason(question, reason):
    found = read(mcq(key="good-1"), question)
    assert not found.ok
    (problem,) = found.problems
    assert problem.row == 2
    assert reason in problem.message
    assert [q.key for q in found.questions] == ["good-1"]  # the rest is checked, but the caller imports nothing


def test_a_key_used_twice_is_refused_at_its_second_use():
    found = read(mcq(), vignette(key="mcq-1"))
    assert [str(p) for p in found.problems] == [
        "Question 2 (mcq-1): this key is used by an earlier question of the file"
    ]


def test_every_bad_question_is_reported_not_only_the_first():
    found = read(mcq(correct=9), mcq(key="mcq-2"), vignette(rubric=[]))
    assert [p.row for p in found.problems] == [1, 3]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\xff\xfe not utf-8", "not a JSON file in UTF-8"),
        (b"{not json", "not a JSON file"),
        (json.dumps({"format": "other", "version": 1, "questions": []}).encode(), '"format": "nurture-exam-bank"'),
        (json.dumps({"format": "nurture-exam-bank", "version": 1, "questions": []}).encode(), "non-empty"),
        (b" " * (MAX_BYTES + 1), "larger than 5 MB"),
    ],
)
def test_a_file_that_is_not_a_bank_file_says_why(content, reason):
    found = bank_file_read(content, levels=LEVELS, competencies=COMPETENCIES)
    assert not found.ok and not found.questions
    assert found.problems[0].row == 0
    assert reason in str(found.problems[0])
