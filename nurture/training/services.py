"""Writes of the training directory."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.core.audit import audit_record
from nurture.training.models import Course


class TrainingError(Exception):
    """A refusal to show the person as it is."""


def course_accredit(*, course: Course, accredited: bool, actor: User, reason: str = "") -> Course:
    """The association's accreditation mark, set or taken away: by the registrar only, audited.
    Setting it again changes nothing."""
    if actor.role != Role.REGISTRAR:
        raise TrainingError("Only the registrar accredits courses.")
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        if locked.is_accredited == accredited:
            return locked
        locked.accredited_at = timezone.now() if accredited else None
        locked.save(update_fields=["accredited_at"])
        audit_record(
            action="training.course.accredited" if accredited else "training.course.accreditation_removed",
            actor=actor,
            target=locked,
            reason=reason,
        )
    return locked
