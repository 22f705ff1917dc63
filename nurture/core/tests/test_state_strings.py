"""No raw state strings in templates or views.

A page that compares a state with a literal (`{% if event.state == "approved" %}`,
`if entry.status == "lapsed":`) repeats a rule that the domain owns, and goes on
rendering when the value is renamed or a state is added. Templates and views ask
a property named for the rule (`event.is_approved`, `entry.shown_publicly`,
`resource.is_published`), the choices' member through the object
(`entry.status == entry.Status.LAPSED`), or the endorsement actions (`allowed.resend`).

A state here is any variable or attribute named `state`, `status` or `kind`, or ending
in `_state`, `_status` or `_kind` (`proposal_state`), and any name a `{% with %}`
binds to one. The check reads every template under `nurture/` and, for Python, every
app's `views.py` and `selectors.py` (and `*_views.py`, `*_selectors.py`).
"""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

from django.apps import apps
from django.db.models import Choices

import nurture

ROOT = Path(nurture.__file__).parent
STATE_NAME = re.compile(r"^(?:\w+_)?(?:state|status|kind)$")

_LITERAL = r"""(?:"[^"]*"|'[^']*')"""
_VARIABLE = r"[A-Za-z_][\w.]*(?:\|[\w]+(?::(?:\"[^\"]*\"|'[^']*'|[\w.]+))?)*"
_OPERATOR = r"(?:==|!=|\bnot\s+in\b|\bin\b)"
TAG = re.compile(r"{%\s*(\w+)\b(.*?)%}", re.DOTALL)
VARIABLE_THEN_LITERAL = re.compile(rf"(?<![\w.'\"])({_VARIABLE})\s*{_OPERATOR}\s*{_LITERAL}")
LITERAL_THEN_VARIABLE = re.compile(rf"{_LITERAL}\s*{_OPERATOR}\s*({_VARIABLE})")
WITH_BINDING = re.compile(r"(\w+)=([A-Za-z_][\w.]*)")


def _is_state(variable: str, aliases: set[str]) -> bool:
    name = variable.split("|")[0]
    return name in aliases or bool(STATE_NAME.match(name.split(".")[-1]))


def template_comparisons(source: str) -> list[str]:
    """Each `{% if %}`/`{% elif %}` comparison of a state with a string literal, as written."""
    aliases: set[str] = set()
    found = []
    for match in TAG.finditer(source):
        tag, body = match.group(1), match.group(2)
        if tag == "with":
            aliases |= {alias for alias, value in WITH_BINDING.findall(body) if _is_state(value, aliases)}
        elif tag in ("if", "elif"):
            for pattern in (VARIABLE_THEN_LITERAL, LITERAL_THEN_VARIABLE):
                found += [m.group(0) for m in pattern.finditer(body) if _is_state(m.group(1), aliases)]
    return found


def _state_named(node: ast.expr) -> bool:
    if isinstance(node, ast.Attribute):
        return bool(STATE_NAME.match(node.attr))
    if isinstance(node, ast.Name):
        return bool(STATE_NAME.match(node.id))
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return isinstance(node.slice.value, str) and bool(STATE_NAME.match(node.slice.value))
    return False


def _literal_text(node: ast.expr) -> bool:
    """A str constant, or a tuple, list or set of them."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return bool(node.elts) and all(_literal_text(element) for element in node.elts)
    return False


def python_comparisons(source: str) -> list[int]:
    """The line of each comparison of a state-named value with str literals."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for left, right in itertools.pairwise(operands):
            if (_state_named(left) and _literal_text(right)) or (_state_named(right) and _literal_text(left)):
                lines.append(node.lineno)
    return lines


def templates() -> list[Path]:
    return sorted(ROOT.rglob("templates/**/*.html"))


def views_and_selectors() -> list[Path]:
    # An app may split its views and selectors by area (surveys' `report_views.py`, `coding_selectors.py`).
    return sorted([*ROOT.glob("*/*views.py"), *ROOT.glob("*/*selectors.py")])


