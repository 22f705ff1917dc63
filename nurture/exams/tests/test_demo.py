"""The demo bank: read without a problem by the import, enough for the field's defaults
at both exam levels, and loaded twice without a change."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from nurture.exams.demo import BANK
from nurture.exams.models import Blueprint, Kind, Part, QuestionVersion
from nurture.exams.selectors import exam_framework
from nurture.exams.services import bank_import, blueprint_default, blueprint_save

pytestmark = pytest.mark.django_db


def test_the_demo_bank_is_substantial_and_fills_the_defaults_at_both_levels(registrar):
    questions = json.loads(BANK.read_text())["questions"]
    kinds = Counter(q["kind"] for q in questions)
    assert kinds["multiple_choice"] >= 60 and kinds["vignette"] >= 6
    assert all(len(q["rationale"]) >= 100 for q in questions if q["kind"] == "multiple_choice")
    assert all(sum(c["points"] for c in q["rubric"]) == 20 for q in questions if q["kind"] == "vignette")
    done = bank_import(BANK.read_bytes(), actor=registrar)
    assert done.ok, done.problems
    assert done.added == len(questions)
    framework = exam_framework()
    for level in ("intervention", "leadership"):
        for part in Part.values:
            blueprint_save(level=level, part=part, values=blueprint_default(level, part, framework), actor=registrar)
    part1 = Blueprint.objects.get(level="intervention", part=Part.MULTIPLE_CHOICE)
    assert (part1.questions, part1.minutes, part1.pass_mark_percent) == (60, 90, 80)
    part2 = Blueprint.objects.get(level="intervention", part=Part.WRITTEN)
    assert (part2.vignettes_shown, part2.vignettes_answered, part2.minutes) == (3, 2, 90)
    again = bank_import(BANK.read_bytes(), actor=registrar)
    assert (again.added, again.new_versions, again.unchanged) == (0, 0, len(questions))
    assert QuestionVersion.objects.filter(question__kind=Kind.VIGNETTE).count() == kinds["vignette"]
