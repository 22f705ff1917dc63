"""A candidate sits part 1 of the exam in a real browser: answers saved as they go (and
kept through a lost connection), with the keyboard alone and without JavaScript too.
axe checks every page, and every page is shown on a 390 px phone as well."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from conftest import make_person
from nurture.accounts.roles import Role
from nurture.endorsements.models import Application
from nurture.endorsements.workflow import State
from nurture.exams.models import Attempt, Part
from nurture.exams.services import bank_import, blueprint_save
from nurture.exams.tests.conftest import bank_content, intervention, part1_values, small_bank
from tests.e2e.conftest import tab_to


def _candidate() -> Application:
    registrar = make_person("exam.registrar@example.org", Role.REGISTRAR)
    assert bank_import(bank_content(*small_bank()), actor=registrar).ok
    blueprint_save(
        level="intervention",
        part=Part.MULTIPLE_CHOICE,
        values=part1_values(per_domain={"D1": 1, "D2": 1, "D3": 1}),
        actor=registrar,
    )
    candidate = make_person("nkechi.eze@example.org", name="Nkechi Eze")
    return Application.objects.create(practitioner=candidate, level=intervention(), state=State.UNDER_REVIEW)


def _item_chosen(position: int) -> int | None:
    return Attempt.objects.get().items.get(position=position).chosen


@pytest.mark.browser
def test_a_candidate_sits_part_1_saving_as_they_go_through_a_lost_connection(new_visitor):
    application = _candidate()
    me = new_visitor()
    page = me.page
    me.sign_in_as(application.practitioner)
    me.visit(f"/applications/{application.pk}/")
    me.follow(page.get_by_role("link", name="Go to your exam"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your exam for Infant Mental Health Intervention")
    me.follow(page.get_by_role("button", name="Start part 1: multiple choice"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Question 1 of 3")
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^Time left: 1:(29|30):\d\d$"))
    page.get_by_role("radio").nth(1).check()
    expect(page.locator("#exam-saved")).to_have_text("All answers saved")
    attempt = Attempt.objects.get()
    item = attempt.items.get(position=1)
    assert item.chosen == item.option_order[1]

    # The connection drops: the answer waits on this device and goes when it returns.
    page.context.set_offline(True)
    page.get_by_role("radio").nth(3).check()
    expect(page.locator("#exam-saved")).to_contain_text("Not saved yet: you seem to be offline")
    assert _item_chosen(1) == item.option_order[1]
    page.context.set_offline(False)
    expect(page.locator("#exam-saved")).to_have_text("All answers saved")
    assert _item_chosen(1) == item.option_order[3]

    # Reopened later: the same paper, the answer still chosen.
    me.reload()
    expect(page.get_by_role("radio").nth(3)).to_be_checked()
    me.follow(page.get_by_role("button", name="Save and review all answers"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hand in part 1: multiple choice")
    expect(page.get_by_text("You have answered 1 of 3 questions.")).to_be_visible()
    me.follow(page.get_by_role("button", name="Hand in my answers"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result: part 1: multiple choice")
    expect(page.get_by_role("heading", level=2, name="Not passed")).to_be_visible()
    assert me.visited[-1] == f"/exam/attempt/{attempt.pk}/result/"


@pytest.mark.browser
def test_without_javascript_and_by_keyboard_save_and_next_saves(new_visitor):
    application = _candidate()
    me = new_visitor(javascript=False, keyboard=True)
    page = me.page
    me.sign_in_as(application.practitioner)
    me.visit(f"/exam/{application.pk}/")
    me.follow(page.get_by_role("button", name="Start part 1: multiple choice"))
    expect(page.get_by_role("timer")).to_have_text("1 hour 30 minutes left")
    # A group of radio buttons is one Tab stop; the arrow keys move the choice within it.
    tab_to(page, page.get_by_role("radio").first)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio").nth(2)).to_be_checked()
    me.follow(page.get_by_role("button", name="Save and next"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 2 of 3")
    item = Attempt.objects.get().items.get(position=1)
    assert item.chosen == item.option_order[2]
