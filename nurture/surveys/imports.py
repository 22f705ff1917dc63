"""Responses gathered elsewhere (a polling panel, a paper survey keyed in), imported from a
CSV file: every row checked by the questionnaire's own rules, every problem reported, and
nothing imported unless every row is right.

The file (documented on the import page, `import_columns`):
- UTF-8 text (Excel: "CSV UTF-8"), commas between cells, the column names on the first row;
- `respondent_id` (required): the panel's id for the respondent, unique within the file
  and not imported into this sample before (kept as `Response.external_id`);
- `completed` (optional): when the respondent finished, an ISO date or date and time
  (`2025-03-14` or `2025-03-14T10:30`, UK time unless it says otherwise); blank is now;
- `quote_consent` (optional): `yes` or `no` (blank is no);
- one column per question, named by its code: an option's code ("1", "2", …, "99" for
  "don't know"), several codes separated by `;` for a multiple-choice question, a number,
  or text. An empty cell is a question not answered; a column left out is a question
  nobody answered.

Rows are numbered as a spreadsheet shows them: the column names are row 1. The file is
read once, row by row, in one transaction with the sample locked: rows are saved a batch at
a time while none has a problem; once one has, the rest are only checked (so every problem
is reported) and the transaction is rolled back. The file is never held whole in memory.

Imported responses are completed responses of the sample, so they count towards its quota
(the link takes no more answers once it is reached), but an import is not refused because
of the quota: the coordinator imports what the panel delivered, and the page says so.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Generator, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import IO

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from nurture.accounts.models import User
from nurture.core.audit import audit_record
from nurture.core.text import MULTI_LINE_REFUSED, ONE_LINE_REFUSED
from nurture.surveys import questionnaire as rules
from nurture.surveys.models import Question, Response, Sample, Source, Survey, SurveyStatus
from nurture.surveys.services import completed_count

MAX_BYTES = 20 * 1024 * 1024
# A file's rows: checking and saving 50,000 takes about 10 s on a small machine (SQLite), within
# a request's time; a larger delivery is imported as several files.
MAX_ROWS = 50_000
MAX_SHOWN = 200  # refusals listed on the page; the total is always given
BATCH = 2000  # responses saved per INSERT

RESPONDENT_ID = "respondent_id"
COMPLETED = "completed"
QUOTE_CONSENT = "quote_consent"
FIXED = (RESPONDENT_ID, COMPLETED, QUOTE_CONSENT)
SEPARATOR = ";"
YES, NO = "yes", "no"
MAX_ID = Response._meta.get_field("external_id").max_length or 64

DRAFT = "The survey is still a draft: open it first, so the questions answered are the ones it keeps."
SAVE_AS = "In Excel, choose File › Save As and the type “CSV UTF-8 (Comma delimited)”."


class FileRefused(Exception):
    """The whole file is refused, with a sentence for the coordinator."""


@dataclass(frozen=True)
class Refusal:
    row: int  # as a spreadsheet numbers it: the column names are row 1
    respondent_id: str
    problem: str


@dataclass(frozen=True)
class ImportResult:
    imported: int = 0
    problem: str = ""  # why nothing was imported, in a sentence; empty when all was
    refusals: tuple[Refusal, ...] = ()  # the first MAX_SHOWN problems of rows
    refusal_count: int = 0  # every problem of a row found
    refused_rows: int = 0
    rows: int = 0  # responses in the file
    completed: int = 0  # the sample's completed responses afterwards
    quota: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problem

    @property
    def more_refusals(self) -> int:
        return self.refusal_count - len(self.refusals)

    @property
    def over_quota(self) -> bool:
        return self.quota is not None and self.completed >= self.quota


# What the page documents -------------------------------------------------------------


@dataclass(frozen=True)
class ColumnDoc:
    name: str
    what: str
    kind: str
    required: bool
    codes: tuple[tuple[str, str], ...] = ()  # (code, label)
    shown_when: str = ""


KIND_WORDS = {
    rules.Kind.SINGLE: "One option's code",
    rules.Kind.LIKERT: "One point of the scale, by its code",
    rules.Kind.MULTIPLE: "One or more options' codes, separated by ;",
    rules.Kind.NUMBER: "A number",
    rules.Kind.TEXT: f"Text, up to {rules.MAX_TEXT:,} characters",
}


def _questions(survey: Survey) -> list[Question]:
    return list(survey.questions.order_by("position"))


def import_columns(survey: Survey) -> list[ColumnDoc]:
    """The columns a file for this survey may have, each as the page documents it."""
    docs = [
        ColumnDoc(RESPONDENT_ID, "The respondent's id in your data", f"Text, up to {MAX_ID} characters", True),
        ColumnDoc(COMPLETED, "When they finished", "A date (2025-03-14) or date and time (2025-03-14T10:30)", False),
        ColumnDoc(QUOTE_CONSENT, "Whether they agreed to be quoted", "yes or no", False),
    ]
    for question in _questions(survey):
        number_range = ""
        if question.kind == rules.Kind.NUMBER and (question.least is not None or question.most is not None):
            low = f"{question.least.normalize():f}" if question.least is not None else "any"
            high = f"{question.most.normalize():f}" if question.most is not None else "any"
            number_range = f", from {low} to {high}"
        shown_when = ""
        if question.show_if_code:
            shown_when = f"{question.show_if_code} is {' or '.join(str(o) for o in question.show_if_options)}"
        docs.append(
            ColumnDoc(
                name=question.code,
                what=question.text,
                kind=KIND_WORDS[rules.Kind(question.kind)] + number_range,
                required=question.required,
                codes=tuple(question.labels.items()) if question.has_options else (),
                shown_when=shown_when,
            )
        )
    return docs


def example_header(columns: Sequence[ColumnDoc]) -> str:
    """The first row of a file with every column, as the page shows it."""
    return ",".join(column.name for column in columns)


# Reading the file --------------------------------------------------------------------


def _lines(stream: IO[str]) -> Iterator[str]:
    for line in stream:
        if "\x00" in line:
            raise FileRefused(
                "The file holds NUL characters, so it is not a CSV text file: it may be a spreadsheet "
                f"or saved as UTF-16. {SAVE_AS}"
            )
        yield line


def _records(upload: UploadedFile) -> Generator[list[str]]:
    """The file's records, the column names first, read as it goes; a file that is not
    UTF-8 text or not CSV raises FileRefused."""
    upload.seek(0)
    if upload.file is None:
        raise FileRefused("The file could not be read.")
    stream = io.TextIOWrapper(upload.file, encoding="utf-8-sig", newline="")
    reader = csv.reader(_lines(stream))
    try:
        yield from reader
    except UnicodeDecodeError:
        raise FileRefused(f"The file is not UTF-8 text. {SAVE_AS}") from None
    except csv.Error as error:
        raise FileRefused(f"The file could not be read as CSV near line {reader.line_num}: {error}.") from None
    finally:
        stream.detach()


def _sniff(upload: UploadedFile) -> None:
    if (upload.size or 0) > MAX_BYTES:
        raise FileRefused(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: split it into several files.")
    upload.seek(0)
    start = upload.read(4)
    if start.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise FileRefused(f"This is a spreadsheet workbook, not a CSV file. {SAVE_AS}")
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(f"The file is saved as UTF-16 text; it must be UTF-8. {SAVE_AS}")


def _shown(text: str, most: int = 60) -> str:
    """Something from the file as a message can show it: no control characters, not too long."""
    text = ONE_LINE_REFUSED.sub("?", text)
    return text if len(text) <= most else text[: most - 1] + "…"


@dataclass
class _Layout:
    """Where the fixed columns are (-1: not in the file), and which question each other column holds."""

    names: list[str]
    questions: dict[int, Question] = field(default_factory=dict)
    id_at: int = -1
    completed_at: int = -1
    consent_at: int = -1


def _layout(header: list[str], questions: Sequence[Question]) -> _Layout:
    names = [name.strip() for name in header]
    for separator, word in ((SEPARATOR, "semicolons"), ("\t", "tabs")):
        if len(names) == 1 and separator in names[0] and RESPONDENT_ID in names[0].lower():
            raise FileRefused(f"The cells are separated by {word}; they must be separated by commas. {SAVE_AS}")
    by_code = {q.code: q for q in questions}
    lowered = {q.code.lower(): q.code for q in questions}
    layout = _Layout(names)
    problems: list[str] = []
    seen: set[str] = set()
    for place, name in enumerate(names):
        key = name.lower() if name.lower() in FIXED else name
        if not name:
            problems.append(f"column {place + 1} has no name")
            continue
        if key in seen:
            problems.append(f"the column “{_shown(name)}” appears twice")
            continue
        seen.add(key)
        if key == RESPONDENT_ID:
            layout.id_at = place
        elif key == COMPLETED:
            layout.completed_at = place
        elif key == QUOTE_CONSENT:
            layout.consent_at = place
        elif key in by_code:
            layout.questions[place] = by_code[key]
        elif name.lower() in lowered:
            problems.append(f"“{_shown(name)}” is not a column of this survey (did you mean {lowered[name.lower()]}?)")
        else:
            problems.append(f"“{_shown(name)}” is not a column of this survey")
    if layout.id_at < 0:
        problems.append(f"there is no {RESPONDENT_ID} column")
    if problems:
        sentence = "; ".join(problems)
        raise FileRefused(
            f"The first row, the column names, is not right: {sentence[0].upper()}{sentence[1:]}. "
            f"The columns are {', '.join(FIXED)} and the question codes ({', '.join(by_code) or 'none yet'})."
        )
    return layout


@dataclass(frozen=True)
class _Row:
    respondent_id: str
    completed: datetime
    quote_consent: bool
    answers: dict[str, str | list[str]]
    problems: list[str]


def _answer(question: Question, cell: str) -> str | list[str]:
    if question.kind == rules.Kind.MULTIPLE:
        return [code.strip() for code in cell.split(SEPARATOR) if code.strip()]
    return cell.strip()


EARLIEST_YEAR = 2000


def _completed(cell: str, now: datetime, zone: tzinfo) -> tuple[datetime, str]:
    text = cell.strip()
    if not text:
        return now, ""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return now, f"{COMPLETED}: “{text}” is not a date; write it as 2025-03-14 or 2025-03-14T10:30."
    if timezone.is_naive(when):
        when = timezone.make_aware(when, zone)
    if when > now:
        return now, f"{COMPLETED}: {text} is in the future."
    if when.year < EARLIEST_YEAR:
        return now, f"{COMPLETED}: {text} is before {EARLIEST_YEAR}; check the year."
    return when, ""


def _consent(cell: str) -> tuple[bool, str]:
    text = cell.strip().lower()
    if text in ("", NO):
        return False, ""
    if text == YES:
        return True, ""
    return False, f"{QUOTE_CONSENT}: write yes or no, not “{cell.strip()}”."


def _row(record: list[str], layout: _Layout, ruled: Sequence[rules.Question], now: datetime, zone: tzinfo) -> _Row:
    respondent = record[layout.id_at].strip() if layout.id_at < len(record) else ""
    if len(record) != len(layout.names):
        problem = f"the row has {len(record)} cells but there are {len(layout.names)} column names."
        return _Row(respondent, now, False, {}, [problem[0].upper() + problem[1:]])
    problems: list[str] = []
    if not respondent:
        problems.append(f"{RESPONDENT_ID}: this row has none.")
    elif len(respondent) > MAX_ID:
        problems.append(f"{RESPONDENT_ID}: longer than {MAX_ID} characters.")
    elif ONE_LINE_REFUSED.search(respondent):
        problems.append(f"{RESPONDENT_ID}: holds a line break or an invisible control character.")
    completed, problem = _completed(record[layout.completed_at], now, zone) if layout.completed_at >= 0 else (now, "")
    problems += [problem] if problem else []
    consent, problem = _consent(record[layout.consent_at]) if layout.consent_at >= 0 else (False, "")
    problems += [problem] if problem else []
    answers: dict[str, str | list[str]] = {}
    unreadable: set[str] = set()
    for place, question in layout.questions.items():
        cell = record[place]
        if not cell.strip():
            continue
        refused = MULTI_LINE_REFUSED if question.kind == rules.Kind.TEXT else ONE_LINE_REFUSED
        if refused.search(cell.strip()):
            problems.append(f"{question.code}: holds an invisible control character (or a line break).")
            unreadable.add(question.code)
            continue
        answers[question.code] = _answer(question, cell)
    # A cell already refused is not also "unanswered".
    problems += [
        p for p in rules.answer_problems(ruled, answers, complete=True) if p.split(":", 1)[0] not in unreadable
    ]
    return _Row(respondent, completed, consent, answers, problems)


def _rows(upload: UploadedFile, questions: Sequence[Question], now: datetime) -> Iterator[tuple[int, _Row]]:
    """Each response row with its spreadsheet row number (blank rows are skipped)."""
    with closing(_records(upload)) as records:
        header = next(records, None)
        if header is None or not any(cell.strip() for cell in header):
            raise FileRefused(f"The file is empty: its first row must be the column names ({', '.join(FIXED)}, …).")
        layout = _layout(header, questions)
        ruled = [q.rule() for q in questions]
        zone = timezone.get_current_timezone()
        for number, record in enumerate(records, start=2):
            if number - 1 > MAX_ROWS:
                raise FileRefused(f"The file has more than {MAX_ROWS:,} rows: split it into several files.")
            if any(cell.strip() for cell in record):
                yield number, _row(record, layout, ruled, now, zone)


# The import ----------------------------------------------------------------------------


def _imported_before(sample: Sample) -> set[str]:
    return set(
        Response.objects.filter(sample=sample)
        .exclude(external_id="")
        .values_list("external_id", flat=True)
        .iterator(chunk_size=BATCH)
    )


@dataclass
class _Report:
    """The problems found so far: the first MAX_SHOWN kept, all counted."""

    shown: list[Refusal] = field(default_factory=list)
    count: int = 0
    rows: int = 0
    refused_rows: int = 0

    def add(self, number: int, respondent_id: str, problems: list[str]) -> None:
        self.refused_rows += 1
        self.count += len(problems)
        room = max(MAX_SHOWN - len(self.shown), 0)
        self.shown += [Refusal(number, _shown(respondent_id, MAX_ID), _shown(p, 400)) for p in problems[:room]]

    def result(self) -> ImportResult:
        rows_word, was = ("row", "was") if self.refused_rows == 1 else ("rows", "were")
        return ImportResult(
            problem=(
                f"{self.refused_rows:,} {rows_word} of {self.rows:,} {was} refused "
                f"({self.count:,} problem{'' if self.count == 1 else 's'}), "
                "so nothing was imported. Correct the file and upload it again."
            ),
            refusals=tuple(self.shown),
            refusal_count=self.count,
            refused_rows=self.refused_rows,
            rows=self.rows,
        )


def _import(upload: UploadedFile, sample: Sample, questions: Sequence[Question], now: datetime) -> _Report:
    """Read, check and save every row, in one pass: rows are saved BATCH at a time while
    none has a problem, and every row is still checked after one has, so that all the
    problems are reported. The caller rolls back when any was found."""
    before = _imported_before(sample)
    sections = sample.survey.sections.count()
    first_row: dict[str, int] = {}
    report = _Report()
    batch: list[Response] = []
    for number, row in _rows(upload, questions, now):
        report.rows += 1
        problems = list(row.problems)
        if row.respondent_id in first_row:
            problems.append(f"{RESPONDENT_ID}: {row.respondent_id} is also on row {first_row[row.respondent_id]}.")
        elif row.respondent_id:
            first_row[row.respondent_id] = number
            if row.respondent_id in before:
                problems.append(f"{RESPONDENT_ID}: {row.respondent_id} was imported into this sample before.")
        if problems:
            report.add(number, row.respondent_id, problems)
            batch = []
        elif not report.count:
            batch.append(
                Response(
                    sample=sample,
                    source=Source.IMPORT,
                    external_id=row.respondent_id,
                    answers=row.answers,
                    section_reached=sections,
                    quote_consent=row.quote_consent,
                    started_at=row.completed,
                    updated_at=row.completed,
                    completed_at=row.completed,
                )
            )
            if len(batch) >= BATCH:
                Response.objects.bulk_create(batch)
                batch = []
    if report.rows == 0:
        raise FileRefused("The file has the column names but no responses.")
    if batch and not report.count:
        Response.objects.bulk_create(batch)
    return report


def responses_import(*, sample: Sample, upload: UploadedFile, actor: User) -> ImportResult:
    """Import every row of the file as a completed response of `sample`, or none: any row
    with a problem refuses the file, and the result lists each problem with its row.

    All is done in one transaction with the sample's row locked, so two imports into the
    same sample take turns and the second sees the first's respondents."""
    if sample.survey.status == SurveyStatus.DRAFT:
        return ImportResult(problem=DRAFT)
    questions = _questions(sample.survey)
    now = timezone.now()
    try:
        _sniff(upload)
        with transaction.atomic():
            locked = Sample.objects.select_for_update().select_related("survey").get(pk=sample.pk)
            if locked.survey.status == SurveyStatus.DRAFT:
                return ImportResult(problem=DRAFT)
            report = _import(upload, locked, questions, now)
            if report.count:
                transaction.set_rollback(True)
                return report.result()
            audit_record(
                action="surveys.responses.imported",
                actor=actor,
                target=sample,
                data={"count": report.rows, "sample": sample.code, "file": str(upload.name or "")[:200]},
            )
    except FileRefused as refused:
        return ImportResult(problem=f"{refused} Nothing was imported.")
    except IntegrityError:
        return ImportResult(
            problem=(
                "Some of these respondents were imported by someone else at the same time, "
                "so nothing was imported. Upload the file again to see which."
            )
        )
    return ImportResult(imported=report.rows, rows=report.rows, completed=completed_count(sample), quota=sample.quota)
