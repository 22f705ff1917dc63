"""The candidate's pages, walked without JavaScript as a candidate would, and what they
must never show: which option is correct, or any rationale, before the result."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from nurture.accounts.models import User
from nurture.core.models import AuditEntry
from nurture.endorsements.models import Application
from nurture.exams import rules
from nurture.exams.models import Attempt, Blueprint, Part, QuestionVersion
from nurture.exams.services import attempt_start

pytestmark = pytest.mark.django_db


def _start(client, application: Application, part: int = 1) -> tuple[Attempt, str]:
    response = client.post(reverse("exams:start", args=[application.pk, part]))
    assert response.status_code == 302
    attempt = Attempt.objects.get(candidate=application.practitioner, part=part, status=Attempt.Status.OPEN)
    return attempt, response["Location"]


def test_the_application_page_leads_to_the_exam_once_accepted_for_review(
    blueprints: tuple[Blueprint, Blueprint], application: Application, practitioner: User
) -> None:
    client = client_for(practitioner)
    page = client.get(reverse("endorsements:application", args=[application.pk])).content.decode()
    assert reverse("exams:overview", args=[application.pk]) in page
    overview = client.get(reverse("exams:overview", args=[application.pk])).content.decode()
    assert "Start part 1: multiple choice" in overview and "Start part 2: written case vignettes" in overview
    assert "18 multiple-choice questions in 90 minutes. Pass mark 80%." in overview
    Application.objects.filter(pk=application.pk).update(state="submitted")
    page = client.get(reverse("endorsements:application", args=[application.pk])).content.decode()
    assert reverse("exams:overview", args=[application.pk]) not in page
    overview = client.get(reverse("exams:overview", args=[application.pk])).content.decode()
    assert "once your application has been accepted for review" in overview and "Start part 1" not in overview
    refused = client.post(reverse("exams:start", args=[application.pk, 1]), follow=True).content.decode()
    assert "once your application has been accepted for review" in refused
    assert not Attempt.objects.exists()


def test_a_sitting_without_javascript_saves_and_moves_on(
    blueprints: tuple[Blueprint, Blueprint], application: Application, practitioner: User
) -> None:
    client = client_for(practitioner)
    attempt, first = _start(client, application)
    assert first == reverse("exams:question", args=[attempt.pk, 1])
    page = client.get(first).content.decode()
    assert 'role="timer"' in page and "1 hour 30 minutes left" in page and "All answers saved" in page
    assert page.count('type="radio" name="choice"') == 5  # the four options, and "No answer yet"
    assert re.search(r'value="" id="choice-none" checked', page)
    moved = client.post(first, {"choice": "2", "go": "next"})
    assert moved.status_code == 302 and moved["Location"] == reverse("exams:question", args=[attempt.pk, 2])
    item = attempt.items.get(position=1)
    assert item.chosen == item.option_order[2]
    # Back on question 1, the answer is checked.
    again = client.get(first).content.decode()
    assert re.search(r'value="2" id="choice-2" checked', again)
    # The last question's button reviews; the review page hands in.
    last = client.post(reverse("exams:question", args=[attempt.pk, 18]), {"choice": "0", "go": "next"})
    assert last["Location"] == reverse("exams:submit", args=[attempt.pk])
    review = client.get(last["Location"]).content.decode()
    assert "You have answered 2 of 18 questions." in review
    done = client.post(reverse("exams:submit", args=[attempt.pk]))
    assert done["Location"] == reverse("exams:result", args=[attempt.pk])
    result = client.get(done["Location"]).content.decode()
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.RELEASED
    assert "Not passed" in result and "The pass mark is 80%." in result
    assert "You may sit this part again from" in result
    # With the result, the score by domain and which answers were right; the correct answers
    # and rationales only once no retake could draw the same questions.
    assert "D1 Infant and Early Childhood Development</th><td" in result
    assert "Question 1: not correct" in result or "Question 1: correct" in result
    assert "(the correct answer)" not in result and item.version.rationale not in result
    assert "shown once you have passed this part or have no attempt left" in result
    Blueprint.objects.filter(level="intervention", part=Part.MULTIPLE_CHOICE).update(attempts_allowed=1)
    result = client.get(done["Location"]).content.decode()
    assert result.count("(the correct answer)") == 18
    assert item.version.rationale in result
    assert "You have used the 1 attempt allowed at this level." in result


def test_a_refused_answer_changes_nothing_and_keeps_what_was_typed(
    blueprints: tuple[Blueprint, Blueprint], application: Application, practitioner: User
) -> None:
    client = client_for(practitioner)
    attempt, first = _start(client, application)
    bad = client.post(first, {"choice": "abc", "go": "next"})
    assert bad.status_code == 400 and "Choose one of the options shown." in bad.content.decode()
    assert attempt.items.get(position=1).chosen is None
    written, _ = _start(client, application, Part.WRITTEN)
    url = lambda n: reverse("exams:question", args=[written.pk, n])  # noqa: E731
    client.post(url(1), {"written": "One", "go": "next"})
    client.post(url(2), {"written": "Two", "go": "next"})
    third = client.post(url(3), {"written": "My careful third answer", "go": "next"})
    page = third.content.decode()
    assert third.status_code == 400 and "You answer 2 of the 3 cases" in page
    assert "My careful third answer</textarea>" in page
    assert written.items.get(position=3).written == ""


def test_no_page_or_save_reveals_the_correct_answers_before_the_result(
    blueprints: tuple[Blueprint, Blueprint], application: Application, practitioner: User
) -> None:
    client = client_for(practitioner)
    attempt, _ = _start(client, application)
    written, _ = _start(client, application, Part.WRITTEN)
    secrets = [v.rationale for v in QuestionVersion.objects.exclude(rationale="")]
    secrets += [v.model_answer for v in QuestionVersion.objects.exclude(model_answer="")]
    secrets += [c["criterion"] for v in QuestionVersion.objects.exclude(rubric=[]) for c in v.rubric]
    seen = [client.get(reverse("exams:overview", args=[application.pk])).content.decode()]
    for a in (attempt, written):
        seen.append(client.get(reverse("exams:submit", args=[a.pk])).content.decode())
        for item in a.items.all():
            seen.append(client.get(reverse("exams:question", args=[a.pk, item.position])).content.decode())
    saved = client.post(reverse("exams:answer", args=[attempt.pk, 1]), {"choice": "1"})
    assert set(json.loads(saved.content)) == {"saved", "position"}
    seen.append(saved.content.decode())
    listed = client.get("/api/v1/exam/attempts")
    assert [a["status"] for a in json.loads(listed.content)] == ["open", "open"]
    seen.append(listed.content.decode())
    for a in (attempt, written):
        one = json.loads(client.get(f"/api/v1/exam/attempts/{a.pk}").content)
        assert (one["passed"], one["score"], one["by_domain"]) == (None, None, [])
        seen.append(json.dumps(one))
    for text in seen:
        for secret in secrets:
            assert secret not in text
        assert "correct" not in text.lower()
    # The options are shown in the candidate's shuffled order, so their order says nothing either.
    item = attempt.items.select_related("version").get(position=1)
    page = seen[2]  # question 1 of the multiple-choice paper
    shown = re.findall(r'<label for="choice-\d">([^<]+)</label>', page)
    assert shown == [item.version.options[i] for i in item.option_order]


def test_the_save_as_you_go_answers_for_the_page_script(
    blueprints: tuple[Blueprint, Blueprint], application: Application, practitioner: User
) -> None:
    client = client_for(practitioner)
    attempt, _ = _start(client, application)
    saved = client.post(reverse("exams:answer", args=[attempt.pk, 3]), {"choice": "1"})
    assert saved.status_code == 200
    assert json.loads(saved.content) == {"saved": True, "position": 3}
    bad = client.post(reverse("exams:answer", args=[attempt.pk, 3]), {"choice": "9"})
    assert bad.status_code == 400 and json.loads(bad.content)["error"] == "Choose one of the options shown."
    assert client.post(reverse("exams:answer", args=[attempt.pk, 99]), {"choice": "1"}).status_code == 404
    for bad_choice in ("abc", "-1", "1" * 40, "１"):
        refused = client.post(reverse("exams:answer", args=[attempt.pk, 3]), {"choice": bad_choice})
        assert refused.status_code == 400, bad_choice
    assert client.post(reverse("exams:answer", args=[attempt.pk, 3]), {"choice": "1\x00"}).status_code == 400
    assert attempt.items.get(position=3).chosen is not None  # still the answer saved first


def test_after_the_deadline_and_its_grace_saves_are_refused_and_the_paper_is_handed_in(
    blueprints: tuple[Blueprint, Blueprint], application: Application, practitioner: User
) -> None:
    client = client_for(practitioner)
    attempt, first = _start(client, application)
    client.post(first, {"choice": "1", "go": "next"})
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - rules.GRACE - timedelta(seconds=2))
    late = client.post(reverse("exams:answer", args=[attempt.pk, 2]), {"choice": "1"})
    assert late.status_code == 409 and json.loads(late.content)["error"].startswith("Time is up")
    assert attempt.items.get(position=2).chosen is None
    page = client.get(first)
    assert page["Location"] == reverse("exams:result", args=[attempt.pk])
    attempt.refresh_from_db()
    # Handed in by the candidate's next page, not the scheduled job, and the log says so.
    assert attempt.status == Attempt.Status.RELEASED and not attempt.submitted_by_job
    entry = AuditEntry.objects.get(action="exams.attempt.submitted")
    assert entry.actor_label.startswith("deadline passed")
    assert attempt.items.get(position=1).chosen is not None


def test_a_reopened_page_resumes_with_the_time_that_is_left(
    blueprints: tuple[Blueprint, Blueprint], application: Application, practitioner: User
) -> None:
    attempt = attempt_start(
        application=application,
        actor=practitioner,
        part=Part.MULTIPLE_CHOICE,
        now=timezone.now() - timedelta(minutes=85, seconds=30),
    )
    client = client_for(practitioner)
    again = client.post(reverse("exams:start", args=[application.pk, 1]))
    assert again["Location"] == reverse("exams:question", args=[attempt.pk, 1])
    page = client.get(again["Location"]).content.decode()
    assert "5 minutes left" in page  # 4 minutes 30 seconds, as the minute hand reads it
    assert '<div id="exam-warnings" aria-live="assertive" class="visually-hidden">5 minutes left.</div>' in page


def test_the_api_gives_the_result_once_released(
    blueprints: tuple[Blueprint, Blueprint], application: Application, practitioner: User
) -> None:
    client = client_for(practitioner)
    attempt, first = _start(client, application)
    item = attempt.items.select_related("version").get(position=1)
    client.post(first, {"choice": str(item.option_order.index(item.version.correct)), "go": "next"})
    client.post(reverse("exams:submit", args=[attempt.pk]))
    one = json.loads(client.get(f"/api/v1/exam/attempts/{attempt.pk}").content)
    assert (one["status"], one["passed"], one["score"], one["out_of"], one["percent"]) == (
        "released",
        False,
        1.0,
        18,
        5.5,  # 5.56%, shown rounded down
    )
    assert sum(d["correct"] for d in one["by_domain"]) == 1 and sum(d["questions"] for d in one["by_domain"]) == 18


def test_the_registrar_sees_the_exam_standing_before_deciding(
    blueprints: tuple[Blueprint, Blueprint], application: Application, registrar: User
) -> None:
    page = client_for(registrar).get(reverse("endorsements:staff_application", args=[application.pk])).content.decode()
    assert "<strong>The exam:</strong> Infant Mental Health Intervention requires the exam, and" in page
    assert "has not passed it yet. It cannot be endorsed until then." in page
