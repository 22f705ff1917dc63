"""Demo events: `demo_events(stdout=…, events=N)`.

1. Two organisations, the demo organiser (organiser@demo.nurture.test) in the first,
   and about 30 realistic events for this year's campaign in mixed states (approved,
   waiting, changes requested, rejected, cancelled, an approved one with proposed
   changes), online and in person across regions.
2. `events` extra approved events, written with `bulk_create` for benchmarks. Event n
   always gets the same fields, so a larger run extends a smaller one.

Nothing is emailed or audited. Needs this year's Campaign (made by the campaigns
demo); without one it creates nothing and says so. Safe to run twice.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any, Final, TextIO
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from nurture.accounts.models import Organisation, Region, User
from nurture.accounts.roles import Role
from nurture.campaigns.demo import demo_campaign_year
from nurture.campaigns.models import Campaign
from nurture.campaigns.selectors import campaign_of_year
from nurture.core.data_versions import data_version_bump
from nurture.core.demo import DemoRun
from nurture.events.models import EDITABLE, EVENTS_DATA_SET, Event

LONDON: Final = ZoneInfo("Europe/London")
BATCH: Final = 2000
BULK_PREFIX: Final = "Awareness Week session #"
ORGANISATIONS: Final = (
    ("Severnside Family Hubs", "https://severnside.example.org"),
    ("Tyneside Parent–Infant Partnership", "https://tyneside-pip.example.org"),
)
TOWNS: Final = {
    Region.NORTH_EAST: ("Newcastle upon Tyne", "NE1 4LP"),
    Region.NORTH_WEST: ("Liverpool", "L1 8JQ"),
    Region.YORKSHIRE: ("Leeds", "LS1 1UR"),
    Region.EAST_MIDLANDS: ("Nottingham", "NG1 5FS"),
    Region.WEST_MIDLANDS: ("Birmingham", "B1 1BB"),
    Region.EAST: ("Norwich", "NR2 1TF"),
    Region.LONDON: ("Hackney, London", "E8 1EA"),
    Region.SOUTH_EAST: ("Brighton", "BN1 1UG"),
    Region.SOUTH_WEST: ("Bristol", "BS11 0QA"),
    Region.WALES: ("Cardiff", "CF10 1EP"),
    Region.SCOTLAND: ("Glasgow", "G1 1XQ"),
    Region.NORTHERN_IRELAND: ("Belfast", "BT1 5GS"),
}
TITLES: Final = (
    ("Baby massage and songs for new parents", Event.Audience.PARENTS),
    ("Stay and play: talking with your baby", Event.Audience.PARENTS),
    ("Understanding your baby's cues", Event.Audience.BOTH),
    ("Parent–infant relationships: a briefing for health visitors", Event.Audience.PROFESSIONALS),
    ("Perinatal mental health drop-in", Event.Audience.PARENTS),
    ("Reflective supervision in early-years settings", Event.Audience.PROFESSIONALS),
    ("Dads and babies walk in the park", Event.Audience.PARENTS),
    ("Why the first 1001 days matter: a public talk", Event.Audience.BOTH),
    ("Sleep, crying and settling: ask a health visitor", Event.Audience.PARENTS),
    ("Infant mental health for nursery staff", Event.Audience.PROFESSIONALS),
)
DESCRIPTION: Final = (
    "A friendly session during Infant Mental Health Awareness Week. {what} "
    "Come as you are: babies are welcome, and there is time for questions and a cup of tea."
)
WHAT: Final = {
    Event.Audience.PARENTS: "For parents and carers of babies up to two, with a practitioner from the local team.",
    Event.Audience.PROFESSIONALS: "For practitioners who work with babies and families; counts towards CPD.",
    Event.Audience.BOTH: "Open to families and to professionals who work with them.",
}
STATES: Final = (
    *["approved"] * 20,
    *["submitted"] * 4,
    "changes_requested",
    "changes_requested",
    "rejected",
    "cancelled",
    "cancelled",
    "proposal",
)


def _values(n: int, campaign: Campaign, rng: random.Random) -> dict[str, Any]:
    title, audience = TITLES[n % len(TITLES)]
    region = list(TOWNS)[n % len(TOWNS)]
    online = n % 4 == 3
    day = campaign.starts_on + timedelta(days=n % ((campaign.ends_on - campaign.starts_on).days + 1))
    starts = datetime.combine(day, time(rng.choice((9, 10, 11, 13, 14, 18, 19)), rng.choice((0, 30))), tzinfo=LONDON)
    town, postcode = TOWNS[region]
    free = n % 5 != 4
    return {
        "title": title,
        "description": DESCRIPTION.format(what=WHAT[audience]),
        "organiser_name": ORGANISATIONS[n % 2][0],
        "starts_at": starts,
        "ends_at": starts + timedelta(minutes=rng.choice((60, 90, 120))),
        "timezone": "Europe/London",
        "mode": Event.Mode.ONLINE if online else Event.Mode.IN_PERSON,
        "joining_link": f"https://meet.example.org/imhaw-{n}" if online else "",
        "joining_link_after_booking": online and n % 8 == 7,
        "venue": "" if online else f"{town.split(',')[0]} Family Hub",
        "street_address": "" if online else f"{10 + n % 80} High Street",
        "locality": "" if online else town,
        "postcode": "" if online else postcode,
        "region": "" if online and n % 2 else region,
        "audience": audience,
        "is_free": free,
        "cost": "" if free else "£5, free for parents on benefits",
        "booking_url": f"https://tickets.example.org/imhaw/{n}",
        "capacity": rng.choice((12, 20, 30, 60, 100)),
        "step_free": n % 3 != 0,
        "buggy_access": n % 3 != 0,
        "feeding_space": n % 2 == 0,
        "changing_space": n % 2 == 0,
        "quiet_room": n % 5 == 0,
        "babies_welcome": audience != Event.Audience.PROFESSIONALS,
        "accessibility_notes": "" if n % 3 else "Hearing loop in the main room; accessible parking at the front.",
    }


def _organisations(stdout: TextIO) -> list[Organisation]:
    made = []
    for name, website in ORGANISATIONS:
        organisation, _ = Organisation.objects.get_or_create(name=name, defaults={"website": website})
        made.append(organisation)
    organiser = User.objects.filter(email="organiser@demo.nurture.test").first()
    if organiser is not None and organiser.organisation_id is None:
        organiser.role, organiser.organisation = Role.EVENT_ORGANISER, made[0]
        organiser.save(update_fields=["role", "organisation"])
    elif organiser is None:
        stdout.write("  events: no demo organiser (organiser@demo.nurture.test); events have no submitter.\n")
    return made


def _event(n: int, campaign: Campaign, organisation: Organisation, submitter: User | None, state: str) -> Event:
    rng = random.Random(f"event:{n}")  # noqa: S311 - demo data
    values = _values(n, campaign, rng)
    now = timezone.now()
    event = Event(campaign=campaign, organisation=organisation, submitted_by=submitter, slug=slugify(values["title"]))
    for name in EDITABLE:
        setattr(event, name, values[name])
    listed = state in ("approved", "cancelled", "proposal")
    event.state = "approved" if state == "proposal" else state
    event.listed, event.approved_at = listed, now if listed else None
    event.public_changed_at = now if listed else None
    if state == "changes_requested":
        event.state_reason = "Please add what the venue offers for families with babies."
    elif state == "rejected":
        event.state_reason = "This looks like a product promotion rather than an awareness event."
    elif state == "cancelled":
        event.state_reason, event.sequence = "The venue is closed for repairs.", 1
    if state == "proposal":
        proposed = {**values, "title": values["title"] + " (now two sessions)"}
        event.proposal = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in proposed.items()}
        event.proposal_state = Event.ProposalState.SUBMITTED
    return event


def demo_events(*, stdout: TextIO | Any, events: int = 0) -> None:
    year = demo_campaign_year(timezone.localdate())
    campaign = campaign_of_year(year)
    if campaign is None:
        stdout.write(f"  events: no campaign for {year}; no events created.\n")
        return
    with transaction.atomic():
        organisations = _organisations(stdout)
        submitter = User.objects.filter(email="organiser@demo.nurture.test").first()
        if not Event.objects.filter(campaign=campaign).exclude(title__startswith=BULK_PREFIX).exists():
            Event.objects.bulk_create(
                [_event(n, campaign, organisations[n % 2], submitter, state) for n, state in enumerate(STATES)]
            )
            stdout.write(f"  events: {len(STATES)} demo events for {campaign.year}\n")
    if events > 0:
        _bulk(campaign, organisations, events, stdout)


def _bulk(campaign: Campaign, organisations: list[Organisation], wanted: int, stdout: TextIO) -> None:
    have = Event.objects.filter(campaign=campaign, title__startswith=BULK_PREFIX).count()
    for start in range(have, wanted, BATCH):
        batch = []
        for n in range(start, min(start + BATCH, wanted)):
            event = _event(n, campaign, organisations[n % 2], None, "approved")
            event.title = f"{BULK_PREFIX}{n + 1}: {event.title}"[:150]
            event.slug = slugify(event.title)[:80]
            batch.append(event)
        with transaction.atomic():
            Event.objects.bulk_create(batch)
    stdout.write(f"  events: {max(wanted - have, 0):,} more approved events ({max(wanted, have):,} in all)\n")


def demo_load(run: DemoRun) -> None:
    """The app's part of `manage.py demo` (`core/demo.py`)."""
    demo_events(stdout=run.stdout)
    data_version_bump(EVENTS_DATA_SET)  # written without the services: a running site's cached pages go
