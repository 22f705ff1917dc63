"""The coordinator's forms for composing a report: its title and summary, and each kind of item."""

from __future__ import annotations

from typing import Any

from django import forms

from nurture.core.forms import PlainTextMixin
from nurture.surveys.figures import EXAMPLE
from nurture.surveys.models import Question, Quote, Sample
from nurture.surveys.report_selectors import ItemChoices
from nurture.surveys.reports import NOTE_MAX, SUMMARY_MAX, TITLE_MAX

ALL_SAMPLES = ""


class ReportNewForm(PlainTextMixin, forms.Form):
    title = forms.CharField(label="Title of the new report", max_length=TITLE_MAX)


class ReportTextForm(PlainTextMixin, forms.Form):
    title = forms.CharField(label="Title", max_length=TITLE_MAX)
    summary = forms.CharField(
        label="Summary",
        required=False,
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=(
            "Paragraphs separated by a blank line. Write every percentage as a figure linked to its "
            f"result: {EXAMPLE} is 75% of the public sample giving option 1 to IMPORTANT; count "
            "several options together with commas (=4,5). Publication checks each figure."
        ),
    )


def _question_choices(choices: ItemChoices) -> list[tuple[str, str]]:
    return [("", "Choose a question"), *((str(q.pk), f"{q.code}: {q.text}"[:120]) for q in choices.questions)]


def _sample_choices(choices: ItemChoices) -> list[tuple[str, str]]:
    return [(str(s.pk), s.name) for s in choices.samples]


class _ItemForm(PlainTextMixin, forms.Form):
    note = forms.CharField(
        label="Note shown with it (optional)",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, choices: ItemChoices, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices

    def _question(self) -> Question | None:
        raw = self.cleaned_data.get("question")
        return next((q for q in self.choices.questions if str(q.pk) == raw), None)

    def _sample(self, name: str) -> Sample | None:
        raw = self.cleaned_data.get(name)
        return next((s for s in self.choices.samples if str(s.pk) == raw), None)


class QuestionItemForm(_ItemForm):
    question = forms.ChoiceField(label="Question")
    sample = forms.ChoiceField(label="Sample", required=False)
    field_order = ["question", "sample", "note"]

    def __init__(self, choices: ItemChoices, *args: Any, **kwargs: Any) -> None:
        super().__init__(choices, *args, prefix="question_item", **kwargs)
        self.fields["question"].choices = _question_choices(choices)  # type: ignore[attr-defined]
        self.fields["sample"].choices = [(ALL_SAMPLES, "Every sample"), *_sample_choices(choices)]  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        return {"question": self._question(), "sample": self._sample("sample"), "note": self.cleaned_data["note"]}


class ComparisonItemForm(_ItemForm):
    question = forms.ChoiceField(label="Question")
    sample = forms.ChoiceField(label="First sample")
    other_sample = forms.ChoiceField(label="Second sample")
    options = forms.CharField(
        label="Answers counted",
        max_length=60,
        help_text="The option codes counted together, separated by commas: 1, or 4,5. The codes are listed below.",
    )
    field_order = ["question", "sample", "other_sample", "options", "note"]

    def __init__(self, choices: ItemChoices, *args: Any, **kwargs: Any) -> None:
        super().__init__(choices, *args, prefix="comparison_item", **kwargs)
        self.fields["question"].choices = _question_choices(choices)  # type: ignore[attr-defined]
        samples = _sample_choices(choices)
        self.fields["sample"].choices = samples  # type: ignore[attr-defined]
        self.fields["other_sample"].choices = samples[1:] + samples[:1]  # type: ignore[attr-defined]
        if len(samples) > 1 and not self.is_bound:
            self.initial.setdefault("other_sample", samples[1][0])

    def clean_options(self) -> list[str]:
        raw: str = self.cleaned_data["options"]
        codes = [part.strip() for part in raw.split(",") if part.strip()]
        if not codes or not all(code.isdigit() and len(code) <= 3 for code in codes):
            raise forms.ValidationError("Give option codes as numbers separated by commas, such as 1 or 4,5.")
        return codes

    def values(self) -> dict[str, Any]:
        return {
            "question": self._question(),
            "sample": self._sample("sample"),
            "other_sample": self._sample("other_sample"),
            "options": self.cleaned_data["options"],
            "note": self.cleaned_data["note"],
        }


class QuoteItemForm(_ItemForm):
    quote = forms.ChoiceField(label="Quote")
    field_order = ["quote", "note"]

    def __init__(self, choices: ItemChoices, *args: Any, **kwargs: Any) -> None:
        super().__init__(choices, *args, prefix="quote_item", **kwargs)
        self.fields["quote"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a quote"),
            *((str(q.pk), f"{q.attribution}: “{q.text[:90]}”") for q in choices.quotes),
        ]

    def values(self) -> dict[str, Any]:
        raw = self.cleaned_data.get("quote")
        quote: Quote | None = next((q for q in self.choices.quotes if str(q.pk) == raw), None)
        return {"quote": quote, "note": self.cleaned_data["note"]}
