"""Reports: composed by the coordinator, refused at publication with a sentence for each
problem, and, once published, a frozen page, CSV and API entry whose every figure equals
the estimate computed when it was published."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import client_for
from nurture.core.models import AuditEntry
from nurture.surveys import weighting
from nurture.surveys.figures import one_decimal, whole_percent
from nurture.surveys.models import ItemKind, Quote, ReportStatus, SampleKind
from nurture.surveys.report_selectors import OPT_IN_REASON, RESULTS_COLUMNS, report_frozen, report_preview
from nurture.surveys.reports import ReportRefused, item_add, item_move, item_remove, report_publish, report_withdraw
from nurture.surveys.results import estimate_codes, respondents
from nurture.surveys.services import SurveyError

from .conftest import answer_many
from .report_fixtures import opt_in_answers, people, question, quote_of, report_with, weighted

NHS_NUMBER = "943 476 5919"  # a valid check digit


def estimate(sample, code: str, options: list[str]) -> float:
    found = estimate_codes(respondents(sample), question(sample.survey, code), options)
    assert found is not None
    return found[0].share


@pytest.fixture
def answered(survey, public, professionals, coordinator):
    """The public sample weighted to its targets, and opt-in answers from professionals."""
    weighted(public, coordinator)
    opt_in_answers(professionals)
    return survey


def _figure(sample, code: str, options: list[str]) -> str:
    return f"[{whole_percent(estimate(sample, code, options))}%]({sample.code}:{code}={','.join(options)})"


def _refused(report, coordinator) -> list[str]:
    with pytest.raises(ReportRefused) as refused:
        report_publish(report=report, actor=coordinator)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.published_content == {}
    return refused.value.problems


def _page(report) -> str:
    response = client_for(None).get(f"/reports/{report.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def _csv(report) -> list[dict[str, str]]:
    response = client_for(None).get(f"/reports/{report.slug}/results.csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


# Publication refused -------------------------------------------------------------------------


def test_a_figure_one_point_off_the_estimate_is_refused_with_a_sentence(answered, public, coordinator):
    share = estimate(public, "IMPORTANT", ["1"])
    off = whole_percent(share) + 1
    report = report_with(answered, coordinator, f"Adults: [{off}%](public:IMPORTANT=1) say very important.")
    assert _refused(report, coordinator) == [
        f"“[{off}%](public:IMPORTANT=1)” in paragraph 1 says {off}%, but the estimate is {off - 1}% "
        f"({one_decimal(share)}% before rounding): correct the figure."
    ]


def test_a_bare_percentage_is_refused(answered, public, coordinator):
    report = report_with(answered, coordinator, f"{_figure(public, 'IMPORTANT', ['1'])} of adults, and 40% of others.")
    (problem,) = _refused(report, coordinator)
    assert problem.startswith("“40%” in paragraph 1 is not linked to the result it comes from")


def test_a_percentage_in_an_items_note_is_refused_as_it_cannot_be_checked(answered, public, coordinator):
    report = report_with(answered, coordinator, f"{_figure(public, 'IMPORTANT', ['1'])} of adults.")
    item_add(report=report, kind=ItemKind.QUESTION, question=question(answered, "IMPORTANT"), sample=public,
             note="Up from 60% last year.", actor=coordinator)  # fmt: skip
    (problem,) = _refused(report, coordinator)
    assert problem.startswith("Item 1's note says “60%”, which cannot be linked or checked there")


@pytest.mark.parametrize(
    ("reference", "says"),
    [
        ("teachers:IMPORTANT=1", "the survey has no sample “teachers” (its samples: professionals, public)."),
        ("public:HAPPY=1", "the survey has no question “HAPPY”."),
        ("public:WHY=1", "WHY is not a question with options, so it has no percentages."),
        ("public:IMPORTANT=7", "IMPORTANT has no option “7” (its options: 1 = Very important,"),
    ],
)
def test_a_reference_to_what_does_not_exist_is_refused(answered, coordinator, reference, says):
    report = report_with(answered, coordinator, f"See [50%]({reference}).")
    (problem,) = _refused(report, coordinator)
    assert problem.startswith(f"“[50%]({reference})” in paragraph 1: {says}")


def test_a_representative_sample_without_weights_is_refused(survey, public, professionals, coordinator):
    answer_many(public, people(50))
    report = report_with(survey, coordinator, "Nothing quoted.")
    assert _refused(report, coordinator) == [
        "The Public sample is representative but has not been weighted: enter its population targets and run "
        "the weighting before publishing."
    ]


def test_a_quote_without_consent_or_with_an_nhs_number_cannot_be_added(answered, professionals, coordinator):
    report = report_with(answered, coordinator, "Words.")
    refused = quote_of(professionals, "They matter more than anything.", consent=False)
    with pytest.raises(SurveyError, match="did not agree to be quoted"):
        item_add(report=report, kind=ItemKind.QUOTE, quote=refused, actor=coordinator)
    identifying = quote_of(professionals, f"Baby {NHS_NUMBER} was thriving.")
    with pytest.raises(SurveyError, match="an NHS number"):
        item_add(report=report, kind=ItemKind.QUOTE, quote=identifying, actor=coordinator)
    assert not report.items.exists()


def test_a_quote_that_lost_consent_or_gained_an_nhs_number_is_refused_at_publication(
    answered, professionals, coordinator
):
    report = report_with(answered, coordinator, "Words.")
    first = quote_of(professionals, "They matter more than anything.")
    second = quote_of(professionals, "Every cuddle counts.")
    for quote in (first, second):
        item_add(report=report, kind=ItemKind.QUOTE, quote=quote, actor=coordinator)
    first.response.quote_consent = False
    first.response.save(update_fields=["quote_consent"])
    Quote.objects.filter(pk=second.pk).update(text=f"Every cuddle counts for {NHS_NUMBER}.")
    problems = _refused(report, coordinator)
    assert len(problems) == 2
    assert problems[0].startswith("The quote “They matter more than anything.” (item 1): The respondent did not agree")
    assert problems[1].startswith(f"The quote “Every cuddle counts for {NHS_NUMBER}.” (item 2): This answer holds")
    assert "an NHS number" in problems[1]


def test_only_the_coordinator_composes_and_publishes(answered, coordinator, registrar):
    report = report_with(answered, coordinator, "Words.")
    with pytest.raises(SurveyError, match="Only the survey coordinator"):
        report_publish(report=report, actor=registrar)


# Published --------------------------------------------------------------------------------------


@pytest.fixture
def published(answered, public, professionals, coordinator):
    summary = (
        f"Most adults, {_figure(public, 'IMPORTANT', ['1'])}, say a baby's early relationships are very "
        f"important; {_figure(public, 'IMPORTANT', ['3', '4'])} say they are not.\n\n"
        f"Among professionals who answered, {_figure(professionals, 'IMPORTANT', ['1'])} said so."
    )
    report = report_with(answered, coordinator, summary)
    important = question(answered, "IMPORTANT")
    item_add(report=report, kind=ItemKind.QUESTION, question=important, actor=coordinator, note="Chart note.")
    item_add(
        report=report,
        kind=ItemKind.COMPARISON,
        question=important,
        sample=public,
        other_sample=professionals,
        options=["1"],
        actor=coordinator,
    )
    quote = quote_of(professionals, "Every cuddle counts.")
    item_add(report=report, kind=ItemKind.QUOTE, quote=quote, actor=coordinator)
    return report_publish(report=report, actor=coordinator)


def test_the_published_page_shows_each_figure_equal_to_the_estimate_linked_to_its_table(
    published, public, professionals, coordinator
):
    html = _page(published)
    for sample, options in ((public, ["1"]), (public, ["3", "4"]), (professionals, ["1"])):
        expected = whole_percent(estimate(sample, "IMPORTANT", options))
        link = f'<a href="#table-{sample.code}-IMPORTANT" class="figure">{expected}%</a>'
        assert link in html
    assert 'id="table-public-IMPORTANT"' in html and 'id="table-professionals-IMPORTANT"' in html
    entry = AuditEntry.objects.get(action="surveys.report.published")
    assert entry.actor == coordinator and entry.data["figures"] == 3 and entry.data["again"] is False
    assert published.published_by == coordinator and published.published_at is not None


def test_the_chart_and_its_table_show_the_same_numbers(published, public):
    html = _page(published)
    shares = [estimate(public, "IMPORTANT", [code]) for code in ("1", "2", "3", "4", "99")]
    chart = (
        html.split('id="item-1-public-chart-title"')[0].rsplit("<svg", 1)[1]
        + html.split('id="item-1-public-chart-title"')[1].split("</svg>")[0]
    )
    table = html.split('id="item-1-public"')[1].split("</table>")[0].split('<tr class="net">')[0]  # the options' rows
    chart_values = re.findall(r'font-weight="700">(\d+)%</text>', chart)
    table_values = re.findall(r'data-label="Percentage">(\d+)%</td>', table)
    assert chart_values == table_values == [str(whole_percent(s)) for s in shares]
    assert 'role="img" aria-labelledby="item-1-public-chart-title item-1-public-chart-desc"' in html
    assert f"Very important: {whole_percent(shares[0])}% (95% interval" in chart
    assert 'viewBox="0 0 340 ' in html and 'width="100%"' in html
    assert '<th scope="col">95% interval</th>' in table and "<caption" in table


def test_an_opt_in_sample_is_shown_without_an_interval_and_the_page_says_why(published):
    html = _page(published)
    table = html.split('id="table-professionals-IMPORTANT"')[1].split("</table>")[0]
    assert "95% interval" not in table and "Design effect" not in table
    assert OPT_IN_REASON in html
    comparison = html.split('id="comparison-2"')[1].split("</p>")[1]
    assert "No significance test is made: the Professionals sample is opt-in" in html
    assert "None: an opt-in sample" in html.split('id="comparison-2"')[1].split("</table>")[0]
    assert comparison


def test_the_methods_statement_discloses_what_the_polling_council_asks(published, public, professionals):
    html = _page(published)
    methods = html.split('id="methods"')[1].split('id="tables"')[0]
    content = report_frozen(published)
    facts = {s.code: s for s in content.samples}
    for needed in (
        "Commissioned by The Infant Mental Health Charity",
        "Fieldwork and analysis by Nurture",
        "UK adults aged 18 and over",
        "Teachers and early-years professionals in the UK",
        "United Kingdom",
        "Online self-completion questionnaire",
        f"{facts['public'].respondents} respondents (unweighted); weighted base",
        f"{facts['professionals'].respondents} respondents (unweighted)",
        "source: ONS mid-2022 population estimates",
        "source: ONS Census 2021",
        '<td data-label="Population share">35%</td>',
        "Korn–Graubard",
    ):
        assert needed in methods, needed
    day = facts["public"].first_completed
    assert day is not None and f'<time datetime="{day:%Y-%m-%d}">' in methods
    assert facts["public"].respondents == 300 and facts["professionals"].respondents == 121
    # Full wording, and a table for every question with options for each sample, with bases.
    tables = html.split('id="tables"')[1]
    for code in ("AGE", "SEX", "IMPORTANT", "SUPPORT"):
        assert f'id="table-public-{code}"' in tables and f'id="table-professionals-{code}"' in tables
    assert 'id="table-professionals-ROLE"' in tables and 'id="table-public-ROLE"' not in tables
    assert "Not answered by anyone in this sample (not asked of it, or routed past): ROLE: What is your role?" in tables
    assert "How important are a baby&#x27;s early relationships?" in tables
    assert "base 300 respondents (unweighted), weighted base 300.0" in tables
    assert "more than one answer could be given" in tables


def test_the_csv_rows_equal_the_frozen_estimates(published):
    rows = _csv(published)
    content = report_frozen(published)
    expected = [(t, o) for t in content.tables for o in t.options]
    assert list(rows[0]) == list(RESULTS_COLUMNS)
    assert len(rows) == len(expected)
    for row, (table, option) in zip(rows, expected, strict=True):
        assert (row["sample"], row["question"], row["option_code"]) == (table.sample, table.question, option.code)
        assert float(row["percent"]) == one_decimal(option.share)
        assert row["base_unweighted"] == str(table.base)
        if table.sample == "professionals":
            assert row["low_95"] == row["high_95"] == row["design_effect"] == ""
        else:
            assert float(row["low_95"]) == one_decimal(option.low or 0)


def test_no_cell_of_the_csv_can_run_as_a_formula(coordinator):
    from .report_fixtures import published_with_labels

    labels = ["=1+1", "@SUM(A1)", "-2+3", "+cmd", "Fine"]
    report = published_with_labels(coordinator, labels)
    cells = [cell for row in _csv(report) for cell in row.values()]
    assert not [cell for cell in cells if re.match(r"^\s*[=+\-@]|^[\t\r]", cell)]
    for label in labels[:4]:
        assert "'" + label in cells


def test_the_api_returns_the_same_numbers(published, public, professionals):
    body = client_for(None).get(f"/api/v1/reports/{published.slug}").json()
    content = report_frozen(published)
    assert body["slug"] == published.slug and body["commissioned_by"] == "The Infant Mental Health Charity"
    samples = {s["code"]: s for s in body["samples"]}
    for table in content.tables:
        (question,) = [q for q in samples[table.sample]["questions"] if q["code"] == table.question]
        assert question["base"] == table.base
        assert [o["percent"] for o in question["options"]] == [one_decimal(o.share) for o in table.options]
    public_important = next(q for q in samples["public"]["questions"] if q["code"] == "IMPORTANT")
    assert public_important["options"][0]["low"] is not None and public_important["options"][0]["design_effect"]
    pro_important = next(q for q in samples["professionals"]["questions"] if q["code"] == "IMPORTANT")
    assert {o["low"] for o in pro_important["options"]} == {None}
    assert samples["professionals"]["no_margin_of_error_because"] == OPT_IN_REASON
    assert samples["public"]["weighting_targets"][0]["source"] == "ONS mid-2022 population estimates"
    (comparison,) = body["comparisons"]
    assert comparison["p_value"] is None and comparison["first"]["percent"] == one_decimal(
        estimate(public, "IMPORTANT", ["1"])
    )


def test_the_published_copy_does_not_change_when_the_data_does(published, public, professionals, coordinator):
    page, rows = _page(published), _csv(published)
    api = client_for(None).get(f"/api/v1/reports/{published.slug}").json()
    answer_many(professionals, [row | {"IMPORTANT": "4"} for row in people(200, seed=1)])
    assert _page(published) == page and _csv(published) == rows
    assert client_for(None).get(f"/api/v1/reports/{published.slug}").json() == api


def test_publishing_again_refreshes_the_copy_and_withdrawing_takes_it_down(
    published, public, professionals, coordinator
):
    answer_many(professionals, [row | {"IMPORTANT": "4"} for row in people(200, seed=1)])
    # The figures quoted for professionals no longer hold: republication is refused until corrected.
    problems = report_preview(published).problems
    assert len(problems) == 1 and "paragraph 2 says" in problems[0]
    with pytest.raises(ReportRefused):
        report_publish(report=published, actor=coordinator)
    published.refresh_from_db()
    assert published.status == ReportStatus.PUBLISHED and report_frozen(published).samples[0].respondents == 321 - 200

    published.summary = published.summary.split("\n\n")[0]
    published.save(update_fields=["summary"])
    again = report_publish(report=published, actor=coordinator)
    assert {s.code: s.respondents for s in report_frozen(again).samples}["professionals"] == 321
    assert AuditEntry.objects.filter(action="surveys.report.published", data__again=True).count() == 1

    report_withdraw(report=again, actor=coordinator)
    for url in (f"/reports/{again.slug}/", f"/reports/{again.slug}/results.csv", f"/api/v1/reports/{again.slug}"):
        assert client_for(None).get(url).status_code == 404
    assert AuditEntry.objects.filter(action="surveys.report.withdrawn").exists()


def test_a_comparison_of_two_representative_samples_is_tested(survey, public, professionals, coordinator):
    professionals.kind = SampleKind.REPRESENTATIVE
    professionals.save(update_fields=["kind"])
    weighted(public, coordinator)
    weighted(professionals, coordinator, n=200)
    report = report_with(survey, coordinator, "")
    important = question(survey, "IMPORTANT")
    item_add(
        report=report,
        kind=ItemKind.COMPARISON,
        question=important,
        sample=public,
        other_sample=professionals,
        options=["1", "2"],
        actor=coordinator,
    )
    (item,) = report_frozen(report_publish(report=report, actor=coordinator)).items
    assert item.comparison is not None
    a, b = (estimate_codes(respondents(s), important, ["1", "2"]) for s in (public, professionals))
    assert a is not None and b is not None
    assert item.comparison.p_value == pytest.approx(weighting.difference(a[0], b[0]).p_value)
    assert "design-based z test" in item.comparison.note


def test_a_draft_is_not_found_on_the_page_the_csv_or_the_api(answered, coordinator):
    report = report_with(answered, coordinator, "Words.")
    for url in (f"/reports/{report.slug}/", f"/reports/{report.slug}/results.csv", f"/api/v1/reports/{report.slug}"):
        assert client_for(coordinator).get(url).status_code == 404
    assert client_for(None).get(f"/api/v1/reports/{report.slug}").json() == {
        "detail": "There is no published report with this slug."
    }
    assert client_for(None).get("/api/v1/reports/no%00such").status_code in (400, 404, 422)


def test_the_public_page_reads_the_same_few_queries_however_big_the_report(published, answered, coordinator):
    small = report_with(answered, coordinator, "Words only.", slug_title="Small")
    item_add(report=small, kind=ItemKind.QUESTION, question=question(answered, "SEX"), actor=coordinator)
    report_publish(report=small, actor=coordinator)
    counts = []
    for report in (small, published):
        with CaptureQueriesContext(connection) as queries:
            _page(report)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 2


def test_the_list_of_reports_shows_published_ones_only(published, answered, coordinator):
    report_with(answered, coordinator, "Draft.", slug_title="Unfinished draft")
    html = client_for(None).get("/reports/").content.decode()
    assert published.title in html and "Unfinished draft" not in html


# The coordinator's pages --------------------------------------------------------------------------


def test_the_coordinator_composes_previews_and_publishes_through_the_pages(answered, public, coordinator):
    staff = client_for(coordinator)
    response = staff.post(f"/staff/surveys/{answered.slug}/reports/", {"title": "Early relationships 2025"})
    assert response.status_code == 302 and response["Location"] == "/staff/reports/early-relationships-2025/"
    url = response["Location"]
    typed = "Adults: [1%](public:IMPORTANT=1).\x07"
    failed = staff.post(url, {"action": "save", "title": "Early relationships 2025", "summary": typed})
    assert failed.status_code == 400 and "[1%](public:IMPORTANT=1)." in failed.content.decode()
    assert (
        staff.post(url, {"action": "save", "title": "Early relationships 2025", "summary": typed[:-1]}).status_code
        == 302
    )
    important = question(answered, "IMPORTANT")
    added = staff.post(url, {"action": "question", "question_item-question": important.pk, "question_item-sample": ""})
    assert added.status_code == 302
    bad = staff.post(
        url,
        {
            "action": "comparison",
            "comparison_item-question": important.pk,
            "comparison_item-sample": public.pk,
            "comparison_item-other_sample": public.pk,
            "comparison_item-options": "1",
        },
    )
    assert bad.status_code == 400 and "Choose two different samples to compare." in bad.content.decode()
    preview = staff.get(f"{url}preview/")
    assert preview.status_code == 200 and "It cannot be published yet: 1 problem" in preview.content.decode()
    refused = staff.post(f"{url}publish/")
    assert refused.status_code == 302 and refused["Location"] == f"{url}preview/"
    right = whole_percent(estimate(public, "IMPORTANT", ["1"]))
    staff.post(
        url, {"action": "save", "title": "Early relationships 2025", "summary": f"[{right}%](public:IMPORTANT=1)"}
    )
    done = staff.post(f"{url}publish/")
    assert done.status_code == 302 and done["Location"] == "/reports/early-relationships-2025/"
    assert f'class="figure">{right}%</a>' in client_for(None).get(done["Location"]).content.decode()


def test_items_move_and_are_removed_keeping_their_order(answered, coordinator):
    report = report_with(answered, coordinator, "Words.")
    codes = ["AGE", "SEX", "IMPORTANT"]
    items = [
        item_add(report=report, kind=ItemKind.QUESTION, question=question(answered, c), actor=coordinator)
        for c in codes
    ]
    item_move(report=report, item_id=items[2].pk, up=True, actor=coordinator)
    assert [i.question.code for i in report.items.order_by("position")] == ["AGE", "IMPORTANT", "SEX"]
    item_move(report=report, item_id=items[0].pk, up=True, actor=coordinator)  # first already: nothing moves
    item_remove(report=report, item_id=items[0].pk, actor=coordinator)
    assert list(report.items.order_by("position").values_list("position", "question__code")) == [
        (1, "IMPORTANT"),
        (2, "SEX"),
    ]
    staff = client_for(coordinator)
    url = f"/staff/reports/{report.slug}/"
    assert staff.post(url, {"action": "down", "item": str(items[2].pk)}).status_code == 302
    assert [i.question.code for i in report.items.order_by("position")] == ["SEX", "IMPORTANT"]
    assert staff.post(url, {"action": "remove", "item": "²"}).status_code == 404
    assert staff.post(url, {"action": "remove", "item": "99999999"}).status_code == 302  # gone already: a message


def test_bad_input_on_the_staff_pages_never_fails(answered, coordinator):
    report = report_with(answered, coordinator, "Words.")
    staff = client_for(coordinator)
    url = f"/staff/reports/{report.slug}/"
    for data in (
        {"action": "save", "title": "x" * 500, "summary": "y" * 30000},
        {"action": "save", "title": "\x00", "summary": "\x07"},
        {"action": "question", "question_item-question": "\x00"},
        {"action": "comparison", "comparison_item-options": "1,\x00"},
        {"action": "quote", "quote_item-quote": "99999999999999999999999"},
        {"action": "\x00"},
    ):
        assert staff.post(url, data).status_code in (302, 400), data
    assert staff.post(f"/staff/surveys/{answered.slug}/reports/", {"title": "\x00" * 3}).status_code == 400


def test_the_staff_pages_read_the_same_queries_however_many_reports_and_items(answered, professionals, coordinator):
    staff = client_for(coordinator)

    def counted(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(url).status_code == 200
        return len(queries)

    report = report_with(answered, coordinator, "Words.")
    item_add(report=report, kind=ItemKind.QUESTION, question=question(answered, "AGE"), actor=coordinator)
    item_add(report=report, kind=ItemKind.QUOTE, quote=quote_of(professionals, "One."), actor=coordinator)
    before = (counted(f"/staff/surveys/{answered.slug}/reports/"), counted(f"/staff/reports/{report.slug}/"))
    for title in ("Second", "Third"):
        report_with(answered, coordinator, "More.", slug_title=title)
    for code in ("SEX", "IMPORTANT"):
        item_add(report=report, kind=ItemKind.QUESTION, question=question(answered, code), actor=coordinator)
    item_add(report=report, kind=ItemKind.QUOTE, quote=quote_of(professionals, "Two."), actor=coordinator)
    after = (counted(f"/staff/surveys/{answered.slug}/reports/"), counted(f"/staff/reports/{report.slug}/"))
    assert before == after


def test_a_title_changed_after_publication_waits_for_publishing_again(published, coordinator):
    from nurture.surveys.reports import report_save

    title = published.title
    report_save(report=published, title="A draft title", summary=published.summary, actor=coordinator)
    listed = client_for(None).get("/reports/").content.decode()
    assert title in listed and "A draft title" not in listed


def test_a_figure_counting_options_together_is_found_in_its_table_as_a_net_row(answered, public, coordinator):
    share = estimate(public, "IMPORTANT", ["3", "4"])
    report = report_with(answered, coordinator, f"{_figure(public, 'IMPORTANT', ['3', '4'])} say not important.")
    report_publish(report=report, actor=coordinator)
    html = _page(report)
    row = re.search(r'<tr class="net">(.*?)</tr>', html, re.S)
    assert row is not None
    assert "Net: Not very important or Not at all important" in row.group(1)
    assert f"{whole_percent(share)}%" in row.group(1)
