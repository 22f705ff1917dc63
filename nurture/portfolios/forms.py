from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from nurture.core.forms import DateParts, NarrowingField, PlainTextMixin
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


class CompetenciesByDomain(forms.CheckboxSelectMultiple):
    """The competencies as checkboxes in a fieldset per framework domain, with its legend."""

    template_name = "portfolios/widgets/competencies.html"


class EvidenceForm(PlainTextMixin, UploadMixin, forms.ModelForm):  # type: ignore[type-arg]
    competency_filter = NarrowingField(
        label="Show only competencies that mention",
        max_length=100,
        help_text="For example: attachment, assessment or D3. Competencies you have ticked stay in the list.",
    )
    competencies = CompetencyChoiceField(
        queryset=Competency.objects.none(),
        widget=CompetenciesByDomain,
        help_text="Choose every competency this evidence shows.",
        error_messages={"required": "Choose at least one competency this evidence shows."},
    )

    class Meta:
        model = Evidence
        fields = ["title", "kind", "text", "file", "competency_filter", "competencies"]
        widgets = {"text": forms.Textarea(attrs={"rows": 10})}
        help_texts = {
            "text": "Write about your practice without anything that could identify a family: "
            "we check for NHS numbers, dates of birth, postcodes and phone numbers.",
            "file": "Optional. PDF, Word, PNG or JPEG, up to 10 MB.",
        }

    def __init__(self, *args: Any, competencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if competencies is not None:
            field = self.fields["competencies"]
            field.queryset = competencies  # type: ignore[attr-defined]
            field.widget.choices = self._by_domain(list(competencies.order_by("domain__position", "position")))

    def _by_domain(self, competencies: list[Competency]) -> list[tuple[str, list[tuple[int, str]]]]:
        """The choices grouped by domain, narrowed to those that mention every word of the
        filter; a ticked competency is always kept, so narrowing never unticks one."""
        ticked = {str(value) for value in self["competencies"].value() or []}
        words = f"{self['competency_filter'].value() or ''}".casefold().split()
        groups: list[tuple[str, list[tuple[int, str]]]] = []
        for competency in competencies:
            domain = competency.domain
            text = f"{competency.code} {competency.name} {domain.code} {domain.name}".casefold()
            if str(competency.pk) not in ticked and not all(word in text for word in words):
                continue
            heading = f"{domain.code} {domain.name}"
            if not groups or groups[-1][0] != heading:
                groups.append((heading, []))
            groups[-1][1].append((competency.pk, f"{competency.code} {competency.name}"))
        return groups

    @property
    def narrowed(self) -> bool:
        return bool(f"{self['competency_filter'].value() or ''}".strip())

    def clean_file(self) -> Any:
        return self.clean_upload(self.cleaned_data.get("file"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("text", "").strip() and not data.get("file") and not self.errors.get("file"):
            self.add_error("text", "Write your evidence here or attach a file.")
        return data


# Several supervision sessions at once -------------------------------------------------


class SupervisionSessionForm(SupervisionForm):
    """One row of the sessions form: a session without notes (add them by editing it)."""

    class Meta(SupervisionForm.Meta):
        fields = ["session_on", "supervisor_name", "supervisor_email", "hours", "kind"]
        help_texts: dict[str, str] = {}


COPIED = ("supervisor_name", "supervisor_email", "kind")
"""What a new row takes from the row above it: most sessions are with the same supervisor."""


class BaseSessionRows(forms.BaseFormSet):  # type: ignore[type-arg]
    """Rows of new sessions. A row left as it was drawn (empty, or with only the supervisor
    copied from the row above) is skipped; the first row must be filled in."""

    default_error_messages = {
        "too_few_forms": "Enter at least one session.",
        "too_many_forms": "Enter at most 60 sessions at once; save these, then add more.",
    }

    def initial_form_count(self) -> int:
        return 0  # every row is a new session, so any row may be left empty

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if self.is_bound and index:  # what the row was drawn with: the row above's supervisor
            above = f"{self.prefix}-{index - 1}-"
            kwargs["initial"] = {name: self.data.get(above + name, "") for name in COPIED}
        return kwargs

    def sessions(self) -> list[SupervisionEntry]:
        """The rows filled in, as unsaved entries (after `is_valid()`)."""
        return [form.save(commit=False) for form in self.forms if form.has_changed() and form.is_valid()]

    def typed(self) -> list[dict[str, Any]]:
        """What each row holds as typed, to draw the rows again."""
        return [{name: form[name].value() for name in form.fields} for form in self.forms]


SessionRows = cast(
    type[BaseSessionRows],
    forms.formset_factory(
        SupervisionSessionForm,
        formset=BaseSessionRows,
        extra=0,
        min_num=1,
        validate_min=True,
        max_num=60,
        validate_max=True,
    ),
)


def session_rows_with_another(typed: list[dict[str, Any]], *, prefix: str) -> BaseSessionRows:
    """The rows as typed, and one more below with the last row's supervisor, unbound (no
    errors are shown for rows still being typed)."""
    last = typed[-1] if typed else {}
    rows = [*typed, {name: last.get(name) for name in COPIED if last.get(name)}]
    formset = SessionRows(initial=rows, prefix=prefix)
    formset.extra = len(rows) - formset.min_num
    return formset


class SessionDecisionsForm(forms.Form):
    """The supervisor's answer for each session of a link: confirm, or say it is not right."""

    CHOICES = [("confirm", "Yes, confirm it"), ("decline", "No, this is not right")]

    def __init__(self, *args: Any, sessions: list[SupervisionEntry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sessions = sessions
        for entry in sessions:
            self.fields[f"session-{entry.pk}"] = forms.ChoiceField(
                label=f"{entry.session_on:%-d %B %Y}, {entry.hours.normalize():f} hours",
                choices=self.CHOICES,
                widget=forms.RadioSelect(attrs={"class": "inline-choices"}),
                error_messages={"required": "Choose whether to confirm this session."},
            )

    def decisions(self) -> dict[int, bool]:
        return {entry.pk: self.cleaned_data[f"session-{entry.pk}"] == "confirm" for entry in self.sessions}
