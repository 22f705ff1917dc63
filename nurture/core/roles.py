"""The roles a person can hold (DESIGN.md, Roles): the one thing about people that core
needs to know (the permission table, the staff check, the navigation), so it lives here,
at the bottom, with no models. `nurture.accounts.roles` re-exports it."""

from django.db import models


class Role(models.TextChoices):
    """What a person does on Nurture (DESIGN.md, Roles). One role per account."""

    PRACTITIONER = "practitioner", "Practitioner"
    ASSESSOR = "assessor", "Assessor"
    REGISTRAR = "registrar", "Registrar"
    COORDINATOR = "coordinator", "Campaign coordinator"
    EVENT_ORGANISER = "event_organiser", "Event organiser"
    TRAINING_PROVIDER = "training_provider", "Training provider"


STAFF_ROLES = frozenset({Role.ASSESSOR, Role.REGISTRAR, Role.COORDINATOR})
