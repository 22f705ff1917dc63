"""The public Register through the JSON API: search, and one entry's status today."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from nurture.core.forms import OneLineText
from nurture.register.forms import RegisterSearchForm, page_number
from nurture.register.numbers import number_check
from nurture.register.selectors import register_entry_public, register_search

router = Router(tags=["register"])


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
    results: list[EntryOut]


@router.get("", response=SearchOut, summary="Search the public Register")
def register_search_api(
    request: HttpRequest,
    q: OneLineText = "",
    number: OneLineText = "",
    level: OneLineText = "",
    region: OneLineText = "",
    profession: OneLineText = "",
    page: OneLineText = "1",
) -> SearchOut:
    """Name (the start of any part, accents and capitals ignored), number, level,
    region and profession (matched only where the practitioner shows them).
    20 a page, ordered by name; `has_next` says whether another page follows."""
    form = RegisterSearchForm(
        {"q": q, "number": number, "level": level, "region": region, "profession": profession}, levels=None
    )
    if not form.is_valid():
        problems = "; ".join(f"{name}: {' '.join(str(e) for e in errors)}" for name, errors in form.errors.items())
        raise HttpError(422, problems)
    found = register_search(**form.cleaned_data, page=page_number(page))
    return SearchOut(
        page=found.number,
        per_page=found.per_page,
        has_next=found.has_next,
        next_page=found.number + 1 if found.has_next else None,
        results=[EntryOut(**row) for row in found.rows],
    )


@router.get("/{number}", response=EntryOut, summary="One Register entry and its status today")
def register_entry_api(request: HttpRequest, number: OneLineText) -> EntryOut:
    check = number_check(number)
    if not check.valid:
        raise HttpError(404, check.problem)
    found = register_entry_public(check.number)
    if found is None:
        raise HttpError(404, "There is no entry on the Register with this number.")
    return EntryOut(**found)
