"""A month with thousands of events: each day shows its count and its first few events,
and links to the day's full list; the page stays small and its queries do not grow."""

from __future__ import annotations

import html as html_lib
import re
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse

from conftest import client_for
from nurture.core.tests.queries import page_queries
from nurture.events.models import Event
from nurture.events.selectors import SHOWN_PER_DAY
from nurture.events.services import event_cancel

from .conftest import LONDON

# A month page's own frame (header, filters, navigation, footer) is about 12.5 KB. Each day
# with events adds its count, at most SHOWN_PER_DAY linked events and its "All N" link,
# which carries the filters: under 0.9 KB with the longest titles an event may have (150
# characters), so 31 such days make a page of about 39 KB, whether the month holds 31
# events or 2,000 (the page that listed them all was 329 KB at 2,000). 48 KB leaves the
# site's frame room to grow.
MONTH_PAGE_MOST_BYTES = 48_000
LONGEST_TITLE = "Songs rhymes and" + " baby massage" * 10  # + " NNN": 150 characters, the most allowed

MORE_LINK = re.compile(r'<a href="(/events/\?[^"]*)">(All [^<]*)</a>')


def clones(template: Event, count: int, *, day: date, title: str = "Stay and play", **values: Any) -> None:
    """`count` more listed events like `template` on `day`, a minute apart from 10:00
    (London), titled "<title> 000", "<title> 001", …: written in bulk, as the benchmarks do."""
    names = [f.attname for f in Event._meta.concrete_fields if not f.primary_key]
    rows = []
    for n in range(count):
        starts = datetime.combine(day, time(10, 0), tzinfo=LONDON) + timedelta(minutes=n)
        row = {name: getattr(template, name) for name in names}
        row.update(title=f"{title} {n:03}", slug=f"stay-and-play-{n:03}", starts_at=starts)
        row.update(ends_at=starts + timedelta(hours=1), **values)
        rows.append(Event(**row))
    Event.objects.bulk_create(rows)


def month_table(page: str) -> str:
    return page[page.index('<table class="month">') : page.index("</table>")]


def more_links(page: str) -> dict[str, str]:
    """The month's "All N events on …" links: their text → their address."""
    return {text: html_lib.unescape(href) for href, text in MORE_LINK.findall(page)}


def titles_on_list(client: Any, url: str) -> list[str]:
    """Every event title the list shows from `url`, following its "Next page" links."""
    found: list[str] = []
    url = url.split("#")[0]
    while url:
        page = client.get(url).content.decode()
        found += re.findall(r'<a href="/events/\d+/[^"]+">([^<]+)</a><br>', page)
        following = re.search(r'<a href="([^"]+)">Next page</a>', page)
        url = reverse("events:list") + html_lib.unescape(following.group(1)) if following else ""
    return found


def test_the_month_reads_as_many_queries_for_500_events_in_a_day_as_for_5(approved):
    client = client_for(None)
    clones(approved, 5, day=date(2031, 6, 4))
    few, few_page = page_queries(client, "/events/month/2031/6/")
    clones(approved, 500, day=date(2031, 7, 9))
    many, many_page = page_queries(client, "/events/month/2031/7/")
    assert "All 5 events on 4 June" in few_page
    assert "All 500 events on 9 July" in many_page
    assert (few, many) == (3, 3), "the versions (a cache miss), the day counts, each day's first few"


def test_a_month_of_2000_events_stays_small(approved):
    first = date(2031, 8, 1)
    for n in range(31):
        clones(approved, 64 + (n % 2 == 0), day=first + timedelta(days=n), title=LONGEST_TITLE)
    filters = {"q": "songs rhymes", "region": "south-west", "audience": "parents", "mode": "in_person"}
    response = client_for(None).get(reverse("events:month", args=[2031, 8]), filters)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<span>2000 events</span>" in page
    assert len(response.content) < MONTH_PAGE_MOST_BYTES
    # Each day shows its count and its first few events, and links to the rest.
    assert month_table(page).count("<li><a href=") == 31 * SHOWN_PER_DAY
    assert len(more_links(page)) == 31
    assert "64 events</p>" in page and "65 events</p>" in page


