"""Forms of the questionnaire builder, the weighting page and the respondent's pages.

A respondent's page is built from the section's questions (`AnswerForm`); the answers are
judged by `questionnaire.answer_problems`, the same rules an import is judged by, and
each problem is shown on its question."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from nurture.core.forms import PlainTextMixin
from nurture.surveys import questionnaire as rules
from nurture.surveys.models import Question, Sample, SampleKind, Section, Survey

CODE = re.compile(r"[A-Z][A-Z0-9_]{0,19}")
THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
MOST_OPTIONS = 30


class SurveyForm(PlainTextMixin, forms.ModelForm[Survey]):
    class Meta:
        model = Survey
        fields = ["title", "introduction", "commissioned_by", "conducted_by", "quote_consent_text"]
        labels = {
            "introduction": "Introduction for respondents",
            "commissioned_by": "Commissioned by",
            "conducted_by": "Conducted by",
            "quote_consent_text": "The question asking to quote written answers",
        }
        help_texts = {
            "commissioned_by": "Named in the published report's methods statement.",
        }


class SampleForm(PlainTextMixin, forms.ModelForm[Sample]):
    class Meta:
        model = Sample
        fields = ["code", "name", "kind", "population", "coverage", "method", "quota"]
        labels = {
            "code": "Short code",
            "kind": "Kind of sample",
            "population": "The population it represents",
            "coverage": "Geographic coverage",
            "method": "How answers are collected",
            "quota": "Quota (completed responses; leave blank for no limit)",
        }
        help_texts = {
            "code": "Letters, digits and hyphens, e.g. public. Used in report figures: [75%](public:Q3=1).",
            "kind": "An opt-in sample is reported unweighted and without a margin of error.",
        }
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = SampleKind.choices  # type: ignore[attr-defined]
        self.fields["quota"].widget.attrs["inputmode"] = "numeric"

    def clean_quota(self) -> int | None:
        quota: int | None = self.cleaned_data.get("quota")
        if quota is not None and not 1 <= quota <= 1_000_000:
            raise forms.ValidationError("Enter a quota between 1 and 1,000,000, or leave it blank.")
        return quota


class SectionForm(PlainTextMixin, forms.ModelForm[Section]):
    class Meta:
        model = Section
        fields = ["title", "introduction"]
        labels = {"introduction": "Introduction (optional)"}


KIND_CHOICES = [
    (rules.Kind.SINGLE.value, "Single choice"),
    (rules.Kind.MULTIPLE.value, "Multiple choice"),
    (rules.Kind.LIKERT.value, "Likert scale"),
    (rules.Kind.NUMBER.value, "Number"),
    (rules.Kind.TEXT.value, "Free text"),
]


class QuestionForm(PlainTextMixin, forms.Form):
    section = forms.TypedChoiceField(label="Section", coerce=int)
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="Capital letters, digits and _, starting with a letter, e.g. IMPORTANT. Used in exports and figures.",
    )
    kind = forms.ChoiceField(label="Kind of question", choices=KIND_CHOICES, widget=forms.RadioSelect)
    text = forms.CharField(label="Question wording", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    options = forms.CharField(
        label="Options, one per line, in order",
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For choices and Likert scales. Each option's code is its place: 1, 2, 3, …",
    )
    dont_know = forms.BooleanField(label="Offer “Don't know” (a Likert scale; coded 99)", required=False)
    required = forms.BooleanField(label="An answer is required", required=False, initial=True)
    least = forms.DecimalField(
        label="Smallest number allowed (optional)", required=False, max_digits=12, decimal_places=2
    )
    most = forms.DecimalField(
        label="Largest number allowed (optional)", required=False, max_digits=12, decimal_places=2
    )
    show_if_code = forms.ChoiceField(label="Show only when this earlier question…", required=False)
    show_if_options = forms.CharField(
        label="…was answered with one of these option codes",
        required=False,
        max_length=200,
        help_text="Codes separated by commas, e.g. 1, 2.",
    )
    profile = forms.BooleanField(
        label="A profile question (age band, sex, region, profession): weighting targets can be set on it",
        required=False,
    )

    def __init__(self, *args: Any, survey: Survey, editing: Question | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [  # type: ignore[attr-defined]
            (s.pk, f"{s.position}. {s.title}") for s in survey.sections.order_by("position")
        ]
        earlier = survey.questions.filter(kind__in=[rules.Kind.SINGLE, rules.Kind.MULTIPLE, rules.Kind.LIKERT])
        if editing is not None:
            earlier = earlier.exclude(pk=editing.pk)
        routes = [("", "Always show it")] + [(q.code, f"{q.code}: {q.text[:60]}") for q in earlier.order_by("position")]
        self.fields["show_if_code"].choices = routes  # type: ignore[attr-defined]

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip()
        if not CODE.fullmatch(code):
            raise forms.ValidationError("Use capital letters, digits and _, starting with a letter (at most 20).")
        return code

    def clean_options(self) -> list[str]:
        lines = [line.strip() for line in str(self.cleaned_data.get("options", "")).splitlines()]
        options = [line for line in lines if line]
        if len(options) > MOST_OPTIONS:
            raise forms.ValidationError(f"Give at most {MOST_OPTIONS} options.")
        if any(len(option) > 200 for option in options):
            raise forms.ValidationError("Keep each option under 200 characters.")
        if len(set(options)) != len(options):
            raise forms.ValidationError("Two options have the same wording.")
        return options

    def clean_show_if_options(self) -> list[str]:
        raw = str(self.cleaned_data.get("show_if_options", ""))
        codes = [part.strip() for part in raw.split(",") if part.strip()]
        if any(not re.fullmatch(r"[0-9]{1,2}", code) for code in codes):
            raise forms.ValidationError("Give option codes (numbers) separated by commas.")
        return codes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind in (rules.Kind.SINGLE, rules.Kind.MULTIPLE, rules.Kind.LIKERT) and len(data.get("options") or []) < 2:
            self.add_error("options", "Give at least two options, one per line.")
        if data.get("show_if_code") and not data.get("show_if_options"):
            self.add_error("show_if_options", "Say which answers show this question.")
        least, most = data.get("least"), data.get("most")
        if least is not None and most is not None and least > most:
            self.add_error("most", "The largest number must not be below the smallest.")
        return data


class TargetForm(PlainTextMixin, forms.Form):
    """Population shares for one margin: a percentage box per category."""

    source = forms.CharField(label="Where the figures come from", max_length=300, required=False)

    def __init__(self, *args: Any, cells: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cells = cells
        for key, label in cells:
            self.fields[f"share_{key}"] = forms.DecimalField(
                label=f"{label} (%)",
                min_value=Decimal(0),
                max_value=Decimal(100),
                max_digits=6,
                decimal_places=3,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "short"}),
            )
        self.order_fields([*(f"share_{key}" for key, _ in cells), "source"])

    def shares(self) -> dict[str, Decimal]:
        return {key: self.cleaned_data[f"share_{key}"] for key, _ in self.cells}


class RunForm(forms.Form):
    lower = forms.DecimalField(
        label="Lowest weight allowed, times the respondent's base weight",
        initial=Decimal("0.2"),
        min_value=Decimal(0),
        max_value=Decimal(1),
        max_digits=6,
        decimal_places=3,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "short"}),
    )
    upper = forms.DecimalField(
        label="Highest weight allowed",
        initial=Decimal(5),
        min_value=Decimal(1),
        max_value=Decimal(100),
        max_digits=6,
        decimal_places=3,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "short"}),
    )


# The respondent's page ----------------------------------------------------------------


def _field(question: Question) -> forms.Field:
    # A required question is a required field (no "(optional)" beside it); Django's own
    # "required" check is lifted in AnswerForm.clean for a question this page's answers hide.
    label = question.text
    choices = list(question.labels.items())
    if question.kind in (rules.Kind.SINGLE, rules.Kind.LIKERT):
        return forms.ChoiceField(label=label, choices=choices, required=question.required, widget=forms.RadioSelect)
    if question.kind == rules.Kind.MULTIPLE:
        return forms.MultipleChoiceField(
            label=label,
            choices=choices,
            required=question.required,
            widget=forms.CheckboxSelectMultiple,
            help_text="Choose all that apply.",
        )
    if question.kind == rules.Kind.NUMBER:
        bounds = [
            f"from {question.least.normalize():f}" if question.least is not None else "",
            f"to {question.most.normalize():f}" if question.most is not None else "",
        ]
        hint = " ".join(b for b in bounds if b)
        return forms.CharField(
            label=label,
            required=question.required,
            max_length=30,
            help_text=f"A number {hint}." if hint else "A number.",
            widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "short"}),
        )
    return forms.CharField(
        label=label,
        required=question.required,
        max_length=rules.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Please do not include names or anything else that could identify someone.",
    )


class AnswerForm(PlainTextMixin, forms.Form):
    """One page of the questionnaire: `questions` are the ones shown on it."""

    def __init__(
        self,
        *args: Any,
        questions: list[Question],
        all_questions: list[Question],
        earlier: dict[str, Any],
        consent_text: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kept: dict[str, rules.Answer] = {}
        self.questions = questions
        self.all_questions = all_questions
        self.earlier = earlier
        for question in questions:
            self.fields[question.code] = _field(question)
            self.fields[question.code].error_messages["required"] = "Please answer this question."
        if consent_text:
            self.fields["quote_consent"] = forms.BooleanField(label=consent_text, required=False)

    def answers(self) -> dict[str, rules.Answer]:
        out: dict[str, rules.Answer] = {}
        for question in self.questions:
            value = self.cleaned_data.get(question.code)
            if value in (None, "", []):
                continue
            if question.kind == rules.Kind.NUMBER:
                text = str(value).strip()
                if THOUSANDS.fullmatch(text):  # 1,250 is 1250; 2,5 is not a number here
                    text = text.replace(",", "")
                try:
                    out[question.code] = Decimal(text)
                except InvalidOperation:
                    out[question.code] = text
            elif isinstance(value, list):
                out[question.code] = [str(v) for v in value]
            else:
                out[question.code] = str(value).strip() if question.kind == rules.Kind.TEXT else str(value)
        return out

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        answers = self.answers()
        merged = {**{k: v for k, v in self.earlier.items() if k not in self.fields}, **answers}
        page = {q.code for q in self.questions}
        visible = {q.code for q in rules.shown([q.rule() for q in self.all_questions], merged)}
        # An answer to a question this page's other answers now hide is dropped, not refused.
        self.kept = {code: value for code, value in answers.items() if code in visible}
        errors = self.errors
        for question in self.questions:
            if question.code not in visible:
                errors.pop(question.code, None)  # hidden now: not asked, so not required
        if errors:
            return data
        merged = {code: value for code, value in merged.items() if code in visible or code not in page}
        for problem in rules.answer_problems([q.rule() for q in self.all_questions], merged, complete=False):
            code, _, text = problem.partition(": ")
            if code in page:
                self.add_error(code, _respondent_words(text))
        for question in self.questions:
            if question.required and question.code in visible and question.code not in self.kept:
                self.add_error(question.code, "Please answer this question.")
        return data


def _respondent_words(text: str) -> str:
    if "is not a number" in text:
        return "Enter a number, such as 12 or 2.5."
    if "is below" in text or "is above" in text:
        return text[0].upper() + text[1:] if text else text
    if "longer than" in text:
        return "Please keep your answer under 5,000 characters."
    if "answered, but it is asked only when" in text:
        return "This question does not apply to your earlier answer; leave it blank."
    return "Choose one of the options given."
