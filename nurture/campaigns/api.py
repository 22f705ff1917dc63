"""The pledge through the JSON API: its text and confirmed count, by profession and region."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from nurture.campaigns.selectors import campaign_public, pledge_counts
from nurture.core.forms import OneLineText

router = Router(tags=["campaigns"])


class CountOut(Schema):
    code: str
    label: str
    count: int


class PledgeOut(Schema):
    campaign: str
    year: int
    theme: str
    pledge_text: str
    open: bool
    confirmed: int
    by_profession: list[CountOut]
    by_region: list[CountOut]


@router.get("/{campaign}", response=PledgeOut, summary="A campaign's pledge and its confirmed count")
def pledge_api(request: HttpRequest, campaign: OneLineText) -> PledgeOut:
    """`campaign` is the campaign's slug (e.g. `2022`). Counts are confirmed signatures
    only (not withdrawn, hidden or held), largest first."""
    found = campaign_public(campaign)
    if found is None or not found.pledge_text:
        raise HttpError(404, "There is no pledge for this campaign.")
    counts = pledge_counts(found)
    return PledgeOut(
        campaign=found.slug,
        year=found.year,
        theme=found.theme,
        pledge_text=found.pledge_text,
        open=found.pledge_open,
        confirmed=counts.total,
        by_profession=[CountOut(code=c, label=label, count=n) for c, label, n in counts.by_profession],
        by_region=[CountOut(code=c, label=label, count=n) for c, label, n in counts.by_region],
    )
