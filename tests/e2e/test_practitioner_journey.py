"""A new practitioner builds a portfolio and watches their readiness change.

They sign up and confirm their email, add relationship-based training and a
supervision session, their supervisor (who has no account) confirms the session
from the emailed link, and they add evidence for two competencies. The readiness
page for Prevention is read before, during and after, as the person sees it.
The same journey runs a second time by keyboard alone.
"""

from __future__ import annotations

import re
import struct
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.mail import EmailMessage
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Visitor, link_in

NAME = "Priya Natarajan"
EMAIL = "priya.natarajan@example.org"
PASSWORD = "calm harbour lantern 4821"
SUPERVISOR = "Dr Elena Rivera"
SUPERVISOR_EMAIL = "elena.rivera@clinic.example.org"
LEVEL = "Infant Mental Health Prevention"
COMPETENCIES = ("D1.1", "D1.2")  # both in the Prevention category of edition 1
Outbox = list[EmailMessage]
READINESS_SCREENSHOT = Path(tempfile.gettempdir()) / "e2e-readiness.png"


def tiny_png() -> bytes:
    """A valid one-pixel PNG, made without an imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    pixels = zlib.compress(b"\x00\x2f\x6b\x5b")  # filter byte, then one green pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@dataclass(frozen=True)
class Requirement:
    have: str
    status: str
    note: str


def requirement(page: Page, key: str) -> Requirement:
    """One row of the requirements table, as read on screen."""
    row = page.locator(f'#requirements tr[data-requirement="{key}"]')
    cells = row.locator("td")
    note = row.locator("th .hint")
    return Requirement(
        have=cells.nth(0).inner_text().strip(),
        status=cells.nth(3).inner_text().strip(),
        note=note.inner_text().strip() if note.count() else "",
    )


def competencies_with_evidence(page: Page) -> int:
    return int(requirement(page, "evidence").have.split()[0])


def gaps(page: Page) -> set[str]:
    """The competencies the coverage matrix marks “Gap”."""
    return set(
        page.evaluate(
            """() => [...document.querySelectorAll('table.matrix tbody tr')]
              .filter((row) => row.lastElementChild.classList.contains('gap'))
              .map((row) => row.querySelector('th a').textContent.trim())"""
        )
    )


def open_readiness(me: Visitor) -> None:
    """From the portfolio, open the readiness page for Prevention."""
    me.follow(me.page.get_by_role("link", name=f"Readiness for {LEVEL}"))
    expect(me.page.get_by_role("heading", level=1)).to_have_text(f"Readiness for {LEVEL}")


def back_to_portfolio(me: Visitor) -> None:
    me.follow(me.page.get_by_role("link", name="Back to my portfolio"))


def sign_up_and_confirm(me: Visitor, mailoutbox: Outbox) -> None:
    page = me.page
    me.visit("/")
    if me.keyboard:
        me.assert_skip_link_is_first_tab_stop()
        me.skip_to_main()
    me.follow(page.get_by_role("link", name="Start your portfolio"))
    me.type_into(page.get_by_label("Full name"), NAME)
    me.type_into(page.get_by_label("Email address", exact=True), EMAIL)
    me.choose(page.get_by_label("Profession"), "Health visitor")
    me.choose(page.get_by_label("Region"), "North West")
    me.type_into(page.get_by_label("Create a password"), PASSWORD)
    me.type_into(page.get_by_label("Type the password again"), PASSWORD)
    me.follow(page.get_by_role("button", name="Create your account"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your email")

    me.visit(link_in(mailoutbox, to=EMAIL, path=r"/accounts/confirm-email/[^/\s]+/"))
    me.follow(page.get_by_role("button", name="Confirm"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My portfolio")


def add_training(me: Visitor, *, completed_on: date) -> None:
    page = me.page
    me.follow(page.get_by_role("link", name="Add training"))
    me.type_into(page.get_by_label("Title"), "Attachment and attunement in the first year")
    me.type_into(page.get_by_label("Provider"), "Northern Infant Mental Health Network")
    me.type_into(page.get_by_label("Hours"), "30")
    me.enter_date(page.get_by_role("group", name="Date completed"), completed_on)
    me.tick(page.get_by_role("checkbox", name="Relationship-based training"))
    me.follow(page.get_by_role("button", name="Save"))
    expect(page.get_by_role("status")).to_contain_text("Saved your training.")
    expect(page.locator("#training")).to_contain_text("Attachment and attunement in the first year")


def add_supervision(me: Visitor, *, session_on: date) -> None:
    page = me.page
    me.follow(page.get_by_role("link", name="Add supervision sessions"))
    session = page.get_by_role("group", name="Session 1")
    me.enter_date(session.get_by_role("group", name="Date of session"), session_on)
    me.type_into(session.get_by_label("Supervisor name"), SUPERVISOR)
    me.type_into(session.get_by_label("Supervisor email"), SUPERVISOR_EMAIL)
    me.type_into(session.get_by_label("Hours"), "2")
    me.choose(session.get_by_label("Kind"), "Individual")
    me.follow(page.get_by_role("button", name=re.compile("^Save this session")))
    expect(page.get_by_role("status")).to_contain_text("Added 1 supervision session.")
    expect(page.locator("#supervision")).to_contain_text("Awaiting supervisor")


def supervisor_confirms(supervisor: Visitor, mailoutbox: Outbox) -> None:
    """The supervisor, with no account, confirms from the emailed link, which then stops working."""
    page = supervisor.page
    link = link_in(mailoutbox, to=SUPERVISOR_EMAIL, path=r"/supervision/confirm/[^/\s]+/")
    supervisor.visit(link)
    expect(page.get_by_role("main")).to_contain_text(f"{NAME} has recorded this session with you")
    supervisor.follow(page.get_by_role("button", name="Confirm this session"))
    expect(page.get_by_role("main")).to_contain_text("Confirmed. Thank you.")
    supervisor.visit(link)
    expect(page.get_by_role("main")).to_contain_text("This link has already been used")
    expect(page.get_by_role("button", name="Confirm this session")).to_have_count(0)


def add_evidence(me: Visitor) -> None:
    page = me.page
    me.follow(page.get_by_role("link", name="Add evidence"))
    me.type_into(page.get_by_label("Title"), "Watching a baby's cues at a feed")
    me.choose(page.get_by_label("Kind"), "Reflective account")
    me.type_into(
        page.get_by_label("Written evidence"),
        "During a home visit I noticed the baby turning away from the bottle and the parent trying harder. "
        "We slowed down together and talked about what the baby might be telling us.",
    )
    me.attach(page.get_by_label("File"), {"name": "feeding-cues.png", "mimeType": "image/png", "buffer": tiny_png()})
    for code in COMPETENCIES:
        me.tick(page.get_by_role("checkbox", name=re.compile(rf"^{re.escape(code)} ")))
    me.follow(page.get_by_role("button", name="Save"))
    expect(page.get_by_role("status")).to_contain_text("Saved your evidence.")
    expect(page.locator("#evidence")).to_contain_text("Watching a baby's cues at a feed")


def build_a_portfolio(new_visitor: Callable[..., Visitor], mailoutbox: Outbox, *, keyboard: bool) -> Visitor:
    today = date.today()
    me = new_visitor(keyboard=keyboard)
    sign_up_and_confirm(me, mailoutbox)

    open_readiness(me)
    if me.keyboard:
        me.assert_skip_link_is_first_tab_stop()
    training, supervision = requirement(me.page, "training"), requirement(me.page, "supervision")
    assert (training.have, training.status) == ("0 hours", "Not yet")
    assert (supervision.have, supervision.status) == ("0 hours", "Not yet")
    evidence_before, gaps_before = competencies_with_evidence(me.page), gaps(me.page)
    assert set(COMPETENCIES) <= gaps_before
    back_to_portfolio(me)

    add_training(me, completed_on=today - timedelta(days=30))
    add_supervision(me, session_on=today - timedelta(days=7))
    open_readiness(me)
    training, supervision = requirement(me.page, "training"), requirement(me.page, "supervision")
    assert (training.have, training.status) == ("30 hours", "Met")
    assert supervision.have == "0 hours", "unconfirmed supervision must not count"
    assert supervision.note == "2 more hours await your supervisor's confirmation."

    supervisor = new_visitor(keyboard=keyboard)
    supervisor_confirms(supervisor, mailoutbox)

    me.reload()
    supervision = requirement(me.page, "supervision")
    assert supervision.have == "2 hours"
    assert supervision.note == ""
    back_to_portfolio(me)
    expect(me.page.locator("#supervision")).to_contain_text("Confirmed by supervisor")

    add_evidence(me)
    open_readiness(me)
    assert competencies_with_evidence(me.page) == evidence_before + 2
    assert gaps(me.page) == gaps_before - set(COMPETENCIES)
    return me


@pytest.mark.browser
def test_a_new_practitioner_sees_their_readiness_grow_as_they_build_a_portfolio(new_visitor, mailoutbox):
    me = build_a_portfolio(new_visitor, mailoutbox, keyboard=False)
    me.page.screenshot(path=READINESS_SCREENSHOT, full_page=True)


@pytest.mark.browser
def test_the_same_journey_works_with_the_keyboard_alone(new_visitor, mailoutbox):
    build_a_portfolio(new_visitor, mailoutbox, keyboard=True)
