"""The outbox: every email is recorded with the change that causes it, then sent by a
task, retried through a mail outage, and delivered once; with a real SMTP server
on loopback that the tests stop and start."""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks.backends.dummy import DummyBackend

from conftest import client_for
from nurture.core import outbox
from nurture.core.emails import email_send
from nurture.core.models import AuditEntry, OutboundEmail
from nurture.core.outbox import message_attempt, outbox_send_due, retry_wait
from nurture.core.tests.dates import date_typed
from nurture.portfolios.models import SupervisionEntry
from nurture.portfolios.services import record_save

State = OutboundEmail.State
# A task backend that keeps what it is given and never runs it (django-tasks' dummy).
QUEUE_THAT_NEVER_RUNS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


class DownQueue(DummyBackend):
    """A task queue that cannot take anything (its database or broker is down)."""

    def enqueue(self, task, args, kwargs):
        raise ConnectionError("the task queue is down")


def name_supervisor(practitioner, email: str) -> SupervisionEntry:
    return record_save(
        owner=practitioner,
        record=SupervisionEntry(
            session_on=date(2026, 11, 2),
            supervisor_name="Dr Rose Clark",
            supervisor_email=email,
            hours=Decimal("1.5"),
            kind=SupervisionEntry.Kind.INDIVIDUAL,
        ),
    )


def states() -> list[str]:
    return list(OutboundEmail.objects.order_by("pk").values_list("state", flat=True))


@pytest.fixture
def send_now(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the delivery task) at the end of the block, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_message_is_recorded_with_the_change_and_sent_after_the_commit(practitioner, mail_server, send_now):
    with send_now():
        entry = name_supervisor(practitioner, "rose.clark@example.org")
        message = OutboundEmail.objects.get()
        assert message.state in (State.QUEUED, State.SENDING)
        assert mail_server.received == [], "nothing goes before the change is committed"
    message.refresh_from_db()
    assert message.state == State.SENT
    assert (message.about_type, message.about_id) == ("portfolios.supervisionrequest", str(entry.request_id))
    (received,) = mail_server.delivered_to("rose.clark@example.org")
    assert received["Message-ID"] == message.message_id
    assert "/supervision/confirm/" in received.get_body(("plain",)).get_content()


def test_a_change_that_is_rolled_back_sends_nothing(practitioner, mail_server, send_now):
    with send_now(), pytest.raises(RuntimeError), transaction.atomic():
        name_supervisor(practitioner, "rose.clark@example.org")
        raise RuntimeError("the change fails after the email was recorded")
    assert OutboundEmail.objects.count() == 0
    assert mail_server.received == []


def test_after_a_ten_minute_outage_every_queued_message_is_delivered_exactly_once(practitioner, mail_server, send_now):
    mail_server.stop()
    addresses = [f"supervisor{n}@example.org" for n in range(5)]
    with send_now():
        for address in addresses:
            name_supervisor(practitioner, address)
    assert states() == [State.RETRYING] * 5, "the first attempt met a refused connection"
    assert set(OutboundEmail.objects.values_list("last_error", flat=True)) == {
        "ConnectionRefusedError: [Errno 111] Connection refused"
    }

    start = timezone.now()
    for minute in range(1, 11):  # the sweep runs every minute while the server is down
        outbox_send_due(now=start + timedelta(minutes=minute))
    assert states() == [State.RETRYING] * 5
    assert mail_server.received == []

    mail_server.start()
    for minute in range(11, 30):  # back up: every sweep from now on can deliver
        outbox_send_due(now=start + timedelta(minutes=minute))

    assert states() == [State.SENT] * 5
    assert sorted(str(m["To"]) for m in mail_server.received) == addresses, "each delivered once, none lost"
    assert sorted(mail_server.message_ids()) == sorted(OutboundEmail.objects.values_list("message_id", flat=True))
    assert outbox_send_due(now=start + timedelta(hours=2)) == {}, "nothing is sent twice"
    assert len(mail_server.received) == 5


