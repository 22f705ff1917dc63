"""The directory's search form, shared by its page and read the same way as the API's filters."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from nurture.accounts.models import Region
from nurture.core.forms import DateInput, PlainTextMixin
from nurture.core.formulas import FORMULA_NAME_PROBLEM, starts_like_formula
from nurture.framework.selectors import framework_competencies, framework_current
from nurture.training.models import MAX_PLACES, Format, StudyLevel
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


class BookingForm(PlainTextMixin, forms.Form):
    """A place at a cohort or open day, for a visitor without an account."""

    name = forms.CharField(label="Your name", max_length=200)
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We email you to confirm, with a link to cancel. We share it only with the provider.",
    )
    organisation = forms.CharField(label="Organisation (optional)", max_length=200, required=False)
    places = forms.TypedChoiceField(
        label="Places",
        coerce=int,
        initial=1,
        choices=[
            (n, "1 place, for me" if n == 1 else f"{n} places, for me and colleagues") for n in range(1, MAX_PLACES + 1)
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"

    def clean_name(self) -> str:
        return _plain_name(self.cleaned_data["name"], "A name")

    def clean_organisation(self) -> str:
        return (
            _plain_name(self.cleaned_data["organisation"], "An organisation")
            if self.cleaned_data["organisation"]
            else ""
        )


def _plain_name(raw: str, what: str) -> str:
    name = " ".join(raw.split())
    if starts_like_formula(name):
        raise forms.ValidationError(FORMULA_NAME_PROBLEM.replace("A name", what))
    return name


class InterestForm(PlainTextMixin, forms.Form):
    name = forms.CharField(label="Your name", max_length=200)
    email = forms.EmailField(label="Email address", max_length=254, help_text="The provider replies to this address.")
    role = forms.CharField(
        label="What you do", max_length=200, help_text="For example: health visitor, family support volunteer."
    )
    organisation = forms.CharField(label="Organisation (optional)", max_length=200, required=False)
    question = forms.CharField(
        label="What you want to know (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["role"].widget.attrs["autocomplete"] = "organization-title"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"

    def clean_name(self) -> str:
        return _plain_name(self.cleaned_data["name"], "A name")

    def clean_role(self) -> str:
        return _plain_name(self.cleaned_data["role"], "What you do")

    def clean_organisation(self) -> str:
        return (
            _plain_name(self.cleaned_data["organisation"], "An organisation")
            if self.cleaned_data["organisation"]
            else ""
        )


class MessageForm(PlainTextMixin, forms.Form):
    subject = forms.CharField(label="Subject", max_length=150)
    body = forms.CharField(label="Message", max_length=5000, widget=forms.Textarea(attrs={"rows": 8}))
