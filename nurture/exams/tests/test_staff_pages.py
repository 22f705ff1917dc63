"""The registrar's and the markers' pages, as they would check them: nothing half-imported,
a blueprint refused with the domain it lacks, extra time with its reason, blind marking."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

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


# One question at a time ---------------------------------------------------------------------


def _question_form(client: Any, key: str) -> dict[str, Any]:
    """What the edit form sends back untouched: every field as the page fills it in."""
    from nurture.exams.forms import QuestionForm

    page = client.get(reverse("exams:staff_question", args=[key]))
    assert page.status_code == 200
    form: QuestionForm = page.context["form"]
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = [] if value is None and name == "competencies" else ("" if value is None else value)
    return data


def test_editing_a_question_makes_a_new_version_and_a_drawn_attempt_keeps_its_own(
    blueprints: tuple[Blueprint, Blueprint], application: Application, practitioner: User, registrar: User
) -> None:
    client = client_for(registrar)
    listed = client.get(reverse("exams:staff_questions")).content.decode()
    assert "mcq-d1-1" in listed and "Question mcq-d1-1: which option is right?" in listed
    attempt = attempt_start(application=application, actor=practitioner, part=Part.MULTIPLE_CHOICE)
    drawn = attempt.items.select_related("version__question").order_by("position").first().version
    key = drawn.question.key
    url = reverse("exams:staff_question", args=[key])
    data = _question_form(client, key)
    assert data["option_1"] == f"{key} right" and data["correct"] == 1 and data["option_5"] == ""
    same = client.post(url, data, follow=True)
    assert f"Nothing changed in {key}: no new version was made." in same.content.decode()
    # A browser ends a textarea's lines \r\n: counted as the bank counts them, one character.
    stem = "Which is right,\r\nnow?" + "\r\n".join(["x" * 98] * 20)
    edited = client.post(url, data | {"stem": stem, "option_5": "A fifth option", "correct": "5"}, follow=True)
    page = edited.content.decode()
    assert f"Saved {key} as version 2." in page and "A fifth option <strong>(correct)</strong>" in page
    current = Question.objects.get(key=key).versions.get(is_current=True)
    assert (current.number, current.stem, current.correct) == (2, stem.replace("\r\n", "\n"), 4)
    assert len(current.stem) == 1999 and len(stem) > 2000  # within the limit once its lines end in \n
    assert current.options[4] == "A fifth option" and current.created_by == registrar
    # The attempt already drawn still has version 1, as it was.
    item = attempt.items.select_related("version").get(version__question__key=key)
    assert item.version == drawn and item.version.number == 1 and item.version.stem.startswith(f"Question {key}")
    entry = AuditEntry.objects.get(action="exams.question.edited")
    assert entry.actor == registrar and entry.data["key"] == key and entry.data["from_version"] == 1


def test_a_refused_question_edit_changes_nothing_and_keeps_what_was_typed(bank: None, registrar: User) -> None:
    client = client_for(registrar)
    url = reverse("exams:staff_question", args=["mcq-d1-1"])
    data = _question_form(client, "mcq-d1-1")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"correct": "5"}, "Option 5 is empty: write it, or choose another."),
        ({"option_3": ""}, "Write option 3: a question has at least 3."),
        ({"option_2": "MCQ-D1-1 RIGHT"}, "two options are the same"),
        ({"competencies": []}, "Choose at least one competency."),
        ({"stem": "x" * 2001}, "at most 2000 characters"),
        ({"stem": "A bell\x07 in it"}, "Not saved: stem holds a control character; only plain text is taken."),
        ({"rationale": ""}, "Write the rationale."),
        ({"level": "no-such-level"}, "Select a valid choice."),
    ]
    for change, message in cases:
        refused = client.post(url, data | change | {"stem": change.get("stem", "My new careful stem")})
        page = refused.content.decode()
        assert refused.status_code == 400, change
        assert message in page, (change, message)
        if "stem" not in change:
            assert "My new careful stem</textarea>" in page
    # Someone else saved a version since this form was filled in: refused, theirs kept.
    client.post(url, data | {"stem": "Their change"})
    stale = client.post(url, data | {"stem": "My change, from the old version"})
    assert stale.status_code == 400 and "was changed by someone else since you opened it" in stale.content.decode()
    assert Question.objects.get(key="mcq-d1-1").versions.get(is_current=True).stem == "Their change"
    assert Question.objects.get(key="mcq-d1-1").versions.count() == 2
    assert AuditEntry.objects.filter(action="exams.question.edited").count() == 1
    assert client.get(reverse("exams:staff_question", args=["no-such-key"])).status_code == 404


def test_a_vignette_is_edited_with_its_rubric(bank: None, registrar: User) -> None:
    client = client_for(registrar)
    url = reverse("exams:staff_question", args=["vig-1"])
    data = _question_form(client, "vig-1")
    assert data["criterion_1"] == "Keeps the baby in mind" and data["points_1"] == 10
    missing = client.post(url, data | {"criterion_3": "Names the risk"})
    assert missing.status_code == 400 and "Give criterion 3 its points, from 1 to 20." in missing.content.decode()
    done = client.post(url, data | {"criterion_3": "Names the risk", "points_3": "5"}, follow=True)
    assert "Saved vig-1 as version 2." in done.content.decode()
    current = Question.objects.get(key="vig-1").versions.get(is_current=True)
    assert current.rubric[2] == {"criterion": "Names the risk", "points": 5} and current.points == 25
