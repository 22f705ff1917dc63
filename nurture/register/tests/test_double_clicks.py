"""Double clicks on the Register's forms: renewing twice is one renewal (not a
refusal), asking twice for alerts is one subscription.

The entries' row locks make the second request wait for the first; it then finds
what the first one made and answers with it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import ensure_shipped_framework, make_person
from nurture.core.emails import Sender
from nurture.core.tests.concurrency import RACE, twice
from nurture.register.models import RegisterEntry, Renewal, Subscription
from nurture.register.services import renewal_submit, subscription_create

from .conftest import entry_for


@pytest.mark.parametrize("at_once", RACE)
def test_renewing_twice_is_one_renewal_and_one_year(db, at_once):
    ensure_shipped_framework()
    person = make_person("siobhan.oneill@example.org")
    due = timezone.localdate() + timedelta(days=20)
    entry = entry_for(person, status=RegisterEntry.Status.RENEWAL_DUE, due_on=due)
    results = twice(
        at_once,
        lambda: renewal_submit(
            entry=entry,
            actor=person,
            cpd_hours=Decimal(16),
            supervision_hours=Decimal(13),
            ethics_agreed=True,
            today=timezone.localdate(),
        ),
    )
    (renewal,) = Renewal.objects.all()
    assert results == [renewal, renewal]
    entry.refresh_from_db()
    assert entry.renewal_due_on == due.replace(year=due.year + 1)
    assert entry.status == RegisterEntry.Status.ACTIVE


@pytest.mark.parametrize("at_once", RACE)
def test_asking_twice_for_alerts_about_the_same_entries_is_one_subscription(db, at_once):
    ensure_shipped_framework()
    entries = [entry_for(make_person(f"p{n}@example.org"), code="prevention") for n in range(2)]
    numbers = [entry.number for entry in entries]
    results = twice(
        at_once,
        lambda: subscription_create(email="hr@nhs.example", numbers=numbers, sender=Sender.from_address("192.0.2.9")),
    )
    (subscription,) = Subscription.objects.all()
    assert results == [subscription, subscription]
    assert sorted(subscription.entries.values_list("number", flat=True)) == sorted(numbers)


def test_alerts_about_other_entries_are_another_subscription(db):
    ensure_shipped_framework()
    first, second = (entry_for(make_person(f"p{n}@example.org"), code="prevention") for n in range(2))
    sender = Sender.from_address("192.0.2.9")
    one = subscription_create(email="hr@nhs.example", numbers=[first.number], sender=sender)
    two = subscription_create(email="hr@nhs.example", numbers=[first.number, second.number], sender=sender)
    assert one != two and Subscription.objects.count() == 2
