"""Background work for endorsements: the referee's emailed link.

The task takes plain values (an id and the link) so it can wait in the database
queue. When the mail server refuses the address, the request is marked bounced
so the practitioner sees it and can send it to another address.
"""

from __future__ import annotations

import smtplib

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from nurture.core.audit import audit_record
from nurture.core.emails import send_templated_email
from nurture.endorsements.models import ReferenceRequest


@task()
def reference_request_send(*, reference_id: int, url: str) -> None:
    reference = (
        ReferenceRequest.objects.select_related("application__practitioner", "application__level")
        .filter(pk=reference_id, answered_at__isnull=True, replaced_at__isnull=True, bounced_at__isnull=True)
        .first()
    )
    if reference is None:
        return  # answered, replaced or bounced since: nothing to send
    application = reference.application
    context = {
        "referee_name": reference.referee_name,
        "referee_role": reference.referee_role,
        "practitioner_name": str(application.practitioner),
        "level_name": application.level.name,
        "url": url,
        "expires_on": timezone.localtime(reference.expires_at).strftime("%-d %B %Y") if reference.expires_at else "",
    }
    try:
        send_templated_email.call(
            to=reference.referee_email, template="endorsements/email/reference_request", context=context
        )
    except smtplib.SMTPException as error:
        with transaction.atomic():
            marked = ReferenceRequest.objects.filter(pk=reference_id, bounced_at__isnull=True).update(
                bounced_at=timezone.now()
            )
            if marked:
                audit_record(
                    action="endorsements.reference.bounced",
                    actor_label="mail server",
                    target=application,
                    data={"reference": reference_id, "error": type(error).__name__},
                )