def test_no_template_compares_a_state_with_a_string():
    paths = templates()
    assert ROOT / "events" / "templates" / "events" / "mine.html" in paths  # the walk reaches the apps
    assert ROOT / "templates" / "base.html" in paths
    found = [f"{p.relative_to(ROOT)}: {c}" for p in paths for c in template_comparisons(p.read_text())]
    assert found == []


def test_no_view_or_selector_compares_a_state_with_a_string():
    paths = views_and_selectors()
    assert ROOT / "endorsements" / "views.py" in paths and ROOT / "register" / "selectors.py" in paths
    found = [f"{p.relative_to(ROOT)}:{line}" for p in paths for line in python_comparisons(p.read_text())]
    assert found == []


def test_the_template_check_sees_each_way_of_writing_it():
    caught = [
        '{% if event.state == "approved" %}',
        "{% if r.status != 'later' %}",
        "{% elif entry.status == 'lapsed' %}",
        '{% if x and event.proposal_state == "changes_requested" %}',
        "{% if resource.kind == 'infographic' and resource.text_alternative %}",
        "{% if 'void' == reference.status %}",
        '{% if status == "withdrawn" %}',
        "{% if r.status|lower == 'sent' %}",
        "{% if event.state in 'approved cancelled' %}",
        "{% with st=r.status %}{% if st == 'sent' %}x{% endif %}{% endwith %}",
    ]
    for source in caught:
        assert len(template_comparisons(source)) == 1, source
    passed = [
        "{% if event.is_approved %}",
        "{% if entry.status == entry.Status.LAPSED %}",
        "{% if kind_name == 'evidence' %}",
        '{% if delivery == "refused" %}',
        "{{ event.state }} == 'approved'",
        "{% if request.resolver_match.app_name == 'register' %}",
    ]
    for source in passed:
        assert template_comparisons(source) == [], source


def test_the_python_check_sees_each_way_of_writing_it():
    caught = [
        'if entry.status == "lapsed": pass',
        "x = event.state != 'approved'",
        "x = 'draft' == application.state",
        'x = row["state"] == "cancelled"',
        "x = state in ('approved', 'cancelled')",
        "x = event.proposal_state not in ['submitted']",
        "x = {state: [] for state in State if state != 'draft'}",
    ]
    for source in caught:
        assert len(python_comparisons(source)) == 1, source
    passed = [
        "x = entry.status == RegisterEntry.Status.LAPSED",
        "x = event.state in (State.APPROVED, State.CANCELLED)",
        "x = kind_name == 'evidence'",
        "x = request.method == 'POST'",
    ]
    for source in passed:
        assert python_comparisons(source) == [], source


CHOICE_MEMBER = re.compile(r"\b\w+\.((?:\w+)?(?:State|Status|Kind))\.([A-Za-z_]+)\b")


def choices_by_name() -> dict[str, list[type[Choices]]]:
    """Every model's nested choices classes (`Status`, `State`, `ProposalState`, `Kind`), by name."""
    found: dict[str, list[type[Choices]]] = {}
    for model in apps.get_models():
        for name, value in vars(model).items():
            if isinstance(value, type) and issubclass(value, Choices):
                found.setdefault(name, []).append(value)
    return found


def test_every_choice_a_template_names_exists():
    """A template reaches a state's member through its object (`entry.Status.LAPSED`); a
    misspelt member would be an empty string there, and the branch silently never taken."""
    known = choices_by_name()
    used = {(m.group(1), m.group(2)) for p in templates() for m in CHOICE_MEMBER.finditer(p.read_text())}
    assert ("Status", "LAPSED") in used and ("ProposalState", "CHANGES_REQUESTED") in used
    missing = [
        f"{name}.{member}" for name, member in sorted(used) if not any(member in c.names for c in known.get(name, []))
    ]
    assert missing == []
