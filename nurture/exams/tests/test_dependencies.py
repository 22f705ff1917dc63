"""Exams stands on endorsements (an attempt belongs to an application), never the other way
round: no module of endorsements, or of any app below it, imports the exams app. What
endorsements needs of the exam it asks for through `ExamsConfig.exam_passed`
(`endorsements.selectors.exam_outstanding`)."""

from __future__ import annotations

from pathlib import Path

import pytest

import nurture
from nurture.core.tests.test_core_imports import imported_names

ROOT = Path(nurture.__file__).parent


@pytest.mark.parametrize("app", ["core", "accounts", "framework", "portfolios", "endorsements", "register"])
def test_no_module_below_exams_imports_it(app):
    folder = ROOT / app
    modules = sorted(p for p in folder.rglob("*.py") if "tests" not in p.relative_to(folder).parts)
    assert modules
    found = [
        f"{app}/{path.relative_to(folder)}:{line} imports {name}"
        for path in modules
        for line, name in imported_names(
            path.read_text(), ".".join(("nurture", app, *path.parent.relative_to(folder).parts))
        )
        if name == "nurture.exams" or name.startswith("nurture.exams.")
    ]
    assert found == []
