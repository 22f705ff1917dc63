"""Django-side helpers of `bench.campaign`, run in a subprocess with the benchmark's settings.

python -m bench.campaign_data build SIGNATURES EVENTS
    this year's campaign with SIGNATURES bulk confirmed signatures and EVENTS
    bulk approved events (the demo's own bulk helpers), after `manage.py demo`.
python -m bench.campaign_data facts
    JSON: the current campaign's slug and dates, a region and an audience with events,
    and the busiest month of the calendar (the most listed events, site time zone).
python -m bench.campaign_data check EMAIL_SUFFIX
    JSON: the signatures whose email ends with EMAIL_SUFFIX by status, emails with more
    than one signature, confirmed signatures vs the campaign's tallies.
"""

from __future__ import annotations

import json
import sys

import django


def build(signatures: int, events: int) -> None:
    from nurture.campaigns.demo import demo_campaigns
    from nurture.events.demo import demo_events

    demo_campaigns(stdout=sys.stdout, signatures=signatures)
    sys.stdout.write("\n")
    demo_events(stdout=sys.stdout, events=events)


def facts() -> dict[str, object]:
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    from nurture.campaigns.selectors import campaign_current
    from nurture.events.models import Event
    from nurture.events.selectors import site_zone

    campaign = campaign_current()
    assert campaign is not None, "no current campaign: build the data first"
    listed = Event.objects.for_public_display().filter(campaign=campaign)
    regions = list(listed.exclude(region="").values("region").annotate(n=Count("pk")).order_by("-n", "region"))
    assert regions, "no events with a region"
    region = regions[0]
    months = (
        Event.objects.for_public_display()
        .annotate(month=TruncMonth("starts_at", tzinfo=site_zone()))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("-n", "month")
    )
    busiest = months[0]
    return {
        "slug": campaign.slug,
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
        "pledge_open": campaign.pledge_open,
        "region": region["region"],
        "region_events": region["n"],
        "regions": [row["region"] for row in regions],
        "listed_events": listed.count(),
        "all_events": Event.objects.filter(campaign=campaign).count(),
        "busiest_month": f"{busiest['month']:%Y/%-m}",
        "busiest_month_events": busiest["n"],
    }


def check(suffix: str) -> dict[str, object]:
    from django.db.models import Count, Sum

    from nurture.campaigns.models import PledgeSignature, PledgeTally
    from nurture.campaigns.selectors import campaign_current

    campaign = campaign_current()
    assert campaign is not None
    ours = PledgeSignature.objects.filter(campaign=campaign, email__endswith=suffix)
    by_status = dict(ours.values_list("status").annotate(n=Count("pk")).order_by())
    doubles = (
        PledgeSignature.objects.filter(campaign=campaign)
        .values("canonical_email")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    confirmed_emails = list(ours.filter(status=PledgeSignature.Status.CONFIRMED).values_list("email", flat=True))
    all_confirmed = PledgeSignature.objects.filter(campaign=campaign, status=PledgeSignature.Status.CONFIRMED).count()
    tallied = PledgeTally.objects.filter(campaign=campaign).aggregate(n=Sum("count"))["n"] or 0
    return {
        "by_status": by_status,
        "signatures": sum(by_status.values()),
        "confirmed_emails": confirmed_emails,
        "emails_signed_twice": doubles,
        "campaign_confirmed_rows": all_confirmed,
        "campaign_tallied": tallied,
    }


def main() -> None:
    django.setup()
    command, *args = sys.argv[1:]
    if command == "build":
        build(int(args[0]), int(args[1]))
    elif command == "facts":
        print(json.dumps(facts()))
    elif command == "check":
        print(json.dumps(check(args[0])))
    else:
        sys.exit(f"unknown command {command!r}")


if __name__ == "__main__":
    main()
