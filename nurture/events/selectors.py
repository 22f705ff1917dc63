"""Reads of the events calendar: the public list, month and feeds, the organiser's
own events, the coordinator's queue and the attendance totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from nurture.accounts.models import Region
from nurture.campaigns.models import Campaign
from nurture.campaigns.selectors import CAMPAIGNS_DATA_SET, campaign_of_year, campaigns_among, share_card
from nurture.core.origins import site_url
from nurture.core.share import ShareCard
from nurture.core.visitor_cache import data_sets
from nurture.events.models import COUNTED_STATES, EVENTS_DATA_SET, Event

PER_PAGE = 25
MAX_PAGE = 400
FEED_MAX = 3000
FEED_PAST_DAYS = 31
REGION_LABELS = dict(Region.choices)
AUDIENCE_LABELS = dict(Event.Audience.choices)
MODE_LABELS = dict(Event.Mode.choices)

# What the public calendar's pages show: the events, and the campaigns they belong to
# (names, dates). `calendar_version` reads both versions in one query, with today's
# date: the list and the feeds start from today.
PUBLIC_DATA_SETS = (EVENTS_DATA_SET, CAMPAIGNS_DATA_SET)
calendar_version = data_sets(*PUBLIC_DATA_SETS, dated=True)
event_page_version = data_sets(*PUBLIC_DATA_SETS)

# What a list, a month or a feed reads of each event: never the long text fields
# except where the feed needs them.
LIST_COLUMNS = (
    "id",
    "slug",
    "title",
    "organiser_name",
    "starts_at",
    "ends_at",
    "timezone",
    "mode",
    "venue",
    "locality",
    "region",
    "audience",
    "is_free",
    "cost",
    "state",
)
FEED_COLUMNS = (
    *LIST_COLUMNS,
    "description",
    "street_address",
    "postcode",
    "joining_link",
    "joining_link_after_booking",
    "booking_url",
    "sequence",
    "approved_at",
    "public_changed_at",
    "state_reason",
)


def campaign_for(day: date) -> Campaign | None:
    """The Awareness Week campaign an event on that day belongs to: its year's, if there is one."""
    return campaign_of_year(day.year)


def site_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=site_zone())


def public_events(
    *,
    campaign: str = "",
    region: str = "",
    audience: str = "",
    mode: str = "",
    start: date | None = None,
    end: date | None = None,
    q: str = "",
) -> QuerySet[Event]:
    """Approved (and since cancelled) events matching the filters, by start.
    `start` and `end` are days in the site's time zone: events that run on any of them."""
    events = Event.objects.for_public_display()
    if campaign:
        events = events.filter(campaign__slug=campaign)
    if region:
        events = events.filter(region=region)
    if audience:
        events = events.filter(audience__in=(audience, Event.Audience.BOTH))
    if mode:
        events = events.filter(mode=mode)
    if start:
        events = events.filter(ends_at__gt=_day_start(start))
    if end:
        events = events.filter(starts_at__lt=_day_start(end + timedelta(days=1)))
    for word in q.split()[:6]:
        events = events.filter(
            Q(title__icontains=word) | Q(organiser_name__icontains=word) | Q(locality__icontains=word)
        )
    return events.order_by("starts_at", "id")


def _with_local(row: dict[str, Any]) -> dict[str, Any]:
    zone = ZoneInfo(row["timezone"])
    row["local_start"] = row["starts_at"].astimezone(zone)
    row["local_end"] = row["ends_at"].astimezone(zone)
    row["region_label"] = REGION_LABELS.get(row["region"], "")
    row["audience_label"] = AUDIENCE_LABELS.get(row["audience"], "")
    row["mode_label"] = MODE_LABELS.get(row["mode"], "")
    row["cancelled"] = row["state"] == Event.State.CANCELLED
    row["counted"] = row["state"] in COUNTED_STATES
    return row


@dataclass(frozen=True)
class Day:
    day: date
    events: list[dict[str, Any]]


