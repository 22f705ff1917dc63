"""Demo Awareness Week data: `demo_campaigns(stdout=…, signatures=N)`.

1. Four campaigns: 2020 "20:20 Vision", 2021 "Including Infants", 2022
   "Understanding Early Trauma" and this year's, each with key messages and a pledge.
2. Confirmed signatures for each past year (2021: 112, "over 100 signed in the week").
3. Resources: a film (embedded, with a transcript), an infographic (with its text
   alternative), a briefing (a small generated PDF) and a comms pack.
4. `signatures` extra confirmed signatures on this year's campaign, written with
   `bulk_create` in batches of 5,000 (for the 100,000-signature benchmark). Signature n
   always has the same email, so a larger run extends a smaller one.

Safe to run twice: campaigns and resources are found by slug, signatures by their
unique (campaign, canonical email), and the counts are recounted from the rows.
Nothing is emailed and nothing is audited: this is seed data, not anyone's action.
"""

from __future__ import annotations

import random
import struct
import time
import zlib
from datetime import date, datetime, timedelta
from typing import Any, Final

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from nurture.accounts.models import Profession, Region
from nurture.campaigns.models import Campaign, PledgeSignature, PledgeTally, Resource, ResourceVersion
from nurture.campaigns.services import campaign_touch
from nurture.core.demo import DEMO_DOMAIN, DemoRun

DOMAIN: Final = DEMO_DOMAIN
BATCH: Final = 5000
FIRST = ["Amara", "Ben", "Chloe", "Dev", "Eilidh", "Femi", "Grace", "Hamza", "Isla", "Jack", "Kiran", "Leah"]
LAST = ["Okafor", "Hughes", "Patel", "Murphy", "Evans", "Campbell", "Khan", "Jones", "O'Neill", "Williams"]
ORGS = ["Leeds Community Healthcare", "Home-Start", "Barnardo's", "Cardiff Council", "NHS Lothian", ""]

CAMPAIGNS: Final[list[dict[str, Any]]] = [
    {
        "year": 2020,
        "theme": "20:20 Vision",
        "starts_on": date(2020, 6, 8),
        "ends_on": date(2020, 6, 14),
        "hashtag": "#IMHAW2020",
        "key_messages": "Babies' mental health matters from the start.\n"
        "The 1,001 critical days from pregnancy to age two lay the foundations for life.\n"
        "Every area needs a specialised parent–infant relationship team.",
        "landing_body": "In 2020 we asked everyone to look ahead with clear vision: to see babies' "
        "emotional wellbeing as the foundation of lifelong mental health.",
        "pledge_text": "I pledge to keep babies' emotional wellbeing in view in my work.",
        "signed": 40,
    },
    {
        "year": 2021,
        "theme": "Including Infants",
        "starts_on": date(2021, 6, 7),
        "ends_on": date(2021, 6, 13),
        "hashtag": "#IMHAW2021",
        "key_messages": "Children and young people's mental health starts in infancy.\n"
        "26% of children and young people's mental health professionals had no training "
        "to work with 0–2-year-olds before qualifying.\n"
        "Services for children and young people must include babies.",
        "landing_body": "Babies are too often left out when we talk about children and young people's "
        "mental health. This year we asked professionals to include them.",
        "pledge_text": "I pledge to include infants whenever I talk about children and young people's mental health.",
        "signed": 112,
    },
    {
        "year": 2022,
        "theme": "Understanding Early Trauma",
        "starts_on": date(2022, 6, 13),
        "ends_on": date(2022, 6, 19),
        "hashtag": "#IMHAW2022",
        "key_messages": "Babies can be affected by trauma, even before they can speak.\n"
        "The strength of the parent–infant relationship is the main buffer.\n"
        "84% of professionals disagree that government does enough to protect children from trauma.",
        "landing_body": "Adversity and trauma in the earliest years can have lifelong effects. "
        "This year is about recognising early trauma and what helps babies recover.",
        "pledge_text": "I pledge to learn about early trauma and to ask how the babies I meet are doing.",
        "signed": 75,
    },
]
CURRENT: Final[dict[str, Any]] = {
    "theme": "Relationships from the Start",
    "hashtag": "#IMHAW",
    "key_messages": "Every baby needs a responsive, nurturing relationship.\n"
    "Parents and carers who get support early can build that relationship.\n"
    "84% of the public agree health services should support families with early relationship difficulties.",
    "landing_body": "This year we celebrate the relationships that help babies thrive, and the "
    "people who support parents and carers to build them.\n\n"
    "Join an event near you, share the resources, and sign the pledge.",
    "pledge_text": "I pledge to put babies' relationships with their parents and carers at the heart of my work.",
}


