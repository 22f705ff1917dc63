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
from nurture.surveys.models import Response, RunStatus, WeightingRun
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


@pytest.mark.browser
def test_the_coordinator_weights_the_public_sample(new_visitor: Callable[..., Visitor]):
    survey = make_survey()
    public = survey.samples.get(code="public")
    Response.objects.bulk_create(Response(sample=public, answers=row, completed_at=public.survey.created_at,
                                          section_reached=2) for row in people(300))  # fmt: skip
    coordinator = make_person("coordinator@example.org", Role.COORDINATOR)
    me = new_visitor()
    me.sign_in_as(coordinator)
    page = me.page
    me.visit(f"/staff/surveys/{survey.slug}/")
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
    run = WeightingRun.objects.get()
    assert run.status == RunStatus.DONE and run.respondents == 300


@pytest.mark.browser
def test_the_coordinator_publishes_a_report_and_a_visitor_reads_its_chart_table_and_csv(
    new_visitor: Callable[..., Visitor],
):
    survey = make_survey()
    public = survey.samples.get(code="public")
    Response.objects.bulk_create(Response(sample=public, answers=row, completed_at=public.survey.created_at,
                                          section_reached=2) for row in people(300))  # fmt: skip
    coordinator = make_person("coordinator@example.org", Role.COORDINATOR)
    age = survey.questions.get(code="AGE")
    target_save(sample=public, question=age, crossed_with=None, shares={"1": "30", "2": "35", "3": "35"},
                source="ONS", actor=coordinator)  # fmt: skip
    weighting_compute(WeightingRun.objects.create(sample=public, requested_by=coordinator))
    important = survey.questions.get(code="IMPORTANT")
    share = estimate_codes(respondents(public), important, ["1"])
    assert share is not None
    percent = int(Decimal(share[0].share * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    me = new_visitor()
    me.sign_in_as(coordinator)
    page = me.page
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
