"""Coding free-text answers with themes and choosing quotes: the services in coding.py and
the reads in coding_selectors.py."""

from __future__ import annotations

import pytest

from conftest import make_person
from nurture.accounts.roles import Role
from nurture.core.models import AuditEntry
from nurture.surveys.coding import (
    answer_code,
    identifier_problem,
    quote_choose,
    quote_remove,
    role_question,
    theme_add,
    theme_remove,
    theme_rename,
)
from nurture.surveys.coding_selectors import (
    NOT_CODED,
    AnswerFilters,
    answer_page,
    quote_list,
    quote_publication_problem,
    survey_role_question,
    text_questions,
    theme_counts,
)
from nurture.surveys.models import Coding, ItemKind, Question, Quote, Report, ReportItem, Response, Survey, Theme
from nurture.surveys.services import SurveyError
from nurture.surveys.tests.conftest import answer, answer_many, make_survey

NHS_NUMBER = "943 476 5919"  # a valid check digit


def why(survey: Survey) -> Question:
    return survey.questions.get(code="WHY")


def written(sample, text: str, *, role: str | None = None, consent: bool = True, **extra) -> Response:
    answers = {"AGE": "2", "SEX": "1", "IMPORTANT": "1", "WHY": text, "SUPPORT": ["1"]}
    if role is not None:
        answers["ROLE"] = role
    return answer(sample, answers, quote_consent=consent, **extra)


def page_of(question: Question, filters: AnswerFilters | None = None, page: int = 1):
    filters = filters or AnswerFilters()
    themes = list(question.themes.order_by("name"))
    return answer_page(question, filters, themes=themes, role=survey_role_question(question.survey), page=page)


# Themes -----------------------------------------------------------------------------------


def test_a_theme_is_added_with_its_name_tidied_and_audited(survey, coordinator):
    theme = theme_add(question=why(survey), name="  Bonding   and attachment ", actor=coordinator)
    assert theme.name == "Bonding and attachment"
    entry = AuditEntry.objects.get(action="surveys.theme.added")
    assert (entry.actor, entry.data) == (coordinator, {"question": "WHY", "name": "Bonding and attachment"})


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("", "Give the theme a name."),
        ("   ", "Give the theme a name."),
        ("x" * 101, "at most 100 characters"),
        ("Bond\x00ing", "control characters"),
        ("bonding AND attachment", "already has the theme"),
    ],
)
def test_a_theme_name_that_is_empty_too_long_odd_or_taken_is_refused(survey, coordinator, name, says):
    theme_add(question=why(survey), name="Bonding and attachment", actor=coordinator)
    with pytest.raises(SurveyError, match=says):
        theme_add(question=why(survey), name=name, actor=coordinator)
    assert Theme.objects.count() == 1


def test_themes_are_only_for_free_text_questions(survey, coordinator):
    with pytest.raises(SurveyError, match="not a free-text question"):
        theme_add(question=survey.questions.get(code="IMPORTANT"), name="Bonding", actor=coordinator)


def test_the_same_theme_name_may_be_used_on_another_survey(survey, coordinator):
    theme_add(question=why(survey), name="Bonding", actor=coordinator)
    other = make_survey("other-survey")
    assert theme_add(question=why(other), name="Bonding", actor=coordinator).name == "Bonding"


def test_only_the_coordinator_codes(survey, public, registrar):
    with pytest.raises(SurveyError, match="Only the survey coordinator"):
        theme_add(question=why(survey), name="Bonding", actor=registrar)
    assert not Theme.objects.exists()