def demo_campaign_year(today: date) -> int:
    """The coming Awareness Week: this year's until its week is over, then next year's,
    so the demo's calendar always has events ahead of today."""
    return today.year if today <= _mid_june_week(today.year)[1] else today.year + 1


def _mid_june_week(year: int) -> tuple[date, date]:
    start = date(year, 6, 8)
    start += timedelta(days=(7 - start.weekday()) % 7)  # the Monday on or after 8 June
    return start, start + timedelta(days=6)


def _campaign(fields: dict[str, Any]) -> Campaign:
    values = {k: v for k, v in fields.items() if k != "signed"}
    campaign, _ = Campaign.objects.get_or_create(
        year=values["year"],
        defaults={**values, "slug": str(values["year"]), "name": "Infant Mental Health Awareness Week"},
    )
    return campaign


def _signature(campaign: Campaign, n: int, *, prefix: str, now: datetime) -> PledgeSignature:
    rng = random.Random(f"{campaign.year}:{prefix}:{n}")  # noqa: S311 - seed data, not security
    email = f"{prefix}{n}.{campaign.year}@{DOMAIN}"
    signed_at = now - timedelta(minutes=n)
    return PledgeSignature(
        campaign=campaign,
        status=PledgeSignature.Status.CONFIRMED,
        name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        profession=rng.choice(Profession.values),
        organisation=rng.choice(ORGS),
        region=rng.choice(Region.values),
        email=email,
        canonical_email=email,
        show_name=rng.random() < 0.6,
        created_at=signed_at,
        confirmed_at=signed_at + timedelta(minutes=5),
    )


def _signatures(campaign: Campaign, count: int, *, prefix: str, now: datetime) -> None:
    for start in range(1, count + 1, BATCH):
        numbers = range(start, min(count, start + BATCH - 1) + 1)
        rows = [_signature(campaign, n, prefix=prefix, now=now) for n in numbers]
        with transaction.atomic():
            PledgeSignature.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)


def tallies_recount(campaign: Campaign) -> int:
    """Rebuild the campaign's counts from its confirmed signatures (seed data only)."""
    rows = (
        PledgeSignature.objects.filter(campaign=campaign, status=PledgeSignature.Status.CONFIRMED)
        .values_list("profession", "region")
        .annotate(n=Count("pk"))
        .order_by()
    )
    with transaction.atomic():
        PledgeTally.objects.filter(campaign=campaign).delete()
        PledgeTally.objects.bulk_create(
            [PledgeTally(campaign=campaign, profession=p, region=r, count=n) for p, r, n in rows]
        )
        campaign_touch(campaign_id=campaign.pk)
    return sum(n for _p, _r, n in rows)


def demo_pdf(title: str) -> bytes:
    """A minimal valid one-page PDF that shows `title`."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")[:80]
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def demo_png(width: int = 4, height: int = 4) -> bytes:
    """A small valid PNG (a soft green square)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x2f\x6b\x5b" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


