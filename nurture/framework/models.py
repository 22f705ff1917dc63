from __future__ import annotations

from django.db import models

# The version (`core.DataVersion`) of the published framework, bumped by its import and
# publishing; the cached framework pages (and the Register's, which name its levels) are
# keyed by it.
FRAMEWORK_DATA_SET = "framework"


class Education(models.TextChoices):
    """Highest education, in order: a level needs at least its minimum."""

    NONE = "none", "No formal requirement"
    LEVEL3 = "level3", "Vocational qualification (level 3)"
    DEGREE = "degree", "Bachelor's degree"
    MASTERS = "masters", "Master's degree"
    DOCTORATE = "doctorate", "Doctorate"


EDUCATION_ORDER = [choice.value for choice in Education]


class FrameworkVersionQuerySet(models.QuerySet["FrameworkVersion"]):
    def published(self) -> FrameworkVersionQuerySet:
        return self.filter(status=FrameworkVersion.Status.PUBLISHED)


class FrameworkVersion(models.Model):
    """One edition of the framework. Published versions are never changed: a new
    edition is a new version, and applications stay pinned to theirs."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    number = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(max_length=5000, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    is_current = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FrameworkVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=models.Q(is_current=True), name="framework_one_current"
            ),
            models.CheckConstraint(
                condition=~models.Q(is_current=True) | models.Q(status="published"),
                name="framework_current_is_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.number})"

    @property
    def is_published(self) -> bool:
        """Public, and never changed again (`published()`, for one version)."""
        return self.status == self.Status.PUBLISHED


class Domain(models.Model):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="domains")
    code = models.CharField(max_length=16)
    name = models.CharField(max_length=200)
    description = models.TextField(max_length=5000)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="framework_domain_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Competency(models.Model):
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="competencies")
    code = models.CharField(max_length=16)
    name = models.CharField(max_length=200)
    description = models.TextField(max_length=5000)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["domain__position", "position"]
        verbose_name_plural = "competencies"
        constraints = [models.UniqueConstraint(fields=["domain", "code"], name="framework_competency_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Indicator(models.Model):
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="indicators")
    text = models.TextField(max_length=1000)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.text


class Level(models.Model):
    """An endorsement category by scope of practice, with what it requires."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="levels")
    code = models.SlugField(max_length=32)
    name = models.CharField(max_length=200)
    scope = models.TextField(max_length=5000)
    description = models.TextField(max_length=5000)
    position = models.PositiveIntegerField()
    min_education = models.CharField(max_length=16, choices=Education.choices)
    training_hours = models.PositiveIntegerField()
    experience_months = models.PositiveIntegerField()
    families_served = models.PositiveIntegerField()
    supervision_hours = models.PositiveIntegerField()
    supervision_window_months = models.PositiveIntegerField()
    references = models.PositiveIntegerField()
    reference_roles = models.JSONField(default=list)
    exam_required = models.BooleanField()
    renewal_cpd_hours = models.PositiveIntegerField()
    renewal_supervision_hours = models.PositiveIntegerField()
    competencies = models.ManyToManyField(Competency, related_name="levels")

    class Meta:
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="framework_level_code")]

    def __str__(self) -> str:
        return self.name
