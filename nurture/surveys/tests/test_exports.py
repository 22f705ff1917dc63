"""Exporting a survey's responses: a CSV streamed row by row with every cell safe for
spreadsheets, and an SPSS file whose variables and values carry the questionnaire's labels;
both read in chunks, so many rows neither hold memory nor add queries."""

from __future__ import annotations

import csv
import io
import os
import tempfile
import tracemalloc
from datetime import timedelta
from pathlib import Path

import numpy as np
import pyreadstat
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from nurture.core.models import AuditEntry
from nurture.surveys import exports
from nurture.surveys.exports import spss_name
from nurture.surveys.models import Response, RunStatus, Sample, Source, Survey, WeightingRun
from nurture.surveys.tests.conftest import answer

HEADER = [
    "response_id",
    "respondent_id",
    "sample",
    "source",
    "started",
    "completed",
    "quote_consent",
    "weight",
    "AGE",
    "SEX",
    "ROLE",
    "IMPORTANT",
    "WHY",
    "SUPPORT",
]
FIRST = {"AGE": "1", "SEX": "2", "IMPORTANT": "1", "WHY": "They learn to trust.", "SUPPORT": ["1", "3"]}
SECOND = {"AGE": "3", "SEX": "1", "ROLE": "2", "IMPORTANT": "99", "SUPPORT": ["2"]}


@pytest.fixture
def staff(coordinator) -> Client:
    return client_for(coordinator)


def weigh(sample: Sample, weights: dict[Response, float]) -> WeightingRun:
    """A weighting run done for `sample`, as the weighting task leaves it."""
    return WeightingRun.objects.create(
        sample=sample,
        status=RunStatus.DONE,
        response_ids=np.array([r.pk for r in weights], dtype=np.int64).tobytes(),
        weights=np.array(list(weights.values()), dtype=np.float64).tobytes(),
        finished_at=timezone.now(),
    )


def csv_rows(staff: Client, survey: Survey) -> list[list[str]]:
    response = staff.get(reverse("surveys:staff_export_csv", kwargs={"slug": survey.slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{survey.slug}-responses-')
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode(), newline="")))


# CSV ------------------------------------------------------------------------------------


def test_the_csv_has_a_column_per_question_and_a_row_per_completed_response(staff, survey, public, professionals):
    at = timezone.make_aware(timezone.datetime(2025, 3, 14, 10, 30))
    first = answer(public, FIRST, quote_consent=True, started_at=at - timedelta(minutes=9))
    Response.objects.filter(pk=first.pk).update(completed_at=at)
    second = answer(professionals, SECOND, external_id="P002", source=Source.IMPORT)
    answer(public, {"AGE": "2"}, complete=False)  # not finished: left out

    rows = csv_rows(staff, survey)

    assert rows[0] == HEADER
    assert rows[1] == [
        str(first.pk), "", "public", "web", "2025-03-14", "2025-03-14", "yes", "",
        "1", "2", "", "1", "They learn to trust.", "1;3",
    ]  # fmt: skip
    assert rows[2][:4] == [str(second.pk), "P002", "professionals", "import"]
    assert rows[2][6:] == ["no", "", "3", "1", "2", "99", "", "2"]
    assert len(rows) == 3


def test_the_weight_is_the_one_of_the_samples_last_weighting_run(staff, survey, public):
    weighed, later = answer(public, FIRST), answer(public, SECOND)
    weigh(public, {weighed: 0.5})
    weigh(public, {weighed: 1.2345678901234567})

    rows = csv_rows(staff, survey)

    assert [(row[0], row[7]) for row in rows[1:]] == [(str(weighed.pk), "1.2345678901234567"), (str(later.pk), "")]


def test_no_cell_of_the_csv_can_run_as_a_formula(staff, survey, public):
    answer(public, {**FIRST, "WHY": '=HYPERLINK("http://evil.example/","x")'}, external_id="@SUM(A1)")

    row = csv_rows(staff, survey)[1]

    assert row[1] == "'@SUM(A1)"
    assert row[12] == '\'=HYPERLINK("http://evil.example/","x")'


