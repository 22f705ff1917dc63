"""Awareness Week in the browser: an event reaches the public calendar, and the pledge counts once.

Only the people, the organisation and this year's campaign are set up in the
database; the journeys happen in the browser, each person in a context of their
own. An event organiser submits an in-person event with its access details; the
coordinator signs in with two-factor authentication and approves it; the
organiser is emailed; a visitor filters the calendar by region, opens the event,
reads its schema.org data and adds it to their calendar. On the pledge, a visitor
signs, confirms from the emailed link and is counted once; signing again with
the same address written differently sends a new link but never counts twice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Page, expect

from conftest import make_person
from nurture.accounts.models import Organisation, Profession, Region, User
from nurture.accounts.roles import Role
from nurture.campaigns.demo import tallies_recount
from nurture.campaigns.models import Campaign, PledgeSignature
from nurture.core.addresses import email_canonical
from nurture.events.models import Event
from nurture.events.services import event_moderate, event_submit
from tests.e2e.conftest import Visitor, link_in
from tests.e2e.test_endorsement_journey import sign_in

Outbox = list[EmailMessage]
LONDON = ZoneInfo("Europe/London")

ORGANISER = ("events@severnside-hubs.example.org", "Priya Shah")
ORGANISATION = "Severnside Family Hubs"
COORDINATOR = ("coordinator@association.example.org", "Morag Coordinator")
TITLE = "Baby massage and songs for new parents"
REGION = Region.SOUTH_WEST
ELSEWHERE = "Stay and play for dads and babies"  # an approved event in another region

SIGNER = "Rhiannon Pryce-Jones"
SIGNER_EMAIL = "rhiannon.pryce@example.org"
SIGNER_AGAIN = "Rhiannon.Pryce+week@Example.org"  # the same mailbox, written differently
SIGNER_ORGANISATION = "Cardiff and Vale Health Board"
CONFIRM_LINK = r"/awareness-week/pledge/confirm/[^/\s]+/"


# Set-up: what is not the journey itself -------------------------------------------


def the_week() -> tuple[date, date]:
    """An Awareness Week that starts a week from today, so every event in it is upcoming."""
    starts_on = timezone.localdate() + timedelta(days=7)
    return starts_on, starts_on + timedelta(days=6)


def this_years_campaign(*, first_day: date) -> Campaign:
    """The campaign of the event's year (events belong to the campaign of their start's year)."""
    starts_on, ends_on = the_week()
    return Campaign.objects.create(
        year=first_day.year,
        slug=str(first_day.year),
        name="Infant Mental Health Awareness Week",
        theme="Relationships from the Start",
        starts_on=starts_on,
        ends_on=max(ends_on, starts_on),
        hashtag="#IMHAW",
        key_messages="Every baby needs a responsive, nurturing relationship.",
        landing_body="Join an event near you, share the resources, and sign the pledge.",
        pledge_text="I pledge to put babies' relationships with their parents and carers at the heart of my work.",
    )


def organiser() -> User:
    person = make_person(ORGANISER[0], Role.EVENT_ORGANISER, name=ORGANISER[1])
    person.organisation = Organisation.objects.create(name=ORGANISATION, website="https://severnside.example.org")
    person.save(update_fields=["organisation"])
    return person


def approved_event_elsewhere(campaign: Campaign, coordinator: User, day: date) -> None:
    """Another organisation's approved event in London, which a South West filter must leave out."""
    other = make_person("hello@dads-club.example.org", Role.EVENT_ORGANISER, name="Tunde Bello")
    other.organisation = Organisation.objects.create(name="Dads' Club London")
    other.save(update_fields=["organisation"])
    values: dict[str, Any] = {
        "title": ELSEWHERE,
        "description": "A Saturday morning of play, songs and coffee for dads and their babies under two.",
        "organiser_name": "Dads' Club London",
        "starts_at": datetime.combine(day, time(10, 0), tzinfo=LONDON),
        "ends_at": datetime.combine(day, time(12, 0), tzinfo=LONDON),
        "timezone": "Europe/London",
        "mode": Event.Mode.IN_PERSON,
        "joining_link": "",
        "joining_link_after_booking": False,
        "venue": "Hackney Children's Centre",
        "street_address": "1 Mare Street",
        "locality": "London",
        "postcode": "E8 1AA",
        "region": Region.LONDON,
        "audience": Event.Audience.PARENTS,
        "is_free": True,
        "cost": "",
        "booking_url": "",
        "capacity": 15,
        "step_free": True,
        "buggy_access": False,
        "feeding_space": False,
        "changing_space": True,
        "quiet_room": False,
        "babies_welcome": True,
        "accessibility_notes": "",
    }
    event = event_submit(organiser=other, campaign=campaign, values=values)
    event_moderate(event=event, actor=coordinator, action="approve")


