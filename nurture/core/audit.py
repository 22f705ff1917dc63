"""The audit log: every state change and every staff action writes one entry."""

from __future__ import annotations

from typing import Any

from django.db import models

from nurture.core.models import AuditEntry


def audit_record(
    *,
    action: str,
    actor: Any | None = None,
    actor_label: str = "",
    target: models.Model | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        actor_label=actor_label,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        reason=reason,
        data=data or {},
    )


def audit_trail(target: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk)).select_related(
        "actor"
    )
