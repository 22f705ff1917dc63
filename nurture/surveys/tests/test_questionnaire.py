"""A questionnaire's routing and answer checks, without a database: what a respondent is
shown, and each problem an answer can have, in words."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nurture.surveys.questionnaire import (
    DONT_KNOW,
    Answer,
    Kind,
    Question,
    QuestionnaireError,
    ShowIf,
    answer_problems,
    check_questionnaire,
    shown,
)

WORKS = Question("works", Kind.SINGLE, "Do you work with babies or young children?", ("yes", "no"))
ROLE = Question(
    "role", Kind.MULTIPLE, "What is your role?", ("teacher", "early-years", "health"),
    show_if=ShowIf("works", frozenset({"yes"})),
)  # fmt: skip
IMPORTANT = Question(
    "important", Kind.LIKERT, "How important are a baby's first 1,001 days?",
    ("very", "fairly", "not-very", "not-at-all"), dont_know=True,
)  # fmt: skip
CHILDREN = Question(
    "children", Kind.NUMBER, "How many children do you look after?", least=Decimal(0), most=Decimal(200),
    show_if=ShowIf("role", frozenset({"early-years"})),
)  # fmt: skip
WHY = Question("why", Kind.TEXT, "Why?", required=False)
QUESTIONS = [WORKS, ROLE, IMPORTANT, CHILDREN, WHY]


def codes(answers: dict[str, Answer]) -> list[str]:
    return [q.code for q in shown(QUESTIONS, answers)]


def test_routing_shows_a_question_only_after_the_answers_it_depends_on():
    assert codes({}) == ["works", "important", "why"]
    assert codes({"works": "yes"}) == ["works", "role", "important", "why"]
    assert codes({"works": "yes", "role": ["teacher", "early-years"]}) == [
        "works",
        "role",
        "important",
        "children",
        "why",
    ]
    # Changing the first answer hides the whole chain behind it.
    assert codes({"works": "no", "role": ["early-years"]}) == ["works", "important", "why"]


def test_a_complete_routed_response_has_no_problems():
    answers = {"works": "yes", "role": ["early-years"], "important": DONT_KNOW, "children": "12"}
    assert answer_problems(QUESTIONS, answers, complete=True) == []


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        ({"works": "maybe", "important": "very"}, "works: “maybe” is not one of its options (yes, no)."),
        ({"works": "no", "important": "very", "colour": "red"}, "colour: there is no such question."),
        (
            {"works": "no", "role": ["teacher"], "important": "very"},
            "role: answered, but it is asked only when works is yes.",
        ),
        ({"works": "yes", "role": ["pilot"], "important": "very"}, "role: pilot is not one of its options."),
        ({"works": "yes", "role": ["teacher", "teacher"], "important": "very"}, "role: an option is given twice."),
        (
            {"works": "yes", "role": ["early-years"], "important": "very", "children": "lots"},
            "children: “lots” is not a number.",
        ),
        (
            {"works": "yes", "role": ["early-years"], "important": "very", "children": "201"},
            "children: 201 is above 200.",
        ),
        (
            {"works": "yes", "role": ["early-years"], "important": "very", "children": "NaN"},
            "children: “NaN” is not a number.",
        ),
        ({"works": "no"}, "important: this question must be answered."),
        ({"works": "no", "important": "very", "why": "x" * 5001}, "why: the answer is longer than 5,000 characters."),
    ],
)
def test_each_problem_is_said_in_words(answers, problem):
    assert answer_problems(QUESTIONS, answers, complete=True) == [problem]


def test_a_page_saved_part_way_is_checked_only_for_what_it_gives():
    assert answer_problems(QUESTIONS, {"works": "yes"}, complete=False) == []
    assert answer_problems(QUESTIONS, {"works": "yes"}, complete=True) == [
        "role: this question must be answered.", "important: this question must be answered.",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        ([ROLE, WORKS], "role is routed on works, which does not come before it"),
        ([WHY, Question("x", Kind.TEXT, "?", show_if=ShowIf("why", frozenset({"a"})))], "which has no options"),
        (
            [WORKS, Question("x", Kind.TEXT, "?", show_if=ShowIf("works", frozenset({"perhaps"})))],
            "options works does not have",
        ),
        ([WORKS, WORKS], "Two questions have the code works"),
        ([Question("q", Kind.SINGLE, "?")], "q has no options"),
    ],
)
def test_a_questionnaire_whose_routing_cannot_work_is_refused(questions, message):
    with pytest.raises(QuestionnaireError, match=message):
        check_questionnaire(questions)
    check_questionnaire(QUESTIONS)


@pytest.mark.parametrize(
    "written", ["1e5", "1e999999", "NaN", "Infinity", "-inf", "2,5", "12 children", "1000000000000"]
)
def test_a_number_must_be_written_plainly_and_be_under_a_trillion(written):
    question = Question("KIDS", Kind.NUMBER, "How many?")
    assert answer_problems([question], {"KIDS": written}, complete=True) == [f"KIDS: “{written}” is not a number."]


@pytest.mark.parametrize("written", ["12", "-3", "2.5", ".5", "+7"])
def test_a_plain_number_is_a_number(written):
    question = Question("KIDS", Kind.NUMBER, "How many?")
    assert answer_problems([question], {"KIDS": written}, complete=True) == []
