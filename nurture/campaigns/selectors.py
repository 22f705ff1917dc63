"""Reads for Awareness Week: campaigns, the pledge's counts and public list, resources,
and what the coordinator sees. Public fragments are cached by `cached_fragment`."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from django.apps import apps
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils.module_loading import import_string

from nurture.accounts.models import Profession, Region
from nurture.campaigns.models import (
    CAMPAIGN_DATA_SET_SQL,
    Campaign,
    PledgeSignature,
    PledgeTally,
    Resource,
    ResourceVersion,
    campaign_data_set,
)
from nurture.campaigns.models import CAMPAIGNS_DATA_SET as CAMPAIGNS_DATA_SET  # for other apps' pages
from nurture.core.data_versions import data_versions
from nurture.core.models import DataVersion
from nurture.core.prepared import PreparedRead
from nurture.core.share import ShareCard, shortened, static_url
from nurture.core.visitor_cache import code_release

PROFESSION_LABELS = dict(Profession.choices)
REGION_LABELS = dict(Region.choices)
NAMES_PER_PAGE = 50
MAX_PAGE = 2000
FRAGMENT_SECONDS = 24 * 3600
Status = PledgeSignature.Status


def cached_fragment(campaign: Campaign | None, name: str, render: Callable[[], str]) -> str:
    """A rendered public fragment from the cache, keyed by the campaign's data version
    (bumped on every change those pages show) and the code release, so it is never stale.
    The version costs one primary-key read."""
    release = code_release()
    data_set = None if campaign is None else campaign_data_set(campaign.pk)
    version = None if data_set is None else data_versions(data_set)[data_set]
    key = f"campaigns:{release}:{campaign.pk}:{version}:{name}" if campaign else f"campaigns:{release}:none:{name}"
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, FRAGMENT_SECONDS)
    return str(html)


# Campaigns -------------------------------------------------------------------------

# The pictures a shared link shows (1200 × 630 PNG): one per campaign, named by its slug,
# made by `manage.py campaign_share_images` (`share_image_name`), and the any-year picture
# for a campaign without one.
SHARE_FOLDER = Path(__file__).parent / "static" / "campaigns" / "share"
SHARE_IMAGE_ANY_YEAR = "campaigns/share/imhaw.png"


@functools.cache
def _share_images() -> frozenset[str]:
    return frozenset(path.name for path in SHARE_FOLDER.glob("*.png"))


def share_image_name(campaign: Campaign) -> str:
    """`2027-1a2b3c4d.png`: the slug, and a digest of what the picture shows, so that a
    campaign whose theme or dates changed shares the any-year picture until its own is made again."""
    shown = f"{campaign.name}|{campaign.theme}|{campaign.starts_on}|{campaign.ends_on}"
    return f"{campaign.slug}-{hashlib.sha256(shown.encode()).hexdigest()[:8]}.png"


def share_image(campaign: Campaign | None) -> tuple[str, str]:
    """(the static path of the campaign's share picture, its text alternative)."""
    if campaign is not None and share_image_name(campaign) in _share_images():
        return (
            f"campaigns/share/{share_image_name(campaign)}",
            f"{campaign.name} {campaign.year}: {campaign.theme}. {campaign.hashtag or '#IMHAW'}",
        )
    return SHARE_IMAGE_ANY_YEAR, "Infant Mental Health Awareness Week. #IMHAW"


def share_card(
    campaign: Campaign | None, *, title: str, description: str, url: str, kind: str = "website"
) -> ShareCard:
    """A page's card for social media, with its campaign's picture."""
    image, alt = share_image(campaign)
    return ShareCard(
        title=title, description=shortened(description), url=url, image=static_url(image), image_alt=alt, kind=kind
    )


def campaign_share_card(campaign: Campaign, *, url: str, title: str = "", description: str = "") -> ShareCard:
    """A campaign page's card: its year and theme, and its first key message."""
    messages = campaign.messages_list
    summary = description or (messages[0] if messages else campaign.landing_body) or campaign.name
    return share_card(
        campaign,
        title=title or f"{campaign.name} {campaign.year}: {campaign.theme}",
        description=f"{summary} {campaign.hashtag or '#IMHAW'}",
        url=url,
    )


def campaign_current() -> Campaign | None:
    """This year's campaign, or the latest one published."""
    return Campaign.objects.for_public_display().order_by("-year").first()


def campaign_version(slug: str | None = None) -> str | None:
    """The version of what a campaign's public pages show (one small query), for the
    visitor page cache: the campaign and its data version (`core.DataVersion`
    "campaign:<id>", read in the same query), or None if there is none."""
    # Written as SQL once: it runs before every cached campaign page, and the ORM's
    # compiling of the same query each time was most of a cache hit's cost.
    params: list[bool | str] = [True] if slug is None else [True, slug[:50]]
    which = "" if slug is None else "AND c.slug = %s"
    sql = (
        f"SELECT c.id, COALESCE(v.version, 0) FROM {Campaign._meta.db_table} c "  # noqa: S608 - no user text, only placeholders
        f"LEFT JOIN {DataVersion._meta.db_table} v ON v.name = {CAMPAIGN_DATA_SET_SQL} "
        f"WHERE c.published = %s {which} ORDER BY c.year DESC LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchone()
    return f"{found[0]}:{found[1]}" if found else None


# The slug is unique: at most one row, so no ORDER BY (which `first()` would add).
# Compiled once (core.prepared): it runs on every campaign page and signature.
_campaign_public = PreparedRead(lambda slug: Campaign.objects.for_public_display().filter(slug=slug)[:1], slug=str)


def campaign_public(slug: str) -> Campaign | None:
    return _campaign_public.first(slug=slug[:50])


def campaign_of_year(year: int) -> Campaign | None:
    """The Awareness Week campaign of that year, published or not, if there is one."""
    return Campaign.objects.filter(year=year).first()


def campaigns_among(ids: Iterable[int]) -> list[Campaign]:
    """The campaigns with these ids, newest first (a queryset of ids is one subquery)."""
    return list(Campaign.objects.filter(pk__in=ids).order_by("-year"))


@runtime_checkable
class CountsCampaignEvents(Protocol):
    """An app config that names the selector counting each campaign's events: the events
    app's (`EventsConfig.campaign_event_counts`), which campaigns cannot import."""

    campaign_event_counts: str


def events_counts(campaign_ids: list[int]) -> dict[int, int] | None:
    """Approved events per campaign, or None if the events app is not installed.

    Events stands on campaigns (an event belongs to a campaign), never the other way
    round, so campaigns imports nothing of it: the events app names the selector that
    counts, and owns what counts, on its `AppConfig` (`campaign_event_counts`), and this
    asks it through the app registry, as core finds each app's demo and daily job."""
    try:
        config = apps.get_app_config("events")
    except LookupError:
        return None
    if not isinstance(config, CountsCampaignEvents):
        raise TypeError(
            f"{type(config).__name__} has no campaign_event_counts: the events app names its selector there."
        )
    count: Callable[[list[int]], dict[int, int]] = import_string(config.campaign_event_counts)
    return count(campaign_ids)


@dataclass(frozen=True)
class YearInReview:
    campaign: Campaign
    signatures: int
    resources: int
    events: int | None
    ended: bool = True


def campaigns_archive(today: date) -> list[YearInReview]:
    """Every published year, newest first, with what each produced so far; `ended` is
    False for a week still to come or under way."""
    past = list(Campaign.objects.for_public_display().order_by("-year"))
    ids = [c.pk for c in past]
    signatures = dict(
        PledgeTally.objects.filter(campaign_id__in=ids).values_list("campaign_id").annotate(n=Sum("count")).order_by()
    )
    resources = dict(
        Resource.objects.filter(campaign_id__in=ids, status=Resource.Status.PUBLISHED)
        .values_list("campaign_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    events = events_counts(ids)
    return [
        YearInReview(
            campaign=c,
            signatures=signatures.get(c.pk, 0),
            resources=resources.get(c.pk, 0),
            events=None if events is None else events.get(c.pk, 0),
            ended=c.ends_on < today,
        )
        for c in past
    ]


# The pledge ------------------------------------------------------------------------


@dataclass(frozen=True)
class PledgeCounts:
    total: int
    by_profession: list[tuple[str, str, int]]  # (code, label, count), largest first
    by_region: list[tuple[str, str, int]]


def pledge_counts(campaign: Campaign) -> PledgeCounts:
    """Confirmed signatures, from the tally table (a few dozen rows at most)."""
    rows = list(PledgeTally.objects.filter(campaign=campaign, count__gt=0).values_list("profession", "region", "count"))
    professions: dict[str, int] = {}
    regions: dict[str, int] = {}
    for profession, region, count in rows:
        professions[profession] = professions.get(profession, 0) + count
        regions[region] = regions.get(region, 0) + count

    def ordered(counts: dict[str, int], labels: dict[str, str]) -> list[tuple[str, str, int]]:
        return sorted(((k, labels.get(k, k), n) for k, n in counts.items()), key=lambda row: (-row[2], row[1]))

    return PledgeCounts(
        total=sum(professions.values()),
        by_profession=ordered(professions, PROFESSION_LABELS),
        by_region=ordered(regions, REGION_LABELS),
    )


def pledge_names(campaign: Campaign, page: int) -> Page[Any]:
    """Those who chose to be shown, newest first; 50 a page."""
    shown = (
        PledgeSignature.objects.filter(campaign=campaign, status=Status.CONFIRMED, show_name=True)
        .order_by("-confirmed_at", "-pk")
        .values("name", "profession", "organisation", "region")
    )
    found = Paginator(shown, NAMES_PER_PAGE).get_page(min(page, MAX_PAGE))
    found.object_list = [
        {
            "name": row["name"],
            "organisation": row["organisation"],
            "profession": PROFESSION_LABELS.get(row["profession"], ""),
            "region": REGION_LABELS.get(row["region"], ""),
        }
        for row in found.object_list
    ]
    return found


def staff_signatures(campaign: Campaign, *, status: str, q: str) -> QuerySet[PledgeSignature]:
    found = PledgeSignature.objects.filter(campaign=campaign).order_by("-created_at", "-pk")
    if status in Status.values:
        found = found.filter(status=status)
    if q:
        found = found.filter(Q(name__icontains=q) | Q(email__icontains=q) | Q(organisation__icontains=q))
    return found


def staff_status_counts(campaign: Campaign) -> dict[str, int]:
    counts = dict(
        PledgeSignature.objects.filter(campaign=campaign).values_list("status").annotate(n=Count("pk")).order_by()
    )
    return {value: counts.get(value, 0) for value in Status.values}


EXPORT_COLUMNS = (
    "signed_at",
    "status",
    "confirmed_at",
    "name",
    "profession",
    "organisation",
    "region",
    "email",
    "show_name",
    "hidden_reason",
)


def pledge_export_rows(campaign: Campaign) -> Iterator[list[Any]]:
    rows = (
        PledgeSignature.objects.filter(campaign=campaign)
        .order_by("created_at", "pk")
        .values_list(
            "created_at",
            "status",
            "confirmed_at",
            "name",
            "profession",
            "organisation",
            "region",
            "email",
            "show_name",
            "hidden_reason",
        )
    )
    for row in rows.iterator(chunk_size=2000):
        created, status, confirmed, name, profession, organisation, region, email, shown, reason = row
        yield [
            created.isoformat(timespec="seconds"),
            status,
            confirmed.isoformat(timespec="seconds") if confirmed else "",
            name,
            PROFESSION_LABELS.get(profession, profession),
            organisation,
            REGION_LABELS.get(region, region),
            email,
            "yes" if shown else "no",
            reason,
        ]


# Resources -------------------------------------------------------------------------


def resources_of(campaign: Campaign) -> list[Resource]:
    return list(
        Resource.objects.filter(campaign=campaign, status=Resource.Status.PUBLISHED)
        .annotate(latest=Max("versions__number"))
        .order_by("kind", "title")
    )


@dataclass(frozen=True)
class ResourcePage:
    resource: Resource
    version: ResourceVersion
    latest: ResourceVersion
    versions: list[ResourceVersion]

    @property
    def superseded(self) -> bool:
        return self.version.number < self.latest.number


def resource_public(slug: str, number: int | None = None) -> ResourcePage | None:
    """A published resource at its newest version, or at version `number`."""
    resource = (
        Resource.objects.filter(slug=slug[:80], status=Resource.Status.PUBLISHED).select_related("campaign").first()
    )
    if resource is None:
        return None
    versions = list(resource.versions.all())
    if not versions:
        return None
    chosen = versions[0] if number is None else next((v for v in versions if v.number == number), None)
    if chosen is None:
        return None
    return ResourcePage(resource=resource, version=chosen, latest=versions[0], versions=versions)


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1_048_576:.1f} MB"


FILE_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
}


def file_type_label(content_type: str) -> str:
    return FILE_TYPES.get(content_type, content_type or "file")


def attribution(resource: Resource, url: str) -> str:
    """The line to copy when reusing the resource: title, author, source, licence."""
    return f"“{resource.title}” by {resource.author}. Source: {url}. Licence: {resource.licence}."
