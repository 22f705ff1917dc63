"""The coordinator builds a questionnaire, opens the survey, and weights a sample."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from conftest import client_for
from nurture.core.models import AuditEntry
from nurture.surveys.models import Question, RunStatus, Sample, Survey, SurveyStatus, Target, WeightingRun

from .conftest import answer_many, make_survey
from .test_weighting_runs import people


def test_the_coordinator_builds_a_survey_with_routing_and_opens_it(coordinator):
    client = client_for(coordinator)
    made = client.post(
        reverse("surveys:staff_survey_new"), {"title": "Baby week poll", "quote_consent_text": "Quote me"}
    )
    survey = Survey.objects.get()
    assert made["Location"] == reverse("surveys:staff_survey", args=[survey.slug])
    client.post(reverse("surveys:staff_section_new", args=[survey.slug]), {"title": "Views"})
    section = survey.sections.get()
    new_question = reverse("surveys:staff_question_new", args=[survey.slug])
    client.post(new_question, {"section": section.pk, "code": "WORK", "kind": "single", "text": "Work with babies?",
                               "options": "Yes\nNo", "required": "on"})  # fmt: skip
    client.post(new_question, {"section": section.pk, "code": "ROLE", "kind": "text", "text": "What do you do?",
                               "show_if_code": "WORK", "show_if_options": "1"})  # fmt: skip
    assert list(survey.questions.values_list("code", "show_if_code", "show_if_options")) == [
        ("WORK", "", []),
        ("ROLE", "WORK", ["1"]),
    ]
    assert survey.questions.get(code="WORK").labels == {"1": "Yes", "2": "No"}
    # Routing on an option the question does not have is refused, with what was typed kept.
    refused = client.post(new_question, {"section": section.pk, "code": "WHERE", "kind": "text", "text": "Where?",
                                         "show_if_code": "WORK", "show_if_options": "3"})  # fmt: skip
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "routed on options WORK does not have" in html and 'value="WHERE"' in html
    assert survey.questions.count() == 2
    # It cannot open without a sample; then it opens and the questionnaire is fixed.
    page = reverse("surveys:staff_survey", args=[survey.slug])
    client.post(page, {"action": "open"})
    assert Survey.objects.get().status == SurveyStatus.DRAFT
    client.post(reverse("surveys:staff_sample_new", args=[survey.slug]),
                {"code": "public", "name": "Public", "kind": "representative", "population": "UK adults",
                 "coverage": "United Kingdom", "method": "Online", "quota": "100"})  # fmt: skip
    client.post(page, {"action": "open"})
    assert Survey.objects.get().status == SurveyStatus.OPEN
    assert AuditEntry.objects.filter(action="surveys.survey.opened").count() == 1
    late = client.post(new_question, {"section": section.pk, "code": "LATE", "kind": "text", "text": "Late?"})
    assert "can be changed only while the survey is a draft" in late.content.decode()
    assert survey.questions.count() == 2
    link = Sample.objects.get().link
    assert f"/s/{link}/" in client.get(page).content.decode()


def test_a_question_code_is_checked_and_the_form_keeps_what_was_typed(survey, coordinator):
    survey.status = SurveyStatus.DRAFT
    survey.save()
    section = survey.sections.first()
    url = reverse("surveys:staff_question_new", args=[survey.slug])
    response = client_for(coordinator).post(
        url, {"section": section.pk, "code": "age", "kind": "single", "text": "Again?", "options": "Only one"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Use capital letters" in html and "Give at least two options" in html and "Again?" in html
    duplicate = client_for(coordinator).post(
        url, {"section": section.pk, "code": "AGE", "kind": "single", "text": "Again?", "options": "A\nB"}
    )
    assert "already has a question with the code" in duplicate.content.decode()
    assert Question.objects.filter(survey=survey).count() == 6


def test_the_coordinator_sets_targets_runs_the_weighting_and_sees_it_done(
    public, coordinator, django_capture_on_commit_callbacks
):
    answer_many(public, people(300))
    client = client_for(coordinator)
    url = reverse("surveys:staff_weighting", args=[public.survey.slug, "public"])
    form = client.get(url, {"question": "AGE"}).content.decode()
    assert "18-34 (%)" in form
    wrong = client.post(url, {"question": "AGE", "save_target": "1", "share_1": "30", "share_2": "30", "share_3": "30"})
    assert "add up to 90" in wrong.content.decode() and not Target.objects.exists()
    saved = client.post(url, {"question": "AGE", "save_target": "1", "share_1": "30", "share_2": "35", "share_3": "35",
                              "source": "ONS"})  # fmt: skip
    assert saved.status_code == 302
    crossed = {"question": "SEX", "crossed_with": "AGE", "save_target": "1", "source": "ONS"}
    crossed |= {f"share_{s}|{a}": "0" for s in "12" for a in "123"}
    crossed |= {"share_1|1": "50", "share_2|2": "50"}
    client.post(url, crossed)
    assert Target.objects.count() == 2
    Target.objects.filter(crossed_with__isnull=False).delete()
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url, {"run": "1", "lower": "0.2", "upper": "5"})
    run = WeightingRun.objects.get()
    assert started["Location"] == reverse("surveys:staff_run", args=[public.survey.slug, run.pk])
    assert run.status == RunStatus.DONE
    page = client.get(started["Location"]).content.decode()
    assert "Respondents weighted" in page and "300" in page and "hx-trigger" not in page


def test_a_run_still_working_shows_its_progress_and_updates_itself(public, coordinator):
    run = WeightingRun.objects.create(sample=public, status=RunStatus.RUNNING, progress=40, stage="Raking: round 3")
    page = client_for(coordinator).get(reverse("surveys:staff_run", args=[public.survey.slug, run.pk]))
    html = page.content.decode()
    assert 'value="40"' in html and "Raking: round 3" in html and 'hx-trigger="every 2s"' in html
    # Once it has finished, the page's poll is told to stop.
    run.status = RunStatus.DONE
    run.save()
    polled = client_for(coordinator).get(
        reverse("surveys:staff_run", args=[public.survey.slug, run.pk]), HTTP_HX_REQUEST="true"
    )
    assert polled.status_code == 286 and "Respondents weighted" in polled.content.decode()


def test_a_run_that_failed_says_why(public, coordinator):
    run = WeightingRun.objects.create(
        sample=public, status=RunStatus.FAILED, message="Raking did not converge.", lower=Decimal(1), upper=Decimal(1)
    )
    html = client_for(coordinator).get(reverse("surveys:staff_run", args=[public.survey.slug, run.pk])).content
    assert "Raking did not converge." in html.decode()


def test_another_surveys_run_or_sample_is_not_found(public, coordinator):
    other = make_survey(slug="other-survey")
    run = WeightingRun.objects.create(sample=public)
    client = client_for(coordinator)
    assert client.get(reverse("surveys:staff_run", args=[other.slug, run.pk])).status_code == 404
    assert client.get(reverse("surveys:staff_weighting", args=[other.slug, "nobody"])).status_code == 404