def confirmed_signatures(campaign: Campaign, count: int) -> None:
    """Earlier signers, confirmed and counted, so the count does not start at nought."""
    now = timezone.now()
    for n in range(1, count + 1):
        email = f"earlier{n}@example.net"
        PledgeSignature.objects.create(
            campaign=campaign,
            status=PledgeSignature.Status.CONFIRMED,
            name=f"Earlier Signer {n}",
            profession=Profession.MIDWIFE,
            region=Region.WALES,
            email=email,
            canonical_email=email_canonical(email),
            show_name=True,
            created_at=now - timedelta(hours=3),
            confirmed_at=now - timedelta(hours=2),
        )
    tallies_recount(campaign)


# The event: submitted, approved, found -------------------------------------------


def organiser_submits(me: Visitor, day: date) -> None:
    page = me.page
    me.visit("/events/submit/")
    sign_in(me, ORGANISER[0])  # the sign-in page returns them to the form
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit an event")
    me.type_into(page.get_by_label("Title"), TITLE)
    me.type_into(
        page.get_by_label("Description"),
        "A relaxed morning of baby massage, songs and tea for parents and carers of babies up to one year old. "
        "Bring a towel; mats and oil are provided.",
    )
    expect(page.get_by_label("Organiser", exact=True)).to_have_value(ORGANISATION)
    page.get_by_role("group", name="Who it is for").get_by_label("Parents and carers", exact=True).check()
    me.enter_date(page.get_by_role("group", name="Start date"), day)
    page.get_by_label("Start time").fill("10:00")
    me.enter_date(page.get_by_role("group", name="End date"), day)
    page.get_by_label("End time").fill("12:00")
    expect(page.get_by_label("Time zone")).to_have_value("Europe/London")
    page.get_by_role("group", name="Online or in person").get_by_label("In person", exact=True).check()
    me.type_into(page.get_by_label("Venue (needed for in-person events)"), "Lawrence Weston Family Hub")
    me.type_into(page.get_by_label("Street address"), "Long Cross")
    me.type_into(page.get_by_label("Town or city"), "Bristol")
    me.type_into(page.get_by_label("Postcode"), "bs11 0qa")
    me.choose(page.get_by_label("Region (needed for in-person events)", exact=True), REGION.label)
    me.tick(page.get_by_label("Free to attend"))
    me.type_into(page.get_by_label("Places"), "20")
    for need in ("Step-free access", "Buggy access and parking", "A space to feed a baby", "Babies welcome"):
        me.tick(page.get_by_label(need, exact=True))
    me.type_into(
        page.get_by_label("Other accessibility information"),
        "Hearing loop in the main room. Accessible parking bay by the entrance.",
    )
    me.follow(page.get_by_role("button", name="Submit for moderation"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your organisation’s events")
    expect(page.get_by_role("status").first).to_contain_text(f"Submitted “{TITLE}”.")
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row.get_by_role("cell").nth(0)).to_have_text(f"{day.day} {day:%B %Y}, 10:00")
    expect(row.get_by_role("cell").nth(1)).to_have_text("Waiting for moderation")


def coordinator_approves(coordinator: Visitor) -> None:
    page = coordinator.page
    coordinator.visit("/staff/events/")
    sign_in(coordinator, COORDINATOR[0], two_factor=True)
    expect(page.get_by_role("heading", level=1)).to_have_text("Events to moderate")
    queue = page.get_by_role("region", name="Waiting for you")
    expect(queue.get_by_role("row").filter(has_text=TITLE)).to_contain_text(ORGANISATION)
    expect(queue.get_by_role("row").filter(has_text=ELSEWHERE)).to_have_count(0)
    coordinator.follow(queue.get_by_role("link", name=TITLE))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Lawrence Weston Family Hub, Long Cross, Bristol BS11 0QA (South West)")
    expect(facts).to_contain_text(
        "Step-free access, Buggy access and parking, A space to feed a baby, Babies welcome. "
        "Hearing loop in the main room."
    )
    page.get_by_role("group", name="Decision").get_by_label("Approve", exact=True).check()
    coordinator.follow(page.get_by_role("button", name="Record the decision"))
    expect(page.get_by_role("status").first).to_contain_text(f"Done: “{TITLE}”. The organiser has been emailed.")
    expect(page.get_by_role("main")).to_contain_text("Nothing is waiting for moderation.")


def organiser_is_told(mailoutbox: Outbox) -> None:
    told = [m for m in mailoutbox if ORGANISER[0] in m.to]
    assert [m.subject for m in told] == [f"Your event is on the calendar: {TITLE}"], [
        (m.to, m.subject) for m in mailoutbox
    ]
    assert re.search(r"https?://\S+/events/\d+/[\w-]+/", told[0].body), told[0].body


def visitor_finds_the_event(visitor: Visitor, day: date) -> str:
    """From the calendar, by region: the event's path."""
    page = visitor.page
    visitor.visit("/events/")
    results = page.locator("#results ~ ul")
    expect(results.get_by_role("link", name=ELSEWHERE)).to_be_visible()  # before filtering, both show
    visitor.choose(page.get_by_label("Region"), REGION.label)
    visitor.follow(page.get_by_role("button", name="Show events"))
    assert f"region={REGION.value}" in page.url, page.url
    expect(page.get_by_label("Region")).to_have_value(REGION.value)
    expect(results.get_by_role("link", name=ELSEWHERE)).to_have_count(0)
    expect(page.locator("#results ~ h3").first).to_have_text(f"{day:%A} {day.day} {day:%B %Y}")
    row = results.locator("li").filter(has_text=TITLE)
    expect(row).to_contain_text("10:00–12:00")
    expect(row).to_contain_text("Lawrence Weston Family Hub, Bristol · South West · Parents and carers · Free")
    visitor.follow(row.get_by_role("link", name=TITLE))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    main = page.get_by_role("main")
    expect(main).to_contain_text("Lawrence Weston Family Hub, Long Cross, Bristol BS11 0QA (South West)")
    for need in ("Step-free access", "Buggy access and parking", "A space to feed a baby", "Babies welcome"):
        expect(main.get_by_role("listitem").filter(has_text=need)).to_have_count(1)
    expect(main).to_contain_text("Hearing loop in the main room.")
    return page.url


def structured_data_is_an_event(page: Page, day: date) -> None:
    scripts = page.locator('script[type="application/ld+json"]')
    expect(scripts).to_have_count(1)
    data = json.loads(scripts.text_content() or "")
    assert data["@type"] == "Event"
    assert data["name"] == TITLE
    assert data["startDate"] == datetime.combine(day, time(10, 0), tzinfo=LONDON).isoformat()
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"]["address"]["addressRegion"] == REGION.label
    assert data["location"]["address"]["postalCode"] == "BS11 0QA"


def calendar_file_holds_the_event(visitor: Visitor, day: date) -> None:
    page = visitor.page
    link = page.get_by_role("link", name="Add to your calendar (.ics file)")
    href = link.get_attribute("href")
    assert href and re.fullmatch(r"/events/\d+\.ics", href), href
    response = page.request.get(urljoin(visitor.base_url, href))
    assert response.ok, response.status
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.body())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1, calendar.to_ical().decode()
    event = events[0]
    assert str(event["SUMMARY"]) == TITLE
    start = event["DTSTART"]
    assert start.params["TZID"] == "Europe/London", start.to_ical()
    assert start.dt == datetime.combine(day, time(10, 0), tzinfo=LONDON)
    assert "Long Cross, Bristol, BS11 0QA" in str(event["LOCATION"])


