"""Every CSV the site produces, streamed, each cell safe for spreadsheets.

`csv_response(columns=…, rows=…, filename=…)` streams a header and the rows
(any iterable, read lazily, so an export of the whole Register never sits in
memory) as an attachment. Every cell, the header too, passes through
`formulas.cell_safe`, so no export can carry a formula, whatever was stored.

`validate_exported_name` is the validator for every name a person types that
an export carries (their own name, an employer, an organisation, an event's
organiser): one starting like a formula is refused with a message next to the
field, as the pledge does.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence

from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse

from nurture.core.formulas import FORMULA_NAME_PROBLEM, cell_safe, starts_like_formula

FORMULA_CODE = "formula"


def validate_exported_name(value: str) -> None:
    if starts_like_formula(value):
        raise ValidationError(FORMULA_NAME_PROBLEM, code=FORMULA_CODE)


class _Echo:
    """A file that hands back what is written to it, so csv.writer yields lines."""

    def write(self, value: str) -> str:
        return value


def csv_lines(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow([cell_safe(column) for column in columns])
    for row in rows:
        yield writer.writerow([cell_safe(cell) for cell in row])


def csv_response(
    *, columns: Sequence[str], rows: Iterable[Sequence[object]], filename: str, private: bool = False
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(columns, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:
        response["Cache-Control"] = "private, no-store"
    return response
