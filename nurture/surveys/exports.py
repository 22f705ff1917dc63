"""A survey's responses for analysis elsewhere: a CSV (streamed row by row) and an SPSS
`.sav` file with variable and value labels (pyreadstat). Both hold the completed responses
of every sample, in id order; a response not finished is left out of both (the page says so).

Rows are read `CHUNK` at a time with `values_list(...).iterator()`, so an export of
100,000 responses never holds them all as Python objects: the CSV is written as it is
read, and the `.sav` file's columns are filled chunk by chunk into arrays, then written to
a temporary file that is removed when the response that sends it is closed.

The weight is the one of the sample's last weighting run done, blank for a response that
run did not weigh (an opt-in sample, a sample not weighted yet, or a response completed
after the run).
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from decimal import Decimal, InvalidOperation
from itertools import islice
from typing import Any, TypeVar

import numpy as np
import polars as pl
import pyreadstat
from django.utils import timezone

from nurture.surveys import questionnaire as rules
from nurture.surveys.models import Question, Response, Sample, Survey
from nurture.surveys.results import last_run

CHUNK = 2000
SEPARATOR = ";"
T = TypeVar("T")

FIELDS = ("id", "sample_id", "external_id", "source", "started_at", "completed_at", "quote_consent", "answers")
Row = tuple[int, int, str, str, datetime, datetime, bool, dict[str, Any]]


def _chunks(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


@dataclass
class _Weights:
    """Each sample's weights by response id (sorted), for looking up a chunk at a time."""

    by_sample: dict[int, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]] = field(default_factory=dict)

    @classmethod
    def of(cls, samples: Iterable[Sample]) -> _Weights:
        weights = cls()
        for sample in samples:
            run = None if sample.is_opt_in else last_run(sample)
            if run is None:
                continue
            ids = np.frombuffer(bytes(run.response_ids), dtype=np.int64)
            values = np.frombuffer(bytes(run.weights), dtype=np.float64)
            order = np.argsort(ids, kind="stable")
            weights.by_sample[sample.pk] = (ids[order], values[order])
        return weights

    def lookup(self, chunk: Sequence[Row]) -> np.ndarray[Any, np.dtype[np.float64]]:
        """The chunk's weights, NaN where there is none."""
        out = np.full(len(chunk), np.nan)
        if not self.by_sample or not chunk:
            return out
        ids = np.fromiter((r[0] for r in chunk), dtype=np.int64, count=len(chunk))
        samples = np.fromiter((r[1] for r in chunk), dtype=np.int64, count=len(chunk))
        for sample_id, (known, values) in self.by_sample.items():
            mask = samples == sample_id
            if not mask.any() or not len(known):
                continue
            wanted = ids[mask]
            place = np.minimum(np.searchsorted(known, wanted), len(known) - 1)
            found = known[place] == wanted
            out[np.flatnonzero(mask)[found]] = values[place[found]]
        return out


@dataclass(frozen=True)
class _Source:
    survey: Survey
    questions: list[Question]
    samples: dict[int, Sample]
    weights: _Weights

    @classmethod
    def of(cls, survey: Survey) -> _Source:
        samples = {s.pk: s for s in survey.samples.order_by("code")}
        return cls(survey, list(survey.questions.order_by("position")), samples, _Weights.of(samples.values()))

    def chunks(self) -> Iterator[tuple[list[Row], np.ndarray[Any, np.dtype[np.float64]]]]:
        rows = (
            Response.objects.filter(sample__survey=self.survey, completed_at__isnull=False)
            .order_by("id")
            .values_list(*FIELDS)
            .iterator(chunk_size=CHUNK)
        )
        for chunk in _chunks(rows, CHUNK):
            yield chunk, self.weights.lookup(chunk)


def completed_responses(survey: Survey) -> int:
    return Response.objects.filter(sample__survey=survey, completed_at__isnull=False).count()


def _when(value: datetime | None, zone: tzinfo) -> str:
    """The day only: a time to the second could be matched to a web server's access log
    (which holds addresses), undoing the respondent's anonymity."""
    return value.astimezone(zone).date().isoformat() if value is not None else ""


