"""`DateParts`: a date typed as day, month and year (GOV.UK's date input)."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms

from nurture.core.forms import DateParts


class SessionForm(forms.Form):
    session_on = DateParts(label="Date of session")


class OptionalForm(forms.Form):
    ended_on = DateParts(label="End date", required=False)


def _typed(day: str, month: str, year: str, form: type[forms.Form] = SessionForm) -> forms.Form:
    name = next(iter(form.base_fields))
    return form({f"{name}_day": day, f"{name}_month": month, f"{name}_year": year})


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("1", "12", "2026", date(2026, 12, 1)),
        ("01", "07", "2015", date(2015, 7, 1)),
        (" 27 ", " 3 ", " 2026 ", date(2026, 3, 27)),
        ("29", "2", "2024", date(2024, 2, 29)),
        ("5", "March", "2026", date(2026, 3, 5)),
        ("5", "sept", "2026", date(2026, 9, 5)),
    ],
)
def test_it_reads_day_month_and_year_in_that_order(day: str, month: str, year: str, expected: date) -> None:
    form = _typed(day, month, year)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["session_on"] == expected


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter the date."),
        ("1", "12", "", "Date must include a year."),
        ("", "12", "2026", "Date must include a day."),
        ("", "", "2026", "Date must include a day and month."),
        ("1", "", "", "Date must include a month and year."),
        ("31", "2", "2026", "Enter a real date, for example 27 3 2026."),
        ("29", "2", "2025", "Enter a real date, for example 27 3 2026."),
        ("1", "13", "2026", "Enter a real date, for example 27 3 2026."),
        ("0", "1", "2026", "Enter a real date, for example 27 3 2026."),
        ("x", "1", "2026", "Enter a real date, for example 27 3 2026."),
        ("1", "1", "26", "Year must include 4 numbers."),
        ("1", "1", "1066", "Year must be between 1900 and 2100."),
        ("1", "1", "9999", "Year must be between 1900 and 2100."),
    ],
)
def test_it_says_what_is_wrong_with_a_date(day: str, month: str, year: str, message: str) -> None:
    form = _typed(day, month, year)
    assert not form.is_valid()
    assert form.errors["session_on"] == [message]


def test_an_optional_date_left_empty_is_none() -> None:
    form = _typed("", "", "", OptionalForm)
    assert form.is_valid()
    assert form.cleaned_data["ended_on"] is None


def test_an_optional_date_half_typed_is_still_refused() -> None:
    form = _typed("", "4", "2026", OptionalForm)
    assert not form.is_valid()
    assert form.errors["ended_on"] == ["Date must include a day."]


def test_it_draws_three_labelled_boxes_in_a_fieldset_with_a_hint() -> None:
    html = str(SessionForm(initial={"session_on": date(2026, 12, 1)}))
    assert "<legend>Date of session</legend>" in html
    assert 'id="id_session_on_helptext">For example, 27 3 2026</div>' in html
    for part, value in (("day", "1"), ("month", "12"), ("year", "2026")):
        assert f'<label for="id_session_on_{part}">{part.capitalize()}</label>' in html
        assert f'name="session_on_{part}" value="{value}"' in html
    assert 'inputmode="numeric"' in html
    assert 'type="date"' not in html


def test_what_was_typed_comes_back_with_the_error_and_the_summary_links_to_the_day() -> None:
    form = _typed("31", "2", "2026")
    assert not form.is_valid()
    html = str(form)
    assert 'name="session_on_day" value="31"' in html
    assert 'aria-invalid="true"' in html
    assert form["session_on"].id_for_label == "id_session_on_day"


def test_it_has_changed_only_when_the_date_differs() -> None:
    field = DateParts()
    assert not field.has_changed(date(2026, 3, 1), ["01", "3", "2026"])
    assert field.has_changed(date(2026, 3, 1), ["2", "3", "2026"])
    assert not field.has_changed(None, ["", "", ""])
    assert field.has_changed(None, ["31", "2", "2026"])
