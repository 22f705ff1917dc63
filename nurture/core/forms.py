"""What every form in the project shares: its renderer, plain text only, and the
reading of a search box and a page number from the query string.

Text typed into a form ends up in email headers, CSV exports, logs and other
people's pages. A line break or NUL hidden in a name makes an email fail on a
header error long after the page said it was sent (or a database refuse it with
a 500), so forms refuse control characters where they are typed, with a message
next to the field.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from django.forms.renderers import TemplatesSetting

from nurture.core.text import MULTI_LINE_REFUSED, ONE_LINE_REFUSED

CONTROL_CHARACTERS_CODE = "control_characters"

validate_single_line = RegexValidator(
    ONE_LINE_REFUSED,
    message="Enter this on one line, without line breaks or control characters.",
    code=CONTROL_CHARACTERS_CODE,
    inverse_match=True,
)
"""Refuses line breaks and control characters in a one-line value (a name, an address)."""

validate_multi_line = RegexValidator(
    MULTI_LINE_REFUSED,
    message="Remove the control characters from this text (invisible characters such as NUL).",
    code=CONTROL_CHARACTERS_CODE,
    inverse_match=True,
)
"""Refuses control characters other than tab, LF and CR in text typed into a textarea."""


def search_text(raw: str, *, max_length: int = 100) -> str:
    """A search box's text as a query can use it: control characters (which
    PostgreSQL refuses in a string, NUL above all) become spaces, and it is
    trimmed to `max_length`. A search never refuses; it finds what it can."""
    return " ".join(ONE_LINE_REFUSED.sub(" ", raw).split())[:max_length]


def page_number(raw: str | None, *, most: int) -> int:
    """A page number from the query string (`?page=`): anything odd is page 1, and no
    page is past `most`, the last page the caller's list may be asked for."""
    try:
        return max(1, min(int((raw or "1")[:6]), most))
    except ValueError:
        return 1


class NarrowingField(forms.CharField):
    """A box that narrows what a form lists (a filter), not an answer: never required, and
    its label is not marked "(optional)" as answers one may leave out are."""

    narrows = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)


class NurtureFormRenderer(TemplatesSetting):
    """Every form renders its fields with labels, hints and errors tied together."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


class PlainTextMixin(forms.BaseForm):
    """List it before `forms.Form` or `forms.ModelForm`: every text field refuses control characters.

    Every `forms.CharField` (so also email, URL and slug fields) gets the
    single-line validator, or the multi-line one when its widget is a textarea.
    It is done when the form is cleaned rather than built, so that fields added
    in a subclass's `__init__` (allauth's passwords, per-competency comments) are
    covered too. Django's own NUL validator is dropped: ours says the same, once.
    """

    def full_clean(self) -> None:
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                validate = validate_multi_line if isinstance(field.widget, forms.Textarea) else validate_single_line
                kept = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
                field.validators = kept if validate in kept else [*kept, validate]
        super().full_clean()


# Dates typed as day, month and year ----------------------------------------------------

MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
DATE_PARTS = ("day", "month", "year")


def _plain_digits(text: str) -> bool:
    return text.isascii() and text.isdecimal()


def date_parts_of(value: Any) -> list[Any]:
    """[day, month, year] of a date (or of an ISO date's text, or of what was typed)."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return [None, None, None]
    if isinstance(value, date):
        return [value.day, value.month, value.year]
    return [None, None, None]


class DateInput(forms.DateInput):
    """The browser's date picker (a text box where there is none), read and written as
    YYYY-MM-DD: for search filters, where a date is one box; forms people fill in use `DateParts`."""

    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    """The browser's time box, read and written as HH:MM on the 24-hour clock."""

    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


class DatePartsWidget(forms.MultiWidget):
    """Three text boxes, day, month and year, each with its own label, in the fieldset the
    field's template draws around a widget that `use_fieldset` (GOV.UK's date input).

    Text boxes with a numeric keyboard, not `type=number` (which turns "08" into 8, takes
    "1e3" and changes the value under a scrolling mouse) nor `type=date` (whose order of
    day and month follows the browser's language, so a British date becomes another date)."""

    template_name = "core/forms/date_parts.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.TextInput(
                attrs={"inputmode": "numeric", "class": f"date-parts__{part}", "maxlength": 4 if part == "year" else 2}
            )
            for part in DATE_PARTS
        }
        widgets["month"] = forms.TextInput(  # a month may be typed as its name, "March"
            attrs={"inputmode": "numeric", "class": "date-parts__month", "maxlength": 9}
        )
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        return date_parts_of(value)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        """The three boxes; or, when none was sent, the date sent whole as ISO text
        (`start_date=2027-05-12` from a link or a script), read into its parts."""
        if name in data and not any(f"{name}_{part}" in data for part in DATE_PARTS):
            return date_parts_of(data.get(name))
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and super().value_omitted_from_data(data, files, name)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        for part, subwidget in zip(DATE_PARTS, context["widget"]["subwidgets"], strict=True):
            subwidget["label"] = part.capitalize()
            if subwidget["attrs"].get("id"):
                subwidget["attrs"]["id"] = self.part_id(context["widget"]["attrs"]["id"], part)
        return context

    @staticmethod
    def part_id(id_: str, part: str) -> str:
        return f"{id_}_{part}"

    def id_for_label(self, id_: str) -> str:
        """The day's box: where the error summary's link takes the cursor."""
        return self.part_id(id_, "day") if id_ else ""


