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

from nurture.core.tests.test_permissions import GET, LOGIN, POST, ROLES, Row, assert_row
from nurture.register.models import RegisterEntry, Subscription
from nurture.register.services import CONFIRM_SALT, UNSUBSCRIBE_SALT
from nurture.register.views import CHECK_SALT

from .conftest import entry_for

# fmt: off
TABLE: dict[str, Row] = {
    #                                       method visitor  practitioner        other               assessor            registrar           coordinator         organiser
    # The public Register: search, verification, open data, employers' check
    "register:search":                      (GET , 200,    200,                200,                200,                200,                200,                200),
    "register:entry":                       (GET , 200,    200,                200,                200,                200,                200,                200),
    "register:export":                      (GET , 200,    200,                200,                200,                200,                200,                200),
    "register:check":                       (GET , 200,    200,                200,                200,                200,                200,                200),
    "register:check_download":              (GET , 200,    200,                200,                200,                200,                200,                200),
    "register:subscribe":                   (POST, 200,    200,                200,                200,                200,                200,                200),
    # Employers' emailed links need no account; opening them changes nothing
    "register:subscription_confirm":        (GET , 200,    200,                200,                200,                200,                200,                200),
    "register:unsubscribe":                 (GET , 200,    200,                200,                200,                200,                200,                200),
    # The practitioner's own entry; another practitioner gets 404 for it
    "register:mine":                        (GET , LOGIN,  200,                200,                403,                403,                403,                403),
    "register:renew":                       (GET , LOGIN,  200,                404,                403,                403,                403,                403),
    # The registrar's pages (two-factor enforced by staff_required)
    "register:staff_list":                  (GET , LOGIN,  403,                403,                403,                200,                403,                403),
    "register:staff_entry":                 (GET , LOGIN,  403,                403,                403,                200,                403,                403),
    # The public API
    "api:register_search_api":              (GET , 200,    200,                200,                200,                200,                200,                200),
    "api:register_entry_api":               (GET , 200,    200,                200,                200,                200,                200,                200),
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


# The form a POST row sends (empty when not listed): a valid subscription to the
# checked entry, which anyone may ask for.
DATA: dict[str, Callable[[Records], dict[str, Any]]] = {
    "register:subscribe": lambda r: {"email": "hr@example.org", "token": r.check_token},
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
    url = reverse(name, kwargs=KWARGS[name](records) if name in KWARGS else None)
    assert_row(request, TABLE[name], role, url, DATA[name](records) if name in DATA else None)
