from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from nurture.accounts.models import Profession, Region
from nurture.core.forms import PlainTextMixin
from nurture.register.numbers import number_check, numbers_in_text
from nurture.register.services import STAFF_ACTIONS

CHECK_LIMIT = 100
CHECK_FILE_MAX_BYTES = 64 * 1024


class QuickSelect(forms.Select):
    """A select rendered in Python rather than one template per option: the public
    search is the Register's busiest page, and option templates were most of its cost."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, mark_safe(" selected") if str(key) == chosen else "", label) for key, label in self.choices),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )


class RegisterSearchForm(PlainTextMixin, forms.Form):
    """The public search. With `levels=None` (the API) any level code is accepted."""

    q = forms.CharField(
        label="Name",
        required=False,
        max_length=100,
        help_text="All or the start of any part of the name. Accents and capitals do not matter.",
    )
    number = forms.CharField(label="Registration number", required=False, max_length=20, help_text="IMH-1234567X")
    level = forms.CharField(label="Level", required=False, max_length=32)
    region = forms.ChoiceField(
        label="Region", required=False, choices=[("", "Any region"), *Region.choices], widget=QuickSelect
    )
    profession = forms.ChoiceField(
        label="Profession", required=False, choices=[("", "Any profession"), *Profession.choices], widget=QuickSelect
    )

    def __init__(self, *args: Any, levels: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if levels is not None:
            self.fields["level"] = forms.ChoiceField(
                label="Level", required=False, choices=[("", "Any level"), *levels], widget=QuickSelect
            )

    def clean_q(self) -> str:
        return str(self.cleaned_data.get("q") or "").strip()

    def clean_number(self) -> str:
        typed = str(self.cleaned_data.get("number") or "").strip()
        if not typed:
            return ""
        check = number_check(typed)
        if not check.valid:
            raise ValidationError(check.problem)
        return check.number


class CheckForm(PlainTextMixin, forms.Form):
    """An employer's list: pasted, or a CSV or text file, at most 100 numbers."""

    numbers = forms.CharField(
        label="Registration numbers",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "autocomplete": "off"}),
        help_text=f"One per line, or separated by commas. Up to {CHECK_LIMIT}.",
    )
    file = forms.FileField(
        label="Or upload a file",
        required=False,
        help_text="A CSV or text file with one number per line (or in its first column), up to 64 KB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data.get("file")
        if not isinstance(upload, UploadedFile):
            return ""
        if (upload.size or 0) > CHECK_FILE_MAX_BYTES:
            raise ValidationError("This file is too big: a list of 100 numbers fits in 64 KB.")
        raw = upload.read(CHECK_FILE_MAX_BYTES + 1)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("Upload a CSV or plain text file (UTF-8).") from None
        if "\x00" in text:
            raise ValidationError("Upload a CSV or plain text file (UTF-8).")
        # From a CSV, the first column of each line.
        return "\n".join(line.split(",")[0] for line in text.splitlines())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        items = numbers_in_text(str(data.get("numbers") or "")) + numbers_in_text(str(data.get("file") or ""))
        if not items:
            self.add_error("numbers", "Enter at least one registration number, or upload a file.")
        elif len(items) > CHECK_LIMIT:
            self.add_error(
                "numbers",
                f"You gave {len(items)} numbers; we check up to {CHECK_LIMIT} at a time. "
                f"Remove {len(items) - CHECK_LIMIT} and check the rest separately.",
            )
        data["items"] = items
        return data


class SubscribeForm(PlainTextMixin, forms.Form):
    email = forms.EmailField(
        label="Your email address",
        help_text="We email you a link to confirm. Every email has a link to stop them.",
    )
    token = forms.CharField(max_length=20_000, widget=forms.HiddenInput)


class VisibilityForm(PlainTextMixin, forms.Form):
    show_profession = forms.BooleanField(label="Show my profession", required=False)
    show_region = forms.BooleanField(label="Show my region", required=False)
    show_employer = forms.BooleanField(label="Show my employer", required=False)


class RenewalForm(PlainTextMixin, forms.Form):
    cpd_hours = forms.DecimalField(
        label="CPD hours in the last 12 months", min_value=0, max_value=2000, max_digits=6, decimal_places=1
    )
    supervision_hours = forms.DecimalField(
        label="Reflective supervision hours in the last 12 months",
        min_value=0,
        max_value=1000,
        max_digits=6,
        decimal_places=2,
        help_text="Peer supervision does not count.",
    )
    ethics_agreed = forms.BooleanField(
        label="I have read and agree to keep the association's code of ethics",
        error_messages={"required": "Tick to agree to the code of ethics: renewal needs it."},
    )

    def __init__(self, *args: Any, need_cpd: Any = None, need_supervision: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.need_cpd, self.need_supervision = need_cpd, need_supervision
        if need_cpd is not None:
            self.fields["cpd_hours"].help_text = f"You need at least {need_cpd}. We added up your CPD log."

    def clean_cpd_hours(self) -> Any:
        value = self.cleaned_data.get("cpd_hours")
        if value is not None and self.need_cpd is not None and value < self.need_cpd:
            raise ValidationError(f"Renewal needs at least {self.need_cpd} CPD hours.")
        return value

    def clean_supervision_hours(self) -> Any:
        value = self.cleaned_data.get("supervision_hours")
        if value is not None and self.need_supervision is not None and value < self.need_supervision:
            raise ValidationError(f"Renewal needs at least {self.need_supervision} hours of reflective supervision.")
        return value


class StaffActionForm(PlainTextMixin, forms.Form):
    action = forms.ChoiceField(
        label="Action", choices=[(name, name.capitalize()) for name in STAFF_ACTIONS], widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded in the audit log and sent to the practitioner.",
        error_messages={"required": "Give the reason: it is recorded and sent to the practitioner."},
    )

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise ValidationError("Give the reason: it is recorded and sent to the practitioner.")
        return reason
