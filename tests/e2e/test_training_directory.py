"""A visitor finds a course in the training directory in a real browser: through the
filters, by keyboard, to the course's page. axe checks every page, and every page is
shown on a 390 px phone as well."""

from __future__ import annotations

import io

import pytest
from django.core.management.base import OutputWrapper
from django.core.management.color import no_style
from playwright.sync_api import expect

from conftest import ensure_shipped_framework, make_person
from nurture.accounts.roles import Role
from nurture.core.demo import DemoRun
from nurture.training.demo import demo_training
from tests.e2e.conftest import tab_to


@pytest.mark.browser
def test_a_visitor_finds_the_free_introduction_through_the_filters_by_keyboard(new_visitor):
    ensure_shipped_framework()
    make_person("registrar@example.org", Role.REGISTRAR)
    demo_training(DemoRun(options={}, seed=1, verbosity=0, stdout=OutputWrapper(io.StringIO()), style=no_style()))
    me = new_visitor(keyboard=True)
    page = me.page
    me.visit("/courses/")
    expect(page.get_by_role("heading", level=2)).to_have_text("4 courses with a cohort to come")
    expect(page.get_by_text("Accredited by the association").first).to_be_visible()
    tab_to(page, page.get_by_label("Free courses only"))
    page.keyboard.press("Space")
    me.follow(page.get_by_role("button", name="Show courses"))
    expect(page.get_by_role("heading", level=2)).to_have_text("1 course with a cohort to come")
    me.follow(page.get_by_role("link", name="An introduction to infant mental health"))
    expect(page.get_by_role("heading", level=1)).to_have_text("An introduction to infant mental health")
    expect(page.get_by_text("third-sector organisations")).to_be_visible()
    expect(page.get_by_role("link", name="D2.1 Attachment and relationship-based theory")).to_be_visible()
