"""Migration 0003: each existing supervision entry gets a request of its own holding its
links, and the outbox's messages about the entry become messages about its request."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("portfolios", "0002_text_length_limits"), ("core", "0002_outbound_email")]
AFTER = [("portfolios", "0003_supervision_requests")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_entries_keep_their_links_and_deliveries(practitioner):
    old = migrate(BEFORE)
    Entry = old.get_model("portfolios", "SupervisionEntry")
    Link = old.get_model("portfolios", "SupervisionLink")
    Email = old.get_model("core", "OutboundEmail")
    entry = Entry.objects.create(
        owner_id=practitioner.pk,
        session_on=date(2026, 1, 12),
        supervisor_name="Dr Maria Rivera",
        supervisor_email="maria@example.org",
        hours=Decimal("1.5"),
    )
    Link.objects.create(
        entry_id=entry.pk, token_hash="x" * 64, sent_to="maria@example.org", expires_at=timezone.now() + timedelta(1)
    )
    Email.objects.create(
        to="maria@example.org",
        subject="Please confirm",
        purpose="portfolios/email/supervision_confirm",
        about_type="portfolios.supervisionentry",
        about_id=str(entry.pk),
        created_at=timezone.now(),
        next_attempt_at=timezone.now(),
        give_up_at=timezone.now(),
    )
    try:
        new = migrate(AFTER)
        Entry = new.get_model("portfolios", "SupervisionEntry")
        Link = new.get_model("portfolios", "SupervisionLink")
        Email = new.get_model("core", "OutboundEmail")
        moved = Entry.objects.get(pk=entry.pk)
        assert moved.request.supervisor_email == "maria@example.org"
        assert Link.objects.get().request_id == moved.request_id
        email = Email.objects.get()
        assert (email.about_type, email.about_id) == ("portfolios.supervisionrequest", str(moved.request_id))
        back = migrate(BEFORE)
        assert back.get_model("portfolios", "SupervisionLink").objects.get().entry_id == entry.pk
    finally:
        # Every app back to its latest migration: BEFORE took core back too, and later core
        # migrations (its data versions) must not stay unapplied for the tests after this one.
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
