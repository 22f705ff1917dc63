"""Register fixtures: entries made through the service, and dates set explicitly."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from django.utils import timezone

from conftest import make_person
from nurture.core.data_versions import data_version_bump
from nurture.framework.selectors import framework_current, level_for
from nurture.register.models import REGISTER_DATA_SET, RegisterEntry
from nurture.register.names import name_fold
from nurture.register.numbers import DEMO_SERIAL_BASE, number_for
from nurture.register.services import register_entry_create, tokens_write


def level(code: str = "prevention"):
    return level_for(framework_current(), code)


def entry_for(person, *, code: str = "prevention", due_on: date | None = None, **fields) -> RegisterEntry:
    entry = register_entry_create(practitioner=person, level=level(code), actor=None)
    if due_on is not None:
        fields.update(renewal_due_on=due_on, period_started_on=due_on.replace(year=due_on.year - 1))
    if fields:
        RegisterEntry.objects.filter(pk=entry.pk).update(**fields)
        entry.refresh_from_db()
    return entry


@pytest.fixture
def send_now(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the emails) at the end of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def siobhan(db):
    person = make_person("siobhan.oneill@example.org", name="Siobhán O'Néill")
    person.region, person.profession, person.employer = "london", "health-visitor", "Lea Valley Community Health"
    person.save()
    return person


_serials = itertools.count(1)


def standalone(name: str, **fields) -> RegisterEntry:
    """An entry without an account (as the demo's and imported ones), named `name`:
    quicker than a practitioner when a test needs many."""
    today = timezone.localdate()
    entry = RegisterEntry.objects.create(
        number=number_for(DEMO_SERIAL_BASE + next(_serials)),
        full_name=name,
        search_name=name_fold(name),
        level_code="prevention",
        level_name="Prevention",
        first_endorsed_on=today,
        period_started_on=today,
        renewal_due_on=today + timedelta(days=365),
        status_changed_at=timezone.now(),
        **fields,
    )
    tokens_write(entry=entry)
    data_version_bump(REGISTER_DATA_SET)  # as every service that changes the public Register does
    return entry
