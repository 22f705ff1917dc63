"""The staff forms of the exam: a marker's mark, the registrar's bank file and questions,
blueprints and extra time. Each hands its values over typed, never as `cleaned_data` keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms

from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.core.forms import PlainTextMixin
from nurture.exams.bank_file import DIFFICULTIES, LIMITS, MAX_BYTES, POINTS, QuestionDraft
from nurture.exams.models import Blueprint, Part
from nurture.exams.services import BlueprintValues


@dataclass(frozen=True)
class Marked:
    points: list[int]
    comment: str


class MarkForm(PlainTextMixin, forms.Form):
    """One field per rubric criterion (0 to its points), and feedback for the candidate."""

    def __init__(self, *args: Any, rubric: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number, criterion in enumerate(rubric, start=1):
            self.fields[f"criterion_{number}"] = forms.IntegerField(
                label=f"{criterion['criterion']} (0 to {criterion['points']})",
                min_value=0,
                max_value=int(criterion["points"]),
                error_messages={
                    "required": f"Give a mark from 0 to {criterion['points']}.",
                    "invalid": f"Give a whole number from 0 to {criterion['points']}.",
                    "min_value": f"Give a mark from 0 to {criterion['points']}.",
                    "max_value": f"Give a mark from 0 to {criterion['points']}.",
                },
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        self.fields["comment"] = forms.CharField(
            label="Feedback for the candidate",
            help_text="They read it with their result, whatever the outcome, without your name.",
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 6}),
            error_messages={"required": "Write feedback for the candidate."},
        )
        self.criteria = len(rubric)

    def marked(self) -> Marked:
        return Marked(
            points=[int(self.cleaned_data[f"criterion_{n}"]) for n in range(1, self.criteria + 1)],
            comment=self.cleaned_data["comment"],
        )


class BankFileForm(forms.Form):
    bank_file = forms.FileField(
        label="Question bank file (JSON)",
        help_text="The format is described in the exams README; the bank downloaded above is an example.",
        error_messages={"required": "Choose a bank file to import."},
    )

    def content(self) -> bytes:
        upload = self.cleaned_data["bank_file"]
        if upload.size > MAX_BYTES:
            return b" " * (MAX_BYTES + 1)  # the reader says how large a file may be
        data: bytes = upload.read()
        return data


class BlueprintForm(PlainTextMixin, forms.Form):
    """Part 1 asks for questions per domain; part 2 for vignettes shown and answered."""

    def __init__(
        self, *args: Any, part: int, domains: dict[str, str], blueprint: BlueprintValues, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.part = part
        self.domains = domains
        if part == Part.MULTIPLE_CHOICE:
            for code, label in domains.items():
                self.fields[f"domain_{code}"] = forms.IntegerField(
                    label=label, initial=blueprint.per_domain.get(code, 0), min_value=0, max_value=500
                )
        else:
            self.fields["vignettes_shown"] = forms.IntegerField(
                label="Vignettes shown", initial=blueprint.vignettes_shown, min_value=1, max_value=20
            )
            self.fields["vignettes_answered"] = forms.IntegerField(
                label="Vignettes the candidate answers", initial=blueprint.vignettes_answered, min_value=1, max_value=20
            )
            self.fields["marking_margin"] = forms.IntegerField(
                label="Marking margin (points)",
                help_text="Two markers' marks further apart than this go to a third marker.",
                initial=blueprint.marking_margin,
                min_value=0,
                max_value=100,
            )
        self.fields["minutes"] = forms.IntegerField(
            label="Time allowed (minutes)", initial=blueprint.minutes, min_value=1, max_value=600
        )
        self.fields["pass_mark_percent"] = forms.IntegerField(
            label="Pass mark (%)", initial=blueprint.pass_mark_percent, min_value=1, max_value=100
        )
        self.fields["attempts_allowed"] = forms.IntegerField(
            label="Attempts allowed", initial=blueprint.attempts_allowed, min_value=1, max_value=10
        )
        self.fields["waiting_days"] = forms.IntegerField(
            label="Waiting period before a retake (days)", initial=blueprint.waiting_days, min_value=0, max_value=730
        )

    def values(self) -> BlueprintValues:
        data = self.cleaned_data
        written = self.part == Part.WRITTEN
        return BlueprintValues(
            per_domain={code: int(data[f"domain_{code}"]) for code in self.domains} if not written else {},
            vignettes_shown=int(data["vignettes_shown"]) if written else 0,
            vignettes_answered=int(data["vignettes_answered"]) if written else 0,
            minutes=int(data["minutes"]),
            pass_mark_percent=int(data["pass_mark_percent"]),
            attempts_allowed=int(data["attempts_allowed"]),
            waiting_days=int(data["waiting_days"]),
            marking_margin=int(data["marking_margin"]) if written else 0,
        )


def blueprint_values(blueprint: Blueprint) -> BlueprintValues:
    return BlueprintValues(
        per_domain=dict(blueprint.per_domain),
        vignettes_shown=blueprint.vignettes_shown,
        vignettes_answered=blueprint.vignettes_answered,
        minutes=blueprint.minutes,
        pass_mark_percent=blueprint.pass_mark_percent,
        attempts_allowed=blueprint.attempts_allowed,
        waiting_days=blueprint.waiting_days,
        marking_margin=blueprint.marking_margin,
    )


@dataclass(frozen=True)
class ExtraTime:
    candidate: User
    level: str
    minutes: int
    reason: str


class ExtraTimeForm(PlainTextMixin, forms.Form):
    email = forms.EmailField(label="Candidate's email address", max_length=254)
    level = forms.ChoiceField(label="Level")
    minutes = forms.IntegerField(label="Extra minutes", min_value=1, max_value=240)
    reason = forms.CharField(
        label="Reason",
        help_text="Kept in the audit log with your name.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, levels: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = list(levels.items())  # type: ignore[attr-defined]

    def clean_email(self) -> User:
        email = self.cleaned_data["email"]
        person = User.objects.filter(email__iexact=email, role=Role.PRACTITIONER).first()
        if person is None:
            raise forms.ValidationError("No practitioner has this email address.")
        return person

    def extra_time(self) -> ExtraTime:
        data = self.cleaned_data
        return ExtraTime(
            candidate=data["email"], level=data["level"], minutes=int(data["minutes"]), reason=data["reason"]
        )


class BankText(forms.CharField):
    """Text as a bank file holds it: lines end in \n (a browser sends a textarea's as \r\n,
    which would count twice against the limit). Which characters are allowed is the bank
    file's check (`bank_file`), made by the service, so that a question imported from a file
    can always be saved unchanged from its page."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return (text or "").replace("\r\n", "\n")


