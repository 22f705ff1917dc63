"""Text that a spreadsheet would run as a formula: one rule for the whole site.

Plain functions, no Django. A spreadsheet (Excel, LibreOffice, Google Sheets)
opening a CSV runs a cell as a formula when it starts with = + - or @, also
after leading spaces, and treats a leading tab or carriage return the same way
(OWASP, "CSV Injection"). So:

- `starts_like_formula(text)`: whether a spreadsheet could run `text`.
- `cell_safe(value)`: a CSV cell that cannot run. Text that starts like a
  formula gets a leading `'`, which spreadsheets show as text. Numbers the site
  itself computes (int, float, Decimal, never str) stay numbers, so a negative
  count still sorts as one; anything a person typed arrives as str and is made
  safe.
- `FORMULA_NAME_PROBLEM`: what a person is told when a name they type starts
  like a formula; names that go into exports are refused, not rewritten.
"""

from __future__ import annotations

from decimal import Decimal

FORMULA_CHARACTERS = ("=", "+", "-", "@")
FORMULA_STARTS = (*FORMULA_CHARACTERS, "\t", "\r")
FORMULA_NAME_PROBLEM = "A name cannot start with = + - @ or a tab."


def starts_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_CHARACTERS)


def cell_safe(value: object) -> str | int | float | Decimal:
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if starts_like_formula(text) else text
