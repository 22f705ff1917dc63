"""Surveys in a real browser, axe on every page and every page also on a 390 px phone.

A respondent answers the public survey by keyboard with JavaScript off, and a follow-up
question appears on the same page because of an answer. The coordinator sets population
targets, runs the weighting and sees it done, composes a report and publishes it. A
visitor reads a chart and its table, with the same numbers, and downloads the CSV."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Locator, expect

from conftest import make_person
from nurture.accounts.roles import Role
from nurture.surveys.models import Response, RunStatus, SurveyStatus, WeightingRun
from nurture.surveys.results import estimate_codes, respondents
from nurture.surveys.services import target_save, weighting_compute
from nurture.surveys.tests.conftest import make_survey
from nurture.surveys.tests.test_weighting_runs import people
from tests.e2e.conftest import Visitor, tab_to


def pick(me: Visitor, group: Locator, option: str) -> None:
    """Choose a radio button: by keyboard, Tab into the group and move with the arrows."""
    target = group.get_by_label(option, exact=True)
    if not me.keyboard:
        target.check()
        return
    tab_to(me.page, group.get_by_role("radio").first)
    for _ in range(group.get_by_role("radio").count()):
        if target.is_checked():
            break
        me.page.keyboard.press("ArrowDown")
    assert target.is_checked(), f"could not choose {option}"


@pytest.mark.browser
def test_a_respondent_answers_by_keyboard_without_javascript_and_routing_brings_up_a_question(
    new_visitor: Callable[..., Visitor],
):
    survey = make_survey()
    public = survey.samples.get(code="public")
    me = new_visitor(keyboard=True, javascript=False)
    page = me.page
    me.visit(f"/s/{public.link}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Early relationships survey")
    me.follow(page.get_by_role("button", name="Start the survey"))
    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    pick(me, page.get_by_role("group", name="How old are you?"), "35-54")
    me.follow(page.get_by_role("button", name="Save and continue"))
    # SEX was not answered: the error summary names it and the age chosen is kept.
    expect(page.get_by_role("alert")).to_contain_text("Please answer this question.")
    expect(page.get_by_role("group", name="How old are you?").get_by_label("35-54")).to_be_checked()
    pick(me, page.get_by_role("group", name="What is your sex?"), "Female")
    me.follow(page.get_by_role("button", name="Save and continue"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Early relationships")
    expect(page.get_by_label("Why do you say that? (optional)")).to_have_count(0)
    pick(me, page.get_by_role("group", name="How important are a baby's early relationships?"), "Very important")
    me.tick(page.get_by_label("Health services"))
    me.follow(page.get_by_role("button", name="Send my answers"))
    # "Very important" brings up the follow-up on the same page.
    expect(page.get_by_text("Your answer brought up another question on this page.")).to_be_visible()
    me.type_into(page.get_by_label("Why do you say that? (optional)"), "Babies learn who to trust.")
    me.tick(page.get_by_label("You may quote my written answers"))
    me.follow(page.get_by_role("button", name="Send my answers"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    stored = Response.objects.get()
    assert stored.is_complete and stored.quote_consent
    assert stored.answers == {
        "AGE": "2", "SEX": "1", "IMPORTANT": "1", "SUPPORT": ["2"], "WHY": "Babies learn who to trust.",
    }  # fmt: skip


def weight_through_the_pages(me: Visitor, survey_slug: str) -> None:
    """The coordinator sets the age targets (a wrong total first) and runs the weighting."""
    page = me.page
    me.visit(f"/staff/surveys/{survey_slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Early relationships survey")
    me.follow(page.get_by_role("link", name="Targets and weights of Public"))
    me.choose(page.get_by_label("Profile question"), "AGE: How old are you?")
    me.follow(page.get_by_role("button", name="Show its categories"))
    for label, share in (("18-34 (%)", "30"), ("35-54 (%)", "35"), ("55+ (%)", "30")):
        me.type_into(page.get_by_label(label), share)
    me.type_into(page.get_by_label("Where the figures come from"), "ONS mid-year estimates")
    me.follow(page.get_by_role("button", name="Save the targets"))
    expect(page.get_by_role("alert")).to_contain_text("The shares add up to 95 %, not 100 %.")
    page.get_by_label("55+ (%)").fill("")
    me.type_into(page.get_by_label("55+ (%)"), "35")
    me.follow(page.get_by_role("button", name="Save the targets"))
    expect(page.get_by_role("region", name="Targets for AGE")).to_contain_text("35 %")
    me.follow(page.get_by_role("button", name="Weight the responses"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Weighting run: Public")
    expect(page.get_by_text("Respondents weighted")).to_be_visible()


@pytest.mark.browser
def test_the_coordinator_weights_publishes_a_report_and_a_visitor_reads_its_chart_table_and_csv(
    new_visitor: Callable[..., Visitor],
):
    survey = make_survey()
    public = survey.samples.get(code="public")
    Response.objects.bulk_create(Response(sample=public, answers=row, completed_at=public.survey.created_at,
                                          section_reached=2) for row in people(300))  # fmt: skip
    coordinator = make_person("coordinator@example.org", Role.COORDINATOR)
    me = new_visitor()
    me.sign_in_as(coordinator)
    page = me.page
    weight_through_the_pages(me, survey.slug)
    run = WeightingRun.objects.get()
    assert run.status == RunStatus.DONE and run.respondents == 300
    # The figure the coordinator reads from the results, as the report's text will quote it.
    important = survey.questions.get(code="IMPORTANT")
    share = estimate_codes(respondents(public), important, ["1"])
    assert share is not None
    percent = int(Decimal(share[0].share * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    me.visit(f"/staff/surveys/{survey.slug}/")
    me.follow(page.get_by_role("link", name="Reports", exact=True))
    me.type_into(page.get_by_label("Title of the new report"), "What the public thinks")
    me.follow(page.get_by_role("button", name="Start the report"))
    expect(page.get_by_role("heading", level=1)).to_have_text("What the public thinks")
    me.type_into(
        page.get_by_label("Summary"), f"[{percent}%](public:IMPORTANT=1) say early relationships are very important."
    )
    me.follow(page.get_by_role("button", name="Save the text"))
    adding = page.get_by_role("region", name="Add: a question's results")
    adding.get_by_label("Question").select_option(str(important.pk))
    adding.get_by_label("Sample").select_option(str(public.pk))
    me.follow(adding.get_by_role("button", name="Add"))
    me.follow(page.get_by_role("link", name="Preview and publish"))
    me.follow(page.get_by_role("button", name="Publish the report"))

    visitor = new_visitor()
    visitor.visit("/reports/what-the-public-thinks/")
    vpage = visitor.page
    expect(vpage.get_by_role("link", name=f"{percent}%")).to_be_visible()
    chart = vpage.get_by_role("img").filter(has_text="How important").first
    expect(chart).to_be_visible()
    table = vpage.get_by_role("table").filter(has_text="Very important").first
    expect(table.get_by_role("row").filter(has_text="Very important").first).to_contain_text(f"{percent}%")
    assert f"{percent}%" in chart.inner_html()
    with vpage.expect_download() as download:
        vpage.get_by_role("link", name="Download the results (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    row = next(
        line for line in text.splitlines() if "IMPORTANT" in line and "Very important" in line and "public" in line
    )
    assert f"{share[0].share * 100:.1f}" in row


@pytest.mark.browser
def test_every_survey_page_passes_axe_and_fits_a_phone(new_visitor: Callable[..., Visitor], coordinator_report):
    """The pages the journeys above do not reach, each checked with axe and at 390 px."""
    survey, report = coordinator_report
    coordinator = make_person("coordinator2@example.org", Role.COORDINATOR)
    me = new_visitor()
    me.sign_in_as(coordinator)
    theme = survey.questions.get(code="WHY").themes.get()
    for path in (
        "/staff/surveys/",
        "/staff/surveys/new/",
        f"/staff/surveys/{survey.slug}/edit/",
        f"/staff/surveys/{survey.slug}/samples/new/",
        f"/staff/surveys/{survey.slug}/samples/public/",
        f"/staff/surveys/{survey.slug}/sections/new/",
        f"/staff/surveys/{survey.slug}/sections/1/",
        f"/staff/surveys/{survey.slug}/questions/new/",
        f"/staff/surveys/{survey.slug}/questions/IMPORTANT/",
        f"/staff/surveys/{survey.slug}/samples/public/import/",
        f"/staff/surveys/{survey.slug}/text/",
        f"/staff/surveys/{survey.slug}/text/WHY/",
        f"/staff/surveys/{survey.slug}/text/WHY/themes/{theme.pk}/",
        f"/staff/surveys/{survey.slug}/quotes/",
        f"/staff/surveys/{survey.slug}/reports/",
        f"/staff/reports/{report.slug}/",
        f"/staff/reports/{report.slug}/preview/",
    ):
        me.visit(path)
        expect(me.page.get_by_role("heading", level=1)).to_be_visible()
    visitor = new_visitor(keyboard=True)
    for path in ("/reports/", f"/reports/{report.slug}/"):  # the PDF is a PDF: checked in test_report_pdf.py
        visitor.visit(path)
    survey.status = SurveyStatus.CLOSED
    survey.save()
    visitor.visit(f"/s/{survey.samples.get(code='public').link}/")
    expect(visitor.page.get_by_text("This survey has closed")).to_be_visible()


@pytest.fixture
def coordinator_report(db):
    """A weighted survey with a themed written answer chosen as a quote, and a published report."""
    from nurture.surveys.coding import answer_code, quote_choose, theme_add
    from nurture.surveys.models import ItemKind
    from nurture.surveys.reports import item_add, report_create, report_publish

    survey = make_survey()
    public = survey.samples.get(code="public")
    rows = people(300)
    rows[0] = {**rows[0], "IMPORTANT": "1", "WHY": "Babies learn who to trust from the people who care for them."}
    Response.objects.bulk_create(Response(sample=public, answers=row, completed_at=survey.created_at,
                                          section_reached=2, quote_consent=True) for row in rows)  # fmt: skip
    author = make_person("coordinator@example.org", Role.COORDINATOR)
    target_save(sample=public, question=survey.questions.get(code="AGE"), crossed_with=None,
                shares={"1": "30", "2": "35", "3": "35"}, source="ONS", actor=author)  # fmt: skip
    weighting_compute(WeightingRun.objects.create(sample=public, requested_by=author))
    why = survey.questions.get(code="WHY")
    theme = theme_add(question=why, name="Trust", actor=author)
    written = Response.objects.filter(answers__has_key="WHY").get()
    answer_code(response=written, question=why, theme_ids=[theme.pk], actor=author)
    quote = quote_choose(response=written, question=why, actor=author)
    report = report_create(survey=survey, title="What adults think", actor=author)
    item_add(report=report, kind=ItemKind.QUESTION, question=survey.questions.get(code="IMPORTANT"), actor=author)
    item_add(report=report, kind=ItemKind.QUOTE, quote=quote, actor=author)
    return survey, report_publish(report=report, actor=author)
