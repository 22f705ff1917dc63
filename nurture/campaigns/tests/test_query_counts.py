"""The coordinator's pledge page reads the same number of queries however many signed."""

from conftest import client_for
from nurture.campaigns.models import PledgeSignature
from nurture.core.tests.queries import page_queries

from .conftest import make_campaign


def _sign(campaign, n: int) -> None:
    PledgeSignature.objects.create(
        campaign=campaign,
        name=f"Signer {n}",
        profession="nurse",
        region="london",
        email=f"signer{n}@example.org",
        canonical_email=f"signer{n}@example.org",
        created_at="2022-06-14T10:00:00Z",
    )


def test_the_pledge_page_reads_as_many_queries_for_twelve_signatures_as_for_two(coordinator):
    campaign = make_campaign(2022)
    client = client_for(coordinator)
    url = f"/staff/campaigns/{campaign.slug}/pledge/"
    for n in range(2):
        _sign(campaign, n)
    two, _page = page_queries(client, url)
    for n in range(2, 12):
        _sign(campaign, n)
    twelve, page = page_queries(client, url)
    assert "Signer 11" in page
    assert twelve == two