# CSV -----------------------------------------------------------------------------------

CSV_FIXED = (
    "response_id",
    "respondent_id",
    "sample",
    "source",
    "started",
    "completed",
    "quote_consent",
    "weight",
)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return SEPARATOR.join(str(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class CsvExport:
    columns: list[str]
    rows: Iterator[list[object]]


def responses_csv(survey: Survey) -> CsvExport:
    """The header now; the rows as the response is streamed (`csv_response` makes each
    cell safe for spreadsheets). Multiple choice is its codes joined by ";"."""
    source = _Source.of(survey)
    codes = [q.code for q in source.questions]
    return CsvExport([*CSV_FIXED, *codes], _csv_rows(source, codes))


def _csv_rows(source: _Source, codes: list[str]) -> Iterator[list[object]]:
    zone = timezone.get_current_timezone()
    for chunk, weights in source.chunks():
        for row, weight in zip(chunk, weights.tolist(), strict=True):
            pk, sample_id, external_id, kind, started, completed, consent, answers = row
            yield [
                pk,
                external_id,
                source.samples[sample_id].code,
                kind,
                _when(started, zone),
                _when(completed, zone),
                "yes" if consent else "no",
                "" if weight != weight else repr(weight),  # NaN: not weighted
                *(_cell(answers.get(code)) for code in codes),
            ]


# SPSS ----------------------------------------------------------------------------------

# SPSS's own words, which no variable may be called.
RESERVED = {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}
MAX_NAME_BYTES = 64
MAX_LABEL = 255  # a variable label
MAX_VALUE_LABEL = 120  # a value label
MAX_FILE_LABEL = 64
CHOSEN = {0.0: "Not chosen", 1.0: "Chosen"}
YES_NO = {0.0: "No", 1.0: "Yes"}


def _clip(text: str, most: int) -> str:
    """At most `most` bytes of UTF-8, cut between characters."""
    data = text.encode("utf-8")
    return text if len(data) <= most else data[:most].decode("utf-8", errors="ignore")


def spss_name(code: str, taken: set[str]) -> str:
    """A valid SPSS variable name for a question code: letters, digits and _ only (others
    become _), starting with a letter, not a reserved word, not taken (compared without case)."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", code) or "Q"
    if not name[0].isalpha():
        name = f"Q{name}"
    name = name[:MAX_NAME_BYTES].rstrip("_") or "Q"
    if name.upper() in RESERVED:
        name = f"{name}_"
    candidate, n = name, 1
    while candidate.upper() in taken:
        n += 1
        candidate = f"{name[: MAX_NAME_BYTES - len(str(n)) - 1]}_{n}"
    taken.add(candidate.upper())
    return candidate


def _float(value: Any) -> float:
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return float("nan")
        return float(number) if number.is_finite() else float("nan")
    return float("nan")


@dataclass
class _Variable:
    name: str
    label: str
    numeric: bool
    value_labels: dict[float, str] | None = None
    measure: str = "nominal"
    spss_format: str = ""
    numbers: array[float] = field(default_factory=lambda: array("d"))
    texts: list[str] = field(default_factory=list)

    def series(self) -> pl.Series:
        if self.numeric:
            return pl.Series(self.name, np.frombuffer(self.numbers, dtype=np.float64), nan_to_null=True)
        return pl.Series(self.name, self.texts, dtype=pl.String)


@dataclass
class _Question:
    """How one question becomes variables: one, or one per option for multiple choice."""

    question: Question
    variables: list[_Variable]
    options: list[str]  # multiple choice: the option code of each variable

    def add(self, answer: Any) -> None:
        kind = self.question.kind
        if kind == rules.Kind.MULTIPLE:
            picked = {str(a) for a in answer} if isinstance(answer, list) else set()
            for variable, code in zip(self.variables, self.options, strict=True):
                variable.numbers.append((1.0 if code in picked else 0.0) if picked else float("nan"))
        elif kind == rules.Kind.TEXT:
            self.variables[0].texts.append(answer if isinstance(answer, str) else "")
        else:  # single choice, Likert scale, number: the code or the number itself
            self.variables[0].numbers.append(_float(answer))


def _question_plan(question: Question, taken: set[str]) -> _Question:
    label = _clip(question.text, MAX_LABEL)
    kind = question.kind
    if kind == rules.Kind.MULTIPLE:
        base = spss_name(question.code, set(taken))
        options = [str(i) for i in range(1, len(question.options) + 1)]
        variables = [
            _Variable(
                spss_name(f"{base}_{code}", taken),
                _clip(str(text), MAX_LABEL),
                numeric=True,
                value_labels=CHOSEN,
                spss_format="F1.0",
            )
            for code, text in zip(options, question.options, strict=True)
        ]
        return _Question(question, variables, options)
    name = spss_name(question.code, taken)
    if kind in (rules.Kind.SINGLE, rules.Kind.LIKERT):
        value_labels = {float(code): _clip(text, MAX_VALUE_LABEL) for code, text in question.labels.items()}
        measure = "ordinal" if kind == rules.Kind.LIKERT else "nominal"
        return _Question(question, [_Variable(name, label, True, value_labels, measure, "F2.0")], [])
    if kind == rules.Kind.NUMBER:
        return _Question(question, [_Variable(name, label, True, measure="scale")], [])
    return _Question(question, [_Variable(name, label, False)], [])


class TemporaryExport(io.FileIO):
    """A file written for one download, removed from disk when the response closes it."""

    def close(self) -> None:
        try:
            super().close()
        finally:
            with suppress(FileNotFoundError):
                os.unlink(str(self.name))


def responses_sav(survey: Survey) -> TemporaryExport:
    """The completed responses as an SPSS file, open for reading; closing it removes it.
    Variables: response_id, sample (its code), weight, then each question: a choice or
    Likert scale as its numeric code with the options as value labels (99 = "Don't know"),
    multiple choice as one 0/1 variable per option (SUPPORT_1, SUPPORT_2, …, missing when
    the question was not answered), a number as a number, text as a string."""
    source = _Source.of(survey)
    taken: set[str] = set()
    response_id = _Variable(spss_name("response_id", taken), "Response id", True, spss_format="F10.0")
    sample = _Variable(spss_name("sample", taken), "Sample", False)
    weight = _Variable(spss_name("weight", taken), "Weight (raking, from the sample's last weighting run)", True)
    weight.measure, weight.spss_format = "scale", "F12.6"
    consent = _Variable(spss_name("quote_consent", taken), "Agreed to be quoted", True, YES_NO, spss_format="F1.0")
    plans = [_question_plan(q, taken) for q in source.questions]
    for chunk, weights in source.chunks():
        response_id.numbers.extend(float(r[0]) for r in chunk)
        sample.texts.extend(source.samples[r[1]].code for r in chunk)
        weight.numbers.extend(weights.tolist())
        consent.numbers.extend(1.0 if r[6] else 0.0 for r in chunk)
        for row in chunk:
            answers = row[7]
            for plan in plans:
                plan.add(answers.get(plan.question.code))
    variables = [response_id, sample, weight, consent, *(v for plan in plans for v in plan.variables)]
    frame = pl.DataFrame([v.series() for v in variables])
    for variable in variables:  # the arrays are in the frame now
        variable.numbers, variable.texts = array("d"), []
    fd, path = tempfile.mkstemp(prefix="survey-export-", suffix=".sav")
    os.close(fd)
    try:
        pyreadstat.write_sav(
            frame,
            path,
            file_label=_clip(survey.title, MAX_FILE_LABEL),
            column_labels={v.name: v.label for v in variables},
            variable_value_labels={v.name: dict(v.value_labels) for v in variables if v.value_labels},
            variable_measure={v.name: v.measure for v in variables},
            variable_format={v.name: v.spss_format for v in variables if v.spss_format},
            note=f"{survey.title}: completed responses exported {timezone.localtime():%Y-%m-%d %H:%M}.",
        )
        return TemporaryExport(path, "rb")
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(path)
        raise