@pytest.mark.browser
def test_an_organisers_event_is_approved_and_found_on_the_calendar_by_region(
    new_visitor: Callable[..., Visitor], mailoutbox: Outbox
) -> None:
    starts_on, _ends_on = the_week()
    day = starts_on + timedelta(days=2)
    campaign = this_years_campaign(first_day=day)
    organiser()
    moderator = make_person(COORDINATOR[0], Role.COORDINATOR, name=COORDINATOR[1])
    approved_event_elsewhere(campaign, moderator, day)
    mailoutbox.clear()

    organiser_submits(new_visitor(), day)
    assert Event.objects.get(title=TITLE).state == Event.State.SUBMITTED

    coordinator_approves(new_visitor())
    assert Event.objects.get(title=TITLE).state == Event.State.APPROVED
    organiser_is_told(mailoutbox)

    visitor = new_visitor()
    visitor_finds_the_event(visitor, day)
    structured_data_is_an_event(visitor.page, day)
    calendar_file_holds_the_event(visitor, day)


# The pledge: counted once ---------------------------------------------------------


def signed_count(page: Page) -> int:
    heading = page.get_by_role("heading", level=2, name=re.compile(r"(people have|person has) signed$"))
    found = re.fullmatch(r"(\d+) (people have|person has) signed", heading.inner_text().strip())
    assert found, heading.inner_text()
    return int(found[1])


