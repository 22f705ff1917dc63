"""Exporting a large survey's responses: the CSV and the SPSS `.sav` file, timed, with their
peak memory.

    python -m bench.survey_export [--responses 100000]

What it does, all on this machine, on SQLite:
1. Makes a fresh database in a temporary folder (migrated) with a survey of six questions
   (three single choice, a Likert scale with "don't know", free text, multiple choice) and
   `--responses` completed responses (seeded, bulk inserted; not timed), and a weighting run
   done for their sample, so every row has a weight to look up.
2. Exports the CSV as the view streams it (`exports.responses_csv` through
   `core.csv_export.csv_lines`, each line counted and dropped as a client would take it),
   then the `.sav` file (`exports.responses_sav`, read back to check its row count), each
   timed, with the peak of Python's allocations while it runs (tracemalloc, measured in a
   second pass so the timing is not slowed by it).

3. Imports a CSV file of as many rows (at most `imports.MAX_ROWS`, the largest file taken)
   into a second sample (`imports.responses_import`: every row checked and all saved in one
   transaction), timed.

The last line is `survey_export: csv_s=A sav_s=B csv_peak_mb=C sav_peak_mb=D import_s=E rows=N`.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench.register_search import manage_env

OPTIONS = {"AGE": 6, "SEX": 2, "REGION": 12, "IMPORTANT": 4, "SUPPORT": 3}


def setup(folder: Path) -> None:
    os.environ.update(
        {**manage_env(f"sqlite:///{folder / 'export.sqlite3'}"), "DJANGO_SETTINGS_MODULE": "nurture.settings"}
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def build(responses: int) -> int:
    from django.utils import timezone

    from nurture.surveys.models import (
        Question,
        Response,
        RunStatus,
        Sample,
        SampleKind,
        Section,
        Survey,
        SurveyStatus,
        WeightingRun,
    )

    survey = Survey.objects.create(slug="bench", title="Export bench", status=SurveyStatus.OPEN)
    section = Section.objects.create(survey=survey, position=1, title="All")
    kinds = {"AGE": "single", "SEX": "single", "REGION": "single", "IMPORTANT": "likert", "SUPPORT": "multiple"}
    for position, (code, kind) in enumerate(kinds.items(), start=1):
        Question.objects.create(
            survey=survey, section=section, position=position, code=code, kind=kind, text=f"{code}?",
            options=[f"{code} option {i}" for i in range(1, OPTIONS[code] + 1)], dont_know=kind == "likert",
        )  # fmt: skip
    Question.objects.create(survey=survey, section=section, position=6, code="WHY", kind="text", text="Why?")
    sample = Sample.objects.create(
        survey=survey, code="public", name="Public", kind=SampleKind.REPRESENTATIVE, population="UK adults"
    )
    rng = np.random.default_rng(14)
    now = timezone.now()
    picks = {code: rng.integers(1, n + 1, responses) for code, n in OPTIONS.items()}
    made: list[int] = []
    for start in range(0, responses, 5000):
        batch = [
            Response(
                sample=sample,
                completed_at=now,
                section_reached=1,
                answers={
                    "AGE": str(picks["AGE"][i]),
                    "SEX": str(picks["SEX"][i]),
                    "REGION": str(picks["REGION"][i]),
                    "IMPORTANT": "99" if picks["IMPORTANT"][i] == 4 else str(picks["IMPORTANT"][i]),
                    "SUPPORT": sorted({str(picks["SUPPORT"][i]), "1"}),
                    "WHY": f"Because babies learn from the people who care for them ({i}).",
                },
            )
            for i in range(start, min(start + 5000, responses))
        ]
        made += [r.pk for r in Response.objects.bulk_create(batch)]
    ids = np.array(made, dtype=np.int64)
    WeightingRun.objects.create(
        sample=sample,
        status=RunStatus.DONE,
        response_ids=ids.tobytes(),
        weights=rng.uniform(0.3, 3, len(ids)).tobytes(),
        finished_at=now,
    )
    return survey.pk


def export_csv(survey_id: int) -> int:
    from nurture.core.csv_export import csv_lines
    from nurture.surveys.exports import responses_csv
    from nurture.surveys.models import Survey

    export = responses_csv(Survey.objects.get(pk=survey_id))
    return sum(1 for _ in csv_lines(export.columns, export.rows)) - 1


def export_sav(survey_id: int) -> int:
    import pyreadstat

    from nurture.surveys.exports import responses_sav
    from nurture.surveys.models import Survey

    with responses_sav(Survey.objects.get(pk=survey_id)) as sav:
        _, meta = pyreadstat.read_sav(sav.name, metadataonly=True, output_format="dict")
    return int(meta.number_rows or 0)


def measure(work: Callable[[int], int], survey_id: int) -> tuple[float, float, int]:
    started = time.perf_counter()
    rows = work(survey_id)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    work(survey_id)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 1e6, rows


def import_file(survey_id: int, responses: int) -> tuple[float, int]:
    """A CSV of `responses` rows for a second sample of the survey, imported (checked, then
    saved in one transaction); the seconds it took and the responses imported."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from nurture.accounts.models import User
    from nurture.accounts.roles import Role
    from nurture.surveys.imports import responses_import
    from nurture.surveys.models import Sample, SampleKind

    sample = Sample.objects.create(
        survey_id=survey_id, code="panel", name="Panel", kind=SampleKind.OPT_IN, population="Panel members"
    )
    rng = np.random.default_rng(15)
    lines = ["respondent_id,completed,AGE,SEX,REGION,IMPORTANT,SUPPORT,WHY"]
    for i in range(responses):
        lines.append(
            f"R{i},2025-03-14T10:30,{rng.integers(1, 7)},{rng.integers(1, 3)},{rng.integers(1, 13)},"
            f"{rng.integers(1, 4)},1;{rng.integers(2, 4)},Because babies learn ({i})."
        )
    upload = SimpleUploadedFile("panel.csv", "\n".join(lines).encode(), content_type="text/csv")
    actor = User.objects.create_user(email="bench@example.org", password="x" * 20, role=Role.COORDINATOR)
    started = time.perf_counter()
    result = responses_import(sample=sample, upload=upload, actor=actor)
    seconds = time.perf_counter() - started
    assert result.ok, result.problem
    return seconds, result.imported


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="survey-export-") as folder:
        setup(Path(folder))
        started = time.perf_counter()
        survey_id = build(args.responses)
        print(f"made {args.responses:,} responses in {time.perf_counter() - started:.1f} s (not timed below)")
        csv_s, csv_peak, csv_rows = measure(export_csv, survey_id)
        print(f"CSV:  {csv_rows:,} rows in {csv_s:.2f} s, peak Python memory {csv_peak:.1f} MB")
        sav_s, sav_peak, sav_rows = measure(export_sav, survey_id)
        print(f".sav: {sav_rows:,} rows in {sav_s:.2f} s, peak Python memory {sav_peak:.1f} MB")
        from nurture.surveys.imports import MAX_ROWS

        import_s, imported = import_file(survey_id, min(args.responses, MAX_ROWS))
        print(f"import: {imported:,} rows checked and saved in {import_s:.2f} s")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"process peak resident memory (building the data included): {rss:.0f} MB")
        assert csv_rows == sav_rows == args.responses, (csv_rows, sav_rows)
        print(
            f"survey_export: csv_s={csv_s:.2f} sav_s={sav_s:.2f} csv_peak_mb={csv_peak:.1f} "
            f"sav_peak_mb={sav_peak:.1f} import_s={import_s:.2f} rows={csv_rows}"
        )


if __name__ == "__main__":
    main()
