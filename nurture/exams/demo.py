"""Demo exam: the question bank in `data/demo-bank.json` (75 multiple-choice questions,
8 per framework domain at the intervention level and 3 more for leadership, and 6 case
vignettes, written for this project from the framework's competencies), and each exam
level's two blueprints at the field's defaults (part 1, 60 questions in 90 minutes, pass
mark 80%; part 2, 2 of 3 vignettes in 90 minutes).

Imported through the same service as a registrar's file, so it is checked the same way.
Safe to run twice: the same file again changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.core.demo import DemoRun
from nurture.exams.models import Blueprint, Part
from nurture.exams.selectors import exam_framework
from nurture.exams.services import ExamError, bank_import, blueprint_default, blueprint_save

BANK = Path(__file__).parent / "data" / "demo-bank.json"


def demo_exam(run: DemoRun) -> None:
    registrar = User.objects.filter(role=Role.REGISTRAR).order_by("pk").first()
    if registrar is None:
        run.stdout.write("Exams: no registrar in the demo data; the bank was not loaded.")
        return
    done = bank_import(BANK.read_bytes(), actor=registrar)
    if not done.ok:
        raise ExamError("The demo bank has problems: " + "; ".join(str(p) for p in done.problems))
    framework = exam_framework()
    for level in framework.exam_levels:
        for part in Part.values:
            if not Blueprint.objects.filter(level=level, part=part).exists():
                blueprint_save(
                    level=level, part=part, values=blueprint_default(level, part, framework), actor=registrar
                )
    if run.verbosity:
        run.stdout.write(
            f"Exams: question bank loaded ({done.added} added, {done.new_versions} changed, "
            f"{done.unchanged} unchanged); blueprints for {', '.join(framework.exam_levels)}."
        )


def demo_load(run: DemoRun) -> None:
    """The app's part of `manage.py demo` (`core/demo.py`)."""
    demo_exam(run)
