"""The public Register through the JSON API: search, and one entry's status today."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.params.functions import Path, Query

from nurture.accounts.models import Profession, Region
from nurture.core.api import NOT_FOUND, PLAIN_TEXT, SLUG, answers, pattern_explained
from nurture.register.numbers import number_check
from nurture.register.selectors import (
    CURSOR_MAX_LENGTH,
    MAX_PAGE,
    PageLinkError,
    register_entry_public,
    register_search,
)

router = Router(tags=["register"])

# A registration number as typed: IMH, an optional hyphen, seven digits and the
# check character, capitals or not.
NUMBER = pattern_explained(
    r"^[Ii][Mm][Hh]-?[0-9]{7}[0-9A-Za-z*]$",
    "A registration number is IMH, then seven digits and a check character, like IMH-1234567X.",
)
NUMBER_LENGTH = len("IMH-1234567X")
# A page cursor as the search signs it (`selectors.Cursor`): URL-safe base64 and colons.
CURSOR = pattern_explained(
    r"^[-A-Za-z0-9_.:]+$", "Give `after` exactly as `next_after` came in the page before, or leave it out."
)


class EntryOut(Schema):
    number: str
    full_name: str
    level: str
    level_name: str
    status: str
    status_label: str
    endorsed_today: bool
    first_endorsed_on: date
    period_started_on: date
    renewal_due_on: date
    status_changed_on: date
    profession: str
    region: str
    employer: str


class SearchOut(Schema):
    page: int
    per_page: int
    has_next: bool
    next_page: int | None
    next_after: str | None
    results: list[EntryOut]


@router.get("", response=answers(SearchOut, NOT_FOUND), summary="Search the public Register")
def register_search_api(
    request: HttpRequest,
    q: str = Query("", max_length=100, pattern=PLAIN_TEXT),
    number: str = Query("", max_length=NUMBER_LENGTH, pattern=f"{NUMBER}|^$"),
    level: str = Query("", max_length=32, pattern=f"{SLUG}|^$"),
    region: Region | Literal[""] = "",
    profession: Profession | Literal[""] = "",
    page: int = Query(1, ge=1, le=MAX_PAGE),
    after: str = Query("", max_length=CURSOR_MAX_LENGTH, pattern=f"{CURSOR}|^$"),
) -> SearchOut:
    """Name (the start of any part, or of any run of its parts such as "smith-jones";
    accents and capitals ignored), number, level, region and profession (matched only
    where the practitioner shows them). 20 a page, ordered by name; `has_next` says
    whether another page follows.

    For the next page, send the same search with `after` set to `next_after`: it
    continues from the last result, so every page costs what the first does and no
    entry is repeated or skipped while the Register grows; `page` then comes from it.
    `page` (up to 500, `next_page`) still works, re-reading the pages before it.
    404 when `number` has a typing mistake (its check character does not match
    its digits), so that no entry can have it, and when `after` is not a `next_after`
    this search gave."""
    typed = number_check(number) if number else None
    if typed is not None and not typed.valid:
        raise HttpError(404, typed.problem)
    try:
        found = register_search(
            q=" ".join(q.split()),
            number=typed.number if typed else "",
            level=level,
            region=region,
            profession=profession,
            page=page,
            after=after,
        )
    except PageLinkError as bad_link:
        raise HttpError(404, str(bad_link)) from None
    return SearchOut(
        page=found.number,
        per_page=found.per_page,
        has_next=found.has_next,
        next_page=found.number + 1 if found.has_next and found.number < MAX_PAGE else None,
        next_after=found.next_after,
        results=[EntryOut(**row) for row in found.rows],
    )


@router.get("/{number}", response=answers(EntryOut, NOT_FOUND), summary="One Register entry and its status today")
def register_entry_api(
    request: HttpRequest, number: str = Path(..., max_length=NUMBER_LENGTH, pattern=NUMBER)
) -> EntryOut:
    """404 when the number has a typing mistake, or no public entry has it."""
    check = number_check(number)
    if not check.valid:
        raise HttpError(404, check.problem)
    found = register_entry_public(check.number)
    if found is None:
        raise HttpError(404, "There is no entry on the Register with this number.")
    return EntryOut(**found)
