"""A respondent answers through a sample's link: page by page, with routing, resuming on
the same device, and refused with a clear page when the survey is closed or full."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from nurture.surveys.models import Response, SurveyStatus

from .conftest import answer, make_survey


def start(client: Client, sample) -> None:
    response = client.post(reverse("surveys:respond_start", args=[sample.link]))
    assert response.status_code == 302 and response["Location"].endswith("/page/1/")


def page(n: int, sample) -> str:
    return reverse("surveys:respond_page", args=[sample.link, n])


ABOUT = {"AGE": "2", "SEX": "1", "ROLE": "2", "asked": ["AGE", "SEX", "ROLE"]}


def test_a_respondent_answers_both_pages_and_routing_brings_up_the_follow_up(public):
    client = Client()
    start(client, public)
    assert client.post(page(1, public), ABOUT)["Location"].endswith("/page/2/")
    # Page 2 shows IMPORTANT and SUPPORT; WHY is asked only of those who say "very important".
    html = client.get(page(2, public)).content.decode()
    assert "How important" in html and "Why do you say that?" not in html
    answered = client.post(
        page(2, public), {"IMPORTANT": "1", "SUPPORT": ["1", "3"], "asked": ["IMPORTANT", "SUPPORT"]}
    )
    assert answered["Location"].endswith("/page/2/")  # the follow-up appears on the same page
    html = client.get(page(2, public)).content.decode()
    assert "Why do you say that?" in html
    done = client.post(
        page(2, public),
        {
            "IMPORTANT": "1",
            "SUPPORT": ["1", "3"],
            "WHY": "Babies learn from us.",
            "quote_consent": "on",
            "asked": ["IMPORTANT", "WHY", "SUPPORT"],
        },
    )
    assert done["Location"] == reverse("surveys:respond_done", args=[public.link])
    stored = Response.objects.get()
    assert stored.is_complete and stored.quote_consent
    assert stored.answers == {
        "AGE": "2",
        "SEX": "1",
        "ROLE": "2",
        "IMPORTANT": "1",
        "SUPPORT": ["1", "3"],
        "WHY": "Babies learn from us.",
    }


def test_only_optional_questions_are_marked_optional(public):
    client = Client()
    start(client, public)
    client.post(page(1, public), ABOUT)
    client.post(page(2, public), {"IMPORTANT": "1", "SUPPORT": ["1"], "asked": ["IMPORTANT", "SUPPORT"]})
    html = client.get(page(2, public)).content.decode()
    assert "How important are a baby's early relationships? <span" not in html
    assert re.search(r"Why do you say that\? <span class=\"optional\">\(optional\)</span>", html)
    first = client.get(page(1, public)).content.decode()
    assert first.count("(optional)") == 1  # ROLE only


def test_changing_the_answer_that_routes_drops_the_follow_up(public):
    client = Client()
    start(client, public)
    client.post(page(1, public), ABOUT)
    client.post(page(2, public), {"IMPORTANT": "1", "SUPPORT": ["1"], "asked": ["IMPORTANT", "SUPPORT"]})
    client.post(
        page(2, public),
        {"IMPORTANT": "2", "SUPPORT": ["1"], "WHY": "Because", "asked": ["IMPORTANT", "WHY", "SUPPORT"]},
    )
    stored = Response.objects.get()
    assert stored.is_complete and "WHY" not in stored.answers


def test_a_missing_answer_is_shown_on_its_question_and_what_was_typed_is_kept(public):
    client = Client()
    start(client, public)
    response = client.post(page(1, public), {"AGE": "3", "asked": ["AGE", "SEX", "ROLE"]})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("Please answer this question.") >= 2  # in the summary and on SEX
    assert re.search(r'value="3"[^>]*checked', html)
    assert not Response.objects.exists()  # nothing kept until a page is saved


def test_an_unknown_option_or_a_nul_byte_is_refused_without_an_error_page(public):
    client = Client()
    start(client, public)
    assert client.post(page(1, public), {"AGE": "7", "SEX": "1", "asked": ["AGE"]}).status_code == 200
    # NUL bytes are answered by the site's own 400 page, as everywhere.
    assert client.post(page(1, public), {"AGE": "1\x00", "SEX": "1"}).status_code == 400
    assert not Response.objects.exists()  # nothing kept until a page is saved


def test_a_respondent_comes_back_to_an_unfinished_response_on_the_same_device(public):
    client = Client()
    start(client, public)
    client.post(page(1, public), ABOUT)
    again = client.get(reverse("surveys:respond_start", args=[public.link]))
    assert "Continue where you left off" in again.content.decode()
    client.post(reverse("surveys:respond_start", args=[public.link]))
    assert Response.objects.count() == 1  # the same response, not a new one
    assert client.get(page(2, public)).status_code == 200
    # Another device starts afresh and cannot skip ahead.
    other = Client()
    assert other.get(page(2, public))["Location"] == reverse("surveys:respond_start", args=[public.link])


def test_a_page_cannot_be_skipped(public):
    client = Client()
    start(client, public)
    assert client.get(page(2, public))["Location"].endswith("/page/1/")


def test_nothing_about_the_respondent_is_stored(public):
    client = Client(HTTP_USER_AGENT="Firefox/123", REMOTE_ADDR="203.0.113.9")
    start(client, public)
    client.post(page(1, public), ABOUT)
    stored = Response.objects.get()
    text = repr(Response.objects.filter(pk=stored.pk).values().get())
    assert "Firefox" not in text and "203.0.113.9" not in text


def test_a_closed_survey_refuses_with_a_clear_page(public):
    client = Client()
    start(client, public)
    public.survey.status = SurveyStatus.CLOSED
    public.survey.save()
    for url in (reverse("surveys:respond_start", args=[public.link]), page(1, public)):
        response = client.get(url)
        assert response.status_code == 200 and "has closed" in response.content.decode()
    assert client.post(page(1, public), ABOUT).status_code == 200
    assert not Response.objects.exists()  # nothing kept until a page is saved


def test_a_full_quota_refuses_new_respondents_and_counts_only_completed_ones(db):
    survey = make_survey(quota=1)
    public = survey.samples.get(code="public")
    answer(public, {"AGE": "1"}, complete=False)  # a partial one does not fill the quota
    first = Client()
    start(first, public)
    late = Client()
    start(late, public)  # started while there was room
    first.post(page(1, public), ABOUT)
    first.post(page(2, public), {"IMPORTANT": "2", "SUPPORT": ["1"], "asked": ["IMPORTANT", "SUPPORT"]})
    assert Response.objects.filter(completed_at__isnull=False).count() == 1
    html = Client().get(reverse("surveys:respond_start", args=[public.link])).content.decode()
    assert "has all the answers it needs" in html
    # The one who started before it filled sees the same page, and is not counted.
    assert "has all the answers it needs" in late.post(page(1, public), ABOUT).content.decode()
    assert Response.objects.filter(completed_at__isnull=False).count() == 1


def test_a_draft_survey_has_no_respondent_pages(db):
    survey = make_survey(status=SurveyStatus.DRAFT)
    link = survey.samples.get(code="public").link
    assert Client().get(reverse("surveys:respond_start", args=[link])).status_code == 404
    assert Client().get(reverse("surveys:respond_start", args=["no-such-link"])).status_code == 404


@pytest.mark.parametrize("number", [0, 3, 99999999999999999999])
def test_a_page_that_does_not_exist_is_not_found(public, number):
    client = Client()
    start(client, public)
    assert client.get(f"/s/{public.link}/page/{number}/").status_code == 404


def test_a_page_sent_from_a_second_tab_after_the_response_was_sent_changes_nothing(public):
    client = Client()
    start(client, public)
    client.post(page(1, public), ABOUT)
    stale = Response.objects.get()
    client.post(page(2, public), {"IMPORTANT": "2", "SUPPORT": ["1"], "asked": ["IMPORTANT", "SUPPORT"]})
    from nurture.surveys.services import SurveyError, page_save

    with pytest.raises(SurveyError):
        page_save(response=stale, section_index=0, answers={"AGE": "3"}, page_codes=["AGE", "SEX", "ROLE"])
    assert Response.objects.get().answers["AGE"] == "2"


def test_starting_and_leaving_stores_nothing(public):
    client = Client()
    for _ in range(3):
        start(client, public)
    assert client.get(page(1, public)).status_code == 200
    assert not Response.objects.exists()


def test_a_device_that_has_sent_its_answers_is_thanked_rather_than_asked_again(public):
    client = Client()
    start(client, public)
    client.post(page(1, public), ABOUT)
    client.post(page(2, public), {"IMPORTANT": "2", "SUPPORT": ["1"], "asked": ["IMPORTANT", "SUPPORT"]})
    again = client.get(reverse("surveys:respond_start", args=[public.link]))
    assert "You have already answered this survey on this device" in again.content.decode()
    assert "Start the survey" not in again.content.decode()
    client.post(reverse("surveys:respond_start", args=[public.link]))
    assert Response.objects.count() == 1