def test_a_theme_is_renamed_and_removed_with_its_codings(survey, public, coordinator):
    theme = theme_add(question=why(survey), name="Bondng", actor=coordinator)
    other = theme_add(question=why(survey), name="Play", actor=coordinator)
    with pytest.raises(SurveyError, match="already has the theme"):
        theme_rename(theme=theme, name="play", actor=coordinator)
    assert theme_rename(theme=theme, name="Bonding", actor=coordinator).name == "Bonding"
    response = written(public, "They learn to trust.")
    answer_code(response=response, question=why(survey), theme_ids={theme.pk, other.pk}, actor=coordinator)
    assert theme_remove(theme=theme, actor=coordinator) == 1
    assert list(Coding.objects.values_list("theme__name", flat=True)) == ["Play"]
    assert AuditEntry.objects.get(action="surveys.theme.removed").data["answers"] == 1
    assert AuditEntry.objects.get(action="surveys.theme.renamed").data == {
        "question": "WHY",
        "from": "Bondng",
        "to": "Bonding",
    }


# Coding answers ------------------------------------------------------------------------------


def test_answers_get_several_themes_and_each_counts_once_per_theme(survey, public, professionals, coordinator):
    question = why(survey)
    bonding = theme_add(question=question, name="Bonding", actor=coordinator)
    brain = theme_add(question=question, name="Brain development", actor=coordinator)
    trust = theme_add(question=question, name="Trust", actor=coordinator)
    first = written(public, "Babies bond and their brains grow.")
    second = written(public, "It is where trust begins.")
    third = written(professionals, "Bonding matters.", role="2")
    written(professionals, "Not coded yet.")

    answer_code(response=first, question=question, theme_ids={bonding.pk, brain.pk}, actor=coordinator)
    answer_code(response=second, question=question, theme_ids={trust.pk, bonding.pk}, actor=coordinator)
    answer_code(response=third, question=question, theme_ids={bonding.pk}, actor=coordinator)
    answer_code(response=third, question=question, theme_ids={bonding.pk}, actor=coordinator)  # no change

    counts = theme_counts(question)
    assert (counts.answers, counts.not_coded) == (4, 1)
    assert [(t.name, t.answers, t.share) for t in counts.themes] == [
        ("Bonding", 3, 75),
        ("Brain development", 1, 25),
        ("Trust", 1, 25),
    ]
    public_only = theme_counts(question, sample="public")
    assert (public_only.answers, public_only.not_coded) == (2, 0)
    assert [(t.name, t.answers) for t in public_only.themes] == [("Bonding", 2), ("Brain development", 1), ("Trust", 1)]

    # The set is replaced: a theme left out is taken off
    answer_code(response=first, question=question, theme_ids={brain.pk}, actor=coordinator)
    assert {t.name: t.answers for t in theme_counts(question).themes}["Bonding"] == 2
    answer_code(response=first, question=question, theme_ids=set(), actor=coordinator)
    assert theme_counts(question).not_coded == 2
    coded = AuditEntry.objects.filter(action="surveys.answer.coded")
    assert coded.count() == 5, "saving the same themes again is not a change"
    assert coded.order_by("id").first().data == {"question": "WHY", "themes": ["Bonding", "Brain development"]}


def test_coding_refuses_a_theme_of_another_question_and_answers_that_cannot_be_coded(survey, public, coordinator):
    question = why(survey)
    other_survey = make_survey("other-survey")
    foreign = theme_add(question=why(other_survey), name="Bonding", actor=coordinator)
    mine = theme_add(question=question, name="Bonding", actor=coordinator)
    response = written(public, "Because.")
    with pytest.raises(SurveyError, match="not one of WHY's themes"):
        answer_code(response=response, question=question, theme_ids={mine.pk, foreign.pk}, actor=coordinator)
    unfinished = written(public, "Half way", complete=False)
    with pytest.raises(SurveyError, match="not finished"):
        answer_code(response=unfinished, question=question, theme_ids={mine.pk}, actor=coordinator)
    silent = answer(public, {"AGE": "1", "SEX": "1", "IMPORTANT": "2", "SUPPORT": ["1"]})
    blank = written(public, "   ")
    for unanswered in (silent, blank):
        with pytest.raises(SurveyError, match="did not answer WHY"):
            answer_code(response=unanswered, question=question, theme_ids={mine.pk}, actor=coordinator)
    elsewhere = written(other_survey.samples.get(code="public"), "Elsewhere")
    with pytest.raises(SurveyError, match="another survey"):
        answer_code(response=elsewhere, question=question, theme_ids={mine.pk}, actor=coordinator)
    assert not Coding.objects.exists()


