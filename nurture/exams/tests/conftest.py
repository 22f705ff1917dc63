"""A small bank, blueprints it can fill, and an application accepted for review at a
level that requires the exam."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import make_person
from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.endorsements.models import Application, Assignment
from nurture.endorsements.workflow import State
from nurture.exams.models import Blueprint, Part
from nurture.exams.services import BlueprintValues, bank_import, blueprint_save
from nurture.framework.models import Level

DOMAINS = ("D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "D9")
PER_DOMAIN = 3  # in the bank; the test blueprint asks for 2 of each


def mcq(key: str, domain: str = "D1", **changes: Any) -> dict[str, Any]:
    return {
        "key": key,
        "kind": "multiple_choice",
        "level": "intervention",
        "competencies": [f"{domain}.1"],
        "difficulty": "medium",
        "stem": f"Question {key}: which option is right?",
        "options": [f"{key} right", f"{key} wrong A", f"{key} wrong B", f"{key} wrong C"],
        "correct": 0,
        "rationale": f"{key}: the first option is right.",
        **changes,
    }


def vignette(key: str, **changes: Any) -> dict[str, Any]:
    return {
        "key": key,
        "kind": "vignette",
        "level": "intervention",
        "competencies": ["D4.1", "D2.1"],
        "difficulty": "hard",
        "case": f"Case {key}: a baby of 7 months and her father.",
        "question": "What do you notice, and what would you do?",
        "model_answer": "Observe, wonder, plan with the family.",
        "rubric": [
            {"criterion": "Keeps the baby in mind", "points": 10},
            {"criterion": "A safe, shared plan", "points": 10},
        ],
        **changes,
    }


def bank_content(*questions: dict[str, Any]) -> bytes:
    return json.dumps({"format": "nurture-exam-bank", "version": 1, "questions": list(questions)}).encode()


def small_bank() -> list[dict[str, Any]]:
    return [mcq(f"mcq-{d.lower()}-{n}", d) for d in DOMAINS for n in range(1, PER_DOMAIN + 1)] + [
        vignette(f"vig-{n}") for n in range(1, 5)
    ]


def part1_values(**changes: Any) -> BlueprintValues:
    values: dict[str, Any] = {
        "per_domain": dict.fromkeys(DOMAINS, 2),
        "vignettes_shown": 0,
        "vignettes_answered": 0,
        "minutes": 90,
        "pass_mark_percent": 80,
        "attempts_allowed": 2,
        "waiting_days": 30,
        "marking_margin": 0,
    }
    return BlueprintValues(**{**values, **changes})


def part2_values(**changes: Any) -> BlueprintValues:
    values: dict[str, Any] = {
        "per_domain": {},
        "vignettes_shown": 3,
        "vignettes_answered": 2,
        "minutes": 90,
        "pass_mark_percent": 60,
        "attempts_allowed": 2,
        "waiting_days": 30,
        "marking_margin": 4,
    }
    return BlueprintValues(**{**values, **changes})


@pytest.fixture
def bank(registrar: User) -> None:
    done = bank_import(bank_content(*small_bank()), actor=registrar)
    assert done.ok, done.problems


@pytest.fixture
def blueprints(bank: None, registrar: User) -> tuple[Blueprint, Blueprint]:
    return (
        blueprint_save(level="intervention", part=Part.MULTIPLE_CHOICE, values=part1_values(), actor=registrar),
        blueprint_save(level="intervention", part=Part.WRITTEN, values=part2_values(), actor=registrar),
    )


def intervention() -> Level:
    return Level.objects.get(version__is_current=True, code="intervention")


@pytest.fixture
def application(practitioner: User, assessor: User, registrar: User) -> Application:
    """Accepted for review at the intervention level, with one assessor assigned."""
    made = Application.objects.create(practitioner=practitioner, level=intervention(), state=State.UNDER_REVIEW)
    Assignment.objects.create(application=made, assessor=assessor, assigned_by=registrar)
    return made


@pytest.fixture
def markers(db: None) -> list[User]:
    return [make_person(f"marker{n}@example.org", Role.ASSESSOR, name=f"Marker {n}") for n in range(1, 5)]