def test_retries_wait_longer_each_time_and_at_most_an_hour():
    assert [retry_wait(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert retry_wait(7) == timedelta(hours=1)
    assert retry_wait(30) == timedelta(hours=1)


def test_a_message_is_retried_for_a_day_then_marked_failed(practitioner, mail_server, send_now, registrar):
    mail_server.stop()
    with send_now():
        name_supervisor(practitioner, "rose.clark@example.org")
    message = OutboundEmail.objects.get()
    start = message.created_at
    attempts_before_a_day = 0
    now = start
    while now < start + timedelta(hours=24):
        now += timedelta(minutes=5)
        if now >= start + timedelta(hours=24):
            break
        if outbox_send_due(now=now):
            attempts_before_a_day += 1
    message.refresh_from_db()
    assert message.state == State.RETRYING, "still retrying just before a day has passed"
    assert attempts_before_a_day >= 24, "tried at least hourly through the day"

    outbox_send_due(now=start + timedelta(hours=24, minutes=5))
    message.refresh_from_db()
    assert message.state == State.FAILED
    assert AuditEntry.objects.filter(action="core.email.failed", target_id=str(message.pk)).count() == 1

    page = client_for(registrar).get("/staff/outbox/").content.decode()
    assert "rose.clark@example.org" in page and "ConnectionRefusedError" in page

    mail_server.start()
    with send_now():
        response = client_for(registrar).post(f"/staff/outbox/{message.pk}/resend/")
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.state == State.SENT
    assert len(mail_server.delivered_to("rose.clark@example.org")) == 1
    assert AuditEntry.objects.filter(action="core.email.resent", actor=registrar).count() == 1


def test_a_recipient_refused_for_good_is_bounced_at_once(practitioner, mail_server, send_now):
    mail_server.refuse["nobody@clinic.example.org"] = "550 5.1.1 No such user here"
    with send_now():
        name_supervisor(practitioner, "nobody@clinic.example.org")
    message = OutboundEmail.objects.get()
    assert message.state == State.BOUNCED
    assert "550" in message.last_error and "No such user" in message.last_error
    assert outbox_send_due(now=timezone.now() + timedelta(hours=1)) == {}, "a bounce is not retried"
    assert AuditEntry.objects.filter(action="core.email.bounced").count() == 1


def test_a_temporary_refusal_is_retried_not_bounced(practitioner, mail_server, send_now):
    mail_server.refuse["busy@clinic.example.org"] = "451 4.7.1 Greylisted, try again later"
    with send_now():
        name_supervisor(practitioner, "busy@clinic.example.org")
    assert states() == [State.RETRYING]
    del mail_server.refuse["busy@clinic.example.org"]
    outbox_send_due(now=timezone.now() + timedelta(minutes=2))
    assert states() == [State.SENT]
    assert len(mail_server.delivered_to("busy@clinic.example.org")) == 1


@pytest.fixture
def silent_server(settings) -> Iterator[int]:
    """A server that takes the connection and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", listener.getsockname()[1], 1
    settings.EMAIL_USE_TLS = False
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def test_a_mail_server_that_times_out_is_retried(practitioner, silent_server, send_now):
    with send_now():
        name_supervisor(practitioner, "rose.clark@example.org")
    message = OutboundEmail.objects.get()
    assert message.state == State.RETRYING
    assert "timed out" in message.last_error


def test_two_workers_cannot_both_send_one_message(practitioner, mail_server, send_now, settings):
    settings.TASKS = QUEUE_THAT_NEVER_RUNS  # no task runs: the sweep alone
    with send_now():
        name_supervisor(practitioner, "rose.clark@example.org")
    message = OutboundEmail.objects.get()
    now = timezone.now()
    assert outbox._claim(message.pk, now) is True
    assert outbox._claim(message.pk, now) is False, "claimed: a second worker leaves it alone"
    assert message_attempt(message.pk, now=now) == State.SENDING
    assert mail_server.received == []
    # The first worker died mid-send: after the claim runs out, the message goes once.
    later = now + timedelta(minutes=outbox.CLAIM_MINUTES + 1)
    assert outbox_send_due(now=later) == {State.SENT: 1}
    assert len(mail_server.received) == 1


def test_a_queue_that_cannot_take_the_task_loses_nothing(practitioner, mail_server, send_now, settings):
    settings.TASKS = {"default": {"BACKEND": f"{__name__}.DownQueue"}}
    with send_now():
        response = client_for(practitioner).post(
            "/portfolio/supervision/new/",
            {
                **date_typed("session_on", "2026-11-02"),
                "supervisor_name": "Dr Rose Clark",
                "supervisor_email": "rose.clark@example.org",
                "hours": "1.5",
                "kind": "individual",
            },
        )
    assert response.status_code == 302, "the practitioner's change is stored and the page does not fail"
    assert states() == [State.QUEUED]
    assert outbox_send_due() == {State.SENT: 1}
    assert len(mail_server.received) == 1


def test_a_message_that_cannot_be_put_together_fails_at_once(db, mail_server, send_now):
    with send_now(), transaction.atomic():
        email_send(
            to="rose.clark@example.org",
            template="portfolios/email/supervision_confirm",
            context={"supervisor_name": "Dr Rose Clark", "url": "https://example.org/"},
        )
        OutboundEmail.objects.update(subject="Line one\nBcc: victim@example.org")
    assert states() == [State.FAILED]
    assert mail_server.received == []


def test_the_staff_page_reads_the_same_number_of_queries_for_one_message_or_twenty(
    practitioner, coordinator, mail_server, send_now
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mail_server.stop()
    with send_now():
        name_supervisor(practitioner, "s0@example.org")
    client = client_for(coordinator)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/staff/outbox/").status_code == 200
    with send_now():
        for n in range(1, 20):
            name_supervisor(practitioner, f"s{n}@example.org")
    with CaptureQueriesContext(connection) as twenty:
        page = client.get("/staff/outbox/").content.decode()
    assert page.count('class="card outbox-message"') == 20
    assert (len(one), len(twenty)) == (5, 5)


def test_a_message_that_was_sent_cannot_be_sent_again_from_the_staff_page(
    practitioner, registrar, mail_server, send_now
):
    with send_now():
        name_supervisor(practitioner, "rose.clark@example.org")
    message = OutboundEmail.objects.get()
    response = client_for(registrar).post(f"/staff/outbox/{message.pk}/resend/", follow=True)
    assert "has been sent already; nothing was changed" in response.content.decode()
    assert len(mail_server.received) == 1
    assert client_for(registrar).post("/staff/outbox/999999/resend/").status_code == 404


def test_a_claim_is_never_counted_from_before_the_clock(practitioner, mail_server, send_now, monkeypatch, settings):
    """A sweep that started long ago (a slow mail server) must not hand out a claim that has
    already run out, or another worker could send the same message at the same time."""
    settings.TASKS = QUEUE_THAT_NEVER_RUNS
    with send_now():
        name_supervisor(practitioner, "rose.clark@example.org")
    message = OutboundEmail.objects.get()
    seen: list[datetime] = []
    real_email_message = outbox._email_message

    def watching(row):
        seen.append(OutboundEmail.objects.get(pk=row.pk).claimed_until)
        return real_email_message(row)

    monkeypatch.setattr(outbox, "_email_message", watching)
    assert message_attempt(message.pk, now=timezone.now() - timedelta(minutes=30)) == State.SENT
    assert seen[0] > timezone.now() + timedelta(minutes=outbox.CLAIM_MINUTES - 1)


def test_one_message_that_cannot_be_attempted_does_not_stop_the_sweep(
    practitioner, mail_server, send_now, monkeypatch, settings
):
    settings.TASKS = QUEUE_THAT_NEVER_RUNS
    with send_now():
        first = name_supervisor(practitioner, "first@example.org")
        name_supervisor(practitioner, "second@example.org")
    real_attempt = outbox.message_attempt
    first.refresh_from_db()  # the email is about the supervisor's request, made when the entry was saved
    broken = OutboundEmail.objects.get(about_type="portfolios.supervisionrequest", about_id=str(first.request_id)).pk

    def attempt(message_id, *, now=None):
        if message_id == broken:
            raise RuntimeError("the database hiccuped")
        return real_attempt(message_id, now=now)

    monkeypatch.setattr(outbox, "message_attempt", attempt)
    assert outbox_send_due() == {"error": 1, State.SENT: 1}
    assert [str(m["To"]) for m in mail_server.received] == ["second@example.org"]


def test_a_bounced_message_replaced_by_a_corrected_address_is_not_offered_again(
    practitioner, registrar, mail_server, send_now
):
    mail_server.refuse["rose@exmaple.org"] = "550 5.1.2 Domain not found"
    with send_now():
        entry = name_supervisor(practitioner, "rose@exmaple.org")
    bounced = OutboundEmail.objects.get()
    assert bounced.state == State.BOUNCED
    assert "rose@exmaple.org" in client_for(registrar).get("/staff/outbox/").content.decode()

    with send_now():
        client_for(practitioner).post(
            f"/portfolio/supervision/{entry.pk}/resend/", {"supervisor_email": "rose@example.org"}
        )
    page = client_for(registrar).get("/staff/outbox/").content.decode()
    assert "rose@exmaple.org" not in page, "the practitioner has sent a new link since"
    response = client_for(registrar).post(f"/staff/outbox/{bounced.pk}/resend/", follow=True)
    assert "A newer email about the same thing has been sent since" in response.content.decode()
    assert [str(m["To"]) for m in mail_server.received] == ["rose@example.org"], "the old link never goes"


def test_a_message_whose_worker_died_mid_send_shows_on_the_staff_page(
    practitioner, registrar, mail_server, send_now, settings
):
    settings.TASKS = QUEUE_THAT_NEVER_RUNS
    with send_now():
        name_supervisor(practitioner, "rose.clark@example.org")
    message = OutboundEmail.objects.get()
    assert outbox._claim(message.pk, timezone.now())
    OutboundEmail.objects.filter(pk=message.pk).update(claimed_until=timezone.now() - timedelta(minutes=1))  # it died
    page = client_for(registrar).get("/staff/outbox/").content.decode()
    assert "rose.clark@example.org" in page and "Email sending" in page


def test_with_the_database_queue_the_task_is_queued_in_the_changes_own_transaction(practitioner, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with pytest.raises(RuntimeError), transaction.atomic():
        name_supervisor(practitioner, "rolled.back@example.org")
        assert DBTaskResult.objects.count() == 1, "queued inside the transaction, not after it"
        raise RuntimeError("the change fails")
    assert DBTaskResult.objects.count() == 0 and OutboundEmail.objects.count() == 0, "both gone with the change"

    with transaction.atomic():
        name_supervisor(practitioner, "kept@example.org")
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == "nurture.core.outbox.outbox_deliver"
    assert queued.args_kwargs["kwargs"] == {"message_id": OutboundEmail.objects.get().pk}


def test_a_message_claimed_at_the_commit_whose_process_died_is_sent_by_the_sweep(
    practitioner, mail_server, send_now, monkeypatch
):
    """With the immediate backend the row is claimed as it is written; if the process dies
    before the send, nothing is lost: the claim runs out and the sweep sends it once."""
    monkeypatch.setattr(outbox, "_enqueue", lambda *args, **kwargs: None)  # the process died at the commit
    with send_now():
        name_supervisor(practitioner, "rose.clark@example.org")
    assert states() == [State.SENDING]
    assert outbox_send_due() == {}, "still within its claim"
    later = timezone.now() + timedelta(minutes=outbox.CLAIM_MINUTES + 1)
    assert outbox_send_due(now=later) == {State.SENT: 1}
    assert outbox_send_due(now=later + timedelta(hours=1)) == {}
    assert len(mail_server.received) == 1


def test_the_daily_job_clears_the_text_of_old_emails_but_keeps_how_they_went(practitioner, mail_server, send_now):
    from django.core.management import call_command

    with send_now():
        name_supervisor(practitioner, "old@example.org")
        name_supervisor(practitioner, "recent@example.org")
    OutboundEmail.objects.filter(to="old@example.org").update(created_at=timezone.now() - timedelta(days=31))
    mail_server.stop()
    with send_now():
        name_supervisor(practitioner, "waiting@example.org")
    OutboundEmail.objects.filter(to="waiting@example.org").update(created_at=timezone.now() - timedelta(days=31))

    call_command("run_scheduled", stdout=io.StringIO())
    call_command("run_scheduled", stdout=io.StringIO())  # safe twice
    old, recent, waiting = (
        OutboundEmail.objects.get(to=f"{name}@example.org") for name in ("old", "recent", "waiting")
    )
    assert (old.body_text, old.body_html, old.state) == ("", "", State.SENT), "the link inside is gone; the state stays"
    assert "/supervision/confirm/" in recent.body_text
    assert "/supervision/confirm/" in waiting.body_text, "a message still to be sent keeps its text"


def test_a_failed_email_whose_text_was_cleared_cannot_be_sent_again(practitioner, registrar, mail_server, send_now):
    mail_server.refuse["gone@example.org"] = "550 5.1.1 No such user"
    with send_now():
        name_supervisor(practitioner, "gone@example.org")
    message = OutboundEmail.objects.get()
    OutboundEmail.objects.filter(pk=message.pk).update(body_text="", body_html="")
    response = client_for(registrar).post(f"/staff/outbox/{message.pk}/resend/", follow=True)
    assert "text was cleared 30 days after it was written" in response.content.decode()
    assert OutboundEmail.objects.get().state == State.BOUNCED
