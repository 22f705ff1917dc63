"""What the practitioner sees of their supervisor's emailed link: queued, sent,
retrying, bounced or failed, and a way to correct the address and send again;
and the email limits, met on the form with nothing lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import client_for
from nurture.core.models import OutboundEmail
from nurture.core.outbox import outbox_send_due
from nurture.core.tests.dates import date_typed
from nurture.portfolios.models import SupervisionEntry

FORM = {
    **date_typed("session_on", "2026-11-02"),
    "supervisor_name": "Dr Rose Clark",
    "supervisor_email": "rose.clark@example.org",
    "hours": "1.5",
    "kind": "individual",
}


@pytest.fixture
def send_now(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def name_supervisor(client, send_now, **fields):
    with send_now():
        return client.post("/portfolio/supervision/new/", {**FORM, **fields})


def supervision_item(page: str, entry: SupervisionEntry) -> str:
    start = page.index(f'data-supervision="{entry.pk}"')
    return page[start : page.index("</li>", start)]


def test_the_link_shows_as_retrying_while_mail_is_down_then_sent(practitioner, mail_server, send_now):
    client = client_for(practitioner)
    mail_server.stop()
    assert name_supervisor(client, send_now).status_code == 302
    entry = SupervisionEntry.objects.get()
    item = supervision_item(client.get("/portfolio/").content.decode(), entry)
    assert "Email retrying" in item and "we keep trying until" in item
    assert '<span class="tag tag--no">Email retrying</span>' in item
    assert '<span class="tag tag--later">Awaiting supervisor</span>' in item
    assert "Correct the address and send again" in item

    mail_server.start()
    outbox_send_due(now=timezone.now() + timedelta(minutes=2))
    item = supervision_item(client.get("/portfolio/").content.decode(), entry)
    assert '<span class="tag tag--ok">Email sent</span>' in item and "Email retrying" not in item
    assert len(mail_server.delivered_to("rose.clark@example.org")) == 1


def test_a_bounced_link_can_be_sent_to_a_corrected_address(practitioner, mail_server, send_now):
    client = client_for(practitioner)
    mail_server.refuse["rose.clark@exmaple.org"] = "550 5.1.2 Domain not found"
    name_supervisor(client, send_now, supervisor_email="rose.clark@exmaple.org")
    entry = SupervisionEntry.objects.get()
    item = supervision_item(client.get("/portfolio/").content.decode(), entry)
    assert "Email bounced" in item and "refused this address" in item

    with send_now():
        response = client.post(
            f"/portfolio/supervision/{entry.pk}/resend/", {"supervisor_email": "rose.clark@example.org"}
        )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.supervisor_email == "rose.clark@example.org"
    item = supervision_item(client.get("/portfolio/").content.decode(), entry)
    assert "Email sent" in item and "rose.clark@example.org" in item
    assert len(mail_server.delivered_to("rose.clark@example.org")) == 1


def test_a_confirmed_entry_shows_no_email_state(practitioner, mail_server, send_now):
    client = client_for(practitioner)
    name_supervisor(client, send_now)
    SupervisionEntry.objects.update(status=SupervisionEntry.Status.CONFIRMED, confirmed_at=timezone.now())
    page = client.get("/portfolio/").content.decode()
    assert "Email sent" not in page
    assert '<span class="tag tag--ok">Confirmed by supervisor</span>' in page


def test_a_declined_entry_is_marked_as_declined(practitioner, mail_server, send_now):
    client = client_for(practitioner)
    name_supervisor(client, send_now)
    SupervisionEntry.objects.update(status=SupervisionEntry.Status.DECLINED)
    page = client.get("/portfolio/").content.decode()
    assert '<span class="tag tag--no">Declined by supervisor</span>' in page


def test_the_portfolio_page_reads_the_same_number_of_queries_for_one_entry_or_ten(practitioner, mail_server, send_now):
    client = client_for(practitioner)
    name_supervisor(client, send_now, supervisor_email="s0@example.org")
    with CaptureQueriesContext(connection) as one:
        client.get("/portfolio/")
    for n in range(1, 10):
        name_supervisor(client, send_now, supervisor_email=f"s{n}@example.org")
    with CaptureQueriesContext(connection) as ten:
        client.get("/portfolio/")
    assert (len(one), len(ten)) == (12, 12)


def test_over_the_address_limit_nothing_is_saved_or_sent_and_the_form_keeps_what_was_typed(
    practitioner, other_practitioner, mail_server, send_now, settings
):
    settings.NURTURE_EMAIL_LIMIT_PER_ADDRESS_HOUR = 2
    name_supervisor(client_for(other_practitioner), send_now)
    name_supervisor(client_for(practitioner), send_now, **date_typed("session_on", "2026-11-09"))
    assert len(mail_server.received) == 2, "the last allowed message goes"

    response = name_supervisor(client_for(practitioner), send_now, **date_typed("session_on", "2026-11-16"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "as many emails to this address in the last hour as we allow (2)" in page
    assert 'name="session_on_day" value="16"' in page and 'value="rose.clark@example.org"' in page
    assert SupervisionEntry.objects.count() == 2
    assert OutboundEmail.objects.count() == 2
    assert len(mail_server.received) == 2


def test_over_the_senders_limit_a_resend_is_refused_with_a_message(practitioner, mail_server, send_now, settings):
    settings.NURTURE_EMAIL_LIMIT_PER_SENDER_HOUR = 2
    client = client_for(practitioner)
    name_supervisor(client, send_now)
    entry = SupervisionEntry.objects.get()
    with send_now():
        client.post(f"/portfolio/supervision/{entry.pk}/resend/", {"supervisor_email": "rose@home.example.org"})
        response = client.post(
            f"/portfolio/supervision/{entry.pk}/resend/", {"supervisor_email": "rose@third.example.org"}
        )
    assert response.status_code == 400
    assert "as many emails for you in the last hour as we allow (2)" in response.content.decode()
    entry.refresh_from_db()
    assert entry.supervisor_email == "rose@home.example.org", "the refused change is not stored"
    assert [str(m["To"]) for m in mail_server.received] == ["rose.clark@example.org", "rose@home.example.org"]
