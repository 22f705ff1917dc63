"""The forms of the free-text coding pages: a theme's name, and the filters of a
question's answers (read leniently: a search never refuses, it finds what it can)."""

from __future__ import annotations

from typing import Any

from django import forms

from nurture.core.forms import NarrowingField, PlainTextMixin, search_text
from nurture.surveys.coding import THEME_NAME_MAX
from nurture.surveys.coding_selectors import NOT_CODED, AnswerFilters
from nurture.surveys.models import Sample, Theme


class ThemeForm(PlainTextMixin, forms.Form):
    name = forms.CharField(
        label="Name of a new theme",
        max_length=THEME_NAME_MAX,
        error_messages={"required": "Give the theme a name."},
        help_text=f"For example “Bonding and attachment”. At most {THEME_NAME_MAX} characters.",
    )

    def __init__(self, *args: Any, label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["name"].label = label

    def clean_name(self) -> str:
        name = " ".join(str(self.cleaned_data["name"]).split())
        if not name:
            raise forms.ValidationError("Give the theme a name.")
        return name


class SearchField(NarrowingField):
    """A search box: control characters become spaces and it is cut to 100 characters,
    so whatever is typed, it searches (never a NUL error)."""

    def to_python(self, value: Any) -> str:
        return search_text(str(value or ""))


class NarrowingChoiceField(forms.ChoiceField):
    """A list that narrows what the page shows: its label is not marked "(optional)"."""

    narrows = True


class AnswerFilterForm(forms.Form):
    sample = NarrowingChoiceField(
        label="Sample", required=False, error_messages={"invalid_choice": "Choose a sample from the list."}
    )
    theme = NarrowingChoiceField(
        label="Theme", required=False, error_messages={"invalid_choice": "Choose a theme from the list."}
    )
    q = SearchField(label="Words in the answer")

    def __init__(self, data: Any, *, samples: list[Sample], themes: list[Theme]) -> None:
        super().__init__(data)
        self.fields["sample"].choices = [("", "All samples"), *((s.code, s.name) for s in samples)]  # type: ignore[attr-defined]
        self.fields["theme"].choices = [  # type: ignore[attr-defined]
            ("", "Any theme or none"),
            (NOT_CODED, "Not coded yet"),
            *((str(t.pk), t.name) for t in themes),
        ]

    def filters(self) -> AnswerFilters:
        if not self.is_valid():
            return AnswerFilters()
        data = self.cleaned_data
        return AnswerFilters(sample=data["sample"], theme=data["theme"], search=data["q"])
