"""`{% after_two_factor_url as url %}`: where "Continue" leads once two-factor authentication
is set up: the staff page the person was sent from (kept in the session by
`core.permissions`), else the staff home for staff, else their dashboard."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from nurture.accounts.roles import STAFF_ROLES
from nurture.core.permissions import AFTER_TWO_FACTOR

register = template.Library()


@register.simple_tag(takes_context=True)
def after_two_factor_url(context: dict[str, Any]) -> str:
    request = context.get("request")
    if request is None:
        return reverse("core:dashboard")
    wanted = request.session.get(AFTER_TWO_FACTOR)
    if isinstance(wanted, str) and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    if getattr(request.user, "role", None) in STAFF_ROLES:
        return reverse("core:staff_home")
    return reverse("core:dashboard")