def open_the_pledge(visitor: Visitor) -> int:
    """From the home page, through Awareness Week: the count shown."""
    page = visitor.page
    visitor.visit("/")
    visitor.open_menu()
    visitor.follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Awareness Week"))
    visitor.follow(page.get_by_role("link", name=re.compile(r"^Sign the pledge")))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^The \d{4} pledge$"))
    return signed_count(page)


def sign(visitor: Visitor, email: str) -> None:
    page = visitor.page
    form = page.locator("form", has=page.get_by_role("button", name="Sign the pledge"))
    visitor.type_into(form.get_by_label("Your name"), SIGNER)
    visitor.choose(form.get_by_label("Your role or profession"), Profession.HEALTH_VISITOR.label)
    visitor.type_into(form.get_by_label("Organisation (optional)", exact=True), SIGNER_ORGANISATION)
    visitor.choose(form.get_by_label("Region", exact=True), Region.WALES.label)
    visitor.type_into(form.get_by_label("Email address"), email)
    visitor.tick(form.get_by_label("Show my name, role and organisation on the public list of signatories"))
    visitor.follow(page.get_by_role("button", name="Sign the pledge"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")


def follow_the_link(visitor: Visitor, mailoutbox: Outbox, email: str) -> None:
    visitor.visit(link_in(mailoutbox, to=email, path=CONFIRM_LINK))
    expect(visitor.page.get_by_role("heading", level=1)).to_have_text("Confirm your signature")


def names_shown(page: Page) -> list[str]:
    listed = page.locator("section[aria-labelledby='names-heading'] li strong")
    return [name.strip() for name in listed.all_inner_texts()]


@pytest.mark.browser
def test_a_pledge_signature_counts_once_however_the_email_is_written(
    new_visitor: Callable[..., Visitor], mailoutbox: Outbox
) -> None:
    assert email_canonical(SIGNER_AGAIN) == email_canonical(SIGNER_EMAIL)
    campaign = this_years_campaign(first_day=the_week()[0])
    confirmed_signatures(campaign, 2)

    visitor = new_visitor()
    page = visitor.page
    before = open_the_pledge(visitor)
    assert before == 2
    assert SIGNER not in names_shown(page)

    sign(visitor, SIGNER_EMAIL)
    follow_the_link(visitor, mailoutbox, SIGNER_EMAIL)
    main = page.get_by_role("main")
    expect(main).to_contain_text(f"Confirm that you, {SIGNER}, sign the {campaign.year} pledge.")
    # Opening the link (as a mail scanner would) changed nothing: the button does.
    assert PledgeSignature.objects.get(email=SIGNER_EMAIL).status == PledgeSignature.Status.PENDING
    visitor.follow(page.get_by_role("button", name="Confirm my signature"))
    expect(main).to_contain_text(f"Thank you, {SIGNER}: your signature counts.")
    visitor.follow(page.get_by_role("link", name="See the pledge"))
    assert signed_count(page) == before + 1
    assert names_shown(page)[0] == SIGNER, names_shown(page)
    shown = page.locator("section[aria-labelledby='names-heading'] li").filter(has_text=SIGNER)
    expect(shown).to_contain_text(f"{SIGNER}, {SIGNER_ORGANISATION} (Health visitor, Wales)")

    # The same mailbox again, with capitals and a +tag: a new link, but no second signature.
    sent = len(mailoutbox)
    sign(visitor, SIGNER_AGAIN)
    assert len(mailoutbox) == sent + 1
    follow_the_link(visitor, mailoutbox, SIGNER_AGAIN)
    expect(main).to_contain_text(f"Thank you, {SIGNER}: your signature counts.")
    expect(page.get_by_role("button", name="Confirm my signature")).to_have_count(0)
    visitor.follow(page.get_by_role("link", name="See the pledge"))
    assert signed_count(page) == before + 1
    assert names_shown(page).count(SIGNER) == 1, names_shown(page)
    assert PledgeSignature.objects.filter(campaign=campaign).count() == before + 1
