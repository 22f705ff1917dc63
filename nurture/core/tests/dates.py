"""A date as a form made with `core.forms.DateParts` receives it: three boxes."""

from __future__ import annotations

from datetime import date


def date_typed(name: str, value: date | str) -> dict[str, str]:
    """`{"<name>_day": "2", "<name>_month": "11", "<name>_year": "2026"}`; anything not an
    ISO date (such as "not a date") goes into the day box as a person might type it."""
    try:
        day = value if isinstance(value, date) else date.fromisoformat(value)
    except ValueError:
        return {f"{name}_day": str(value), f"{name}_month": "", f"{name}_year": ""}
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}