class QuestionForm(forms.Form):
    """One question of the bank, as the registrar edits it: the fields of a bank file's
    question (`bank_file`), which the service checks the same way (control characters
    included; a NUL never reaches a view). Up to 5 options and 10 rubric criteria; blank
    ones are left out."""

    OPTIONS = 5
    CRITERIA = 10

    def __init__(
        self,
        *args: Any,
        draft: QuestionDraft,
        version: int,
        levels: dict[str, str],
        competencies: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = draft.kind
        # The version the form was filled from: an edit to an older one is refused.
        self.fields["based_on"] = forms.IntegerField(widget=forms.HiddenInput, initial=version, min_value=1)
        self.fields["level"] = forms.ChoiceField(label="Level", choices=list(levels.items()), initial=draft.level)
        self.fields["competencies"] = forms.MultipleChoiceField(
            label="Framework competencies it tests",
            choices=list(competencies.items()),
            initial=list(draft.competencies),
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": "Choose at least one competency."},
        )
        self.fields["difficulty"] = forms.ChoiceField(
            label="Intended difficulty", choices=[(d, d.capitalize()) for d in DIFFICULTIES], initial=draft.difficulty
        )
        text = self._text
        if draft.kind == "multiple_choice":
            self.fields["stem"] = text("Question", "stem", draft.stem, rows=4)
            for n in range(1, self.OPTIONS + 1):
                self.fields[f"option_{n}"] = BankText(
                    label=f"Option {n}",
                    required=n <= 3,  # a question has 3 to 5
                    error_messages={"required": f"Write option {n}: a question has at least 3."},
                    max_length=LIMITS["option"],
                    initial=draft.options[n - 1] if n <= len(draft.options) else "",
                    help_text="Leave it empty for a question with fewer options." if n > 3 else "",
                )
            self.fields["correct"] = forms.TypedChoiceField(
                label="The correct option",
                choices=[(n, f"Option {n}") for n in range(1, self.OPTIONS + 1)],
                coerce=int,
                initial=(draft.correct or 0) + 1,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose the correct option."},
            )
            self.fields["rationale"] = text(
                "Rationale", "rationale", draft.rationale, rows=4, help="Shown with the results."
            )
        else:
            self.fields["case"] = text("The case", "case", draft.case, rows=8)
            self.fields["question"] = text("The question", "question", draft.question, rows=3)
            self.fields["model_answer"] = text(
                "Model answer", "model_answer", draft.model_answer, rows=8, help="Markers see it with the rubric."
            )
            for n in range(1, self.CRITERIA + 1):
                given = draft.rubric[n - 1] if n <= len(draft.rubric) else None
                self.fields[f"criterion_{n}"] = BankText(
                    label=f"Criterion {n}",
                    required=False,
                    max_length=LIMITS["criterion"],
                    initial=given.criterion if given else "",
                )
                self.fields[f"points_{n}"] = forms.IntegerField(
                    label=f"Points for criterion {n}",
                    required=False,
                    min_value=POINTS.start,
                    max_value=POINTS.stop - 1,
                    initial=given.points if given else None,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                )

    @staticmethod
    def _text(label: str, limit: str, initial: str, *, rows: int, help: str = "") -> forms.CharField:
        return BankText(
            label=label,
            max_length=LIMITS[limit],
            initial=initial,
            help_text=help,
            widget=forms.Textarea(attrs={"rows": rows}),
            error_messages={"required": f"Write the {label[0].lower() + label[1:]}."},
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.kind == "multiple_choice":
            chosen = data.get("correct")
            if chosen and not (data.get(f"option_{chosen}") or "").strip():
                self.add_error("correct", f"Option {chosen} is empty: write it, or choose another.")
        else:
            for n in range(1, self.CRITERIA + 1):
                criterion = (data.get(f"criterion_{n}") or "").strip()
                points = data.get(f"points_{n}")
                if criterion and points is None and f"points_{n}" not in self.errors:
                    self.add_error(f"points_{n}", f"Give criterion {n} its points, from 1 to 20.")
                if points is not None and not criterion:
                    self.add_error(f"criterion_{n}", f"Describe criterion {n}, or clear its points.")
        return data

    def based_on(self) -> int:
        return int(self.cleaned_data["based_on"])

    def row(self) -> dict[str, Any]:
        """The question as a bank file's row (without its key and kind)."""
        data = self.cleaned_data
        row: dict[str, Any] = {
            "level": data["level"],
            "competencies": list(data["competencies"]),
            "difficulty": data["difficulty"],
        }
        if self.kind == "multiple_choice":
            filled = [n for n in range(1, self.OPTIONS + 1) if data[f"option_{n}"].strip()]
            return row | {
                "stem": data["stem"],
                "options": [data[f"option_{n}"] for n in filled],
                "correct": filled.index(int(data["correct"])),
                "rationale": data["rationale"],
            }
        return row | {
            "case": data["case"],
            "question": data["question"],
            "model_answer": data["model_answer"],
            "rubric": [
                {"criterion": data[f"criterion_{n}"], "points": data[f"points_{n}"]}
                for n in range(1, self.CRITERIA + 1)
                if data[f"criterion_{n}"].strip()
            ],
        }
