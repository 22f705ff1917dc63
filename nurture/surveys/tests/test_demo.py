"""The surveys' demo: its published report's figures are the ones DESIGN.md quotes, and
its open survey can be answered."""

from __future__ import annotations

from django.test import Client

from nurture.surveys.demo import demo_feedback, demo_surveys
from nurture.surveys.figures import whole_percent
from nurture.surveys.models import Report, Response
from nurture.surveys.results import estimate_codes, respondents


def test_the_demo_lands_on_the_published_figures(coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        survey = demo_surveys(out=lambda line: None)
    assert survey is not None
    questions = {q.code: q for q in survey.questions.all()}
    found = {}
    for sample in survey.samples.all():
        people = respondents(sample)
        for code, options in (
            ("IMPORTANT", ["1"]),
            ("HEALTH", ["1", "2"]),
            ("GOVT", ["4", "5"]),
            ("LOCAL", ["4", "5"]),
        ):
            estimate = estimate_codes(people, questions[code], options)
            assert estimate is not None
            found[sample.code, code] = whole_percent(estimate[0].share)
    assert (found["professionals", "IMPORTANT"], found["public", "IMPORTANT"]) == (97, 75)
    assert (found["public", "HEALTH"], found["professionals", "GOVT"], found["professionals", "LOCAL"]) == (84, 84, 67)
    report = Report.objects.get()
    assert report.published_at is not None
    figures = [s["text"] for p in report.published_content["paragraphs"] for s in p["segments"] if s["anchor"]]
    assert figures == ["97%", "75%", "84%", "84%", "67%"]
    assert demo_surveys(out=lambda line: None) is None  # safe to run twice


def test_the_demo_has_an_open_survey_to_answer(db):
    printed: list[str] = []
    survey = demo_feedback(out=printed.append)
    assert survey is not None and demo_feedback(out=printed.append) is None
    link = survey.samples.get().link
    assert printed == [f"  an open survey to try as a respondent: /s/{link}/"]
    client = Client()
    assert "Start the survey" in client.get(f"/s/{link}/").content.decode()
    client.post(f"/s/{link}/")
    assert client.post(f"/s/{link}/page/1/", {"WORK": "2", "asked": ["WORK", "ROLE"]}).status_code == 302
    assert Response.objects.get().answers == {"WORK": "2"}
