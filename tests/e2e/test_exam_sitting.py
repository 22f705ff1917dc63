"""A candidate sits part 1 of the exam in a real browser: answers saved as they go (and
kept through a lost connection), with the keyboard alone and without JavaScript too.
axe checks every page, and every page is shown on a 390 px phone as well."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import make_person
from nurture.accounts.roles import Role
from nurture.endorsements.models import Application
from nurture.endorsements.workflow import State
from nurture.exams.models import Attempt, Part, Question
from nurture.exams.services import bank_import, blueprint_save
from nurture.exams.tests.conftest import bank_content, intervention, part1_values, part2_values, small_bank
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


def _stored_soon(position: int, choice: int) -> bool:
    """Whether the answer is stored within a few seconds: the page says "All answers saved"
    from the moment it loads, so the save it is sending may still be on its way."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if _item_chosen(position) == choice:
            return True
        time.sleep(0.05)
    return _item_chosen(position) == choice


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
    assert _stored_soon(1, item.option_order[1])

    # The connection drops: the answer waits on this device and goes when it returns.
    page.context.set_offline(True)
    page.get_by_role("radio").nth(3).check()
    expect(page.locator("#exam-saved")).to_contain_text("Not saved yet: you seem to be offline")
    assert _item_chosen(1) == item.option_order[1]
    page.context.set_offline(False)
    expect(page.locator("#exam-saved")).to_have_text("All answers saved")
    assert _stored_soon(1, item.option_order[3])

    # Signed out (in another tab, or the session ended): the save is not counted as saved,
    # the answer stays on this device, and goes once the candidate is signed in again.
    page.context.clear_cookies()
    page.get_by_role("radio").nth(0).check()
    expect(page.locator("#exam-saved")).to_contain_text("you are signed out")
    assert _item_chosen(1) == item.option_order[3]
    me.sign_in_as(application.practitioner)
    me.reload()
    expect(page.get_by_role("radio").nth(0)).to_be_checked()  # the answer kept here, not the server's older one
    expect(page.locator("#exam-saved")).to_have_text("All answers saved")
    assert _stored_soon(1, item.option_order[0])

    # Reopened later: the same paper, the answer still chosen.
    me.reload()
    expect(page.get_by_role("radio").nth(0)).to_be_checked()
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
    # It stops on the checked one, "No answer yet", the last; down goes round to the first.
    tab_to(page, page.get_by_label("No answer yet"))
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio").nth(2)).to_be_checked()
    me.follow(page.get_by_role("button", name="Save and next"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 2 of 3")
    item = Attempt.objects.get().items.get(position=1)
    assert item.chosen == item.option_order[2]


def _written_exam() -> tuple[Application, list[Any]]:
    """A short exam with one written case, and two assessors free to mark it."""
    registrar = make_person("exam.registrar@example.org", Role.REGISTRAR)
    assert bank_import(bank_content(*small_bank()), actor=registrar).ok
    blueprint_save(
        level="intervention",
        part=Part.WRITTEN,
        values=part2_values(vignettes_shown=1, vignettes_answered=1, minutes=45),
        actor=registrar,
    )
    markers = [make_person(f"marker{n}@example.org", Role.ASSESSOR, name=f"Dr Marker {n}") for n in (1, 2)]
    candidate = make_person("nkechi.eze@example.org", name="Nkechi Eze")
    application = Application.objects.create(practitioner=candidate, level=intervention(), state=State.UNDER_REVIEW)
    return application, markers


@pytest.mark.browser
def test_a_candidate_closes_the_tab_comes_back_with_less_time_goes_offline_and_gets_two_markers_result(new_visitor):
    application, markers = _written_exam()
    me = new_visitor()
    page = me.page
    me.sign_in_as(application.practitioner)
    me.visit(f"/exam/{application.pk}/")
    me.follow(page.get_by_role("button", name="Start part 2: written case vignettes"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Case 1 of 1")
    answer = page.get_by_label("Your answer to case 1")
    answer.fill("I would notice how the baby turns towards her father's voice.")
    expect(page.locator("#exam-saved")).to_have_text("All answers saved", timeout=10_000)

    # Half-way, the tab is closed; ten minutes pass; the candidate opens the exam again.
    attempt = Attempt.objects.get()
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=attempt.started_at - timedelta(minutes=10), deadline=attempt.deadline - timedelta(minutes=10)
    )
    me.close_tab_and_open_another()
    page = me.page
    me.visit(f"/exam/{application.pk}/")
    me.follow(page.get_by_role("button", name="Continue part 2: written case vignettes"))
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^Time left: 3[45]:\d\d$"))
    answer = page.get_by_label("Your answer to case 1")
    expect(answer).to_have_value("I would notice how the baby turns towards her father's voice.")

    # Offline for one change: kept on the device, sent when the connection returns.
    page.context.set_offline(True)
    answer.press("End")
    answer.type(" I would wonder with him what she is telling him.")
    expect(page.locator("#exam-saved")).to_contain_text("you seem to be offline", timeout=10_000)
    assert Attempt.objects.get().items.get().written.endswith("father's voice.")
    page.context.set_offline(False)
    expect(page.locator("#exam-saved")).to_have_text("All answers saved", timeout=10_000)
    assert Attempt.objects.get().items.get().written.endswith("what she is telling him.")
    me.follow(page.get_by_role("button", name="Save and review"))
    me.follow(page.get_by_role("button", name="Hand in my answers"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers are handed in")

    # Two assessors mark it, each on their own, without knowing whose it is.
    for n, marker in enumerate(markers):
        them = new_visitor()
        them.sign_in_as(marker)
        them.visit("/marking/")
        them.follow(them.page.get_by_role("link", name=re.compile(r"^Case vig-")))
        expect(them.page.get_by_text("Nkechi")).to_have_count(0)
        them.page.get_by_label("Keeps the baby in mind (0 to 10)").fill(str(7 + n))
        them.page.get_by_label("A safe, shared plan (0 to 10)").fill("6")
        them.page.get_by_label("Feedback for the candidate").fill(f"Marker {n + 1}: you kept the baby in view.")
        them.follow(them.page.get_by_role("button", name="Save my mark"))
        expect(them.page.get_by_role("status")).to_contain_text("Your mark is saved")

    me.visit(f"/exam/attempt/{attempt.pk}/result/")
    expect(page.get_by_role("heading", level=2, name="Passed")).to_be_visible()
    expect(page.get_by_text("67.5%.")).to_be_visible()  # (13 + 14) / 2 of 20
    page.get_by_text("The case and your answer").click()
    expect(page.get_by_text("Marker 2: you kept the baby in view.")).to_be_visible()


@pytest.mark.browser
def test_the_registrar_edits_a_question_by_keyboard_and_the_bank_keeps_its_first_version(new_visitor):
    registrar = make_person("exam.registrar@example.org", Role.REGISTRAR)
    assert bank_import(bank_content(*small_bank()), actor=registrar).ok
    me = new_visitor(keyboard=True)
    page = me.page
    me.sign_in_as(registrar)
    me.visit("/staff/exam/")
    me.follow(page.get_by_role("link", name="Read and edit the questions one by one"))
    me.follow(page.get_by_role("link", name="mcq-d2-1"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Question mcq-d2-1")
    tab_to(page, page.get_by_label("Rationale"))
    page.keyboard.press("Control+A")  # the rationale written again, in place of the old one
    page.keyboard.type("The first option is right: it keeps the baby in mind.")
    me.follow(page.get_by_role("button", name="Save as a new version"))
    expect(page.get_by_role("status")).to_contain_text("Saved mcq-d2-1 as version 2.")
    expect(page.get_by_role("row", name=re.compile(r"^2 \(current\) "))).to_contain_text("Exam.Registrar")
    expect(page.get_by_role("row", name=re.compile(r"^1 "))).to_be_visible()
    question = Question.objects.get(key="mcq-d2-1")
    assert [v.number for v in question.versions.order_by("number")] == [1, 2]
    assert question.versions.get(is_current=True).rationale == "The first option is right: it keeps the baby in mind."
    assert question.versions.get(number=1).rationale == "mcq-d2-1: the first option is right."
