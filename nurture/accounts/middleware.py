"""Each POST to django-allauth's pages runs in one transaction.

allauth writes an account, its email address and its confirmation in several
steps, and its emails go to Nurture's outbox from inside those steps
(`accounts.adapter`). In one transaction, the outbox row is stored exactly when
the change that caused it is: a sign-up that fails half-way leaves neither an
account without its verification email nor an email for an account that is
not there. The outbox's task runs once the transaction commits.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse

ALLAUTH_PREFIX = "/accounts/"


def allauth_posts_atomic(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path.startswith(ALLAUTH_PREFIX):
            with transaction.atomic():
                return get_response(request)
        return get_response(request)

    return middleware
