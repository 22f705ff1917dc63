"""The shortened practitioner journey: a year's supervision entered in one form, the
supervisor confirming it from one emailed link (deciding each session), and readiness
leading straight to the application.

Amara's portfolio already has her degree, training, work and evidence for Prevention;
only reflective supervision is missing. She enters four sessions with her supervisor and
one with a colleague in one form, adding rows with "Add another session" (no JavaScript
needed). Each of them gets one email. Her supervisor confirms three sessions and declines
one. Readiness then says she meets every requirement and starts her application; naming
no referee and submitting says why it cannot go. Screenshots of each page at 1280 and
390 px go to $NURTURE_SHOTS (default /tmp/shots/practitioner).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.mail import EmailMessage
from playwright.sync_api import Page, expect

from nurture.endorsements.models import Application
from nurture.endorsements.tests.conftest import ready_portfolio
from nurture.framework.models import Education, Level
from nurture.portfolios.models import EducationRecord, SupervisionEntry
from tests.e2e.conftest import DESKTOP, PHONE, Visitor, link_in

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("NURTURE_SHOTS") or Path(tempfile.gettempdir()) / "shots" / "practitioner")
SUPERVISOR = ("Dr Elena Rivera", "elena.rivera@clinic.example.org")
COLLEAGUE = ("Sam Patel", "sam.patel@example.org")
LEVEL = "Infant Mental Health Prevention"


def shoot(page: Page, name: str) -> None:
    """The page at a desktop's and a phone's width, whole, for a person to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("1280", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=SHOTS / f"{name}-{label}.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def fill_session(me: Visitor, number: int, day: date, who: tuple[str, str], hours: str, kind: str) -> None:
    row = me.page.get_by_role("group", name=f"Session {number}", exact=True)
    me.enter_date(row.get_by_role("group", name="Date of session"), day)
    name, email = who
    if row.get_by_label("Supervisor name").input_value() != name:
        row.get_by_label("Supervisor name").fill("")
        me.type_into(row.get_by_label("Supervisor name"), name)
        row.get_by_label("Supervisor email").fill("")
        me.type_into(row.get_by_label("Supervisor email"), email)
    me.type_into(row.get_by_label("Hours"), hours)
    me.choose(row.get_by_label("Kind"), kind)


@pytest.fixture
def amara(practitioner):
    level = Level.objects.get(version__is_current=True, code="prevention")
    ready_portfolio(practitioner, level)
    EducationRecord.objects.create(
        owner=practitioner,
        level=Education.DEGREE,
        qualification="BSc (Hons) Nursing",
        institution="University of Leeds",
        awarded_on=date(2015, 7, 1),
    )
    return practitioner


def test_supervision_entered_together_confirmed_with_one_link_then_straight_to_the_application(
    new_visitor: Callable[..., Visitor], amara, mailoutbox: list[EmailMessage]
):
    today = date.today()
    me = new_visitor()
    me.sign_in_as(amara)
    page = me.page
    me.visit("/portfolio/")
    shoot(page, "portfolio-home")
    me.follow(page.get_by_role("link", name=f"Readiness for {LEVEL}"))
    expect(page.locator('tr[data-requirement="supervision"]')).to_contain_text("Not yet")
    expect(page.get_by_role("button", name=re.compile("Start your application"))).to_have_count(0)
    shoot(page, "readiness-not-ready")

    # The unmet supervision row leads to the sessions form.
    me.follow(
        page.locator('tr[data-requirement="supervision"]').get_by_role("link", name=re.compile("^Add supervision"))
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Add supervision sessions")
    sessions = [
        (today - timedelta(days=90), SUPERVISOR, "10", "Individual"),
        (today - timedelta(days=60), SUPERVISOR, "8", "Individual"),
        (today - timedelta(days=30), SUPERVISOR, "6", "Group"),
        (today - timedelta(days=14), SUPERVISOR, "3", "Individual"),
        (today - timedelta(days=7), COLLEAGUE, "1.5", "Individual"),
    ]
    for number, session in enumerate(sessions, 1):
        if number > 1:
            me.follow(page.get_by_role("button", name="Add another session"))
            row = page.get_by_role("group", name=f"Session {number}", exact=True)
            expect(row.get_by_label("Supervisor email")).to_have_value(SUPERVISOR[1])  # copied from the row above
            expect(page.get_by_role("group", name="Session 1", exact=True).get_by_label("Hours")).to_have_value("10")
        fill_session(me, number, *session)
    shoot(page, "supervision-sessions-form")
    me.follow(page.get_by_role("button", name="Save these sessions and email the supervisors"))
    expect(page.get_by_role("status")).to_contain_text("Added 5 supervision sessions.")
    to_supervisor = [m for m in mailoutbox if m.to == [SUPERVISOR[1]]]
    to_colleague = [m for m in mailoutbox if m.to == [COLLEAGUE[1]]]
    assert len(to_supervisor) == 1 and len(to_colleague) == 1, [m.to for m in mailoutbox]
    assert "4 supervision sessions" in to_supervisor[0].subject

    # The supervisor opens the one link, and decides each session.
    supervisor = new_visitor()
    link = link_in(mailoutbox, to=SUPERVISOR[1], path=r"/supervision/confirm/[^/\s]+/")
    supervisor.visit(link)
    where = supervisor.page
    expect(where.get_by_role("main")).to_contain_text(f"{amara} has recorded these 4 sessions with you")
    expect(where.get_by_role("button", name="Confirm all 4 sessions")).to_be_visible()
    shoot(where, "supervisor-link")
    wrong = (today - timedelta(days=14)).strftime("%-d %B %Y")
    for day, *_ in sessions[:4]:
        group = where.get_by_role("group", name=re.compile(rf"^{day.strftime('%-d %B %Y')},"))
        choice = "No, this is not right" if day.strftime("%-d %B %Y") == wrong else "Yes, confirm it"
        group.get_by_label(choice).check()
    supervisor.follow(where.get_by_role("button", name="Send my answers"))
    expect(where.get_by_role("main")).to_contain_text("3 confirmed and 1 declined")
    shoot(where, "supervisor-link-answered")
    supervisor.visit(link)
    expect(where.get_by_role("main")).to_contain_text("This link has already been used")

    statuses = sorted(SupervisionEntry.objects.filter(supervisor_email=SUPERVISOR[1]).values_list("status", flat=True))
    assert statuses == ["confirmed", "confirmed", "confirmed", "declined"]

    # Readiness now leads straight to the application.
    me.visit("/portfolio/readiness/prevention/")
    expect(page.locator('tr[data-requirement="supervision"]')).to_contain_text("24 hours")
    expect(page.get_by_role("heading", name="You meet every requirement you can meet before applying")).to_be_visible()
    shoot(page, "readiness-ready")
    me.follow(page.get_by_role("button", name=f"Start your application for {LEVEL}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Application for {LEVEL}")
    application = Application.objects.get(practitioner=amara)
    assert page.url.endswith(f"/applications/{application.pk}/")

    # Submitting before naming referees says why, and the readiness page now links back to it.
    me.follow(page.get_by_role("button", name="Submit the application"))
    expect(page.locator(".error-summary")).to_contain_text("You cannot submit yet")
    expect(page.locator(".error-summary")).to_contain_text("Name a referee for each role")
    shoot(page, "application-refused")
    me.visit("/portfolio/readiness/prevention/")
    expect(page.get_by_role("link", name="Continue your application")).to_be_visible()

    me.visit("/portfolio/")
    expect(page.locator("#totals")).to_contain_text("24 hours")
    shoot(page, "portfolio-home-after")
    me.visit("/portfolio/evidence/new/?q=attachment")
    shoot(page, "evidence-form-filtered")
    me.visit("/portfolio/evidence/new/")
    shoot(page, "evidence-form")
