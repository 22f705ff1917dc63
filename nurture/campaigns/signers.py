"""Who is signing the pledge: plain functions with no Django in them.

- (`core.addresses.email_canonical` makes one signature per mailbox.)
- `name_problem`: why a name cannot go on a public list (a link, or a leading
  spreadsheet formula character), or "".
- `csv_safe`: a cell that a spreadsheet will not run as a formula.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LINK = re.compile(
    r"(https?:|ftp:|mailto:|www\.|//|<a\b|\[url|"
    r"\b[a-z0-9-]+\.(com|net|org|info|biz|io|co|uk|ru|xyz|top|site|online|link|click|ly|me|app|shop)\b)",
    re.IGNORECASE,
)


def name_problem(name: str) -> str:
    if name.startswith(FORMULA_STARTS):
        return "A name cannot start with = + - @ or a tab."
    if LINK.search(name):
        return "A name cannot contain a web address or a link."
    return ""


def csv_safe(value: object) -> str:
    """A cell starting with = + - @ (or a tab or CR) gets a leading ' so it is read as text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
