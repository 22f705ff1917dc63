"""The public events calendar through the JSON API: approved events, filtered and paginated."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.params.functions import Query

from nurture.accounts.models import Region
from nurture.core.api import PLAIN_TEXT, SLUG, Day, answers
from nurture.core.origins import site_url
from nurture.events.forms import EARLIEST, LATEST
from nurture.events.models import Event
from nurture.events.selectors import MAX_PAGE, public_event_page

router = Router(tags=["events"])


class EventOut(Schema):
    id: int
    title: str
    organiser: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    mode: str
    venue: str
    locality: str
    region: str
    region_label: str
    audience: str
    audience_label: str
    free: bool
    cost: str
    cancelled: bool
    url: str
    ics_url: str


class EventListOut(Schema):
    page: int
    per_page: int
    has_next: bool
    next_page: int | None
    results: list[EventOut]


@router.get("", response=answers(EventListOut), summary="Approved Awareness Week events")
def events_list_api(
    request: HttpRequest,
    campaign: str = Query("", max_length=50, pattern=f"{SLUG}|^$"),
    region: Region | Literal[""] = "",
    audience: Literal["", "parents", "professionals"] = "",
    mode: Event.Mode | Literal[""] = "",
    start: Day | None = None,
    end: Day | None = None,
    q: str = Query("", max_length=100, pattern=PLAIN_TEXT),
    page: int = Query(1, ge=1, le=MAX_PAGE),
) -> EventListOut:
    """Filters: `campaign` (its slug, e.g. 2026), `region`, `audience` (`parents` or
    `professionals`; events for both match either), `mode` (`online` or `in_person`),
    `start` and `end` (YYYY-MM-DD, UK days: events running on any of those days;
    without `start`, from today; an `end` before `start` matches nothing), `q` (words
    in the title, organiser or town). 25 a page, by start time; cancelled events are
    included, marked `cancelled`."""
    # Every event falls between 2000 and 2100, so days beyond them match as the edges do.
    start = min(max(start, EARLIEST), LATEST) if start else None
    end = min(max(end, EARLIEST), LATEST) if end else None
    found = public_event_page(
        campaign=campaign,
        region=region,
        audience=audience,
        mode=mode,
        start=start,
        end=end,
        q=" ".join(q.split()),
        page=page,
    )
    return EventListOut(
        page=found.number,
        per_page=25,
        has_next=found.has_next,
        next_page=found.number + 1 if found.has_next else None,
        results=[
            EventOut(
                id=row["id"],
                title=row["title"],
                organiser=row["organiser_name"],
                starts_at=row["local_start"],
                ends_at=row["local_end"],
                timezone=row["timezone"],
                mode=row["mode"],
                venue=row["venue"],
                locality=row["locality"],
                region=row["region"],
                region_label=row["region_label"],
                audience=row["audience"],
                audience_label=row["audience_label"],
                free=row["is_free"],
                cost=row["cost"],
                cancelled=row["cancelled"],
                url=site_url("events:detail", row["id"], row["slug"]),
                ics_url=site_url("events:ics", row["id"]),
            )
            for row in found.rows
        ],
    )