class DateParts(forms.MultiValueField):
    """A date typed as day, month and year, in that order whatever the browser's language.

    The month may be a number or a name ("3", "March", "mar"). The messages say what is
    wrong in GOV.UK's words: "Date must include a month", "Enter a real date" (31 2 2026),
    "Year must include 4 numbers", a year outside `earliest_year`…`latest_year`.
    The form still decides whether a date may be in the future."""

    widget = DatePartsWidget
    default_error_messages = {
        "required": "Enter the date.",
        "invalid": "Enter a real date, for example 27 3 2026.",
        "year_digits": "Year must include 4 numbers.",
    }

    def __init__(self, *, earliest_year: int = 1900, latest_year: int = 2100, **kwargs: Any) -> None:
        kwargs.pop("max_length", None)  # what a model field's formfield() may pass a text field
        hint = f"{kwargs.get('help_text') or ''}"
        if "example" not in hint.lower():  # the model's help text, then how to type the date
            kwargs["help_text"] = f"{hint} For example, 27 3 2026".strip()
        self.earliest_year, self.latest_year = earliest_year, latest_year
        parts = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(parts, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[Any]) -> date | None:
        return self._date(data_list)

    def clean(self, value: Any) -> date | None:
        result = self._date(date_parts_of(value))
        self.validate(result)
        self.run_validators(result)
        return result

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        try:
            typed = self._date(date_parts_of(data))
        except ValidationError:
            return True
        before = self._date(date_parts_of(initial))
        return typed != before

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")

    def _date(self, parts: list[Any]) -> date | None:
        day, month, year = (" ".join(f"{p or ''}".split()) for p in [*parts, None, None, None][:3])
        if not (day or month or year):
            return None
        missing = [name for name, typed in zip(DATE_PARTS, (day, month, year), strict=True) if not typed]
        if missing:
            raise ValidationError(f"Date must include a {' and '.join(missing)}.", code="incomplete")
        # ASCII digits only: "²" is a digit to str.isdigit() but not to int().
        month_number = MONTH_NAMES.get(month.lower()) or (int(month) if _plain_digits(month) else 0)
        if not (_plain_digits(day) and _plain_digits(year) and month_number):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if len(year) != 4:
            raise ValidationError(self.error_messages["year_digits"], code="year_digits")
        if not (self.earliest_year <= int(year) <= self.latest_year):
            raise ValidationError(
                f"Year must be between {self.earliest_year} and {self.latest_year}.", code="year_range"
            )
        try:
            return date(int(year), month_number, int(day))
        except (ValueError, OverflowError):  # 31 February; a day of twenty digits
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
