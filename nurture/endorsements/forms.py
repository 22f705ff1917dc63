"""The forms of each step. Each form hands its cleaned values over through a typed
method (`text()`, `person()`, `referee()`, `review()` ...), which the step's action
passes to the service, so no caller picks `cleaned_data` keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms

from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.core.forms import PlainTextMixin
from nurture.endorsements.models import ReferenceRequest, Review, Score
from nurture.framework.models import Competency

LONG = 5000


@dataclass(frozen=True)
class Referee:
    name: str
    email: str


@dataclass(frozen=True)
class Decision:
    decision: str
    reason: str
    required_actions: str


@dataclass(frozen=True)
class Moderation:
    recommendation: str
    reason: str


@dataclass(frozen=True)
class AppealDecision:
    overturn: bool
    reason: str


@dataclass(frozen=True)
class RubricReview:
    scores: dict[int, tuple[str, str]]
    recommendation: str
    summary: str


class Confirmation(forms.Form):
    """A step with nothing to fill in: the button is the whole form."""


def _text(label: str, *, rows: int = 4, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=LONG,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class RefereeForm(PlainTextMixin, forms.Form):
    referee_name = forms.CharField(label="Referee's full name", max_length=150)
    referee_email = forms.EmailField(
        label="Referee's email address",
        help_text="We email them a single-use link to a short form. They do not need an account.",
    )
    referee_role = forms.ChoiceField(label="Their role", choices=[])

    def __init__(self, *args: Any, roles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referee_role"].choices = [(r, r.capitalize()) for r in roles]  # type: ignore[attr-defined]

    def referee(self) -> Referee:
        return Referee(self.cleaned_data["referee_name"], self.cleaned_data["referee_email"])

    def role(self) -> str:
        return str(self.cleaned_data["referee_role"])


class ResendForm(PlainTextMixin, forms.Form):
    referee_name = forms.CharField(label="Referee's full name", max_length=150)
    referee_email = forms.EmailField(
        label="Email address to send it to",
        help_text="If their work address blocks our email, try another address they read, or ask someone else.",
    )

    def referee(self) -> Referee:
        return Referee(self.cleaned_data["referee_name"], self.cleaned_data["referee_email"])


class AnswerForm(PlainTextMixin, forms.Form):
    answer = _text("Your answer to the assessor's question", rows=6)

    def text(self) -> str:
        return str(self.cleaned_data["answer"])


class AppealForm(PlainTextMixin, forms.Form):
    grounds = _text("Your grounds for appeal", rows=6, help_text="Say which part of the decision you dispute, and why.")

    def text(self) -> str:
        return str(self.cleaned_data["grounds"])


class WithdrawForm(PlainTextMixin, forms.Form):
    reason = _text("Why are you withdrawing? (optional)", rows=2, required=False)

    def text(self) -> str:
        return str(self.cleaned_data["reason"])


class AssessorChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.employer or 'no employer recorded'})"


def _assessors() -> Any:
    return User.objects.filter(role=Role.ASSESSOR, is_active=True).order_by("full_name", "email")


class AssignForm(PlainTextMixin, forms.Form):
    assessor = AssessorChoiceField(
        queryset=User.objects.none(),
        label="Assessor",
        help_text="Someone with a conflict of interest (same employer, referee, supervisor, declared) is refused.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = _assessors()  # type: ignore[attr-defined]

    def person(self) -> User:
        assessor: User = self.cleaned_data["assessor"]
        return assessor


class ModeratorForm(PlainTextMixin, forms.Form):
    moderator = AssessorChoiceField(queryset=User.objects.none(), label="Third assessor as moderator")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["moderator"].queryset = _assessors()  # type: ignore[attr-defined]

    def person(self) -> User:
        moderator: User = self.cleaned_data["moderator"]
        return moderator


def _confirmed() -> forms.BooleanField:
    """Set by the confirmation page's button: the step is recorded only once it is confirmed."""
    return forms.BooleanField(required=False, widget=forms.HiddenInput)