def test_a_busy_day_shows_its_first_events_by_time_then_title_and_links_to_them_all(approved, submit, approve):
    # Two events start at 09:00: they show by title.
    nine = datetime(2031, 5, 12, 9, 0, tzinfo=LONDON)
    approve(submit(title="Walk with your pram", starts_at=nine, ends_at=nine + timedelta(minutes=45)))
    approve(submit(title="Baby yoga", starts_at=nine, ends_at=nine + timedelta(minutes=45)))
    clones(approved, 30, day=date(2031, 5, 12))  # from 10:00, as is `approved`
    client = client_for(None)
    page = client.get(reverse("events:month", args=[2031, 5])).content.decode()
    shown = re.findall(r"<li><a href=\"[^\"]+\">([^<]+)</a></li>", month_table(page))
    assert shown == ["09:00 Baby yoga", "09:00 Walk with your pram", "10:00 Baby massage and songs for new parents"]
    assert "33 events</p>" in page
    links = more_links(page)
    assert list(links) == ["All 33 events on 12 May"]
    # The full list shows all 33, 25 on a page.
    titles = titles_on_list(client, links["All 33 events on 12 May"])
    assert len(titles) == len(set(titles)) == 33
    assert {f"Stay and play {n:03}" for n in range(30)} <= set(titles)
    assert {"Baby yoga", "Walk with your pram", "Baby massage and songs for new parents"} <= set(titles)


def test_a_quiet_day_has_no_link_to_more(approved):
    page = client_for(None).get(reverse("events:month", args=[2031, 5])).content.decode()
    assert "1 event</p>" in page
    assert more_links(page) == {}


def test_the_day_links_carry_the_months_filters(approved):
    clones(approved, 4, day=date(2031, 5, 14), region="north-west", title="Songs")
    clones(approved, 6, day=date(2031, 5, 14), region="south-west", title="Songs")
    client = client_for(None)
    query = {"region": "south-west", "audience": "parents", "q": "songs", "start": "2031-01-01"}
    page = client.get(reverse("events:month", args=[2031, 5]), query).content.decode()
    links = more_links(page)
    assert list(links) == ["All 6 events on 14 May"]  # 12 May shows its one event: no link
    link = urlsplit(links["All 6 events on 14 May"])
    assert parse_qs(link.query) == {
        "start": ["2031-05-14"], "end": ["2031-05-14"],
        "q": ["songs"], "region": ["south-west"], "audience": ["parents"],
    }  # fmt: skip
    titles = titles_on_list(client, f"{link.path}?{link.query}")
    assert sorted(titles) == [f"Songs {n:03}" for n in range(6)]


def test_a_month_refusing_its_filters_links_days_without_them(approved):
    clones(approved, 4, day=date(2031, 5, 14), region="north-west")
    response = client_for(None).get(reverse("events:month", args=[2031, 5]), {"region": "<script>", "q": "x"})
    assert response.status_code == 400
    links = more_links(response.content.decode())
    assert links == {"All 4 events on 14 May": "/events/?start=2031-05-14&end=2031-05-14#results"}


def test_a_busy_day_counts_by_the_one_rule_and_still_lists_its_cancelled_events(approved, submit, approve, organiser):
    clones(approved, 3, day=date(2031, 5, 12))
    eight = datetime(2031, 5, 12, 8, 0, tzinfo=LONDON)
    called_off = approve(submit(title="Called off", starts_at=eight, ends_at=eight + timedelta(hours=1)))
    event_cancel(event=called_off, actor=organiser, reason="The hall flooded.")
    page = client_for(None).get(reverse("events:month", args=[2031, 5])).content.decode()
    assert "<span>4 events · 1 cancelled, not counted</span>" in page
    assert "4 events · 1 cancelled</p>" in page
    assert "08:00 Cancelled: Called off" in page
    assert list(more_links(page)) == ["All 4 events and 1 cancelled on 12 May"]


def test_days_are_the_sites_days(approved, submit, approve):
    # 23:30 on 13 May in London is 22:30 UTC; 00:30 on 14 May is 23:30 UTC on the 13th.
    for hour, minute, day in ((23, 30, 13), (0, 30, 14)):
        starts = datetime(2031, 5, day, hour, minute, tzinfo=LONDON)
        approve(submit(title=f"Night feed talk {day}", starts_at=starts, ends_at=starts + timedelta(minutes=30)))
    page = client_for(None).get(reverse("events:month", args=[2031, 5])).content.decode()
    thirteenth = re.search(r'<time datetime="2031-05-13">.*?</td>', page, re.S)
    fourteenth = re.search(r'<time datetime="2031-05-14">.*?</td>', page, re.S)
    assert thirteenth and "23:30 Night feed talk 13" in thirteenth.group(0)
    assert fourteenth and "00:30 Night feed talk 14" in fourteenth.group(0)


def test_months_outside_the_calendar_are_not_found(db):
    client = client_for(None)
    for year, month in ((1999, 12), (2101, 1), (2031, 0), (2031, 13)):
        assert client.get(f"/events/month/{year}/{month}/").status_code == 404
