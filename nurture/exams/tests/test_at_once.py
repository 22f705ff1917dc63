"""At once, for real (PostgreSQL, two threads with their own connections): two starts of
the same part give one attempt; a save racing the hand-in is either taken and scored, or
refused and said so, never told saved and then missing from the paper."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import transaction

from conftest import ensure_shipped_framework, make_person
from nurture.accounts.roles import Role
from nurture.core.tests.concurrency import run_together
from nurture.endorsements.models import Application
from nurture.endorsements.workflow import State
from nurture.exams.models import Attempt, Part
from nurture.exams.services import (
    AttemptClosed,
    SavedAnswer,
    answer_save,
    attempt_start,
    attempt_submit,
    bank_import,
    blueprint_save,
)
from nurture.exams.tests.conftest import bank_content, intervention, part1_values, small_bank

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _candidate() -> Application:
    ensure_shipped_framework()
    registrar = make_person("exam.registrar@example.org", Role.REGISTRAR)
    assert bank_import(bank_content(*small_bank()), actor=registrar).ok
    blueprint_save(level="intervention", part=Part.MULTIPLE_CHOICE, values=part1_values(), actor=registrar)
    person = make_person("nkechi.eze@example.org")
    return Application.objects.create(practitioner=person, level=intervention(), state=State.UNDER_REVIEW)


def test_two_starts_at_once_give_one_attempt():
    application = _candidate()
    person = application.practitioner
    first, second = run_together(
        lambda: attempt_start(application=application, actor=person, part=Part.MULTIPLE_CHOICE),
        lambda: attempt_start(application=application, actor=person, part=Part.MULTIPLE_CHOICE),
    )
    (attempt,) = Attempt.objects.all()
    assert (first.pk, second.pk) == (attempt.pk, attempt.pk)
    assert attempt.items.count() == 18


@pytest.mark.parametrize("round_", range(4))
def test_a_save_racing_the_hand_in_is_scored_or_refused_never_lost(round_):
    application = _candidate()
    person = application.practitioner
    attempt = attempt_start(application=application, actor=person, part=Part.MULTIPLE_CHOICE)
    item = attempt.items.select_related("version").get(position=1)
    right = item.option_order.index(item.version.correct)
    saved, submitted = run_together(
        lambda: answer_save(attempt=attempt, actor=person, position=1, choice=right),
        lambda: attempt_submit(attempt=attempt, actor=person),
    )
    assert isinstance(submitted, Attempt), submitted
    item.refresh_from_db()
    attempt.refresh_from_db()
    if isinstance(saved, SavedAnswer):  # taken before the hand-in: it is on the paper, and scored
        assert item.chosen == item.version.correct and attempt.score == 1
    else:  # the hand-in came first: refused, and said so
        assert isinstance(saved, AttemptClosed), saved
        assert item.chosen is None and attempt.score == 0


def test_a_save_arriving_while_the_hand_in_holds_the_paper_waits_and_is_refused():
    application = _candidate()
    person = application.practitioner
    attempt = attempt_start(application=application, actor=person, part=Part.MULTIPLE_CHOICE)
    handing_in = threading.Event()

    def hand_in() -> Attempt:
        with transaction.atomic():
            Attempt.objects.select_for_update().get(pk=attempt.pk)  # the hand-in has the paper
            handing_in.set()
            time.sleep(0.5)  # the save arrives meanwhile, and must wait
            return attempt_submit(attempt=attempt, actor=person)

    def save() -> SavedAnswer:
        assert handing_in.wait(timeout=5)
        return answer_save(attempt=attempt, actor=person, position=1, choice=0)

    submitted, saved = run_together(hand_in, save)
    assert isinstance(submitted, Attempt) and submitted.status == Attempt.Status.RELEASED
    assert isinstance(saved, AttemptClosed), saved
    assert attempt.items.get(position=1).chosen is None
