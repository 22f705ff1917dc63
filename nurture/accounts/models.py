from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from nurture.accounts.roles import STAFF_ROLES, Role
from nurture.core.csv_export import validate_exported_name


class Region(models.TextChoices):
    NORTH_EAST = "north-east", "North East"
    NORTH_WEST = "north-west", "North West"
    YORKSHIRE = "yorkshire", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east-midlands", "East Midlands"
    WEST_MIDLANDS = "west-midlands", "West Midlands"
    EAST = "east", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south-east", "South East"
    SOUTH_WEST = "south-west", "South West"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


class Profession(models.TextChoices):
    HEALTH_VISITOR = "health-visitor", "Health visitor"
    MIDWIFE = "midwife", "Midwife"
    NURSE = "nurse", "Nurse"
    SOCIAL_WORKER = "social-worker", "Social worker"
    EARLY_YEARS = "early-years", "Early-years practitioner"
    TEACHER = "teacher", "Teacher"
    PSYCHOLOGIST = "psychologist", "Psychologist"
    PSYCHOTHERAPIST = "psychotherapist", "Psychotherapist"
    FAMILY_SUPPORT = "family-support", "Family support worker"
    OTHER = "other", "Other"


class Organisation(models.Model):
    """An organisation whose people act together: event organisers, training providers."""

    name = models.CharField(max_length=200, unique=True, validators=[validate_exported_name])
    website = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PersonManager(UserManager["User"]):
    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        email = self.normalize_email(email)
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.REGISTRAR)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person with an account. Email is the login; there is no username."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True, validators=[validate_exported_name])
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.PRACTITIONER)
    profession = models.CharField(max_length=32, choices=Profession.choices, blank=True)
    region = models.CharField(max_length=32, choices=Region.choices, blank=True)
    employer = models.CharField(max_length=150, blank=True, validators=[validate_exported_name])
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = PersonManager()  # type: ignore[misc]

    class Meta:
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="accounts_user_role_known")
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_practitioner(self) -> bool:
        return self.role == Role.PRACTITIONER

    @property
    def has_staff_role(self) -> bool:
        return self.role in STAFF_ROLES
