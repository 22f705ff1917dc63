"""Supervision links: the practitioner records a session, the supervisor confirms it
through a single-use, expiring link emailed to them, with no account."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from conftest import client_for
from nurture.core.models import AuditEntry
from nurture.portfolios.models import SupervisionEntry, SupervisionLink
from nurture.portfolios.services import (
    PortfolioError,
    record_delete,
    record_save,
    supervision_confirm,
    supervision_link_send,
    supervision_link_state,
)

LINK = re.compile(r"(https?://\S+?/supervision/confirm/([A-Za-z0-9_-]+)/)")
SUPERVISOR = "dr.rivera@example.org"


def link_in(body: str) -> tuple[str, str]:
    """The confirmation URL in an email body, and the token inside it."""
    match = LINK.search(body)
    assert match, f"no confirmation link in:\n{body}"
    return match.group(1), match.group(2)


def latest_token() -> str:
    return link_in(mail.outbox[-1].body)[1]


def fresh(entry: SupervisionEntry) -> SupervisionEntry:
    return SupervisionEntry.objects.get(pk=entry.pk)


@pytest.fixture
def send_now(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the email) at the end of the block, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def entry(practitioner, send_now) -> SupervisionEntry:
    with send_now():
        return record_save(
            owner=practitioner,
            record=SupervisionEntry(
                session_on=date(2026, 1, 12),
                supervisor_name="Dr Maria Rivera",
                supervisor_email=SUPERVISOR,
                hours=Decimal("1.5"),
                kind=SupervisionEntry.Kind.INDIVIDUAL,
            ),
        )


@pytest.fixture
def token(entry) -> str:
    return latest_token()


def confirmed(entry: SupervisionEntry, token: str) -> SupervisionEntry:
    supervision_confirm(token=token, confirmed=True)
    return fresh(entry)


# The email --------------------------------------------------------------------------


def test_recording_an_entry_emails_the_supervisor_a_link(entry):
    (message,) = mail.outbox
    assert message.to == [SUPERVISOR]
    assert "Amara Okafor" in message.subject
    url, token = link_in(message.body)
    assert url.startswith(settings.NURTURE_SITE_URL + "/supervision/confirm/")
    assert "12 January 2026" in message.body
    assert "1.5 hours" in message.body

    ((html, content_type),) = message.alternatives
    assert content_type == "text/html"
    assert link_in(html) == (url, token)


def test_the_link_is_stored_only_as_a_hash(entry, token):
    link = SupervisionLink.objects.get(request__entries=entry)
    assert token not in link.token_hash
    assert link.sent_to == SUPERVISOR
    lifetime = link.expires_at - link.created_at
    assert abs(lifetime - timedelta(days=settings.NURTURE_SUPERVISION_LINK_DAYS)) < timedelta(seconds=5)


def test_editing_an_entry_without_changing_the_supervisor_sends_no_new_link(practitioner, entry, token, send_now):
    entry.hours = Decimal(2)
    with send_now():
        record_save(owner=practitioner, record=entry)
    assert len(mail.outbox) == 1
    assert supervision_link_state(token).usable


def test_changing_the_supervisors_email_sends_a_new_link_and_retires_the_old(practitioner, entry, token, send_now):
    entry.supervisor_email = "m.rivera@example.net"
    with send_now():
        record_save(owner=practitioner, record=entry)
    assert mail.outbox[-1].to == ["m.rivera@example.net"]
    assert "replaced by a newer one" in supervision_link_state(token).message
    assert supervision_link_state(latest_token()).usable


# Link states ------------------------------------------------------------------------


def test_a_fresh_link_is_usable(entry, token):
    state = supervision_link_state(token)
    assert state.usable
    assert state.link is not None
    assert list(state.link.request.entries.all()) == [entry]
    assert state.sessions == (entry,)
    assert state.message == ""


def test_an_unknown_token_is_not_valid(entry):
    state = supervision_link_state("not-a-token-we-sent")
    assert not state.usable
    assert state.link is None
    assert "not valid" in state.message


def test_confirming_marks_the_entry_confirmed_and_uses_up_the_link(entry, token):
    result = supervision_confirm(token=token, confirmed=True)
    assert result.message == "Confirmed. Thank you."

    entry = fresh(entry)
    assert entry.status == SupervisionEntry.Status.CONFIRMED
    assert entry.confirmed_at is not None
    state = supervision_link_state(token)
    assert not state.usable
    assert "already been used" in state.message

    audit = AuditEntry.objects.get(action="portfolios.supervision.confirmed")
    assert audit.actor is None
    assert audit.actor_label == f"supervisor {SUPERVISOR}"
    assert audit.target_id == str(entry.pk)


def test_a_used_link_cannot_confirm_again(entry, token):
    first = confirmed(entry, token)
    second = supervision_confirm(token=token, confirmed=False)
    assert not second.usable
    assert "already been used" in second.message
    assert fresh(entry).status == SupervisionEntry.Status.CONFIRMED
    assert fresh(entry).confirmed_at == first.confirmed_at


def test_declining_marks_the_entry_declined(entry, token):
    result = supervision_confirm(token=token, confirmed=False)
    assert result.message.startswith("Declined")
    entry = fresh(entry)
    assert entry.status == SupervisionEntry.Status.DECLINED
    assert entry.confirmed_at is None
    assert "already been used" in supervision_link_state(token).message
    assert AuditEntry.objects.filter(action="portfolios.supervision.declined").count() == 1


def test_an_expired_link_says_so_and_confirming_it_changes_nothing(entry, token):
    SupervisionLink.objects.filter(request__entries=entry).update(expires_at=timezone.now() - timedelta(minutes=1))

    state = supervision_link_state(token)
    assert not state.usable
    assert "expired" in state.message

    result = supervision_confirm(token=token, confirmed=True)
    assert not result.usable
    assert "expired" in result.message
    assert fresh(entry).status == SupervisionEntry.Status.AWAITING
    assert SupervisionLink.objects.get(request__entries=entry).used_at is None


def test_a_link_works_until_its_last_day_and_not_after(entry, token):
    expires_at = SupervisionLink.objects.get(request__entries=entry).expires_at
    with mock.patch("django.utils.timezone.now", return_value=expires_at - timedelta(minutes=1)):
        assert supervision_link_state(token).usable
    with mock.patch("django.utils.timezone.now", return_value=expires_at + timedelta(minutes=1)):
        assert "expired" in supervision_link_state(token).message
        supervision_confirm(token=token, confirmed=True)
    assert fresh(entry).status == SupervisionEntry.Status.AWAITING


def test_resending_replaces_the_earlier_link(practitioner, entry, token, send_now):
    with send_now():
        supervision_link_send(request=fresh(entry).request, actor=practitioner)
    newer = latest_token()
    assert newer != token
    assert len(mail.outbox) == 2

    state = supervision_link_state(token)
    assert not state.usable
    assert "replaced by a newer one" in state.message
    supervision_confirm(token=token, confirmed=True)
    assert fresh(entry).status == SupervisionEntry.Status.AWAITING

    assert supervision_link_state(newer).usable
    assert confirmed(entry, newer).status == SupervisionEntry.Status.CONFIRMED


def test_resending_after_a_decline_asks_the_supervisor_again(practitioner, entry, token, send_now):
    supervision_confirm(token=token, confirmed=False)
    with send_now():
        supervision_link_send(request=fresh(entry).request, actor=practitioner)
    assert fresh(entry).status == SupervisionEntry.Status.AWAITING
    assert supervision_link_state(latest_token()).usable


def test_no_new_link_is_sent_for_a_confirmed_entry(practitioner, entry, token):
    entry = confirmed(entry, token)
    with pytest.raises(PortfolioError):
        supervision_link_send(request=fresh(entry).request, actor=practitioner)
    assert SupervisionLink.objects.filter(request__entries=entry).count() == 1


# A confirmed entry is locked ------------------------------------------------------


def test_a_confirmed_entry_can_no_longer_be_edited(practitioner, entry, token):
    entry = confirmed(entry, token)
    entry.hours = Decimal(3)
    with pytest.raises(PortfolioError, match="confirmed"):
        record_save(owner=practitioner, record=entry)
    assert fresh(entry).hours == Decimal("1.5")


def test_a_confirmed_entry_cannot_be_edited_through_a_copy_loaded_before_it_was_confirmed(practitioner, entry, token):
    stale = fresh(entry)
    confirmed(entry, token)
    stale.hours = Decimal(3)
    with pytest.raises(PortfolioError):
        record_save(owner=practitioner, record=stale)
    assert fresh(entry).hours == Decimal("1.5")
    assert fresh(entry).status == SupervisionEntry.Status.CONFIRMED


def test_a_confirmed_entry_can_no_longer_be_deleted(practitioner, entry, token):
    entry = confirmed(entry, token)
    with pytest.raises(PortfolioError, match="confirmed"):
        record_delete(owner=practitioner, record=entry)
    assert SupervisionEntry.objects.filter(pk=entry.pk).exists()
    assert not AuditEntry.objects.filter(action="portfolios.supervisionentry.deleted").exists()


def test_a_confirmed_entry_cannot_be_deleted_through_a_copy_loaded_before_it_was_confirmed(practitioner, entry, token):
    # The practitioner opens the delete page, the supervisor confirms, then the practitioner presses Delete.
    stale = fresh(entry)
    confirmed(entry, token)
    with pytest.raises(PortfolioError):
        record_delete(owner=practitioner, record=stale)
    assert SupervisionEntry.objects.filter(pk=entry.pk).exists()


def test_an_awaiting_entry_can_be_deleted_by_its_owner(practitioner, entry):
    record_delete(owner=practitioner, record=entry)
    assert not SupervisionEntry.objects.filter(pk=entry.pk).exists()


def test_another_practitioner_cannot_delete_someone_elses_entry(other_practitioner, entry):
    with pytest.raises((PortfolioError, SupervisionEntry.DoesNotExist)):
        record_delete(owner=other_practitioner, record=entry)
    assert SupervisionEntry.objects.filter(pk=entry.pk).exists()


# The supervisor's page ------------------------------------------------------------


def confirm_url(token: str) -> str:
    return f"/supervision/confirm/{token}/"


def test_opening_the_link_shows_the_entry_and_does_not_use_it_up(entry, token):
    response = client_for(None).get(confirm_url(token))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Amara Okafor" in page
    assert "Dr Maria Rivera" in page
    assert "12 January 2026" in page
    assert "1.5" in page
    assert 'value="confirm"' in page

    assert supervision_link_state(token).usable
    assert fresh(entry).status == SupervisionEntry.Status.AWAITING


def test_opening_the_link_twice_still_leaves_it_usable(entry, token):
    client = client_for(None)
    client.get(confirm_url(token))
    assert client.get(confirm_url(token)).status_code == 200
    assert supervision_link_state(token).usable


def test_pressing_confirm_confirms_the_entry(entry, token):
    response = client_for(None).post(confirm_url(token), {"decision": "confirm"})
    assert response.status_code == 200
    assert "Confirmed. Thank you." in response.content.decode()
    assert fresh(entry).status == SupervisionEntry.Status.CONFIRMED


def test_pressing_decline_declines_the_entry(entry, token):
    response = client_for(None).post(confirm_url(token), {"decision": "decline"})
    assert response.status_code == 200
    assert fresh(entry).status == SupervisionEntry.Status.DECLINED


def test_a_second_post_says_the_link_was_already_used(entry, token):
    client = client_for(None)
    client.post(confirm_url(token), {"decision": "confirm"})
    response = client.post(confirm_url(token), {"decision": "decline"})
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert fresh(entry).status == SupervisionEntry.Status.CONFIRMED


def test_an_expired_link_page_says_it_expired(entry, token):
    SupervisionLink.objects.filter(request__entries=entry).update(expires_at=timezone.now() - timedelta(days=1))
    response = client_for(None).post(confirm_url(token), {"decision": "confirm"})
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert fresh(entry).status == SupervisionEntry.Status.AWAITING


def test_an_unknown_token_is_not_found(entry):
    response = client_for(None).get(confirm_url("not-a-token-we-sent"))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()
