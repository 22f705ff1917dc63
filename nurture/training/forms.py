"""The directory's search form, shared by its page and read the same way as the API's filters."""

from __future__ import annotations

from datetime import date

from django import forms

from nurture.accounts.models import Region
from nurture.core.forms import DateInput, PlainTextMixin
from nurture.framework.selectors import framework_competencies, framework_current
from nurture.training.models import Format, StudyLevel
from nurture.training.selectors import CourseFilters

EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


class CourseFilterForm(PlainTextMixin, forms.Form):
    competency = forms.ChoiceField(label="Covers the competency", required=False)
    level = forms.ChoiceField(label="Level of study", required=False, choices=[("", "Any level"), *StudyLevel.choices])
    format = forms.ChoiceField(label="Format", required=False, choices=[("", "Any format"), *Format.choices])
    region = forms.ChoiceField(
        label="Region",
        required=False,
        choices=[("", "Anywhere"), *Region.choices],
        help_text="Online courses open to anyone in the UK are shown for every region.",
    )
    start = forms.DateField(label="Starting on or after", required=False, widget=DateInput())
    free = forms.BooleanField(label="Free courses only", required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        competencies = framework_competencies(framework_current())
        self.fields["competency"].choices = [("", "Any competency")] + [  # type: ignore[attr-defined]
            (c.code, f"{c.code} {c.name}") for c in competencies
        ]

    def clean_start(self) -> date | None:
        start: date | None = self.cleaned_data.get("start")
        if start is not None and not EARLIEST <= start <= LATEST:
            raise forms.ValidationError("Enter a date between 2000 and 2100.")
        return start

    def filters(self) -> CourseFilters:
        data = self.cleaned_data
        return CourseFilters(
            competency=data["competency"],
            level=data["level"],
            format=data["format"],
            free=bool(data["free"]),
            region=data["region"],
            start=data["start"],
        )
