"""Who is signing the pledge: plain functions with no Django in them.

- `email_canonical`: the form of an address that providers deliver to the same
  mailbox, so one person cannot sign twice as `Jo.Bloggs+x@gmail.com` and
  `jobloggs@googlemail.com`.
- `name_problem`: why a name cannot go on a public list (a link, or a leading
  spreadsheet formula character), or "".
- `csv_safe`: a cell that a spreadsheet will not run as a formula.
"""

from __future__ import annotations

import re

GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LINK = re.compile(
    r"(https?:|ftp:|mailto:|www\.|//|<a\b|\[url|"
    r"\b[a-z0-9-]+\.(com|net|org|info|biz|io|co|uk|ru|xyz|top|site|online|link|click|ly|me|app|shop)\b)",
    re.IGNORECASE,
)


def email_canonical(email: str) -> str:
    """Lower case; without a +tag; without dots for Gmail, whose two domains are one."""
    email = email.strip().lower()
    local, at, domain = email.rpartition("@")
    if not at:
        return email
    local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


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
