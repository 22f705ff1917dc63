"""The coordinator's pages for free-text answers: browse, code, count, choose and remove
quotes, each refusal said on the page, and the browse page's queries constant."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for
from nurture.core.tests.queries import page_queries
from nurture.surveys.coding import answer_code, quote_choose, theme_add
from nurture.surveys.models import Coding, ItemKind, Quote, Report, ReportItem, Theme
from nurture.surveys.tests.conftest import answer, answer_many, make_survey


def written(sample, text: str, *, role: str | None = None, consent: bool = True):
    answers = {"AGE": "2", "SEX": "1", "IMPORTANT": "1", "WHY": text, "SUPPORT": ["1"]}
    if role is not None:
        answers["ROLE"] = role
    return answer(sample, answers, quote_consent=consent)


@pytest.fixture
def staff(coordinator):
    return client_for(coordinator)


@pytest.fixture
def url(survey):
    return reverse("surveys:staff_text", kwargs={"slug": survey.slug, "code": "WHY"})


def test_the_survey_lists_its_free_text_questions(survey, public, staff):
    written(public, "Because babies need love.")
    page = staff.get(f"/staff/surveys/{survey.slug}/text/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/staff/surveys/{survey.slug}/text/WHY/"' in html
    assert "IMPORTANT" not in html


def test_an_answer_shows_its_text_sample_role_and_consent(public, professionals, staff, url):
    written(public, "Babies need <b>love</b>.", consent=False)
    written(professionals, "Trust begins early.", role="2")
    html = staff.get(url).content.decode()
    assert "Babies need &lt;b&gt;love&lt;/b&gt;." in html
    assert "Health visitor" in html and "Professionals" in html
    assert "<dt>Agreed to be quoted</dt><dd>No</dd>" in html
    assert "The respondent did not agree to be quoted" in html
    assert "Choose as a quote" in html and "Attributed to “Health visitor” only." in html


def test_the_coordinator_adds_themes_and_codes_an_answer_coming_back_to_the_same_filters(
    survey, public, coordinator, staff, url
):
    response = written(public, "Bonding and brains.")
    back = f"{url}?sample=public&page=1"
    added = staff.post(back, {"action": "theme", "name": " Bonding "})
    assert (added.status_code, added["Location"]) == (302, f"{back}#themes")
    staff.post(back, {"action": "theme", "name": "Brain development"})
    ids = list(Theme.objects.order_by("name").values_list("pk", flat=True))
    coded = staff.post(back, {"action": "code", "response": response.pk, "themes": ids})
    assert (coded.status_code, coded["Location"]) == (302, f"{back}#answer-{response.pk}")
    assert set(Coding.objects.values_list("theme_id", flat=True)) == set(ids)
    html = staff.get(coded["Location"]).content.decode()
    assert "Answer " + str(response.pk) + " has Bonding, Brain development." in html
    assert f'id="theme-{response.pk}-{ids[0]}" checked' in html
    staff.post(back, {"action": "code", "response": response.pk})  # no box ticked: no theme
    assert not Coding.objects.exists()


def test_a_quote_is_chosen_from_the_page_and_a_refused_one_changes_nothing(survey, public, professionals, staff, url):
    allowed = written(professionals, "Trust begins early.", role="2")
    chosen = staff.post(url, {"action": "quote", "response": allowed.pk})
    assert chosen.status_code == 302
    assert Quote.objects.get().attribution == "Health visitor"
    assert "Chosen as a quote" in staff.get(url).content.decode()
    holding = written(public, "Call me on 07700 900123.")
    refused = staff.post(url, {"action": "quote", "response": holding.pk})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "looks like a phone number" in html and "Nothing was changed." in html
    assert Quote.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"action": "theme", "name": "Bond\x1bing"}, "control characters"),
        ({"action": "theme", "name": "Bond\x00ing"}, "NUL character"),
        ({"action": "theme", "name": "x" * 5000}, "at most 100 characters"),
        ({"action": "theme", "name": "   "}, "Give the theme a name."),
        ({"action": "code", "response": "²"}, "choose one from the list"),
        ({"action": "code", "response": "99999999999999999999999"}, "choose one from the list"),
        ({"action": "quote", "response": "abc"}, "choose one from the list"),
        ({"action": "code", "response": "RESPONSE", "themes": ["1x"]}, "Choose themes from the list."),
        ({"action": "code", "response": "RESPONSE", "themes": ["99999"]}, "not one of WHY"),
        ({"action": "other"}, "Choose one of the buttons."),
        ({}, "Choose one of the buttons."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(public, staff, url, data, says):
    response = written(public, "Bonding.")
    data = {key: (response.pk if value == "RESPONSE" else value) for key, value in data.items()}
    refused = staff.post(url, data)
    assert refused.status_code == 400
    assert says in refused.content.decode()
    assert not Theme.objects.exists() and not Coding.objects.exists() and not Quote.objects.exists()


def test_odd_filters_get_a_message_or_are_searched_as_words(public, staff, url):
    written(public, "Bonding matters.")
    assert staff.get(f"{url}?sample=nobody").status_code == 400
    assert "Choose a sample from the list." in staff.get(f"{url}?sample=%01").content.decode()
    assert "NUL character" in staff.get(f"{url}?sample=%00").content.decode()
    assert "Choose a theme from the list." in staff.get(f"{url}?theme=12x").content.decode()
    searched = staff.get(f"{url}?q=bond%01ing%0A{'x' * 3000}&page=%C2%B2")
    assert searched.status_code == 200
    assert "No answers match these filters." in searched.content.decode()
    assert "Answers 1 to 1 of 1." in staff.get(f"{url}?q=MATTERS").content.decode()


def test_an_unknown_survey_question_or_another_surveys_response_is_not_found(survey, public, staff, url):
    other = make_survey("other-survey")
    theirs = written(other.samples.get(code="public"), "Elsewhere.")
    assert staff.get("/staff/surveys/no-such-survey/text/").status_code == 404
    assert staff.get(f"/staff/surveys/{survey.slug}/text/NOPE/").status_code == 404
    assert staff.get(f"/staff/surveys/{survey.slug}/text/IMPORTANT/").status_code == 404
    assert staff.post(url, {"action": "quote", "response": theirs.pk}).status_code == 404
    assert staff.post(url, {"action": "code", "response": theirs.pk}).status_code == 404
    assert not Quote.objects.exists()


def test_the_browse_page_reads_the_same_number_of_queries_however_many_answers(survey, public, coordinator, staff, url):
    question = survey.questions.get(code="WHY")
    themes = [theme_add(question=question, name=name, actor=coordinator).pk for name in ("Bonding", "Play", "Trust")]

    def grow(n: int) -> None:
        made = answer_many(
            public, [{"AGE": "1", "SEX": "1", "ROLE": "2", "IMPORTANT": "1", "WHY": f"Answer {i}"} for i in range(n)]
        )
        for response in made[::2]:
            answer_code(response=response, question=question, theme_ids=set(themes[:2]), actor=coordinator)
        consenting = written(public, "I agree to be quoted.")
        quote_choose(response=consenting, question=question, actor=coordinator)

    grow(2)
    few = [page_queries(staff, f"{url}{query}")[0] for query in ("", f"?theme={themes[0]}&q=answer", "?theme=none")]
    grow(40)
    many = [page_queries(staff, f"{url}{query}")[0] for query in ("", f"?theme={themes[0]}&q=answer", "?theme=none")]
    assert many == few
    assert "Page 1 of 2" in page_queries(staff, url)[1]


def test_a_theme_is_renamed_and_removed_from_its_page(survey, public, coordinator, staff, url):
    question = survey.questions.get(code="WHY")
    theme = theme_add(question=question, name="Bondng", actor=coordinator)
    theme_add(question=question, name="Play", actor=coordinator)
    page = reverse("surveys:staff_theme", kwargs={"slug": survey.slug, "code": "WHY", "theme_id": theme.pk})
    assert 'value="Bondng"' in staff.get(page).content.decode()
    assert staff.post(page, {"action": "rename", "name": "play"}).status_code == 400
    assert staff.post(page, {"action": "rename", "name": "Bonding"})["Location"] == f"{url}#themes"
    assert staff.post(page, {"action": "remove"}).status_code == 302
    assert list(Theme.objects.values_list("name", flat=True)) == ["Play"]
    assert staff.get(page).status_code == 404
    assert staff.get(page.replace(str(theme.pk), "99999999999999999999999")).status_code == 404
    other = make_survey("other-survey")
    foreign = theme_add(question=other.questions.get(code="WHY"), name="X", actor=coordinator)
    assert staff.get(page.replace(str(theme.pk), str(foreign.pk))).status_code == 404


def test_the_quotes_page_removes_a_quote_unless_a_report_uses_it(survey, public, coordinator, staff):
    question = survey.questions.get(code="WHY")
    kept = quote_choose(response=written(public, "Babies need love."), question=question, actor=coordinator)
    spare = quote_choose(response=written(public, "Talk to them."), question=question, actor=coordinator)
    report = Report.objects.create(survey=survey, slug="early-2026", title="Early relationships 2026")
    ReportItem.objects.create(report=report, position=1, kind=ItemKind.QUOTE, quote=kept)
    url = f"/staff/surveys/{survey.slug}/quotes/"
    html = staff.get(url).content.decode()
    assert "Babies need love." in html and "“Early relationships 2026”" in html
    refused = staff.post(url, {"action": "remove", "quote": kept.pk})
    assert refused.status_code == 400 and "take it out of the report first" in refused.content.decode()
    assert staff.post(url, {"action": "remove", "quote": "x\x00"}).status_code == 400
    assert staff.post(url, {"action": "remove", "quote": spare.pk})["Location"] == url
    assert list(Quote.objects.values_list("pk", flat=True)) == [kept.pk]
    other = make_survey("other-survey")
    theirs = quote_choose(
        response=written(other.samples.get(code="public"), "Elsewhere."),
        question=other.questions.get(code="WHY"),
        actor=coordinator,
    )
    assert staff.post(url, {"action": "remove", "quote": theirs.pk}).status_code == 404
    assert Quote.objects.filter(pk=theirs.pk).exists()
