"""This domain's rows of the permission table (see nurture/core/tests/test_permissions.py)."""

# The table reads best with one row per URL, so its lines may be long.
# ruff: noqa: E501

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import signing
from django.urls import reverse

from conftest import client_for
from nurture.core.tests.test_permissions import LOGIN, PERSONA_FIXTURES, ROLES, Answer, assert_answer
from nurture.register.models import RegisterEntry, Subscription
from nurture.register.services import CONFIRM_SALT, UNSUBSCRIBE_SALT
from nurture.register.views import CHECK_SALT

from .conftest import entry_for

# fmt: off
TABLE: dict[str, tuple[Answer, Answer, Answer, Answer, Answer, Answer]] = {
    #                                        visitor  practitioner        other               assessor            registrar           coordinator
    # The public Register: search, verification, open data, employers' check
    "register:search":                      (200,     200,                200,                200,                200,                200),
    "register:entry":                       (200,     200,                200,                200,                200,                200),
    "register:export":                      (200,     200,                200,                200,                200,                200),
    "register:check":                       (200,     200,                200,                200,                200,                200),
    "register:check_download":              (200,     200,                200,                200,                200,                200),
    "register:subscribe":                   (405,     405,                405,                405,                405,                405),
    # Employers' emailed links need no account; opening them changes nothing
    "register:subscription_confirm":        (200,     200,                200,                200,                200,                200),
    "register:unsubscribe":                 (200,     200,                200,                200,                200,                200),
    # The practitioner's own entry; another practitioner gets 404 for it
    "register:mine":                        (LOGIN,   200,                200,                403,                403,                403),
    "register:renew":                       (LOGIN,   200,                404,                403,                403,                403),
    # The registrar's pages (two-factor enforced by staff_required)
    "register:staff_list":                  (LOGIN,   403,                403,                403,                200,                403),
    "register:staff_entry":                 (LOGIN,   403,                403,                403,                200,                403),
    # The public API
    "api:register_search_api":              (200,     200,                200,                200,                200,                200),
    "api:register_entry_api":               (200,     200,                200,                200,                200,                200),
}
# fmt: on


@dataclass(frozen=True)
class Records:
    entry: RegisterEntry
    check_token: str
    confirm_token: str
    unsubscribe_token: str


KWARGS: dict[str, Callable[[Records], dict[str, Any]]] = {
    "register:entry": lambda r: {"number": r.entry.number},
    "register:check_download": lambda r: {"token": r.check_token},
    "register:subscription_confirm": lambda r: {"token": r.confirm_token},
    "register:unsubscribe": lambda r: {"token": r.unsubscribe_token},
    "register:renew": lambda r: {"number": r.entry.number},
    "register:staff_entry": lambda r: {"number": r.entry.number},
    "api:register_entry_api": lambda r: {"number": r.entry.number},
}


@pytest.fixture
def records(practitioner) -> Records:
    entry = entry_for(practitioner, status=RegisterEntry.Status.RENEWAL_DUE)
    subscription = Subscription.objects.create(email="hr@example.org")
    subscription.entries.set([entry])
    return Records(
        entry=entry,
        check_token=signing.dumps([entry.number], salt=CHECK_SALT, compress=True),
        confirm_token=signing.dumps(subscription.pk, salt=CONFIRM_SALT),
        unsubscribe_token=signing.dumps(subscription.pk, salt=UNSUBSCRIBE_SALT),
    )


@pytest.mark.parametrize(("name", "role"), [(name, role) for name in TABLE for role in ROLES], ids=lambda value: value)
def test_the_role_gets_the_answer_in_the_table(request, records, name, role):
    expected = TABLE[name][ROLES.index(role)]
    user = request.getfixturevalue(PERSONA_FIXTURES[role]) if role in PERSONA_FIXTURES else None
    url = reverse(name, kwargs=KWARGS[name](records) if name in KWARGS else None)
    assert_answer(client_for(user).get(url), expected)