def test_a_survey_with_no_responses_exports_the_header_only(staff, survey):
    assert csv_rows(staff, survey) == [HEADER]


def test_an_export_is_audited(staff, survey, coordinator):
    csv_rows(staff, survey)

    entry = AuditEntry.objects.get(action="surveys.responses.exported")
    assert (entry.actor, entry.target_id, entry.data) == (coordinator, str(survey.pk), {"format": "csv"})


def test_a_survey_that_does_not_exist_has_no_export(staff, survey):
    assert staff.get(reverse("surveys:staff_export_csv", kwargs={"slug": "nope"})).status_code == 404
    assert staff.get(reverse("surveys:staff_export_sav", kwargs={"slug": "nope"})).status_code == 404


def many(sample: Sample, count: int) -> None:
    now = timezone.now()
    Response.objects.bulk_create(
        (
            Response(sample=sample, answers={**FIRST, "WHY": f"Answer number {n}, " * 3}, completed_at=now)
            for n in range(count)
        ),
        batch_size=2000,
    )


def export_queries(staff: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = staff.get(url)
        assert response.status_code == 200
        # Read to the end, which closes the response (the test client's own wrapper); closing
        # it again would close the database connection on PostgreSQL, as a finished request does.
        for _ in response.streaming_content:
            pass
    return len(queries)


@pytest.mark.parametrize("name", ["surveys:staff_export_csv", "surveys:staff_export_sav"])
def test_the_queries_of_an_export_do_not_grow_with_its_rows(staff, survey, public, name):
    url = reverse(name, kwargs={"slug": survey.slug})
    many(public, 5)
    few = export_queries(staff, url)
    many(public, 3 * exports.CHUNK)

    assert export_queries(staff, url) == few


def test_exports_of_many_rows_stream_in_bounded_memory(staff, survey, public):
    """20,000 rows held at once as dicts take over 35 MB; read in chunks, the CSV stays
    under 10 MB and the SPSS file, whose columns are arrays, under 16 MB."""
    many(public, 20_000)
    response = staff.get(reverse("surveys:staff_export_csv", kwargs={"slug": survey.slug}))
    tracemalloc.start()
    try:
        lines = size = 0
        for line in response.streaming_content:
            lines += 1
            size += len(line)
        _, csv_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        sav = staff.get(reverse("surveys:staff_export_sav", kwargs={"slug": survey.slug}))
        _, sav_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    for _ in sav.streaming_content:  # read to the end: the response closes and its file goes
        pass

    assert (lines, size > 2_000_000) == (20_001, True)
    assert csv_peak < 10_000_000, f"peak {csv_peak:,} bytes"
    assert sav.status_code == 200
    assert int(sav["Content-Length"]) > 20_000 * 8 * 10
    assert sav_peak < 16_000_000, f"peak {sav_peak:,} bytes"


# SPSS -----------------------------------------------------------------------------------


def read_sav(staff: Client, survey: Survey, tmp_path: Path) -> tuple[dict[str, list[object]], object]:
    response = staff.get(reverse("surveys:staff_export_sav", kwargs={"slug": survey.slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-spss-sav"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{survey.slug}-responses-')
    path = tmp_path / "responses.sav"
    path.write_bytes(b"".join(response.streaming_content))  # read to the end closes it
    return pyreadstat.read_sav(str(path), output_format="dict")


def test_the_sav_file_has_the_questions_as_variable_labels_and_the_options_as_value_labels(
    staff, survey, public, professionals, tmp_path
):
    first = answer(public, FIRST, quote_consent=True)
    second = answer(professionals, SECOND)
    weigh(public, {first: 1.25})

    data, meta = read_sav(staff, survey, tmp_path)

    assert meta.column_names == [
        "response_id", "sample", "weight", "quote_consent", "AGE", "SEX", "ROLE", "IMPORTANT", "WHY",
        "SUPPORT_1", "SUPPORT_2", "SUPPORT_3",
    ]  # fmt: skip
    labels = meta.column_names_to_labels
    assert labels["IMPORTANT"] == "How important are a baby's early relationships?"
    assert (labels["SUPPORT_1"], labels["SUPPORT_2"], labels["SUPPORT_3"]) == ("Parents", "Health services", "Schools")
    assert meta.variable_value_labels["IMPORTANT"] == {
        1.0: "Very important",
        2.0: "Fairly important",
        3.0: "Not very important",
        4.0: "Not at all important",
        99.0: "Don't know",
    }
    assert meta.variable_value_labels["AGE"] == {1.0: "18-34", 2.0: "35-54", 3.0: "55+"}
    assert meta.variable_value_labels["SUPPORT_1"] == {0.0: "Not chosen", 1.0: "Chosen"}
    assert data["response_id"] == [first.pk, second.pk]
    assert data["sample"] == ["public", "professionals"]
    assert data["weight"] == [1.25, None]
    assert data["quote_consent"] == [1.0, 0.0]
    assert data["IMPORTANT"] == [1.0, 99.0]
    assert data["ROLE"] == [None, 2.0]
    assert data["WHY"] == ["They learn to trust.", ""]
    assert (data["SUPPORT_1"], data["SUPPORT_2"], data["SUPPORT_3"]) == ([1.0, 0.0], [0.0, 1.0], [1.0, 0.0])
    assert meta.readstat_variable_types["WHY"] == "string"
    assert meta.variable_measure["IMPORTANT"] == "ordinal"


def test_a_multiple_choice_question_not_answered_is_missing_in_every_option(staff, survey, public, tmp_path):
    answer(public, {"AGE": "1"})

    data, _ = read_sav(staff, survey, tmp_path)

    assert (data["SUPPORT_1"], data["SUPPORT_2"], data["SUPPORT_3"]) == ([None], [None], [None])


def test_a_survey_with_no_responses_exports_an_empty_sav_file(staff, survey, tmp_path):
    data, meta = read_sav(staff, survey, tmp_path)

    assert meta.number_rows in (0, None)
    assert data["IMPORTANT"] == []


def test_the_temporary_sav_file_is_removed_once_sent(staff, survey, public, monkeypatch):
    answer(public, FIRST)
    made: list[str] = []
    mkstemp = tempfile.mkstemp

    def kept_mkstemp(*, prefix: str, suffix: str) -> tuple[int, str]:
        fd, path = mkstemp(prefix=prefix, suffix=suffix)
        made.append(path)
        return fd, path

    monkeypatch.setattr(exports.tempfile, "mkstemp", kept_mkstemp)
    response = staff.get(reverse("surveys:staff_export_sav", kwargs={"slug": survey.slug}))
    [path] = made
    assert os.path.exists(path)

    b"".join(response.streaming_content)  # read to the end, the response closes itself

    assert not os.path.exists(path)


def test_long_labels_and_text_fit_spss(staff, survey, public, tmp_path):
    why = survey.questions.get(code="WHY")
    why.text = "Why " * 400
    why.save()
    support = survey.questions.get(code="SUPPORT")
    support.options = ["Parents " * 40, "Health services", "Schools"]
    support.save()
    answer(public, {**FIRST, "WHY": "é" * 5000})

    data, meta = read_sav(staff, survey, tmp_path)

    assert data["WHY"] == ["é" * 5000]
    assert meta.column_names_to_labels["WHY"].startswith("Why Why")
    assert meta.column_names_to_labels["SUPPORT_1"].startswith("Parents Parents")


@pytest.mark.parametrize(
    ("code", "name"),
    [("AGE", "AGE"), ("1A", "Q1A"), ("q-1", "q_1"), ("AND", "AND_"), ("with", "with_"), ("é", "Q")],
)
def test_a_question_code_becomes_a_valid_spss_name(code, name):
    assert spss_name(code, set()) == name


def test_a_name_already_taken_is_numbered():
    taken = {"WEIGHT"}

    assert spss_name("weight", taken) == "weight_2"
    assert spss_name("Weight", taken) == "Weight_3"
