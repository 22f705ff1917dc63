from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from nurture.core.forms import DateParts, PlainTextMixin
from nurture.core.uploads import validate_upload
from nurture.framework.models import Competency
from nurture.portfolios.models import (
    CPDEntry,
    EducationRecord,
    Evidence,
    ExperienceRecord,
    SupervisionEntry,
    TrainingRecord,
)


def _not_future(value: date | None, what: str) -> date | None:
    if value and value > date.today():
        raise ValidationError(f"The {what} cannot be in the future.")
    return value


def _hours(value: Decimal | None, *, most: int) -> Decimal | None:
    if value is not None and not (0 < value <= most):
        raise ValidationError(f"Enter a number of hours above 0 and at most {most}.")
    return value


class UploadMixin:
    """Checks an optional upload by its content and remembers its real type."""

    upload_field = ""
    upload_type: str | None = None
    upload_name = ""

    def clean_upload(self, upload: Any) -> Any:
        if isinstance(upload, UploadedFile):
            self.upload_type = validate_upload(upload)
            self.upload_name = (upload.name or "file")[:255]
        return upload


class EducationForm(PlainTextMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = EducationRecord
        fields = ["level", "qualification", "institution", "awarded_on"]
        field_classes = {"awarded_on": DateParts}

    def clean_awarded_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("awarded_on"), "date awarded")


class TrainingForm(PlainTextMixin, UploadMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = TrainingRecord
        fields = ["title", "provider", "hours", "completed_on", "relationship_based", "certificate"]
        field_classes = {"completed_on": DateParts}
        help_texts = {"certificate": "Optional. PDF, Word, PNG or JPEG, up to 10 MB."}

    def clean_hours(self) -> Decimal | None:
        return _hours(self.cleaned_data.get("hours"), most=2000)

    def clean_completed_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("completed_on"), "completion date")

    def clean_certificate(self) -> Any:
        return self.clean_upload(self.cleaned_data.get("certificate"))


class ExperienceForm(PlainTextMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ExperienceRecord
        fields = ["role_title", "employer", "setting", "started_on", "ended_on", "paid", "families_served"]
        field_classes = {"started_on": DateParts, "ended_on": DateParts}

    def clean_started_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("started_on"), "start date")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("started_on"), data.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", "The end date must be on or after the start date.")
        return data


class SupervisionForm(PlainTextMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SupervisionEntry
        fields = ["session_on", "supervisor_name", "supervisor_email", "hours", "kind", "notes"]
        field_classes = {"session_on": DateParts}
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "supervisor_email": "We email your supervisor a link to confirm this session. "
            "If their employer blocks our email, you can send it again to another address."
        }

    def clean_hours(self) -> Decimal | None:
        return _hours(self.cleaned_data.get("hours"), most=12)

    def clean_session_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("session_on"), "session date")


class CPDForm(PlainTextMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = CPDEntry
        fields = ["activity", "done_on", "hours", "reflection"]
        field_classes = {"done_on": DateParts}
        widgets = {"reflection": forms.Textarea(attrs={"rows": 4})}

    def clean_hours(self) -> Decimal | None:
        return _hours(self.cleaned_data.get("hours"), most=500)

    def clean_done_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("done_on"), "date")


class CompetencyChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Competency) -> str:
        return f"{obj.code} {obj.name}"


class EvidenceForm(PlainTextMixin, UploadMixin, forms.ModelForm):  # type: ignore[type-arg]
    competencies = CompetencyChoiceField(
        queryset=Competency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose every competency this evidence shows.",
        error_messages={"required": "Choose at least one competency this evidence shows."},
    )

    class Meta:
        model = Evidence
        fields = ["title", "kind", "text", "file", "competencies"]
        widgets = {"text": forms.Textarea(attrs={"rows": 10})}
        help_texts = {
            "text": "Write about your practice without anything that could identify a family: "
            "we check for NHS numbers, dates of birth, postcodes and phone numbers.",
            "file": "Optional. PDF, Word, PNG or JPEG, up to 10 MB.",
        }

    def __init__(self, *args: Any, competencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if competencies is not None:
            self.fields["competencies"].queryset = competencies  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        return self.clean_upload(self.cleaned_data.get("file"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("text", "").strip() and not data.get("file") and not self.errors.get("file"):
            self.add_error("text", "Write your evidence here or attach a file.")
        return data