RESOURCES: Final[list[dict[str, Any]]] = [
    {
        "slug": "understanding-early-trauma-film",
        "title": "Understanding early trauma: a short film",
        "kind": Resource.Kind.FILM,
        "audience": Resource.Audience.EVERYONE,
        "summary": "Parents and practitioners talk about how babies experience trauma and what helps.",
        "transcript": "[Soft music]\n\nNarrator: Babies feel the world long before they can tell us about it.\n\n"
        "Health visitor: When a parent is frightened, the baby knows. What helps is a calm, "
        "responsive adult who keeps coming back.\n\n[Music ends]",
        "has_captions": True,
        "embed_url": "https://www.youtube-nocookie.com/embed/imhaw2022demo",
    },
    {
        "slug": "understanding-early-trauma-infographic",
        "title": "Early trauma: the facts",
        "kind": Resource.Kind.INFOGRAPHIC,
        "audience": Resource.Audience.PROFESSIONALS,
        "summary": "What professionals and the public told us about early trauma, on one page.",
        "text_alternative": "Early trauma: the facts. 97% of professionals and 75% of the public say early "
        "relationships are very important. 84% of professionals disagree that government does enough to "
        "protect children from trauma. 67% of professionals disagree that local services do enough.",
        "file": ("early-trauma-facts.png", demo_png, "image/png"),
    },
    {
        "slug": "understanding-early-trauma-briefing",
        "title": "Understanding early trauma: a briefing",
        "kind": Resource.Kind.BRIEFING,
        "audience": Resource.Audience.POLICY,
        "summary": "The evidence on early trauma and what local services can do, in four pages.",
        "file": (
            "understanding-early-trauma-briefing.pdf",
            lambda: demo_pdf("Understanding early trauma"),
            "application/pdf",
        ),
    },
    {
        "slug": "awareness-week-2022-comms-pack",
        "title": "Awareness Week 2022 comms pack",
        "kind": Resource.Kind.COMMS_PACK,
        "audience": Resource.Audience.PARTNERS,
        "summary": "Key messages, suggested posts and images for partner organisations.",
        "file": ("imhaw-2022-comms-pack.pdf", lambda: demo_pdf("Awareness Week 2022 comms pack"), "application/pdf"),
    },
]


def _resources(campaign: Campaign, now: datetime) -> int:
    made = 0
    for spec in RESOURCES:
        fields = {k: v for k, v in spec.items() if k not in ("slug", "embed_url", "file")}
        resource, created = Resource.objects.get_or_create(
            slug=spec["slug"],
            defaults={**fields, "campaign": campaign, "status": Resource.Status.PUBLISHED, "published_at": now},
        )
        made += created
        if resource.versions.exists():
            continue
        version = ResourceVersion(resource=resource, number=1, embed_url=spec.get("embed_url", ""))
        if "file" in spec:
            name, make, content_type = spec["file"]
            data = make()
            version.file_name, version.content_type, version.size = name, content_type, len(data)
            version.file.save(name, ContentFile(data), save=False)
        version.save()
    return made


def demo_campaigns(*, stdout: Any, signatures: int = 0) -> None:
    started = time.monotonic()
    now = timezone.now()
    today = timezone.localdate()
    past = [_campaign(fields) for fields in CAMPAIGNS]
    year = max(demo_campaign_year(today), 2023)
    starts_on, ends_on = _mid_june_week(year)
    current = _campaign({**CURRENT, "year": year, "starts_on": starts_on, "ends_on": ends_on})
    for campaign, fields in zip(past, CAMPAIGNS, strict=True):
        signed_at = timezone.make_aware(datetime.combine(campaign.ends_on, datetime.min.time()))
        _signatures(campaign, fields["signed"], prefix="signer", now=signed_at)
        tallies_recount(campaign)
    _signatures(current, 25, prefix="signer", now=now)
    if signatures:
        _signatures(current, signatures, prefix="bulk", now=now)
    total = tallies_recount(current)
    made = _resources(past[2], now)
    stdout.write(
        f"Awareness Week: {len(past) + 1} campaigns, {made} new resources, "
        f"{total} confirmed signatures on {current.year} ({time.monotonic() - started:.1f}s)."
    )


def demo_load(run: DemoRun) -> None:
    """The app's part of `manage.py demo` (`core/demo.py`)."""
    demo_campaigns(stdout=run.stdout)
