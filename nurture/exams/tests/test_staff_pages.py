"""The registrar's and the markers' pages, as they would check them: nothing half-imported,
a blueprint refused with the domain it lacks, extra time with its reason, blind marking."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import client_for
from nurture.accounts.models import User
from nurture.core.models import AuditEntry
from nurture.endorsements.models import Application
from nurture.exams.models import Accommodation, Attempt, Blueprint, Part, Question, WrittenMark
from nurture.exams.services import answer_save, attempt_start, attempt_submit
from nurture.exams.tests.conftest import bank_content, mcq, small_bank

pytestmark = pytest.mark.django_db


def _upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("bank.json", content, content_type="application/json")


def test_a_bank_file_with_a_bad_question_imports_nothing_and_says_which(registrar: User) -> None:
    client = client_for(registrar)
    questions = small_bank()
    questions[1] = mcq("mcq-broken", correct=7)
    refused = client.post(reverse("exams:staff_bank_import"), {"bank_file": _upload(bank_content(*questions))})
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "Nothing was imported" in page and "Question 2 (mcq-broken):" in page
    assert not Question.objects.exists()
    done = client.post(reverse("exams:staff_bank_import"), {"bank_file": _upload(bank_content(*small_bank()))})
    assert done.status_code == 302
    shown = client.get(done["Location"]).content.decode()
    assert "Imported: 31 new questions, 0 new versions, 0 unchanged." in shown
    exported = client.get(reverse("exams:staff_bank_export"))
    assert exported["Content-Disposition"].startswith('attachment; filename="exam-bank-')
    assert len(json.loads(exported.content)["questions"]) == 31


def test_a_file_that_is_not_a_bank_is_refused_plainly(registrar: User) -> None:
    client = client_for(registrar)
    refused = client.post(reverse("exams:staff_bank_import"), {"bank_file": _upload(b"\x00\xff not json")})
    assert refused.status_code == 400 and "it is not a JSON file in UTF-8" in refused.content.decode()
    empty = client.post(reverse("exams:staff_bank_import"), {})
    assert empty.status_code == 400 and "Choose a bank file to import." in empty.content.decode()


def test_a_blueprint_the_bank_cannot_fill_is_refused_on_the_page(bank: None, registrar: User) -> None:
    client = client_for(registrar)
    url = reverse("exams:staff_blueprint", args=["intervention", 1])
    form = client.get(url).content.decode()
    assert 'value="7"' in form and 'value="90"' in form and 'value="80"' in form  # the field's defaults
    data = {f"domain_D{n}": "2" for n in range(1, 10)} | {
        "domain_D4": "5",
        "minutes": "90",
        "pass_mark_percent": "80",
        "attempts_allowed": "3",
        "waiting_days": "90",
    }
    refused = client.post(url, data)
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "D4 Observation, Assessment and Identifying Risk: the blueprint asks for 5 questions, the bank has 3" in page
    assert 'name="domain_D4" value="5"' in page  # what was typed is kept
    assert not Blueprint.objects.exists()
    saved = client.post(url, data | {"domain_D4": "3"})
    assert saved.status_code == 302
    assert Blueprint.objects.get().per_domain["D4"] == 3


def test_extra_time_needs_a_practitioner_and_a_reason(
    blueprints: tuple[Blueprint, Blueprint], registrar: User, practitioner: User
) -> None:
    client = client_for(registrar)
    url = reverse("exams:staff_extra_time")
    unknown = client.post(
        url, {"email": "nobody@example.org", "level": "intervention", "minutes": "20", "reason": "Dyslexia"}
    )
    assert unknown.status_code == 400 and "No practitioner has this email address." in unknown.content.decode()
    granted = client.post(
        url, {"email": practitioner.email.upper(), "level": "intervention", "minutes": "20", "reason": "Dyslexia"}
    )
    assert granted.status_code == 302
    assert Accommodation.objects.get().extra_minutes == 20
    assert AuditEntry.objects.get(action="exams.accommodation.granted").reason == "Dyslexia"


def _answers_marked(application: Application) -> Attempt:
    attempt = attempt_start(application=application, actor=application.practitioner, part=Part.WRITTEN)
    answer_save(attempt=attempt, actor=application.practitioner, position=1, written="I would notice the baby's gaze.")
    return attempt_submit(attempt=attempt, actor=application.practitioner)


def test_a_marker_sees_the_answer_never_whose_it_is_and_marks_it_once(
    blueprints: tuple[Blueprint, Blueprint], application: Application, markers: list[User]
) -> None:
    attempt = _answers_marked(application)
    given = WrittenMark.objects.filter(item__attempt=attempt).select_related("marker").first()
    assert given is not None and given.marker is not None
    client = client_for(given.marker)
    listed = client.get(reverse("exams:marking")).content.decode()
    assert "Case vig-" in listed and "To mark" in listed
    url = reverse("exams:mark", args=[given.pk])
    page = client.get(url).content.decode()
    candidate = application.practitioner
    for secret in (candidate.full_name, candidate.email, "/exam/attempt/", "/applications/"):
        assert secret not in page
    assert "I would notice the baby&#x27;s gaze." in page and "Keeps the baby in mind (0 to 10)" in page
    refused = client.post(url, {"criterion_1": "11", "criterion_2": "5", "comment": "Thoughtful."})
    assert refused.status_code == 400 and "Give a mark from 0 to 10." in refused.content.decode()
    assert 'value="11"' in refused.content.decode()
    saved = client.post(url, {"criterion_1": "8", "criterion_2": "5", "comment": "Thoughtful about the baby."})
    assert saved.status_code == 302
    given.refresh_from_db()
    assert (given.points, given.total, given.comment) == ([8, 5], 13, "Thoughtful about the baby.")
    again = client.post(url, {"criterion_1": "0", "criterion_2": "0", "comment": "Changed my mind."}, follow=True)
    assert "a mark cannot change once it is in" in again.content.decode()
    given.refresh_from_db()
    assert given.total == 13


def test_the_item_analysis_counts_first_attempts(
    blueprints: tuple[Blueprint, Blueprint], application: Application, registrar: User
) -> None:
    attempt = attempt_start(application=application, actor=application.practitioner, part=Part.MULTIPLE_CHOICE)
    for item in attempt.items.select_related("version"):
        answer_save(
            attempt=attempt,
            actor=application.practitioner,
            position=item.position,
            choice=item.option_order.index(item.version.correct),
        )
    done = attempt_submit(attempt=attempt, actor=application.practitioner)
    assert done.score == Decimal(18)
    page = client_for(registrar).get(reverse("exams:staff_items", args=["intervention"])).content.decode()
    assert "Over 1 candidate" in page
    assert page.count('<td data-label="Facility">1.00</td>') == 18
    assert "Too easy" in page


def test_the_staff_and_marking_lists_ask_the_same_number_of_queries_however_many_rows(
    blueprints: tuple[Blueprint, Blueprint], application: Application, markers: list[User], registrar: User
) -> None:
    _answers_marked(application)

    def queries(user: User, name: str) -> int:
        client = client_for(user)
        client.get(reverse(name))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name)).status_code == 200
        return len(captured)

    def to_two_markers() -> None:
        WrittenMark.objects.filter(role=WrittenMark.Role.FIRST).update(marker=markers[0])
        WrittenMark.objects.filter(role=WrittenMark.Role.SECOND).update(marker=markers[1])

    to_two_markers()
    before = (queries(markers[0], "exams:marking"), queries(registrar, "exams:staff"))
    for n in range(3):
        from conftest import make_person
        from nurture.endorsements.workflow import State
        from nurture.exams.tests.conftest import intervention

        person = make_person(f"candidate{n}@example.org")
        other = Application.objects.create(practitioner=person, level=intervention(), state=State.UNDER_REVIEW)
        _answers_marked(other)
    to_two_markers()
    assert WrittenMark.objects.filter(marker=markers[0]).count() == 4
    assert (queries(markers[0], "exams:marking"), queries(registrar, "exams:staff")) == before
