"""The identifier scan: find what in written evidence could identify a family.

Pure functions, no Django. `identifiers_find(text)` returns each finding with
its kind, the text found and where it is (line and column), so the
practitioner can see and remove it before the evidence goes to assessors.

Looked for:
- NHS numbers: ten digits (spaced 3-3-4 or not) whose last digit is the valid
  modulus-11 check digit. Ten digits that fail the check are not NHS numbers.
- Dates of birth: a full date (day, month and year) written with a birth cue
  just before or after it ("DOB", "born", "date of birth", "birthday").
- Full UK postcodes: outward and inward code ("SW1A 1AA", "m1 1ae").
- Phone numbers: UK mobile and landline numbers (07…, 01…, 02…, 03…, +44 …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

NHS_NUMBER = "nhs-number"
DATE_OF_BIRTH = "date-of-birth"
POSTCODE = "postcode"
PHONE = "phone"

LABELS = {
    NHS_NUMBER: "NHS number",
    DATE_OF_BIRTH: "Date of birth",
    POSTCODE: "Full postcode",
    PHONE: "Phone number",
}

_NHS = re.compile(r"(?<![\d+])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)")
_MONTHS = (
    "jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|"
    "sep|sept|september|oct|october|nov|november|dec|december"
)
_DATE = re.compile(
    r"(?<!\d)(?:"
    r"(?P<d1>\d{1,2})[/.-](?P<m1>\d{1,2})[/.-](?P<y1>\d{4}|\d{2})"
    r"|(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m2>" + _MONTHS + r")\.?,?\s+(?P<y2>\d{4})"
    r"|(?P<m3>" + _MONTHS + r")\.?\s+(?P<d3>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y3>\d{4})"
    r"|(?P<y4>\d{4})-(?P<m4>\d{2})-(?P<d4>\d{2})"
    r")(?!\d)",
    re.IGNORECASE,
)
_BIRTH_CUE = re.compile(r"\b(d\.?o\.?b\.?|born|date of birth|birthday|birth date)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-Z])")
_POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE)
_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|0)(?:\d[\s-]?){9,10}(?!\d)")


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str
    start: int
    end: int
    line: int
    column: int

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "label": self.label,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "column": self.column,
        }


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus-11 check digit for nine digits, or None when none is valid (10)."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError("An NHS number's check digit is computed from nine digits")
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid_nhs_number(candidate: str) -> bool:
    digits = re.sub(r"[ -]", "", candidate)
    if len(digits) != 10 or not digits.isdigit():
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])


_MONTH_TABLE = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        1,
    )
    for name in names
}


def _date_of(match: re.Match[str], today: date) -> date | None:
    groups = match.groupdict()
    for n in "1234":
        if groups.get(f"y{n}"):
            year, month, day = groups[f"y{n}"], groups[f"m{n}"], groups[f"d{n}"]
            break
    else:
        return None
    y = int(year)
    if y < 100:
        y += 2000 if y <= today.year % 100 else 1900
    m = int(month) if month.isdigit() else _MONTH_TABLE[month.lower()]
    try:
        return date(y, m, int(day))
    except ValueError:
        return None


def identifiers_find(text: str, *, today: date | None = None) -> list[Finding]:
    """Every identifying detail in `text`, in reading order, never overlapping."""
    today = today or date.today()
    spans: list[tuple[str, int, int]] = []

    def keep(kind: str, start: int, end: int) -> None:
        if all(end <= s or start >= e for _, s, e in spans):
            spans.append((kind, start, end))

    for match in _NHS.finditer(text):
        if is_valid_nhs_number(match.group(0)):
            keep(NHS_NUMBER, match.start(), match.end())
    for match in _DATE.finditer(text):
        before = _SENTENCE_END.split(text[max(0, match.start() - 40) : match.start()])[-1]
        after = _SENTENCE_END.split(text[match.end() : match.end() + 20])[0]
        if _date_of(match, today) is not None and _BIRTH_CUE.search(f"{before} {after}"):
            keep(DATE_OF_BIRTH, match.start(), match.end())
    for match in _POSTCODE.finditer(text):
        keep(POSTCODE, match.start(), match.end())
    for match in _PHONE.finditer(text):
        end = match.end()
        while not text[end - 1].isdigit():
            end -= 1
        keep(PHONE, match.start(), end)

    findings = []
    for kind, start, end in sorted(spans, key=lambda span: span[1]):
        line = text.count("\n", 0, start) + 1
        column = start - text.rfind("\n", 0, start)
        findings.append(Finding(kind, text[start:end], start, end, line, column))
    return findings
