"""Every form works as a plain POST: a practitioner keeps their portfolio with JavaScript off."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD, make_person

EMAIL = "amara.okafor@example.org"
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.mark.browser
def test_a_practitioner_adds_cpd_and_evidence_with_javascript_turned_off(new_visitor):
    make_person(EMAIL, name="Amara Okafor")
    me = new_visitor(javascript=False)
    page = me.page
    me.visit("/accounts/login/")
    me.type_into(page.get_by_label("Email"), EMAIL)
    me.type_into(page.get_by_label("Password", exact=True), PASSWORD)
    me.follow(page.get_by_role("button", name="Sign in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My portfolio")

    me.follow(page.get_by_role("link", name="Add CPD"))
    webinar_on = date.today() - timedelta(days=14)
    reflection = "I now ask parents what they think their baby is feeling before I offer my own view."
    me.type_into(page.get_by_label("Activity"), "Perinatal mental health webinar")
    me.enter_date(page.get_by_role("group", name="Date", exact=True), webinar_on)
    me.type_into(page.get_by_label("Hours"), "-3")
    me.type_into(page.get_by_label("Reflection"), reflection)
    me.follow(page.get_by_role("button", name="Save"))

    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_role("alert")).to_contain_text("Hours: Enter a number of hours above 0 and at most 500.")
    hours = page.get_by_label("Hours")
    field = page.locator(".field", has=hours)
    expect(field.locator(".error-message")).to_contain_text("Enter a number of hours above 0 and at most 500.")
    expect(hours).to_have_attribute("aria-invalid", "true")
    expect(hours).to_have_attribute("aria-describedby", re.compile(r"\bid_hours_error\b"))
    expect(hours).to_have_value("-3")
    expect(page.get_by_label("Activity")).to_have_value("Perinatal mental health webinar")
    typed = page.get_by_role("group", name="Date", exact=True)
    for part, value in (("Day", webinar_on.day), ("Month", webinar_on.month), ("Year", webinar_on.year)):
        expect(typed.get_by_label(part, exact=True)).to_have_value(str(value))
    expect(page.get_by_label("Reflection")).to_have_value(reflection)

    me.type_into(hours, "1.5")
    me.follow(page.get_by_role("button", name="Save"))
    expect(page.get_by_role("status")).to_contain_text("Saved your CPD entry.")
    expect(page.locator("#cpd")).to_contain_text("Perinatal mental health webinar · 1.5 hours")

    me.follow(page.get_by_role("link", name="Add evidence"))
    me.type_into(page.get_by_label("Title"), "Certificate: Newborn Behavioural Observations")
    me.choose(page.get_by_label("Kind"), "Certificate")
    me.attach(
        page.get_by_label("File"), {"name": "nbo-certificate.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
    )
    me.tick(page.get_by_role("checkbox", name=re.compile(r"^D4\.1 ")))
    me.follow(page.get_by_role("button", name="Save"))
    expect(page.get_by_role("status")).to_contain_text("Saved your evidence.")
    expect(page.locator("#evidence")).to_contain_text("Certificate: Newborn Behavioural Observations")
    expect(page.locator("#evidence")).to_contain_text("D4.1")
