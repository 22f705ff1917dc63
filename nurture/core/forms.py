"""What every form in the project shares: its renderer, plain text only, and the
reading of a search box and a page number from the query string.

Text typed into a form ends up in email headers, CSV exports, logs and other
people's pages. A line break or NUL hidden in a name makes an email fail on a
header error long after the page said it was sent (or a database refuse it with
a 500), so forms refuse control characters where they are typed, with a message
next to the field.
"""

from __future__ import annotations

from django import forms
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
