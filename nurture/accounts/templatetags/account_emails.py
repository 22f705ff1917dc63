"""`{% account_email_delivery as delivery %}`: how the latest account email of this
browser's session (verification, password reset) is getting on, "refused" when
the email limits stopped it, or None. Only ids this session's own requests
recorded are kept in it, so it never shows another person's email."""

from __future__ import annotations

from typing import Any

from django import template

from nurture.accounts.adapter import LAST_ACCOUNT_EMAIL, REFUSED
from nurture.core.models import OutboundEmail
from nurture.core.outbox import Delivery, delivery_of

register = template.Library()


@register.simple_tag(takes_context=True)
def account_email_delivery(context: dict[str, Any]) -> Delivery | str | None:
    request = context.get("request")
    message_id = request.session.get(LAST_ACCOUNT_EMAIL) if request is not None else None
    if message_id == REFUSED:
        return REFUSED
    if not isinstance(message_id, int):
        return None
    message = OutboundEmail.objects.filter(pk=message_id).first()
    return delivery_of(message) if message is not None else None
