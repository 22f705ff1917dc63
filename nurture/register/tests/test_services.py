"""register_entry_create (the endorsements app calls it) and the registrar's actions."""

from datetime import date

import pytest
from django.core import mail

from conftest import client_for
from nurture.core.models import AuditEntry
from nurture.register.models import RegisterEntry, RegisterNameToken
from nurture.register.numbers import number_check
from nurture.register.services import RegisterError, register_entry_action, register_entry_create

from .conftest import entry_for, level

pytestmark = pytest.mark.django_db
Status = RegisterEntry.Status


def test_an_endorsement_creates_an_entry_with_a_valid_number(siobhan, registrar):
    entry = register_entry_create(practitioner=siobhan, level=level(), actor=registrar, endorsed_on=date(2026, 3, 1))
    assert number_check(entry.number).valid
    assert (entry.full_name, entry.search_name, entry.level_code) == ("Siobhán O'Néill", "siobhan oneill", "prevention")
    assert entry.first_endorsed_on == entry.period_started_on == date(2026, 3, 1)
    assert entry.renewal_due_on == date(2027, 3, 1)
    assert not (entry.show_profession or entry.show_region or entry.show_employer)
    assert set(RegisterNameToken.objects.filter(entry=entry).values_list("token", flat=True)) >= {"siobhan", "oneill"}
    assert AuditEntry.objects.filter(action="register.entry.created", actor=registrar).count() == 1


def test_a_second_endorsement_at_the_same_level_returns_the_entry(siobhan, registrar):
    first = register_entry_create(practitioner=siobhan, level=level(), actor=registrar)
    again = register_entry_create(practitioner=siobhan, level=level(), actor=registrar)
    assert again.pk == first.pk and RegisterEntry.objects.count() == 1


def test_a_new_endorsement_reactivates_a_removed_entry_with_its_number(siobhan, registrar):
    first = entry_for(siobhan, status=Status.REMOVED)
    again = register_entry_create(practitioner=siobhan, level=level(), actor=registrar)
    assert again.pk == first.pk and again.number == first.number
    assert again.status == Status.ACTIVE


def test_another_level_is_another_entry(siobhan, registrar):
    register_entry_create(practitioner=siobhan, level=level(), actor=registrar)
    register_entry_create(practitioner=siobhan, level=level("promotion"), actor=registrar)
    assert RegisterEntry.objects.filter(practitioner=siobhan).count() == 2


@pytest.mark.parametrize(
    ("action", "start", "after", "template_word"),
    [
        ("suspend", Status.ACTIVE, Status.SUSPENDED, "suspended"),
        ("remove", Status.SUSPENDED, Status.REMOVED, "removed"),
        ("restore", Status.SUSPENDED, Status.ACTIVE, "restored"),
        ("restore", Status.REMOVED, Status.ACTIVE, "restored"),
    ],
)
def test_the_registrar_acts_with_a_reason_audited_and_emailed(
    siobhan, registrar, send_now, action, start, after, template_word
):
    entry = entry_for(siobhan, status=start)
    mail.outbox.clear()
    with send_now():
        register_entry_action(
            entry=entry, action=action, actor=registrar, reason="Fitness to practise", today=date.today()
        )
    entry.refresh_from_db()
    assert entry.status == after and entry.status_reason == "Fitness to practise"
    audit = AuditEntry.objects.get(action=f"register.entry.{template_word}")
    assert audit.actor == registrar and audit.reason == "Fitness to practise"
    (message,) = mail.outbox
    assert message.to == [siobhan.email] and template_word in message.subject
    assert "Fitness to practise" in message.body


def test_restoring_follows_the_calendar(siobhan, registrar):
    entry = entry_for(siobhan, status=Status.SUSPENDED, due_on=date(2026, 1, 31))
    register_entry_action(entry=entry, action="restore", actor=registrar, reason="Cleared", today=date(2026, 3, 15))
    entry.refresh_from_db()
    assert entry.status == Status.LAPSED


def test_an_action_without_a_reason_is_refused(siobhan, registrar):
    entry = entry_for(siobhan)
    with pytest.raises(RegisterError, match="reason"):
        register_entry_action(entry=entry, action="suspend", actor=registrar, reason="  ", today=date.today())
    entry.refresh_from_db()
    assert (
        entry.status == Status.ACTIVE and not AuditEntry.objects.filter(action__startswith="register.entry.s").exists()
    )


def test_an_action_from_the_wrong_state_is_refused(siobhan, registrar):
    entry = entry_for(siobhan)
    with pytest.raises(RegisterError, match="cannot be restored"):
        register_entry_action(entry=entry, action="restore", actor=registrar, reason="Why not", today=date.today())


def test_the_staff_page_records_an_action_and_refuses_one_without_a_reason(siobhan, registrar):
    entry = entry_for(siobhan)
    client = client_for(registrar)
    refused = client.post(f"/staff/register/{entry.number}/", {"action": "suspend", "reason": ""})
    assert refused.status_code == 400 and "Give the reason" in refused.content.decode()
    done = client.post(f"/staff/register/{entry.number}/", {"action": "suspend", "reason": "Complaint under review"})
    assert done.status_code == 302
    entry.refresh_from_db()
    assert entry.status == Status.SUSPENDED
    page = client.get(f"/staff/register/{entry.number}/").content.decode()
    assert "register.entry.suspended" in page and "Complaint under review" in page


def test_the_staff_search_finds_removed_entries(siobhan, registrar):
    entry = entry_for(siobhan, status=Status.REMOVED)
    page = client_for(registrar).get("/staff/register/", {"q": "sio"}).content.decode()
    assert entry.number in page


@pytest.mark.parametrize(("status", "shown"), [(Status.SUSPENDED, True), (Status.REMOVED, False)])
def test_the_staff_page_links_the_public_page_only_while_the_entry_is_shown(siobhan, registrar, status, shown):
    entry = entry_for(siobhan, status=status)
    assert entry.shown_publicly is shown
    page = client_for(registrar).get(f"/staff/register/{entry.number}/").content.decode()
    assert (f'href="/register/{entry.number}/"' in page) is shown
    assert ("none: removed entries are not shown" in page) is not shown
