"""The directory's search form, shared by its page and read the same way as the API's filters."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from nurture.accounts.models import Region
from nurture.core.forms import DateInput, DateParts, PlainTextMixin, TimeInput
from nurture.core.formulas import FORMULA_NAME_PROBLEM, starts_like_formula
from nurture.framework.selectors import framework_competencies, framework_current
from nurture.training.models import MAX_PLACES, Format, Session, StudyLevel
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


class CourseForm(PlainTextMixin, forms.Form):
    """A provider's course. Accreditation is not here: only the registrar sets it."""

    title = forms.CharField(max_length=200)
    summary = forms.CharField(
        max_length=3000, widget=forms.Textarea(attrs={"rows": 6}), help_text="What it covers and how it is taught."
    )
    study_level = forms.ChoiceField(label="Level of study", choices=StudyLevel.choices)
    format = forms.ChoiceField(label="Format", choices=Format.choices, widget=forms.RadioSelect)
    duration = forms.CharField(max_length=100, help_text="As people say it: 6 weeks, January to September.")
    hours = forms.DecimalField(
        label="Hours of training", min_value=Decimal("0.5"), max_value=Decimal("5000"), decimal_places=1
    )
    cost = forms.DecimalField(
        label="Cost in pounds", min_value=Decimal(0), max_value=Decimal(100_000), decimal_places=2,
        help_text="0 for a free course.",
    )  # fmt: skip
    free_for = forms.CharField(
        label="Free for (optional)", max_length=300, required=False, help_text="Who does not pay, when others do."
    )
    eligibility = forms.CharField(
        label="Who it is for (optional)", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    region = forms.ChoiceField(
        label="Region", required=False, choices=[("", "Online, anywhere in the UK"), *Region.choices]
    )
    competencies = forms.MultipleChoiceField(
        label="Competencies it covers", required=False, widget=forms.CheckboxSelectMultiple
    )
    part_of = forms.ChoiceField(label="A module of (optional)", required=False)
    published = forms.BooleanField(label="Listed in the directory", required=False, initial=True)

    def __init__(self, *args: Any, modules_of: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = framework_competencies(framework_current()).values_list("code", "name")
        field = self.fields["competencies"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(code, f"{code} {name}") for code, name in codes]
        part_of = self.fields["part_of"]
        assert isinstance(part_of, forms.ChoiceField)
        part_of.choices = [("", "Not a module: a course of its own"), *((str(pk), title) for pk, title in modules_of)]

    def clean_summary(self) -> str:
        return str(self.cleaned_data["summary"]).replace("\r\n", "\n").strip()

    def clean_eligibility(self) -> str:
        return str(self.cleaned_data["eligibility"]).replace("\r\n", "\n").strip()


class SessionForm(PlainTextMixin, forms.Form):
    """A cohort or open day: dates and times in the UK's time."""

    kind = forms.ChoiceField(label="What it is", choices=Session.Kind.choices, widget=forms.RadioSelect)
    start_date = DateParts(label="Start date")
    start_time = forms.TimeField(label="Start time", widget=TimeInput(), help_text="24-hour clock, e.g. 09:30")
    end_date = DateParts(label="End date")
    end_time = forms.TimeField(label="End time", widget=TimeInput())
    place = forms.CharField(label="Place (optional)", max_length=300, required=False)
    online_url = forms.URLField(label="Online link (optional)", max_length=300, required=False, assume_scheme="https")
    capacity = forms.IntegerField(label="Places", min_value=1, max_value=10_000)
    deadline_date = DateParts(label="Last day to book")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        zone = timezone.get_current_timezone()
        try:
            if data.get("start_date") and data.get("start_time"):
                data["starts_at"] = timezone.make_aware(datetime.combine(data["start_date"], data["start_time"]), zone)
            if data.get("end_date") and data.get("end_time"):
                data["ends_at"] = timezone.make_aware(datetime.combine(data["end_date"], data["end_time"]), zone)
            if data.get("deadline_date"):
                data["booking_deadline"] = timezone.make_aware(
                    datetime.combine(data["deadline_date"], time(23, 59)), zone
                )
        except (ValueError, OverflowError):
            raise forms.ValidationError("These dates cannot be read.") from None
        if "starts_at" in data and "ends_at" in data and data["ends_at"] < data["starts_at"]:
            self.add_error("end_time", "It cannot end before it starts.")
        if "starts_at" in data and "booking_deadline" in data and data["deadline_date"] > data["start_date"]:
            self.add_error("deadline_date", "The last day to book cannot be after the start.")
        if not data.get("place") and not data.get("online_url"):
            self.add_error("place", "Give a place, an online link, or both.")
        return data

    def values(self) -> dict[str, Any]:
        keys = ("kind", "starts_at", "ends_at", "place", "online_url", "capacity", "booking_deadline")
        return {key: self.cleaned_data[key] for key in keys}


class CompletionForm(PlainTextMixin, forms.Form):
    completed_on = DateParts(label="Date you completed it")

    def clean_completed_on(self) -> date:
        day: date = self.cleaned_data["completed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date you completed it cannot be in the future.")
        if day < EARLIEST:
            raise forms.ValidationError("Enter a date after 2000.")
        return day


class ProviderMemberForm(PlainTextMixin, forms.Form):
    provider_name = forms.CharField(
        label="Provider",
        max_length=200,
        help_text="Its full name; a new provider is made if there is none by that name.",
    )
    email = forms.EmailField(label="Email address of their account", max_length=254)

    def clean_provider_name(self) -> str:
        return _plain_name(self.cleaned_data["provider_name"], "A provider's name")
