"""Who is signing the pledge: plain functions with no Django in them.

- (`core.addresses.email_canonical` makes one signature per mailbox.)
- `name_problem`: why a name cannot go on a public list (a link, or a leading
  spreadsheet formula character), or "".
(Cells of every CSV are made safe by `core.csv_export`; the formula rule is
`core.formulas`, shared with every name field that is exported.)
"""

from __future__ import annotations

import re

from nurture.core.formulas import FORMULA_NAME_PROBLEM, starts_like_formula

LINK = re.compile(
    r"(https?:|ftp:|mailto:|www\.|//|<a\b|\[url|"
    r"\b[a-z0-9-]+\.(com|net|org|info|biz|io|co|uk|ru|xyz|top|site|online|link|click|ly|me|app|shop)\b)",
    re.IGNORECASE,
)


def name_problem(name: str) -> str:
    if starts_like_formula(name):
        return FORMULA_NAME_PROBLEM
    if LINK.search(name):
        return "A name cannot contain a web address or a link."
    return ""
