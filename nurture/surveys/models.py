"""Surveys, their samples and questions, the responses, weighting runs, free-text coding
and published reports (domain 7 of DESIGN.md).

A questionnaire's rules live in `questionnaire.py` as plain values; `Question.rule()`
turns a row into one. Answers are kept on the response as JSON, keyed by question code:
an option's code ("1", "2", …; "99" for "don't know"), a list of codes, a number as text,
or text. Responses are anonymous: no account, address or browser is stored.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from nurture.surveys import questionnaire as rules


def new_link() -> str:
    return secrets.token_urlsafe(12)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Survey(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    introduction = models.TextField(max_length=3000, blank=True)
    # For the methods statement (British Polling Council disclosure).
    commissioned_by = models.CharField(max_length=200, blank=True)
    conducted_by = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    # Asked on the last page when the survey has a free-text question.
    quote_consent_text = models.CharField(
        max_length=300,
        default="You may quote my written answers in the published report, attributed by my role only.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SurveyStatus.values), name="surveys_survey_status_known"),
        ]

    def __str__(self) -> str:
        return self.title


class SampleKind(models.TextChoices):
    REPRESENTATIVE = "representative", "Representative (weighted to population targets)"
    OPT_IN = "opt-in", "Opt-in (self-selected; no margin of error)"


class Sample(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="samples")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=SampleKind.choices)
    # Who it stands for and where, for the methods statement.
    population = models.CharField(max_length=300)
    coverage = models.CharField(max_length=120, default="United Kingdom")
    method = models.CharField(max_length=300, default="Online self-completion questionnaire")
    # The respondents' link: /s/<link>/ (a random word, so a sample's link is its invitation).
    link = models.CharField(max_length=32, unique=True, default=new_link)
    # Completed responses accepted; null for no limit.
    quota = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["survey", "code"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="surveys_sample_code_once"),
            models.CheckConstraint(condition=Q(kind__in=SampleKind.values), name="surveys_sample_kind_known"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_opt_in(self) -> bool:
        return self.kind == SampleKind.OPT_IN


class Section(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    introduction = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="surveys_section_position_once"),
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField()
    code = models.CharField(max_length=20)
    kind = models.CharField(max_length=8, choices=[(k.value, k.value) for k in rules.Kind])
    text = models.TextField(max_length=1000)
    # Option labels in order; an option's code is its place ("1", "2", …).
    options = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=True)
    dont_know = models.BooleanField(default=False)
    least = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    most = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    show_if_code = models.CharField(max_length=20, blank=True)
    show_if_options = models.JSONField(default=list, blank=True)
    # A profile question (age band, sex, region, profession): weighting targets are set on these.
    profile = models.BooleanField(default=False)

    class Meta:
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="surveys_question_code_once"),
            models.UniqueConstraint(fields=["survey", "position"], name="surveys_question_position_once"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"

    @property
    def labels(self) -> dict[str, str]:
        out = {str(i): str(label) for i, label in enumerate(self.options, start=1)}
        if self.dont_know:
            out[rules.DONT_KNOW] = "Don't know"
        return out

    @property
    def is_multiple(self) -> bool:
        return self.kind == rules.Kind.MULTIPLE

    @property
    def has_options(self) -> bool:
        return self.kind in (rules.Kind.SINGLE, rules.Kind.MULTIPLE, rules.Kind.LIKERT)

    def rule(self) -> rules.Question:
        return rules.Question(
            code=self.code,
            kind=rules.Kind(self.kind),
            text=self.text,
            options=tuple(str(i) for i in range(1, len(self.options) + 1)),
            required=self.required,
            dont_know=self.dont_know,
            least=_plain(self.least),
            most=_plain(self.most),
            show_if=(
                rules.ShowIf(self.show_if_code, frozenset(str(o) for o in self.show_if_options))
                if self.show_if_code
                else None
            ),
            labels=self.labels,
        )


class Source(models.TextChoices):
    WEB = "web", "Answered here"
    IMPORT = "import", "Imported"


class Response(models.Model):
    """One respondent's answers. `token` is kept in a cookie on their device so they can
    come back to an unfinished response; nothing else about them is stored."""

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="responses")
    token = models.CharField(max_length=48, unique=True, default=new_token)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.WEB)
    # The imported file's respondent id, so the same row is not imported twice.
    external_id = models.CharField(max_length=64, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    section_reached = models.PositiveIntegerField(default=0)  # index of the page to show next
    quote_consent = models.BooleanField(default=False)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["sample", "completed_at"], name="surveys_response_done")]
        constraints = [
            models.UniqueConstraint(
                fields=["sample", "external_id"],
                condition=~Q(external_id=""),
                name="surveys_response_external_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Response {self.pk}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class Target(models.Model):
    """Population shares for one margin of a sample's weighting: the categories of one
    profile question, or of two crossed (e.g. age band × sex, keyed "2|1")."""

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="targets")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    crossed_with = models.ForeignKey(Question, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    shares = models.JSONField(default=dict)  # category key -> percentage as text
    source = models.CharField(
        max_length=300, blank=True, help_text="Where the figures come from, e.g. ONS 2022 mid-year estimates."
    )

    class Meta:
        ordering = ["sample", "id"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "question", "crossed_with"], name="surveys_target_once"),
        ]

    def __str__(self) -> str:
        return f"Targets for {self.question.code}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Could not weight"


class WeightingRun(models.Model):
    """One computation of a sample's weights; the last one done is the sample's weights.
    Weights are stored with the response ids they belong to, as float64 and int64 bytes."""

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="weighting_runs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED)
    lower = models.DecimalField(max_digits=6, decimal_places=3, default=Decimal("0.2"))
    upper = models.DecimalField(max_digits=6, decimal_places=3, default=Decimal("5"))
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    stage = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    respondents = models.PositiveIntegerField(default=0)
    iterations = models.PositiveIntegerField(default=0)
    largest_gap = models.FloatField(null=True, blank=True)
    design_effect = models.FloatField(null=True, blank=True)  # Kish's, of the weights
    smallest = models.FloatField(null=True, blank=True)
    largest = models.FloatField(null=True, blank=True)
    targets_used = models.JSONField(default=list, blank=True)  # the targets as they were
    response_ids = models.BinaryField(default=b"")
    weights = models.BinaryField(default=b"")
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RunStatus.values), name="surveys_run_status_known"),
        ]

    def __str__(self) -> str:
        return f"Weighting run {self.pk}"


class Theme(models.Model):
    """A theme the coordinator codes a free-text question's answers with."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["question", "name"]
        constraints = [models.UniqueConstraint(fields=["question", "name"], name="surveys_theme_once")]

    def __str__(self) -> str:
        return self.name


