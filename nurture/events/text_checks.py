"""Checks on what organisers type: links and length. Plain functions, no Django."""

from __future__ import annotations

import re

# A web address, with or without its scheme: http(s)://…, www.…, or name.tld/…
LINK = re.compile(
    r"(?i)\b(?:https?://|www\.)\S+"
    r"|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|org|net|uk|io|co|info|biz|xyz|ly|me|app|site|online)\b(?:/\S*)?"
)


def links_in(text: str) -> list[str]:
    """The web addresses found in `text`, in order."""
    return [match.group(0) for match in LINK.finditer(text)]


def text_problems(*, title: str, description: str, max_links: int, max_description: int) -> dict[str, str]:
    """Field name → a message for each problem found; empty when all is well."""
    problems: dict[str, str] = {}
    if links_in(title):
        problems["title"] = "Take the web address out of the title; put links in the description or booking link."
    if len(description) > max_description:
        problems["description"] = (
            f"The description is {len(description):,} characters; it can be at most {max_description:,}."
        )
    elif len(links_in(description)) > max_links:
        problems["description"] = (
            f"The description has {len(links_in(description))} web addresses; it can have at most {max_links}."
        )
    return problems
