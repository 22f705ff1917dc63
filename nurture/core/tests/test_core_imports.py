"""Core stands at the bottom: no module of core's runtime imports a domain app.

Every app builds on core, so core reaching up into one would make a cycle the imports
hide, and a new app (the exam, training, surveys) could not copy the shape. Core finds
the apps' parts through their `AppConfig` instead (`personal_data`, `demo`,
`daily_task`). The rule is for core's runtime modules and for the helpers its tests share
(`tests/concurrency.py`, `tests/mailserver.py`), which other apps' tests import: core's
test modules themselves (`tests/test_*.py`) drive the whole site and may import any app,
since tests are not core's runtime.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nurture.core

CORE = Path(nurture.core.__file__).parent
TESTS = CORE / "tests"
# Every domain app: each top-level package under nurture/ but core, so that an app added
# later (the exam, training, surveys) is covered without editing this list.
DOMAINS = frozenset(p.parent.name for p in CORE.parent.glob("*/__init__.py")) - {"core"}


def runtime_modules() -> list[Path]:
    """Every module of core, and its tests' shared helpers, but not the test modules."""
    return sorted(p for p in CORE.rglob("*.py") if TESTS not in p.parents or not p.name.startswith("test_"))


def package_of(path: Path) -> str:
    return ".".join(("nurture", "core", *path.parent.relative_to(CORE).parts))


def imported_names(source: str, package: str) -> list[tuple[int, str]]:
    """Every module an `import` or `from … import` names, relative imports resolved."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            names += [(node.lineno, base)]
            names += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return names


def is_domain(name: str) -> bool:
    parts = name.split(".")
    return len(parts) >= 2 and parts[0] == "nurture" and parts[1] in DOMAINS


def test_no_module_in_core_imports_a_domain_app():
    modules = runtime_modules()
    assert CORE / "management" / "commands" / "demo.py" in modules  # the walk reaches the commands
    assert TESTS / "concurrency.py" in modules and TESTS / "test_demo.py" not in modules
    found = [
        f"{path.relative_to(CORE)}:{line} imports {name}"
        for path in modules
        for line, name in imported_names(path.read_text(), package_of(path))
        if is_domain(name)
    ]
    assert found == []


def test_the_check_sees_every_way_of_importing_a_domain():
    commands = "nurture.core.management.commands"
    samples = {
        "import nurture.register.tasks": "nurture.register.tasks",
        "from nurture.accounts.roles import Role": "nurture.accounts.roles",
        "from nurture import portfolios": "nurture.portfolios",
        "from .... import events": "nurture.events",
        "def f():\n    from nurture.events.tasks import events_daily": "nurture.events",
    }
    for source, name in samples.items():
        names = imported_names(source, commands)
        assert any(is_domain(n) and n.startswith(name) for _, n in names), source
    assert not any(is_domain(n) for _, n in imported_names("from ..roles import Role", commands))


def test_every_app_under_nurture_counts_as_a_domain():
    assert {"accounts", "framework", "portfolios", "endorsements", "register", "campaigns", "events"} <= DOMAINS
    assert "core" not in DOMAINS and "templates" not in DOMAINS