class Coding(models.Model):
    """A theme given to one response's answer to a free-text question (several per answer)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="codings")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="codings")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "theme"], name="surveys_coding_once")]

    def __str__(self) -> str:
        return f"{self.theme} on response {self.response_id}"


class Quote(models.Model):
    """An answer chosen as a quote: usable in a report only when the respondent agreed to be
    quoted and the identifier scan found nothing in it."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="quotes")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="quotes")
    text = models.TextField(max_length=rules.MAX_TEXT)
    attribution = models.CharField(max_length=120)  # the respondent's role only
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    chosen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["question", "id"]
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="surveys_quote_once")]

    def __str__(self) -> str:
        return self.text[:60]


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Report(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="reports")
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    # Paragraphs; a figure is written [75%](public:Q3=1) and linked to its table.
    summary = models.TextField(max_length=20000, blank=True)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    # What the public page shows, frozen at publication (estimates, tables, methods).
    published_content = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    pdf = models.FileField(upload_to="reports/", blank=True)
    pdf_requested_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReportStatus.values), name="surveys_report_status_known"),
        ]

    def __str__(self) -> str:
        return self.title


class ItemKind(models.TextChoices):
    QUESTION = "question", "A question's results"
    COMPARISON = "comparison", "Two samples compared"
    QUOTE = "quote", "A quote"


class ReportItem(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=ItemKind.choices)
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sample = models.ForeignKey(Sample, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    other_sample = models.ForeignKey(Sample, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # For a comparison: the options counted together ("1" = very important; ["4","5"] = disagree).
    options = models.JSONField(default=list, blank=True)
    quote = models.ForeignKey(Quote, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "position"], name="surveys_item_position_once"),
            models.CheckConstraint(condition=Q(kind__in=ItemKind.values), name="surveys_item_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.position}"


def _plain(value: Decimal | None) -> Decimal | None:
    """20.00 as 20 and 2.50 as 2.5, for the sentences that name a bound."""
    if value is None:
        return None
    value = Decimal(value)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def answer_labels(question: Question, value: Any) -> str:
    """An answer as the respondent saw it."""
    labels = question.labels
    if isinstance(value, list):
        return "; ".join(labels.get(str(v), str(v)) for v in value)
    if question.has_options:
        return labels.get(str(value), str(value))
    return str(value)
