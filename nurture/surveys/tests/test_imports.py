"""Importing responses gathered elsewhere from a CSV file: a good file imports every row; any
problem refuses the whole file and is reported with its row, its respondent and what is wrong."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from nurture.accounts.models import User
from nurture.core.models import AuditEntry
from nurture.core.tests.queries import page_queries
from nurture.surveys import imports
from nurture.surveys.imports import ImportResult, responses_import
from nurture.surveys.models import Question, Response, Sample, Source, Survey, SurveyStatus
from nurture.surveys.tests.conftest import answer, answer_many, make_survey

FIRST_ANSWERS = {"AGE": "1", "SEX": "2", "IMPORTANT": "2", "SUPPORT": ["1"]}
HEADER = "respondent_id,completed,quote_consent,AGE,SEX,ROLE,IMPORTANT,WHY,SUPPORT"
GOOD = [
    "P001,2025-03-14,yes,1,2,,1,They learn to trust.,1;3",
    "P002,2025-03-14T10:30,no,3,1,2,99,,2",
    "P003,,,2,1,,2,,1; 2 ;3",
]


def csv_file(*rows: str, header: str = HEADER, name: str = "panel.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\r\n".join([header, *rows]).encode(), content_type="text/csv")


def imported(sample: Sample, coordinator: User, *rows: str, header: str = HEADER) -> ImportResult:
    return responses_import(sample=sample, upload=csv_file(*rows, header=header), actor=coordinator)


def refused(result: ImportResult) -> list[tuple[int, str, str]]:
    return [(r.row, r.respondent_id, r.problem) for r in result.refusals]


# A good file ---------------------------------------------------------------------------


def test_a_good_file_imports_every_row_as_a_completed_response(public, coordinator):
    result = imported(public, coordinator, *GOOD)

    assert (result.ok, result.imported, result.problem) == (True, 3, "")
    rows = {r.external_id: r for r in Response.objects.filter(sample=public)}
    assert set(rows) == {"P001", "P002", "P003"}
    first = rows["P001"]
    assert first.answers == {
        "AGE": "1",
        "SEX": "2",
        "IMPORTANT": "1",
        "WHY": "They learn to trust.",
        "SUPPORT": ["1", "3"],
    }
    assert (first.source, first.quote_consent, first.section_reached) == (Source.IMPORT, True, 2)
    assert timezone.localtime(first.completed_at).date().isoformat() == "2025-03-14"
    assert rows["P002"].answers == {"AGE": "3", "SEX": "1", "ROLE": "2", "IMPORTANT": "99", "SUPPORT": ["2"]}
    assert timezone.localtime(rows["P002"].completed_at).strftime("%Y-%m-%d %H:%M") == "2025-03-14 10:30"
    assert rows["P002"].quote_consent is False
    assert rows["P003"].answers["SUPPORT"] == ["1", "2", "3"]
    assert rows["P003"].completed_at is not None


def test_an_import_is_audited_with_its_count(public, coordinator):
    imported(public, coordinator, *GOOD)

    entry = AuditEntry.objects.get(action="surveys.responses.imported")
    assert (entry.actor, entry.target_id, entry.data["count"]) == (coordinator, str(public.pk), 3)


def test_the_file_may_have_a_byte_order_mark_windows_line_ends_and_quoted_text_over_lines(public, coordinator):
    text = "\ufeff" + HEADER + '\r\nP001,,,1,2,,1,"One line,\r\nand another",1\r\n'
    result = responses_import(sample=public, upload=SimpleUploadedFile("a.csv", text.encode()), actor=coordinator)

    assert result.ok
    assert Response.objects.get().answers["WHY"] == "One line,\r\nand another"


def test_a_question_left_out_of_the_columns_is_not_answered(public, coordinator):
    result = imported(public, coordinator, "P001,1,2,2,1", header="respondent_id,AGE,SEX,IMPORTANT,SUPPORT")

    assert result.ok
    assert Response.objects.get().answers == {"AGE": "1", "SEX": "2", "IMPORTANT": "2", "SUPPORT": ["1"]}


def test_the_same_respondent_id_may_be_imported_into_another_sample(public, professionals, coordinator):
    assert imported(public, coordinator, *GOOD).ok
    assert imported(professionals, coordinator, *GOOD).ok
    assert Response.objects.filter(external_id="P001").count() == 2


def test_an_import_is_not_refused_by_the_quota_but_counts_towards_it(coordinator):
    survey = make_survey(quota=2)
    public = survey.samples.get(code="public")

    result = imported(public, coordinator, *GOOD)

    assert (result.imported, result.completed, result.quota, result.over_quota) == (3, 3, 2, True)


# Bad rows: each reported with its row, its respondent and the problem; nothing imported --


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("P009,,,1,2,,7,,1", "IMPORTANT: “7” is not one of its options (1, 2, 3, 4, 99)."),
        ("P009,,,1,2,,1,,4", "SUPPORT: 4 is not one of its options."),
        ("P009,,,1,2,,1,,1;1", "SUPPORT: an option is given twice."),
        ("P009,,,Female,2,,1,,1", "AGE: “Female” is not one of its options (1, 2, 3)."),
        ("P009,,,1,2,,2,Because.,1", "WHY: answered, but it is asked only when IMPORTANT is 1."),
        ("P009,,,1,,,1,,1", "SEX: this question must be answered."),
        ("P009,,,1,2,,1,,", "SUPPORT: this question must be answered."),
        (",,,1,2,,1,,1", "respondent_id: this row has none."),
        (
            "P009,14/03/2025,,1,2,,1,,1",
            "completed: “14/03/2025” is not a date; write it as 2025-03-14 or 2025-03-14T10:30.",
        ),
        ("P009,2999-01-01,,1,2,,1,,1", "completed: 2999-01-01 is in the future."),
        ("P009,0001-01-01T00:00+01:00,,1,2,,1,,1", "completed: 0001-01-01T00:00+01:00 is before 2000; check the year."),
        ("P009,,maybe,1,2,,1,,1", "quote_consent: write yes or no, not “maybe”."),
        ("P009,,,1\x07,2,,1,,1", "AGE: holds an invisible control character (or a line break)."),
        ("P009,,,1,2,,1,,1,extra", "The row has 10 cells but there are 9 column names."),
        ("P009,,,1,2", "The row has 5 cells but there are 9 column names."),
    ],
)
def test_a_bad_row_is_reported_with_its_row_and_respondent_and_nothing_is_imported(public, coordinator, row, problem):
    result = imported(public, coordinator, GOOD[0], row, GOOD[1])

    assert not result.ok
    assert refused(result) == [(3, "P009" if row.startswith("P009") else "", problem)]
    assert (
        result.problem
        == "1 row of 3 was refused (1 problem), so nothing was imported. Correct the file and upload it again."
    )
    assert Response.objects.count() == 0
    assert not AuditEntry.objects.filter(action="surveys.responses.imported").exists()


def test_a_number_that_is_not_a_number_or_out_of_range_is_refused(public, coordinator):
    section = public.survey.sections.get(position=2)
    Question.objects.create(
        survey=public.survey, section=section, position=7, code="CHILDREN", kind="number",
        text="How many children do you have?", required=False, least=Decimal(0), most=Decimal(20),
    )  # fmt: skip
    header = f"{HEADER},CHILDREN"

    result = imported(public, coordinator, f"{GOOD[0]},two", f"{GOOD[1]},25", f"{GOOD[2]},3", header=header)

    assert refused(result) == [
        (2, "P001", "CHILDREN: “two” is not a number."),
        (3, "P002", "CHILDREN: 25 is above 20."),
    ]
    assert Response.objects.count() == 0


def test_a_long_or_invisible_value_is_shown_shortened_and_visible(public, coordinator):
    result = imported(public, coordinator, "P\x07" + "9" * 100 + ",,,1,2,,1,,1")

    [(row, respondent, problem)] = refused(result)
    assert (row, len(respondent), respondent[:3]) == (2, 64, "P?9")
    assert problem == "respondent_id: longer than 64 characters."


def test_every_refused_row_is_reported_each_problem_on_its_own(public, coordinator):
    result = imported(public, coordinator, "P001,,,9,,,1,,1", GOOD[1], "P003,,,1,2,,2,Why not,1", "P003,,,1,2,,1,,1")

    assert refused(result) == [
        (2, "P001", "AGE: “9” is not one of its options (1, 2, 3)."),
        (2, "P001", "SEX: this question must be answered."),
        (4, "P003", "WHY: answered, but it is asked only when IMPORTANT is 1."),
        (5, "P003", "respondent_id: P003 is also on row 4."),
    ]
    assert (result.refused_rows, result.refusal_count) == (3, 4)
    assert result.problem.startswith("3 rows of 4 were refused (4 problems), so nothing was imported.")
    assert Response.objects.count() == 0


def test_a_respondent_imported_before_is_refused(public, coordinator):
    answer(public, {"AGE": "1"}, external_id="P002", source=Source.IMPORT)

    result = imported(public, coordinator, *GOOD)

    assert refused(result) == [(3, "P002", "respondent_id: P002 was imported into this sample before.")]
    assert Response.objects.count() == 1


def test_rows_are_numbered_as_a_spreadsheet_shows_them_blank_rows_included(public, coordinator):
    result = imported(public, coordinator, GOOD[0], "", ",,,,,,,,", "P009,,,1,2,,5,,1")

    assert refused(result) == [(5, "P009", "IMPORTANT: “5” is not one of its options (1, 2, 3, 4, 99).")]


def test_the_list_of_problems_shown_is_capped_and_the_total_given(public, coordinator, monkeypatch):
    monkeypatch.setattr(imports, "MAX_SHOWN", 5)

    result = imported(public, coordinator, *(f"P{n},,,9,2,,1,,1" for n in range(12)))

    assert (len(result.refusals), result.refusal_count, result.more_refusals) == (5, 12, 7)
    assert result.problem.startswith("12 rows of 12 were refused (12 problems)")


def test_an_import_that_races_another_imports_nothing(public, coordinator, monkeypatch):
    imported_before = imports._imported_before

    def another_import_lands_meanwhile(sample: Sample) -> set[str]:
        before = imported_before(sample)
        answer(public, {"AGE": "1"}, external_id="P003", source=Source.IMPORT)
        return before

    monkeypatch.setattr(imports, "_imported_before", another_import_lands_meanwhile)

    result = imported(public, coordinator, *GOOD)

    assert not result.ok
    assert "imported by someone else" in result.problem
    assert not Response.objects.filter(external_id__in=["P001", "P002"]).exists()


# A file refused whole -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"respondent_id,AGEE,SEX\nP1,1,2\n", "“AGEE” is not a column of this survey"),
        (b"respondent_id,age\nP1,1\n", "“age” is not a column of this survey (did you mean AGE?)"),
        (b"respondent_id,AGE,AGE\nP1,1,1\n", "The column “AGE” appears twice"),
        (b"id,AGE\nP1,1\n", "there is no respondent_id column"),
        (b"respondent_id,,AGE\nP1,,1\n", "Column 2 has no name"),
        ("respondent_id,WHY\nP1,Très bien\n".encode("latin-1"), "The file is not UTF-8 text."),
        (b"respondent_id,AGE\nP1,1\x00\n", "The file holds NUL characters"),
        (b"PK\x03\x04rest of a workbook", "This is a spreadsheet workbook, not a CSV file."),
        (b"\xd0\xcf\x11\xe0old excel", "This is a spreadsheet workbook, not a CSV file."),
        ("respondent_id,AGE\nP1,1\n".encode("utf-16"), "The file is saved as UTF-16 text; it must be UTF-8."),
        (b"", "The file is empty"),
        (b"\n\n", "The file is empty"),
        (HEADER.encode() + b"\n", "The file has the column names but no responses."),
        (
            b"respondent_id;AGE;SEX\nP1;1;2\n",
            "The cells are separated by semicolons; they must be separated by commas.",
        ),
        (b"respondent_id\tAGE\nP1\t1\n", "The cells are separated by tabs; they must be separated by commas."),
        (b"respondent_id,WHY\nP1," + b"x" * 200_000 + b"\n", "The file could not be read as CSV near line 2"),
        (
            b"respondent_id," + b"Z" * 100 + b"\x07\n",
            "“ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ…” is not a column",
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_clear_message(public, coordinator, content, problem):
    result = responses_import(sample=public, upload=SimpleUploadedFile("a.csv", content), actor=coordinator)

    assert not result.ok
    assert problem in result.problem
    assert result.problem.endswith("Nothing was imported.")
    assert Response.objects.count() == 0


def test_a_file_with_too_many_rows_is_refused(public, coordinator, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 2)

    result = imported(public, coordinator, *GOOD)

    assert result.problem == "The file has more than 2 rows: split it into several files. Nothing was imported."
    assert Response.objects.count() == 0


def test_a_file_too_big_is_refused(public, coordinator, monkeypatch):
    monkeypatch.setattr(imports, "MAX_BYTES", 100)

    result = imported(public, coordinator, *GOOD)

    assert result.problem.startswith("The file is larger than 0 MB")
    assert Response.objects.count() == 0


def test_a_draft_survey_takes_no_import(coordinator):
    survey = make_survey(status=SurveyStatus.DRAFT)

    result = imported(survey.samples.get(code="public"), coordinator, *GOOD)

    assert result.problem.startswith("The survey is still a draft")
    assert Response.objects.count() == 0


# The page ----------------------------------------------------------------------------


def import_url(survey: Survey, code: str = "public") -> str:
    return reverse("surveys:staff_import", kwargs={"slug": survey.slug, "code": code})


@pytest.fixture
def staff(coordinator) -> Client:
    return client_for(coordinator)


def test_the_page_documents_the_columns_and_each_questions_codes(staff, survey):
    page = staff.get(import_url(survey)).content.decode()

    assert f"<code>{HEADER}</code>" in page
    assert "<code>IMPORTANT</code>" in page
    assert "How important are a baby&#x27;s early relationships?" in page
    assert "<li><code>1</code> Very important</li>" in page
    assert "<li><code>99</code> Don&#x27;t know</li>" in page
    assert "Optional; only when IMPORTANT is 1." in page
    assert "imported responses count towards it" in page
    assert "Responses not finished are left out." in page


def test_the_coordinator_imports_a_file_and_is_told_how_many(staff, survey, public):
    response = staff.post(import_url(survey), {"file": csv_file(*GOOD)}, follow=True)

    assert response.redirect_chain == [(import_url(survey), 302)]
    assert "Imported 3 responses into “Public”." in response.content.decode()
    assert Response.objects.filter(sample=public).count() == 3


def test_a_refused_file_shows_each_problem_with_its_row_and_the_form_again(staff, survey):
    response = staff.post(import_url(survey), {"file": csv_file(GOOD[0], "P009,,,1,2,,2,Because.,1")})

    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "1 row of 2 was refused (1 problem), so nothing was imported." in page
    assert (
        '<th scope="row" data-label="Row">3</th><td data-label="Respondent">P009</td>'
        '<td data-label="Problem">WHY: answered, but it is asked only when IMPORTANT is 1.</td>'
    ) in page
    assert 'type="file" name="file"' in page
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("respondent_id,WHY\nP1,Très bien\n".encode("latin-1"), "The file is not UTF-8 text."),
        (b"respondent_id,AGE\nP1,1\x00\n", "The file holds NUL characters"),
    ],
)
def test_a_file_that_is_not_csv_text_gets_a_clear_message_not_an_error(staff, survey, content, problem):
    response = staff.post(import_url(survey), {"file": SimpleUploadedFile("a.csv", content)})

    assert response.status_code == 400
    assert problem in response.content.decode()
    assert Response.objects.count() == 0


def test_sending_no_file_asks_for_one(staff, survey):
    response = staff.post(import_url(survey), {})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_a_file_kept_on_disk_while_uploading_imports_too(staff, survey, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10  # the upload is written to a temporary file

    response = staff.post(import_url(survey), {"file": csv_file(*GOOD)})

    assert response.status_code == 302
    assert Response.objects.count() == 3


def test_the_pages_queries_do_not_grow_with_the_responses(staff, survey, public):
    url = import_url(survey)
    answer(public, FIRST_ANSWERS)
    few, _ = page_queries(staff, url)
    answer_many(public, [FIRST_ANSWERS] * 30)

    assert page_queries(staff, url)[0] == few


def test_a_survey_or_sample_that_does_not_exist_is_not_found(staff, survey):
    assert staff.get(reverse("surveys:staff_import", kwargs={"slug": "nope", "code": "public"})).status_code == 404
    assert staff.get(import_url(survey, "nope")).status_code == 404


def test_the_page_of_a_draft_survey_says_to_open_it_first(staff):
    survey = make_survey(slug="draft-survey", status=SurveyStatus.DRAFT)

    assert "The survey is still a draft." in staff.get(import_url(survey)).content.decode()


def test_the_completed_time_is_uk_time_unless_the_file_says_otherwise(public, coordinator):
    imported(public, coordinator, "P001,2025-07-01T09:00,,1,2,,2,,1", "P002,2025-07-01T09:00Z,,1,2,,2,,1")

    rows = dict(Response.objects.values_list("external_id", "completed_at"))
    assert timezone.localtime(rows["P001"]).hour == 9
    assert rows["P002"] == datetime(2025, 7, 1, 9, tzinfo=UTC)
