"""register_entries_unlink: a practitioner's account is erased, their entries stay public."""

from __future__ import annotations

import pytest
from django.core import mail

from conftest import client_for, make_person
from nurture.accounts.roles import Role
from nurture.core.models import AuditEntry, OutboundEmail
from nurture.register.models import RegisterEntry
from nurture.register.services import register_entries_unlink

from .conftest import entry_for

pytestmark = pytest.mark.django_db


def test_the_entries_stay_as_the_public_sees_them_without_the_account(siobhan, other_practitioner):
    shown = entry_for(siobhan, show_region=True, region="london", employer="Lea Valley Community Health")
    theirs = entry_for(other_practitioner, employer="Hidden Employer")
    assert [e.pk for e in register_entries_unlink(practitioner=siobhan)] == [shown.pk]
    shown.refresh_from_db()
    assert shown.practitioner is None and (shown.full_name, shown.region, shown.employer) == (
        "Siobhán O'Néill",
        "london",
        "",
    )
    assert RegisterEntry.objects.get(pk=theirs.pk).practitioner == other_practitioner
    assert RegisterEntry.objects.get(pk=theirs.pk).employer == "Hidden Employer"


def test_the_registrar_page_says_the_account_was_erased(siobhan, registrar):
    entry = entry_for(siobhan)
    register_entries_unlink(practitioner=siobhan)
    assert AuditEntry.objects.filter(
        action="register.entry.account_erased", target_type="register.registerentry", target_id=str(entry.pk)
    ).exists()
    page = client_for(registrar).get(f"/staff/register/{entry.number}/").content.decode()
    assert "The practitioner erased their account on" in page


def test_each_registrar_is_emailed_the_number_and_nothing_else_about_the_person(siobhan, registrar, send_now):
    other_registrar = make_person("second.registrar@example.org", Role.REGISTRAR)
    entry = entry_for(siobhan)
    with send_now():
        register_entries_unlink(practitioner=siobhan)
    told = OutboundEmail.objects.filter(purpose="register/email/account_erased").order_by("to")
    assert [m.to for m in told] == sorted([registrar.email, other_registrar.email])
    for message in told:
        text = message.subject + message.body_text + message.body_html
        assert entry.number in message.subject and f"/staff/register/{entry.number}/" in message.body_text
        for trace in ("Siobh", "O'N", siobhan.email, "Lea Valley"):
            assert trace not in text
    assert sorted(m.to[0] for m in mail.outbox if entry.number in m.subject) == [m.to for m in told]
