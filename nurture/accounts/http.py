"""The request a view receives once a sign-in check has let it through.

Django types `request.user` as `User | AnonymousUser`, so a view behind
`login_required`, `practitioner_required`, `staff_required` (or an app's own
check that begins by sending visitors to sign in) takes an
`AuthenticatedHttpRequest` instead: there `request.user` is a `User`, with
its role and relations, and no `type: ignore` is needed to reach them.
The decorator is what makes the annotation true; never use it on a view
that anonymous visitors can reach.
"""

from __future__ import annotations

from django.http import HttpRequest

from nurture.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
