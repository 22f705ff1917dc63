"""A practitioner names a supervisor while the mail server is down.

Their portfolio says the link's email is retrying, and until when; the registrar
sees it on the page of undelivered email with the mail server's reason; the
mail server comes back, the outbox sweep runs, and the practitioner's page says
the email was sent; the supervisor gets it once. On a desktop and on a phone.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from nurture.core.outbox import outbox_send_due
from nurture.core.tests.mailserver import MailServer
from tests.e2e.conftest import DESKTOP, PHONE, Visitor

pytestmark = pytest.mark.browser

SUPERVISOR_EMAIL = "elena.rivera@clinic.example.org"
SCREENSHOTS = Path(tempfile.gettempdir())


def name_a_supervisor(me: Visitor) -> None:
    page = me.page
    me.visit("/portfolio/")
    me.follow(page.get_by_role("link", name="Add supervision sessions"))
    session = page.get_by_role("group", name="Session 1")
    me.enter_date(session.get_by_role("group", name="Date of session"), date.today() - timedelta(days=3))
    me.type_into(session.get_by_label("Supervisor name"), "Dr Elena Rivera")
    me.type_into(session.get_by_label("Supervisor email"), SUPERVISOR_EMAIL)
    me.type_into(session.get_by_label("Hours"), "1.5")
    me.choose(session.get_by_label("Kind"), "Individual")
    me.follow(page.get_by_role("button", name=re.compile("^Save this session")))
    expect(page.get_by_role("status")).to_contain_text("Added 1 supervision session.")


# What sticks out past the screen's right edge, outside boxes that scroll on their own.
_STICKING_OUT = """() => [...document.querySelectorAll('body *')]
  .filter(e => !e.closest('.table-scroll') || e.matches('.table-scroll'))
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 5).map(e => e.tagName + ' ' + (e.textContent || '').trim().slice(0, 60))"""


def assert_fits_the_width(me: Visitor) -> None:
    overflow = me.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px: {me.page.evaluate(_STICKING_OUT)}"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_link_sent_during_a_mail_outage_shows_as_retrying_then_sent(
    new_visitor: Callable[..., Visitor], practitioner, registrar, mail_server: MailServer, viewport
):
    mail_server.stop()
    me = new_visitor(viewport=viewport)
    me.sign_in_as(practitioner)
    name_a_supervisor(me)

    entry = me.page.locator("#supervision li").filter(has_text="Dr Elena Rivera")
    expect(entry).to_contain_text("Awaiting supervisor")
    expect(entry).to_contain_text("Email retrying")
    expect(entry).to_contain_text("we keep trying until")
    expect(entry.get_by_role("link", name="Correct the address and send again")).to_be_visible()
    assert_fits_the_width(me)
    me.page.screenshot(path=SCREENSHOTS / f"e2e-outage-retrying-{viewport['width']}.png", full_page=True)

    staff = new_visitor(viewport=viewport)
    staff.sign_in_as(registrar)
    staff.visit("/staff/")
    staff.follow(staff.page.get_by_role("link", name="See emails not delivered"))
    row = staff.page.locator("#outbox li").filter(has_text=SUPERVISOR_EMAIL)
    expect(row).to_contain_text("Email retrying")
    expect(row).to_contain_text("Connection refused")
    assert_fits_the_width(staff)
    staff.page.screenshot(path=SCREENSHOTS / f"e2e-outage-staff-{viewport['width']}.png", full_page=True)

    mail_server.start()
    outbox_send_due(now=timezone.now() + timedelta(minutes=2))  # the sweep's next run

    me.reload()
    entry = me.page.locator("#supervision li").filter(has_text="Dr Elena Rivera")
    expect(entry).to_contain_text("Email sent")
    expect(entry).not_to_contain_text("retrying")
    me.page.screenshot(path=SCREENSHOTS / f"e2e-outage-sent-{viewport['width']}.png", full_page=True)
    (message,) = mail_server.delivered_to(SUPERVISOR_EMAIL)
    assert "/supervision/confirm/" in message.get_body(("plain",)).get_content()

    staff.reload()
    expect(staff.page.locator("#outbox")).to_contain_text("Every email has been delivered.")
