"""Re-sending a supervisor's link twice at once leaves one usable link.

The entry's row lock (`supervision_link_resend`, and `record_save` for a new or
changed entry) makes the second send wait for the first; it then revokes the first
link and sends its own, so the supervisor never holds two live links."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from conftest import make_person
from nurture.core.tests.concurrency import RACE, twice
from nurture.portfolios.models import SupervisionEntry, SupervisionLink
from nurture.portfolios.services import record_save, supervision_link_resend


@pytest.mark.parametrize("at_once", RACE)
def test_resending_twice_leaves_one_usable_link(db, at_once):
    person = make_person("amara.okafor@example.org")
    entry = SupervisionEntry(
        session_on=date(2026, 1, 12),
        supervisor_name="Dr Maria Rivera",
        supervisor_email="maria@example.org",
        hours=Decimal("1.5"),
        kind=SupervisionEntry.Kind.INDIVIDUAL,
    )
    record_save(owner=person, record=entry)
    twice(at_once, lambda: supervision_link_resend(entry=entry, actor=person, email="maria@example.org"))
    links = SupervisionLink.objects.filter(request__entries=entry)
    assert links.count() == 3
    assert links.filter(revoked_at__isnull=True, used_at__isnull=True).count() == 1