@dataclass(frozen=True)
class EventPage:
    rows: list[dict[str, Any]]
    number: int
    has_next: bool
    days: list[Day] = field(default_factory=list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def public_event_page(*, page: int = 1, per_page: int = PER_PAGE, **filters: Any) -> EventPage:
    """One page of the public list, grouped by day (in the site's time zone): one
    query, no COUNT. Without a start date, the list starts today."""
    filters.setdefault("start", None)
    if filters["start"] is None:
        filters["start"] = timezone.localdate()
    page = min(max(page, 1), MAX_PAGE)
    offset = (page - 1) * per_page
    rows = [_with_local(row) for row in public_events(**filters).values(*LIST_COLUMNS)[offset : offset + per_page + 1]]
    shown = rows[:per_page]
    days: list[Day] = []
    zone = site_zone()
    for row in shown:
        day = row["starts_at"].astimezone(zone).date()
        if not days or days[-1].day != day:
            days.append(Day(day, []))
        days[-1].events.append(row)
    return EventPage(rows=shown, number=page, has_next=len(rows) > per_page, days=days)


SHOWN_PER_DAY = 3


@dataclass(frozen=True)
class MonthDay:
    """One day of the month (site time zone): its first few events (by start, then title),
    how many count (`COUNTED_STATES`), how many were cancelled, and how many are listed in all."""

    day: date
    events: list[dict[str, Any]]
    counted: int
    cancelled: int
    listed: int

    @property
    def more(self) -> bool:
        """Whether the day holds more events than it shows."""
        return self.listed > len(self.events)


@dataclass(frozen=True)
class Month:
    """A month of the public calendar: each day with events → what the month shows of it.
    Cancelled events are listed, marked, and not counted."""

    days: dict[date, MonthDay]

    @property
    def counted(self) -> int:
        return sum(day.counted for day in self.days.values())

    @property
    def cancelled(self) -> int:
        return sum(day.cancelled for day in self.days.values())


def public_month(*, year: int, month: int, shown: int = SHOWN_PER_DAY, **filters: Any) -> Month:
    """Two queries however many events the month holds: the counts of each day (one
    aggregate), then the first `shown` events of each day that has any (one query, each
    day's few found along the (listed, starts_at) index)."""
    first = date(year, month, 1)
    after = date(year + (month == 12), month % 12 + 1, 1)
    filters.update(start=None, end=None)
    zone = site_zone()
    events = public_events(**filters).filter(starts_at__gte=_day_start(first), starts_at__lt=_day_start(after))
    # `listed IN (true)` besides the bare `WHERE "listed"` Django writes for listed=True,
    # which SQLite cannot match to an index: with it each day's few are found along the
    # (listed, starts_at) index instead of by a scan of the whole table for each day.
    events = events.filter(listed__in=(True,))
    # The day of the month an event starts on (site time zone), from the days' own bounds:
    # comparisons the database makes on the column, not a time zone conversion per row
    # (which SQLite would run in Python).
    local_day = Case(
        *(
            When(starts_at__lt=_day_start(first + timedelta(days=n)), then=Value(n))
            for n in range(1, (after - first).days)
        ),
        default=Value((after - first).days),
        output_field=IntegerField(),
    )
    counts = sorted(
        events.annotate(local_day=local_day)
        .order_by()
        .values("local_day")
        .annotate(
            listed=Count("pk"),
            counted=Count("pk", filter=Q(state__in=COUNTED_STATES)),
            cancelled=Count("pk", filter=Q(state=Event.State.CANCELLED)),
        ),
        key=lambda row: row["local_day"],
    )
    days = [(first.replace(day=row["local_day"]), row) for row in counts]
    by_time_then_title = ("starts_at", "title", "pk")
    firsts_of_days = Q(pk__in=[])
    for day, _row in days:
        of_day = events.filter(starts_at__gte=_day_start(day), starts_at__lt=_day_start(day + timedelta(days=1)))
        firsts_of_days |= Q(pk__in=of_day.order_by(*by_time_then_title).values("pk")[:shown])
    shown_on: dict[date, list[dict[str, Any]]] = {}
    if days:
        firsts = events.filter(firsts_of_days).order_by(*by_time_then_title).values(*LIST_COLUMNS)
        for row in firsts:
            shown_on.setdefault(row["starts_at"].astimezone(zone).date(), []).append(_with_local(row))
    return Month(
        {
            day: MonthDay(
                day=day,
                events=shown_on.get(day, []),
                counted=row["counted"],
                cancelled=row["cancelled"],
                listed=row["listed"],
            )
            for day, row in days
        }
    )


def month_of_next_event(*, after: date, **filters: Any) -> date | None:
    """The first day of the month of the first listed event starting on or after `after`,
    for a month without events to point to the next one that has some."""
    filters.update(start=None, end=None)
    starts = public_events(**filters).filter(starts_at__gte=_day_start(after)).values_list("starts_at", flat=True)
    first = starts.first()
    return first.astimezone(site_zone()).date().replace(day=1) if first else None


def calendar_month(*, page: EventPage | None, campaign: Campaign | None, today: date) -> date:
    """The month a calendar opens on: the month of the first event the list shows, else
    the campaign's week, else this month."""
    if page is not None and page.days:
        return page.days[0].day.replace(day=1)
    if campaign is not None:
        return campaign.starts_on.replace(day=1)
    return today.replace(day=1)


def event_share_card(event: Event) -> ShareCard:
    """What a shared link to the event shows: its title, when and where, and its campaign's picture."""
    when = f"{event.local_start:%A %-d %B %Y, %H:%M}"
    where = "Online" if event.mode == Event.Mode.ONLINE else f"{event.venue}, {event.locality}"
    cancelled = "Cancelled. " if event.is_cancelled else ""
    return share_card(
        event.campaign,
        title=f"{'Cancelled: ' if event.is_cancelled else ''}{event.title}",
        description=f"{cancelled}{when}. {where}. {event.organiser_name}. {event.description}",
        url=site_url("events:detail", event.pk, event.slug),
        kind="article",
    )


def public_event(pk: int) -> Event | None:
    return Event.objects.for_public_display().select_related("organisation", "campaign").filter(pk=pk).first()


# Feeds -----------------------------------------------------------------------------


def feed_events(**filters: Any) -> QuerySet[Event]:
    """What a feed holds: without a start date, events from a month ago onwards."""
    if not filters.get("start"):
        filters["start"] = timezone.localdate() - timedelta(days=FEED_PAST_DAYS)
    return public_events(**filters)


def feed_rows(**filters: Any) -> list[dict[str, Any]]:
    return [_with_local(row) for row in feed_events(**filters).values(*FEED_COLUMNS)[:FEED_MAX]]


# The organiser and the coordinator -----------------------------------------------------


def organisation_events(organisation_id: int) -> QuerySet[Event]:
    return Event.objects.filter(organisation_id=organisation_id).order_by("-starts_at", "-id")


def moderation_queue() -> QuerySet[Event]:
    """Submissions and proposed changes waiting for the coordinator, oldest first."""
    return (
        Event.objects.filter(
            Q(state=Event.State.SUBMITTED) | Q(state=Event.State.APPROVED, proposal_state=Event.ProposalState.SUBMITTED)
        )
        .select_related("organisation", "campaign")
        .order_by("updated_at", "id")
    )


def waiting_for_organisers() -> QuerySet[Event]:
    return (
        Event.objects.filter(
            Q(state=Event.State.CHANGES_REQUESTED)
            | Q(state=Event.State.APPROVED, proposal_state=Event.ProposalState.CHANGES_REQUESTED)
        )
        .select_related("organisation")
        .order_by("updated_at", "id")
    )


@dataclass(frozen=True)
class AttendanceRow:
    label: str
    events: int
    reported: int
    parents_carers: int
    professionals: int
    others: int

    @property
    def total(self) -> int:
        return self.parents_carers + self.professionals + self.others


def attendance_totals(campaign: Campaign | None) -> list[AttendanceRow]:
    """For the campaign's approved events: by region (online events without a region
    together), how many were held, how many reported, and attendance by audience.
    The last row is the total."""
    if campaign is None:
        return []
    rows = (
        Event.objects.filter(campaign=campaign, state=Event.State.APPROVED)
        .values("region")
        .annotate(
            events=Count("id"),
            reported=Count("attendance_reported_at"),
            parents=Sum("parents_carers_attended"),
            pros=Sum("professionals_attended"),
            others=Sum("others_attended"),
        )
    )
    found = {row["region"]: row for row in rows}
    result = []
    for code, label in [*Region.choices, ("", "Online, no region")]:
        row = found.get(code)
        if row:
            result.append(
                AttendanceRow(
                    label, row["events"], row["reported"], row["parents"] or 0, row["pros"] or 0, row["others"] or 0
                )
            )
    result.append(
        AttendanceRow(
            "All regions",
            sum(r.events for r in result),
            sum(r.reported for r in result),
            sum(r.parents_carers for r in result),
            sum(r.professionals for r in result),
            sum(r.others for r in result),
        )
    )
    return result


def campaigns_with_events() -> list[Campaign]:
    """The campaigns that have any event, newest first."""
    return campaigns_among(Event.objects.values_list("campaign_id", flat=True))


def approved_events_per_campaign(campaign_ids: list[int]) -> dict[int, int]:
    """How many events each of these campaigns has that count (`Event.objects.counted`, the
    rule the month view counts by too), by campaign id: what a campaign's landing page and
    archive show. Events waiting, rejected or cancelled do not count; a campaign without
    any is left out. Named on `EventsConfig` as `campaign_event_counts`, through which the
    campaigns app asks for it."""
    counted = Event.objects.filter(campaign_id__in=campaign_ids).counted()
    return dict(counted.values_list("campaign_id").annotate(n=Count("pk")).order_by())