# Quotes ------------------------------------------------------------------------------------


def test_a_quote_is_refused_when_the_respondent_did_not_agree_to_be_quoted(survey, public, coordinator):
    response = written(public, "Love is everything.", consent=False)
    with pytest.raises(SurveyError, match="did not agree to be quoted"):
        quote_choose(response=response, question=why(survey), actor=coordinator)
    assert not Quote.objects.exists()
    assert not AuditEntry.objects.filter(action="surveys.quote.chosen").exists()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (f"My son's NHS number is {NHS_NUMBER} and the visitor was lovely.", "an NHS number"),
        ("The children's centre at SW1A 1AA saved us.", "a full postcode"),
        ("Ring me on 07700 900123 to talk.", "a phone number"),
        ("She was born 3/4/2019 and struggled.", "a date of birth"),
        ("Write to me at ama.owusu@example.org about it.", "an email address"),
        ("Our group is at www.example.org/babies, come along.", "a web address"),
        ("Follow @BristolBabyClub for the sessions.", "a social media handle"),
    ],
)
def test_a_quote_holding_an_identifier_is_refused_naming_only_what_kind(survey, public, coordinator, text, kind):
    response = written(public, text)
    with pytest.raises(SurveyError) as refused:
        quote_choose(response=response, question=why(survey), actor=coordinator)
    message = str(refused.value)
    assert kind in message
    for found in (NHS_NUMBER, "SW1A 1AA", "07700 900123", "3/4/2019"):
        assert found not in message
    assert not Quote.objects.exists()


def test_every_kind_found_is_named_once():
    problem = identifier_problem(f"{NHS_NUMBER} and {NHS_NUMBER} at M1 1AE")
    assert "looks like an NHS number and a full postcode, so it cannot be quoted" in problem
    assert identifier_problem("Babies aged 0-3 need 2 or 3 people.") == ""


def test_a_quote_is_attributed_by_role_only(survey, public, professionals, coordinator):
    question = why(survey)
    visitor = written(professionals, "Relationships are the foundation.", role="2")
    no_role = written(professionals, "It shapes everything later.")
    member = written(public, "Babies need love.")
    quotes = [quote_choose(response=r, question=question, actor=coordinator) for r in (visitor, no_role, member)]
    assert [q.attribution for q in quotes] == ["Health visitor", "Professional", "Public"]
    assert quotes[0].text == "Relationships are the foundation."
    entry = AuditEntry.objects.get(action="surveys.quote.chosen", target_id=str(quotes[0].pk))
    assert entry.data == {"question": "WHY", "response": visitor.pk, "attribution": "Health visitor"}
    with pytest.raises(SurveyError, match="already a quote"):
        quote_choose(response=visitor, question=question, actor=coordinator)


def test_the_role_question_is_the_profile_question_about_a_role(survey):
    assert role_question(survey.questions.order_by("position")).code == "ROLE"
    assert role_question(survey.questions.exclude(code="ROLE")) is None
    survey.questions.filter(code="ROLE").update(profile=False)
    assert survey_role_question(survey) is None


def test_a_quote_used_in_a_report_cannot_be_removed(survey, public, coordinator):
    quote = quote_choose(response=written(public, "Babies need love."), question=why(survey), actor=coordinator)
    report = Report.objects.create(survey=survey, slug="early-2026", title="Early relationships 2026")
    item = ReportItem.objects.create(report=report, position=1, kind=ItemKind.QUOTE, quote=quote)
    with pytest.raises(SurveyError, match="used in the report “Early relationships 2026”: take it out"):
        quote_remove(quote=quote, actor=coordinator)
    assert Quote.objects.filter(pk=quote.pk).exists()
    assert quote_list(survey)[0].reports == ("Early relationships 2026",)
    item.delete()
    quote_remove(quote=quote, actor=coordinator)
    assert not Quote.objects.exists()
    assert AuditEntry.objects.get(action="surveys.quote.removed").data["attribution"] == "Public"
    with pytest.raises(SurveyError, match="already been removed"):
        quote_remove(quote=quote, actor=coordinator)


