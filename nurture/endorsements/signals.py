"""What the endorsements app does when the outbox gives up on one of its messages."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from nurture.core.audit import audit_record
from nurture.core.models import OutboundEmail
from nurture.endorsements.models import ReferenceRequest


def reference_bounced(*, message: OutboundEmail, state: str, **_: Any) -> None:
    """A referee's mail server refused the address: the practitioner sees "Bounced"
    and can send the request to another address. Runs inside the outbox's transaction."""
    if state != OutboundEmail.State.BOUNCED or message.about_type != ReferenceRequest._meta.label_lower:
        return
    reference = ReferenceRequest.objects.select_related("application").filter(pk=message.about_id).first()
    if reference is None:
        return
    marked = ReferenceRequest.objects.filter(
        pk=reference.pk, bounced_at__isnull=True, answered_at__isnull=True, replaced_at__isnull=True
    ).update(bounced_at=timezone.now())
    if marked:
        audit_record(
            action="endorsements.reference.bounced",
            actor_label="mail server",
            target=reference.application,
            data={"reference": reference.pk, "error": message.last_error[:200]},
        )
