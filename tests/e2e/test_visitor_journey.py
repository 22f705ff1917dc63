"""The visitor in the browser: from a Register search to the verification page and its
printout; the events month on a phone; the framework searched without JavaScript.

Only the entries, the campaign and its events are set up in the database; the visitor
arrives at the home page and moves by keyboard, as the journeys require.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import make_person
from nurture.accounts.models import Organisation
from nurture.campaigns.models import Campaign
from nurture.events.models import Event
from nurture.framework.selectors import framework_current, level_for
from nurture.register.services import register_entry_create
from tests.e2e.conftest import PHONE, Visitor

LONDON = ZoneInfo("Europe/London")
NAME = "Siobhán O'Néill"


def on_the_register() -> str:
    person = make_person("siobhan.oneill@example.org", name=NAME)
    entry = register_entry_create(practitioner=person, level=level_for(framework_current(), "prevention"), actor=None)
    for n in range(3):
        other = make_person(f"sian{n}@example.org", name=f"Siân Jones{n}")
        register_entry_create(practitioner=other, level=level_for(framework_current(), "promotion"), actor=None)
    return entry.number


@pytest.mark.browser
def test_a_visitor_checks_a_practitioner_from_a_search_result_and_prints_the_check(
    new_visitor: Callable[..., Visitor],
) -> None:
    number = on_the_register()
    visitor = new_visitor(keyboard=True)
    page = visitor.page
    visitor.visit("/")
    visitor.follow(page.get_by_role("link", name="The Register"))
    visitor.type_into(page.get_by_label("Name"), "oneill")
    visitor.follow(page.get_by_role("button", name="Search"))
    expect(page.locator("#results-count")).to_have_text("Showing 1 of 1 entry.")
    visitor.follow(page.get_by_role("rowheader").get_by_role("link", name=NAME))

    assert page.url.endswith(f"/register/{number}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    today = timezone.localdate()
    expect(page.locator(".checked-on")).to_have_text(
        f"Checked on {today.day} {today:%B %Y} against the Infant Mental Health Register."
    )

    # Printed (or saved as a PDF): the check and the page's address, without the site's menus.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.get_by_role("link", name="Search the Register")).to_be_hidden()
    expect(page.get_by_text(re.compile(rf"^This page: https?://.+/register/{re.escape(number)}/$"))).to_be_visible()
    expect(page.locator(".checked-on")).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.locator(".site-header")).to_be_visible()


def a_week_of_events() -> Campaign:
    year = timezone.localdate().year + 1
    campaign = Campaign.objects.create(
        year=year, slug=str(year), name="Infant Mental Health Awareness Week", theme="Relationships from the Start",
        starts_on=datetime(year, 6, 14).date(), ends_on=datetime(year, 6, 20).date(), published=True,
    )  # fmt: skip
    organisation = Organisation.objects.create(name="Severnside Family Hubs")
    for day, title, state in [
        (14, "Baby massage and songs for new parents in the Lawrence Weston Family Hub", Event.State.APPROVED),
        (16, "Understanding your baby's cues: an evening talk for fathers and partners", Event.State.APPROVED),
        (16, "Stay and play", Event.State.CANCELLED),
    ]:
        Event.objects.create(
            campaign=campaign, organisation=organisation, title=title, state=state,
            slug=re.sub(r"[^a-z]+", "-", title.lower())[:50],
            listed=True, approved_at=timezone.now(), public_changed_at=timezone.now(),
            organiser_name="Severnside Family Hubs", description="A morning for parents.",
            starts_at=datetime(year, 6, day, 10, tzinfo=LONDON), ends_at=datetime(year, 6, day, 12, tzinfo=LONDON),
            timezone="Europe/London", mode=Event.Mode.IN_PERSON, venue="Family Hub", locality="Bristol",
            region="south-west", audience=Event.Audience.PARENTS, is_free=True,
        )  # fmt: skip
    return campaign


@pytest.mark.browser
def test_on_a_phone_the_month_opens_on_the_week_and_lists_its_days(new_visitor: Callable[..., Visitor]) -> None:
    campaign = a_week_of_events()
    visitor = new_visitor(viewport=PHONE)
    page = visitor.page
    visitor.visit(f"/awareness-week/{campaign.slug}/")
    expect(page.get_by_text("2 events in the calendar")).to_be_visible()
    visitor.follow(page.get_by_role("link", name=f"The calendar for June {campaign.year}"))

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Events in June {campaign.year}")
    expect(page.locator(".pagination > span")).to_have_text("2 events · 1 cancelled, not counted")
    days = page.locator("table.month td:visible")
    expect(days).to_have_count(2)
    expect(days.nth(0).locator(".day-long")).to_have_text(re.compile(r"^\w+day 14 June$"))
    expect(days.nth(1)).to_contain_text("Cancelled: Stay and play")
    # Each day is a full-width block, one under the other: nothing overlaps.
    first, second = days.nth(0).bounding_box(), days.nth(1).bounding_box()
    assert first and second and first["width"] > PHONE["width"] * 0.8
    assert second["y"] >= first["y"] + first["height"] - 1
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.browser
def test_on_a_phone_without_javascript_a_busy_day_shows_its_first_events_and_leads_to_them_all(
    new_visitor: Callable[..., Visitor],
) -> None:
    campaign = a_week_of_events()
    template = Event.objects.get(title__startswith="Baby massage")
    names = [f.attname for f in Event._meta.concrete_fields if not f.primary_key]
    busy = []
    for n in range(30):
        starts = datetime(campaign.year, 6, 18, 9, n, tzinfo=LONDON)
        row = {name: getattr(template, name) for name in names}
        row.update(
            title=f"Rhyme time {n:02}", slug=f"rhyme-time-{n:02}", starts_at=starts, ends_at=starts.replace(hour=11)
        )
        busy.append(Event(**row))
    Event.objects.bulk_create(busy)
    visitor = new_visitor(viewport=PHONE, javascript=False)
    page = visitor.page
    visitor.visit(f"/events/month/{campaign.year}/6/?region=south-west")

    expect(page.locator(".pagination > span")).to_have_text("32 events · 1 cancelled, not counted")
    busy_day = page.locator("table.month td:visible").nth(2)
    expect(busy_day.locator(".day-long")).to_have_text(re.compile(r"^\w+day 18 June$"))
    expect(busy_day.locator(".day-count")).to_have_text("30 events")
    expect(busy_day.get_by_role("listitem")).to_have_text(
        ["09:00 Rhyme time 00", "09:01 Rhyme time 01", "09:02 Rhyme time 02"]
    )
    visitor.follow(busy_day.get_by_role("link", name="All 30 events on 18 June"))

    expect(page.get_by_label("Region")).to_have_value("south-west")
    expect(page.locator("#results ~ ul a")).to_have_count(25)
    visitor.follow(page.get_by_role("link", name="Next page"))
    expect(page.locator("#results ~ ul a")).to_have_text([f"Rhyme time {n}" for n in range(25, 30)])


@pytest.mark.browser
def test_the_framework_is_searched_without_javascript(new_visitor: Callable[..., Visitor]) -> None:
    visitor = new_visitor(keyboard=True, javascript=False)
    page = visitor.page
    visitor.visit("/framework/")
    visitor.type_into(page.get_by_label("Search the competencies"), "tantrums")
    visitor.follow(page.get_by_role("button", name="Search"))
    expect(page.get_by_role("heading", level=2)).to_have_text("1 competency matches “tantrums”")
    expect(page.locator("mark")).to_have_text(["tantrums"])
    visitor.follow(page.get_by_role("link", name="D1.4 Emotional and social development"))
    expect(page.get_by_role("heading", level=1)).to_have_text("D1.4 Emotional and social development")
