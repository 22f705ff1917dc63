"""The exam's data: the question bank (each question versioned), a blueprint per level
and part, accommodations, and each candidate's attempts with the paper drawn for them.

Levels and competencies are held as the framework's codes, which stay the same across
framework versions: a question written for "intervention" and "D4.2" is still one when a
new framework version is published. A question counts under the domain of its first
competency (`QuestionVersion.domain`, set when it is written).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
    VIGNETTE = "vignette", "Written case vignette"


class Difficulty(models.TextChoices):
    EASY = "easy", "Easy"
    MEDIUM = "medium", "Medium"
    HARD = "hard", "Hard"


class Part(models.IntegerChoices):
    MULTIPLE_CHOICE = 1, "Part 1: multiple choice"
    WRITTEN = 2, "Part 2: written case vignettes"


class Question(models.Model):
    """A question across its versions, named by its key (the bank file's `key`)."""

    key = models.CharField(max_length=60, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class QuestionVersion(models.Model):
    """What a question says. Editing makes a new version; an attempt keeps the one it drew."""

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    is_current = models.BooleanField(default=True)
    level = models.SlugField(max_length=32)
    domain = models.CharField(max_length=32)
    competencies = models.JSONField(default=list)
    difficulty = models.CharField(max_length=8, choices=Difficulty.choices)
    # Multiple choice.
    stem = models.TextField(max_length=2000, blank=True)
    options = models.JSONField(default=list)
    correct = models.PositiveSmallIntegerField(null=True, blank=True)
    rationale = models.TextField(max_length=3000, blank=True)
    # Written case vignette.
    case = models.TextField(max_length=6000, blank=True)
    question_text = models.TextField(max_length=2000, blank=True)
    model_answer = models.TextField(max_length=6000, blank=True)
    rubric = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["question__key", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="exams_version_number"),
            models.UniqueConstraint(
                fields=["question"], condition=models.Q(is_current=True), name="exams_one_current_version"
            ),
        ]
        indexes = [models.Index(fields=["level", "is_current"], name="exams_version_level")]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.number}"

    @property
    def is_multiple_choice(self) -> bool:
        return self.question.kind == Kind.MULTIPLE_CHOICE

    @property
    def points(self) -> int:
        """What the question is out of: 1 for multiple choice, its rubric's total for a vignette."""
        return sum(int(c["points"]) for c in self.rubric) if self.rubric else 1


class Blueprint(models.Model):
    """How a level's part of the exam is made and passed."""

    level = models.SlugField(max_length=32)
    part = models.PositiveSmallIntegerField(choices=Part.choices)
    # Part 1: how many questions from each framework domain, by domain code.
    per_domain = models.JSONField(default=dict, blank=True)
    # Part 2: vignettes shown, and how many of them the candidate answers.
    vignettes_shown = models.PositiveSmallIntegerField(default=0)
    vignettes_answered = models.PositiveSmallIntegerField(default=0)
    minutes = models.PositiveIntegerField()
    pass_mark_percent = models.PositiveSmallIntegerField()
    attempts_allowed = models.PositiveSmallIntegerField()
    waiting_days = models.PositiveIntegerField()
    # Part 2: two markers' marks further apart than this (in points) go to a third marker.
    marking_margin = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["level", "part"]
        constraints = [
            models.UniqueConstraint(fields=["level", "part"], name="exams_blueprint_level_part"),
            models.CheckConstraint(
                condition=models.Q(pass_mark_percent__gte=1, pass_mark_percent__lte=100),
                name="exams_blueprint_pass_mark",
            ),
            models.CheckConstraint(condition=models.Q(minutes__gte=1), name="exams_blueprint_minutes"),
            models.CheckConstraint(condition=models.Q(attempts_allowed__gte=1), name="exams_blueprint_attempts"),
            models.CheckConstraint(
                condition=models.Q(vignettes_answered__lte=models.F("vignettes_shown")),
                name="exams_blueprint_answered_of_shown",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level}, part {self.part}"

    @property
    def questions(self) -> int:
        return sum(self.per_domain.values()) if self.part == Part.MULTIPLE_CHOICE else self.vignettes_shown


class Accommodation(models.Model):
    """Extra time the registrar granted one candidate, with the reason (also in the audit log)."""

    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_accommodations"
    )
    level = models.SlugField(max_length=32)
    extra_minutes = models.PositiveIntegerField()
    reason = models.TextField(max_length=2000)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["candidate", "level"], name="exams_one_accommodation")]

    def __str__(self) -> str:
        return f"{self.extra_minutes} extra minutes at {self.level}"


class Attempt(models.Model):
    """One sitting of one part, with what the blueprint said when it started."""

    class Status(models.TextChoices):
        OPEN = "open", "In progress"
        SUBMITTED = "submitted", "Submitted: being marked"
        RELEASED = "released", "Result released"

    candidate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_attempts")
    application = models.ForeignKey("endorsements.Application", on_delete=models.CASCADE, related_name="exam_attempts")
    level = models.SlugField(max_length=32)
    part = models.PositiveSmallIntegerField(choices=Part.choices)
    number = models.PositiveSmallIntegerField()
    # Random, made when the attempt starts: the draw and its shuffles are made from it.
    seed = models.CharField(max_length=64)
    minutes = models.PositiveIntegerField()
    extra_minutes = models.PositiveIntegerField(default=0)
    pass_mark_percent = models.PositiveSmallIntegerField()
    vignettes_answered = models.PositiveSmallIntegerField(default=0)
    marking_margin = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by_job = models.BooleanField(default=False)
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    out_of = models.PositiveIntegerField(default=0)
    passed = models.BooleanField(null=True, blank=True)
    feedback = models.TextField(max_length=10000, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "level", "part", "number"], name="exams_attempt_number"),
            models.UniqueConstraint(
                fields=["candidate", "level", "part"],
                condition=models.Q(status="open"),
                name="exams_one_open_attempt",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="exams_attempt_due")]

    def __str__(self) -> str:
        return f"{self.level} part {self.part}, attempt {self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_being_marked(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_released(self) -> bool:
        return self.status == self.Status.RELEASED


class AttemptItem(models.Model):
    """One question of a candidate's paper, in the paper's order, and their answer."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    # option_order[i] is the version's index of the option shown i-th.
    option_order = models.JSONField(default=list)
    # The version's index of the option chosen (never the shown position).
    chosen = models.PositiveSmallIntegerField(null=True, blank=True)
    written = models.TextField(max_length=20000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    mark = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [models.UniqueConstraint(fields=["attempt", "position"], name="exams_item_position")]

    def __str__(self) -> str:
        return f"question {self.position}"


class WrittenMark(models.Model):
    """A marker's mark of one written answer, criterion by criterion. Markers see the
    answer and the rubric, never whose answer it is."""

    class Role(models.TextChoices):
        FIRST = "first", "First marker"
        SECOND = "second", "Second marker"
        THIRD = "third", "Third marker"

    item = models.ForeignKey(AttemptItem, on_delete=models.CASCADE, related_name="marks")
    marker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="exam_marks"
    )
    role = models.CharField(max_length=8, choices=Role.choices)
    points = models.JSONField(default=list)
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(max_length=5000, blank=True)
    assigned_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["item", "role"]
        constraints = [
            models.UniqueConstraint(fields=["item", "role"], name="exams_mark_role"),
            models.UniqueConstraint(fields=["item", "marker"], name="exams_mark_marker"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} of {self.item}"
