"""The Awareness Week pages, the coordinator's and the public lists, read the same number
of queries however many rows they show."""

from typing import Any

from conftest import client_for
from nurture.campaigns.models import Campaign, PledgeSignature, Resource, ResourceVersion
from nurture.core.tests.queries import page_queries

from .conftest import make_campaign

PLEDGE = 8
STAFF_CAMPAIGNS = 4
STAFF_RESOURCES = 5
STAFF_RESOURCE = 6
ARCHIVE = 4
CAMPAIGN_RESOURCES = 2


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
    assert (two, twelve) == (PLEDGE, PLEDGE)


def _resource(n: int, campaign: Campaign | None, **fields: Any) -> Resource:
    values = {"slug": f"briefing-{n}", "title": f"Briefing {n}", "kind": "briefing", "campaign": campaign, **fields}
    return Resource.objects.create(**values)


def _version(resource: Resource, number: int) -> None:
    ResourceVersion.objects.create(
        resource=resource, number=number, embed_url=f"https://video.example.org/{resource.slug}/{number}"
    )


def test_the_staff_campaign_list_reads_as_many_queries_for_twelve_campaigns_as_for_two(coordinator):
    client = client_for(coordinator)
    for year in (2020, 2021):
        make_campaign(year, published=True)
    two, _page = page_queries(client, "/staff/campaigns/")
    for year in range(2022, 2032):
        make_campaign(year, published=year % 2 == 0, pledge_text="" if year % 3 else "I pledge.")
    twelve, page = page_queries(client, "/staff/campaigns/")
    assert ">2031<" in page
    assert (two, twelve) == (STAFF_CAMPAIGNS, STAFF_CAMPAIGNS)


def test_the_staff_resources_library_reads_as_many_queries_for_twelve_resources_as_for_two(coordinator):
    client = client_for(coordinator)
    campaigns = [make_campaign(2021), make_campaign(2022)]
    for n in range(2):
        _resource(n, campaigns[n])
    two, _page = page_queries(client, "/staff/resources/")
    for n in range(2, 12):
        _resource(n, campaigns[n % 2] if n % 3 else None, status="published" if n % 2 else "draft")
    twelve, page = page_queries(client, "/staff/resources/")
    assert "Briefing 11" in page
    assert (two, twelve) == (STAFF_RESOURCES, STAFF_RESOURCES)


def test_a_staff_resource_page_reads_as_many_queries_for_twelve_versions_as_for_two(coordinator):
    client = client_for(coordinator)
    resource = _resource(0, make_campaign(2022))
    url = f"/staff/resources/{resource.slug}/"
    for number in (1, 2):
        _version(resource, number)
    two, _page = page_queries(client, url)
    for number in range(3, 13):
        _version(resource, number)
    twelve, page = page_queries(client, url)
    assert f"https://video.example.org/{resource.slug}/12" in page
    assert (two, twelve) == (STAFF_RESOURCE, STAFF_RESOURCE)


def test_the_archive_reads_as_many_queries_for_twelve_past_years_as_for_two(db):
    client = client_for(None)
    for year in (2010, 2011):
        _resource(year, make_campaign(year, published=True), status="published")
    two, _page = page_queries(client, "/awareness-week/archive/")
    for year in range(2012, 2022):
        _resource(year, make_campaign(year, published=True), status="published")
    twelve, page = page_queries(client, "/awareness-week/archive/")
    assert "2021" in page
    assert (two, twelve) == (ARCHIVE, ARCHIVE)


def test_a_campaigns_resources_page_reads_as_many_queries_for_twelve_resources_as_for_two(db):
    client = client_for(None)
    campaign = make_campaign(2022, published=True)
    url = f"/awareness-week/{campaign.slug}/resources/"
    for n in range(2):
        _version(_resource(n, campaign, status="published"), 1)
    two, _page = page_queries(client, url)
    for n in range(2, 12):
        resource = _resource(n, campaign, status="published", kind="report" if n % 2 else "briefing")
        for number in range(1, n % 3 + 2):
            _version(resource, number)
    twelve, page = page_queries(client, url)
    assert "Briefing 11" in page
    assert (two, twelve) == (CAMPAIGN_RESOURCES, CAMPAIGN_RESOURCES)