class DecisionForm(PlainTextMixin, forms.Form):
    decision = forms.ChoiceField(label="Decision", choices=Review.Recommendation.choices, widget=forms.RadioSelect)
    confirmed = _confirmed()
    reason = _text("Reasons for the decision")
    required_actions = _text(
        "Required actions (for a deferral)",
        required=False,
        help_text="The training, supervision or evidence the practitioner must complete before resubmitting.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "defer" and not data.get("required_actions", "").strip():
            self.add_error("required_actions", "List the required actions for a deferral.")
        return data

    def decision_made(self) -> Decision:
        data = self.cleaned_data
        return Decision(data["decision"], data["reason"], data["required_actions"])


class ModerationForm(PlainTextMixin, forms.Form):
    recommendation = forms.ChoiceField(
        label="Moderated recommendation", choices=Review.Recommendation.choices, widget=forms.RadioSelect
    )
    reason = _text("Reasons, weighing both reviews")

    def moderation(self) -> Moderation:
        return Moderation(self.cleaned_data["recommendation"], self.cleaned_data["reason"])


class AppealDecisionForm(PlainTextMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Appeal outcome",
        choices=[("uphold", "Uphold: the decision stands"), ("overturn", "Overturn: the practitioner is endorsed")],
        widget=forms.RadioSelect,
    )
    reason = _text("Reasons")
    confirmed = _confirmed()

    def appeal_decision(self) -> AppealDecision:
        return AppealDecision(self.cleaned_data["outcome"] == "overturn", self.cleaned_data["reason"])


class InfoRequestForm(PlainTextMixin, forms.Form):
    question = _text(
        "Your question for the practitioner",
        help_text="The application goes back to them; the review continues when they answer.",
    )

    def text(self) -> str:
        return str(self.cleaned_data["question"])


class ConflictForm(PlainTextMixin, forms.Form):
    practitioner_email = forms.EmailField(label="A practitioner's email address", required=False)
    employer = forms.CharField(label="Or an employer", max_length=150, required=False)
    reason = forms.CharField(label="Why (optional)", max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("practitioner_email") and not data.get("employer", "").strip() and not self.errors:
            self.add_error("practitioner_email", "Give a practitioner's email address or an employer's name.")
        return data


@dataclass(frozen=True)
class RubricLine:
    """One row of the rubric's table: a competency, its score buttons and its comment."""

    competency: Competency
    score: forms.BoundField
    comment: forms.BoundField


@dataclass(frozen=True)
class RubricDomain:
    domain: str
    lines: list[RubricLine]


class RubricForm(PlainTextMixin, forms.Form):
    """Every competency of the level: met / partly met / not met, with a comment below met.

    As a draft (`draft=True`) nothing is required: the assessor keeps what they have so far."""

    recommendation = forms.ChoiceField(
        label="Overall recommendation", choices=Review.Recommendation.choices, widget=forms.RadioSelect
    )
    summary = _text("Summary for the registrar", required=False)

    def __init__(self, *args: Any, competencies: list[Competency], draft: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.competencies = competencies
        self.draft = draft
        for competency in competencies:
            self.fields[f"score_{competency.pk}"] = forms.ChoiceField(
                label=f"{competency.code} {competency.name}",
                choices=Score.Value.choices,
                widget=forms.RadioSelect,
                required=not draft,
                error_messages={"required": f"Score {competency.code}."},
            )
            comment = forms.CharField(
                label=f"Comment on {competency.code}",
                required=False,
                max_length=LONG,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            # Needed below met (the database insists too): said in the label, never "(optional)".
            comment.condition = "needed if not met or partly met"  # type: ignore[attr-defined]
            self.fields[f"comment_{competency.pk}"] = comment
        self.fields["recommendation"].required = not draft
        self.order_fields([name for c in competencies for name in (f"score_{c.pk}", f"comment_{c.pk}")])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.draft:
            return data
        for competency in self.competencies:
            score = data.get(f"score_{competency.pk}")
            if score and score != Score.Value.MET and not data.get(f"comment_{competency.pk}", "").strip():
                self.add_error(f"comment_{competency.pk}", f"Explain why {competency.code} is not fully met.")
        return data

    def by_domain(self) -> list[RubricDomain]:
        """The rubric's table: the competencies grouped by framework domain, in order."""
        domains: dict[str, list[RubricLine]] = {}
        for c in self.competencies:
            line = RubricLine(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"])
            domains.setdefault(f"{c.domain.code} {c.domain.name}", []).append(line)
        return [RubricDomain(domain, lines) for domain, lines in domains.items()]

    def scored(self) -> int:
        """How many competencies have a score, as the form stands (sent, or from the draft)."""
        return sum(1 for c in self.competencies if self[f"score_{c.pk}"].value())

    def scores(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            c.pk: (data[f"score_{c.pk}"], data.get(f"comment_{c.pk}", ""))
            for c in self.competencies
            if data.get(f"score_{c.pk}") or data.get(f"comment_{c.pk}", "").strip()
        }

    def review(self) -> RubricReview:
        return RubricReview(self.scores(), self.cleaned_data["recommendation"], self.cleaned_data["summary"])


class ReferenceForm(PlainTextMixin, forms.Form):
    """The referee rates the applicant on each competency of the level."""

    comment = _text("Anything else the association should know (optional)", required=False)

    def __init__(self, *args: Any, competencies: list[Competency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.competencies = competencies
        for competency in competencies:
            self.fields[f"rating_{competency.code}"] = forms.ChoiceField(
                label=f"{competency.code} {competency.name}",
                choices=ReferenceRequest.Rating.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose an answer for {competency.code}."},
            )
        self.order_fields([f"rating_{c.code}" for c in competencies])

    def ratings(self) -> dict[str, str]:
        return {c.code: self.cleaned_data[f"rating_{c.code}"] for c in self.competencies}