def test_the_quotes_list_checks_consent_and_the_scan_again(survey, public, coordinator):
    first = quote_choose(response=written(public, "Babies need love."), question=why(survey), actor=coordinator)
    second = quote_choose(response=written(public, "Talk to them."), question=why(survey), actor=coordinator)
    assert [q.publishable for q in quote_list(survey)] == [True, True]
    Response.objects.filter(pk=first.response_id).update(quote_consent=False)
    Quote.objects.filter(pk=second.pk).update(text="Talk to them on 07700 900123.")
    rows = quote_list(survey)
    assert [q.publishable for q in rows] == [False, False]
    assert "did not agree" in rows[0].problem and "a phone number" in rows[1].problem
    assert "07700" not in rows[1].problem
    second.refresh_from_db()
    assert quote_publication_problem(second) == rows[1].problem


# Reads --------------------------------------------------------------------------------------


def test_the_text_questions_are_listed_with_their_counts(survey, public, professionals, coordinator):
    question = why(survey)
    theme = theme_add(question=question, name="Bonding", actor=coordinator)
    coded = written(public, "Bonding.")
    written(public, "Other.")
    written(public, "Not finished.", complete=False)
    answer(professionals, {"AGE": "1", "SEX": "1", "IMPORTANT": "2", "SUPPORT": ["1"]})
    answer_code(response=coded, question=question, theme_ids={theme.pk}, actor=coordinator)
    quote_choose(response=coded, question=question, actor=coordinator)
    (row,) = text_questions(survey)
    assert (row.code, row.answers, row.not_coded, row.themes, row.quotes) == ("WHY", 2, 1, 1, 1)
    assert text_questions(make_survey("other-survey"))[0].answers == 0


def test_the_answers_are_filtered_by_sample_theme_not_coded_and_words(survey, public, professionals, coordinator):
    question = why(survey)
    theme = theme_add(question=question, name="Bonding", actor=coordinator)
    first = written(public, "Babies BOND early.")
    written(public, "Brains grow.", consent=False)
    pro = written(professionals, "Bonding is key.", role="1")
    answer_code(response=first, question=question, theme_ids={theme.pk}, actor=coordinator)

    def ids(**filters):
        return [row.response_id for row in page_of(question, AnswerFilters(**filters)).rows]

    everyone = page_of(question)
    assert everyone.count == 3
    assert [(r.sample, r.role, r.quote_consent, r.coded) for r in everyone.rows] == [
        ("Public", "", True, True),
        ("Public", "", False, False),
        ("Professionals", "Teacher", True, False),
    ]
    assert everyone.rows[1].quote_problem.startswith("The respondent did not agree")
    assert ids(sample="professionals") == [pro.pk]
    assert ids(theme=str(theme.pk)) == [first.pk]
    assert ids(theme=NOT_CODED, sample="public") == [everyone.rows[1].response_id]
    assert ids(search="bond") == [first.pk, pro.pk]


def test_the_answers_come_a_page_at_a_time(survey, public):
    answer_many(public, [{"AGE": "1", "SEX": "1", "IMPORTANT": "1", "WHY": f"Answer {n}"} for n in range(30)])
    first, second = page_of(why(survey)), page_of(why(survey), page=2)
    assert (first.count, first.num_pages, len(first.rows), len(second.rows)) == (30, 2, 25, 5)
    assert (second.first_index, second.last_index, second.has_next, second.has_previous) == (26, 30, False, True)
    assert page_of(why(survey), page=9).number == 2


def test_only_the_coordinator_chooses_quotes(survey, public, db):
    assessor = make_person("a@example.org", Role.ASSESSOR)
    with pytest.raises(SurveyError, match="Only the survey coordinator"):
        quote_choose(response=written(public, "Love."), question=why(survey), actor=assessor)
