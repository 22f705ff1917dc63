"""The framework's data file: its shape, its checks, and how it becomes rows.

Pure Python: `framework_data_problems` checks a parsed file and lists every
problem in words a registrar can act on. `framework_rows_create` writes rows
through whatever model classes it is given, so the data migration can use the
historical models and the registrar's import can use the real ones.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nurture.core.text import MULTI_LINE_REFUSED, ONE_LINE_REFUSED

DATA_DIR = Path(__file__).resolve().parent / "data"
EDUCATION_VALUES = ("none", "level3", "degree", "masters", "doctorate")
LEVEL_NUMBERS = (
    "training_hours",
    "experience_months",
    "families_served",
    "supervision_hours",
    "supervision_window_months",
    "references",
    "renewal_cpd_hours",
    "renewal_supervision_hours",
)


def framework_data_read(number: int) -> dict[str, Any]:
    with open(DATA_DIR / f"framework-{number}.json", encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


# The longest each piece of text may be: the columns' own limits (models.py).
LONGEST = {"title": 200, "summary": 5000, "code": 16, "name": 200, "description": 5000, "scope": 5000}
LONGEST_LEVEL_CODE = 32
LONGEST_INDICATOR = 1000
# Text shown as one line (a title, a code, a name, an indicator); the rest may hold line breaks.
ONE_LINE_KEYS = {"title", "code", "name"}


def _characters_problem(value: str, *, one_line: bool) -> str:
    """Words for a registrar when text holds what no page can show (a NUL, a control character)."""
    if one_line and ONE_LINE_REFUSED.search(value):
        return "must be on one line, without line breaks or control characters"
    if not one_line and MULTI_LINE_REFUSED.search(value):
        return "holds control characters (invisible characters such as NUL); remove them"
    return ""


def _text(item: dict[str, Any], key: str, where: str, problems: list[str], *, longest: int = 0) -> None:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: '{key}' must be non-empty text")
        return
    longest = longest or LONGEST[key]
    if len(value) > longest:
        problems.append(f"{where}: '{key}' is {len(value):,} characters; it can be at most {longest:,}")
    if problem := _characters_problem(value, one_line=key in ONE_LINE_KEYS):
        problems.append(f"{where}: '{key}' {problem}")


def framework_data_problems(data: Any) -> list[str]:
    problems: list[str] = []
    if not isinstance(data, dict):
        return ["The file must hold one JSON object"]
    if not isinstance(data.get("version"), int) or data["version"] < 1:
        problems.append("'version' must be a whole number of at least 1")
    _text(data, "title", "framework", problems)
    summary = data.get("summary", "")
    if not isinstance(summary, str) or len(summary) > LONGEST["summary"]:
        problems.append(f"framework: 'summary' must be text of at most {LONGEST['summary']:,} characters")
    elif problem := _characters_problem(summary, one_line=False):
        problems.append(f"framework: 'summary' {problem}")
    domains = data.get("domains")
    if not isinstance(domains, list) or not domains:
        return [*problems, "'domains' must be a non-empty list"]
    codes: set[str] = set()
    domain_codes: set[str] = set()
    for d_index, domain in enumerate(domains, 1):
        where = f"domain {d_index}"
        if not isinstance(domain, dict):
            problems.append(f"{where}: must be an object")
            continue
        for key in ("code", "name", "description"):
            _text(domain, key, where, problems)
        if domain.get("code") in domain_codes:
            problems.append(f"{where}: code {domain.get('code')} is used twice")
        domain_codes.add(str(domain.get("code")))
        competencies = domain.get("competencies")
        if not isinstance(competencies, list) or not competencies:
            problems.append(f"{where}: 'competencies' must be a non-empty list")
            continue
        for c_index, competency in enumerate(competencies, 1):
            c_where = f"{where}, competency {c_index}"
            if not isinstance(competency, dict):
                problems.append(f"{c_where}: must be an object")
                continue
            for key in ("code", "name", "description"):
                _text(competency, key, c_where, problems)
            code = competency.get("code")
            if isinstance(code, str):
                if code in codes:
                    problems.append(f"{c_where}: code {code} is used twice")
                codes.add(code)
            indicators = competency.get("indicators")
            if (
                not isinstance(indicators, list)
                or not 2 <= len(indicators) <= 5
                or not all(isinstance(i, str) and i.strip() for i in indicators)
            ):
                problems.append(f"{c_where}: 'indicators' must be 2 to 5 pieces of text")
            elif any(len(i) > LONGEST_INDICATOR for i in indicators):
                problems.append(f"{c_where}: each indicator can be at most {LONGEST_INDICATOR:,} characters")
            elif any(_characters_problem(i, one_line=True) for i in indicators):
                problems.append(f"{c_where}: each indicator must be on one line, without control characters")
    levels = data.get("levels")
    if not isinstance(levels, list) or not levels:
        return [*problems, "'levels' must be a non-empty list"]
    level_codes: set[str] = set()
    for l_index, level in enumerate(levels, 1):
        where = f"level {l_index}"
        if not isinstance(level, dict):
            problems.append(f"{where}: must be an object")
            continue
        _text(level, "code", where, problems, longest=LONGEST_LEVEL_CODE)
        for key in ("name", "scope", "description"):
            _text(level, key, where, problems)
        if level.get("code") in level_codes:
            problems.append(f"{where}: code {level.get('code')} is used twice")
        level_codes.add(str(level.get("code")))
        if level.get("min_education") not in EDUCATION_VALUES:
            problems.append(f"{where}: 'min_education' must be one of {', '.join(EDUCATION_VALUES)}")
        for key in LEVEL_NUMBERS:
            value = level.get(key)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                problems.append(f"{where}: '{key}' must be a whole number, 0 or more")
        if not isinstance(level.get("exam_required"), bool):
            problems.append(f"{where}: 'exam_required' must be true or false")
        if not isinstance(level.get("reference_roles", []), list):
            problems.append(f"{where}: 'reference_roles' must be a list")
        level_competencies = level.get("competencies")
        if not isinstance(level_competencies, list) or not level_competencies:
            problems.append(f"{where}: 'competencies' must be a non-empty list of competency codes")
        else:
            unknown = [c for c in level_competencies if c not in codes]
            if unknown:
                problems.append(f"{where}: unknown competencies {', '.join(map(str, unknown))}")
    return problems


def framework_rows_create(data: dict[str, Any], get_model: Callable[[str], Any], *, status: str) -> Any:
    """Create one version with all its rows; returns the version row."""
    FrameworkVersion = get_model("FrameworkVersion")
    Domain = get_model("Domain")
    Competency = get_model("Competency")
    Indicator = get_model("Indicator")
    Level = get_model("Level")
    version = FrameworkVersion.objects.create(
        number=data["version"], title=data["title"], summary=data.get("summary", ""), status=status
    )
    by_code: dict[str, Any] = {}
    indicators = []
    for d_pos, item in enumerate(data["domains"], 1):
        domain = Domain.objects.create(
            version=version, code=item["code"], name=item["name"], description=item["description"], position=d_pos
        )
        for c_pos, c_item in enumerate(item["competencies"], 1):
            competency = Competency.objects.create(
                domain=domain,
                code=c_item["code"],
                name=c_item["name"],
                description=c_item["description"],
                position=c_pos,
            )
            by_code[competency.code] = competency
            indicators += [
                Indicator(competency=competency, text=text, position=i_pos)
                for i_pos, text in enumerate(c_item["indicators"], 1)
            ]
    Indicator.objects.bulk_create(indicators)
    for l_pos, l_item in enumerate(data["levels"], 1):
        level = Level.objects.create(
            version=version,
            code=l_item["code"],
            name=l_item["name"],
            scope=l_item["scope"],
            description=l_item["description"],
            position=l_pos,
            min_education=l_item["min_education"],
            reference_roles=l_item.get("reference_roles", []),
            exam_required=l_item["exam_required"],
            **{key: l_item[key] for key in LEVEL_NUMBERS},
        )
        level.competencies.set([by_code[code] for code in l_item["competencies"]])
    return version
