"""The outbox: every email the site sends, recorded first, then delivered by a task.

- `message_record` writes one `OutboundEmail` row inside the caller's
  transaction, so the message exists exactly when the change that caused it
  does, and asks for `outbox_deliver`: with the database queue, in the same
  transaction (the task row commits with the change); with any other backend
  (the immediate one in development), once the transaction commits.
- `message_attempt` claims the row with one `UPDATE … WHERE` it is due, so two
  workers (or a worker and the sweep) never send it at once, then hands it to
  the mail server. A refused connection, a timeout or any SMTP error is retried
  with a growing wait (1, 2, 4 … minutes, at most an hour apart) until
  `NURTURE_EMAIL_RETRY_HOURS` (24) have passed since the message was recorded;
  then it is marked failed. A recipient the server refuses for good (a 5xx
  answer to RCPT) is marked bounced at once: retrying cannot help, a corrected
  address can.
- `outbox_send_due` (`manage.py outbox_send`, every few minutes from a timer)
  sends whatever is due, whatever happened to its task: a worker that died
  mid-send, a task row lost with a database restart.
- `message_resend` is the staff member's "send again".

A message is delivered at least once and, unless a worker dies between the mail
server's "250 OK" and the row being marked sent, exactly once; each keeps one
Message-ID across attempts so that a duplicate can be recognised by the reader.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from email.utils import make_msgid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, models, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db.backend import DatabaseBackend

from nurture.core.addresses import email_canonical
from nurture.core.audit import audit_record
from nurture.core.models import OutboundEmail
from nurture.core.origins import site_host
from nurture.core.prepared import PreparedRead

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


logger = logging.getLogger(__name__)
State = OutboundEmail.State

CLAIM_MINUTES = 10
FIRST_WAIT_SECONDS = 60
LONGEST_WAIT_SECONDS = 3600
# States in which a message may still go out: the sweep looks only at these.
WAITING = (State.QUEUED, State.RETRYING)
# States a person should hear about: the staff page lists them, pages offer "send again".
TROUBLE = (State.RETRYING, State.BOUNCED, State.FAILED)


def _stuck(now: datetime) -> Q:
    """Claimed by a worker that has not finished within its claim: it died mid-send."""
    return Q(state=State.SENDING, claimed_until__lt=now)


def _due(now: datetime) -> Q:
    return Q(state__in=WAITING, next_attempt_at__lte=now) | _stuck(now)


def _retry_hours() -> int:
    return settings.NURTURE_EMAIL_RETRY_HOURS


def about_key(record: models.Model) -> tuple[str, str]:
    """How a message names the record it is about (the audit log's convention)."""
    return record._meta.label_lower, str(record.pk)


# Recording ----------------------------------------------------------------------------


def message_record(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    purpose: str,
    about: models.Model | None = None,
    sender_key: str = "",
    from_email: str = "",
) -> OutboundEmail:
    """Record one message in the current transaction; it is sent once that commits."""
    now = timezone.now()
    about_type, about_id = about_key(about) if about is not None else ("", "")
    backend = outbox_deliver.get_backend()
    # The immediate backend sends at the commit, in this process: the row is claimed for
    # that first attempt as it is written, which saves a write per message. If the
    # process dies before sending, the claim runs out and the sweep sends it.
    inline = isinstance(backend, ImmediateBackend)
    message = OutboundEmail.objects.create(
        created_at=now,
        to=to.strip(),
        recipient_key=email_canonical(to),
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        subject=" ".join(subject.split())[:300],
        body_text=body_text,
        body_html=body_html,
        message_id=make_msgid(domain=site_host()),
        purpose=purpose[:100],
        about_type=about_type,
        about_id=about_id,
        sender_key=sender_key,
        next_attempt_at=now,
        give_up_at=now + timedelta(hours=_retry_hours()),
        state=State.SENDING if inline else State.QUEUED,
        claimed_until=now + timedelta(minutes=CLAIM_MINUTES) if inline else None,
        attempts=1 if inline else 0,
    )
    message_id = message.pk
    if inline:
        transaction.on_commit(lambda: _enqueue(message_id, claimed=True))
    elif isinstance(backend, DatabaseBackend) and transaction.get_connection().in_atomic_block:
        # The queue is a table in this database: its task row commits, or not, with the
        # change and the message (one transaction fewer per request than after the commit).
        try:
            with transaction.atomic():
                outbox_deliver.enqueue(message_id=message_id)
        except Exception:
            logger.exception("Could not queue the delivery of email %s; the outbox sweep will send it", message_id)
    else:
        transaction.on_commit(lambda: _enqueue(message_id))
    return message


def messages_recorded_as_sent(*, after_pk: int) -> int:
    """Demo data: what its steps emailed went out as they happened. Every message recorded
    after `after_pk` and not yet sent is marked sent (at its creation) and is never sent now."""
    return OutboundEmail.objects.filter(
        pk__gt=after_pk, state__in=(OutboundEmail.State.QUEUED, OutboundEmail.State.SENDING)
    ).update(state=OutboundEmail.State.SENT, sent_at=models.F("created_at"), claimed_until=None, attempts=1)


def _enqueue(message_id: int, *, run_after: datetime | None = None, claimed: bool = False) -> None:
    """Ask for a delivery task. If the queue cannot take it now, the sweep sends the message."""
    try:
        if run_after is not None:
            if not outbox_deliver.get_backend().supports_defer:
                return  # the sweep retries it when it is due
            outbox_deliver.using(run_after=run_after).enqueue(message_id=message_id)
        else:
            outbox_deliver.enqueue(message_id=message_id, claimed=claimed)
    except Exception:
        logger.exception("Could not queue the delivery of email %s; the outbox sweep will send it", message_id)


# Delivering ---------------------------------------------------------------------------


@task()
def outbox_deliver(*, message_id: int, claimed: bool = False) -> str:
    """Try to send one message now; returns its state afterwards. Safe to run twice.

    `claimed`: the row was claimed for this attempt when it was recorded (the
    immediate backend, which runs this once, at the commit)."""
    return message_attempt(message_id, claimed=claimed)


def _claim(message_id: int, now: datetime) -> bool:
    return bool(
        OutboundEmail.objects.filter(_due(now), pk=message_id).update(
            state=State.SENDING,
            claimed_until=now + timedelta(minutes=CLAIM_MINUTES),
            attempts=models.F("attempts") + 1,
        )
    )


def _email_message(message: OutboundEmail) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=message.from_email,
        to=[message.to],
        headers={"Message-ID": message.message_id},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    return email


def _is_bounce(error: Exception) -> bool:
    """The server refused the recipient for good: a 5xx answer to RCPT TO."""
    return isinstance(error, smtplib.SMTPRecipientsRefused) and all(
        code >= 500 for code, _ in error.recipients.values()
    )


def _reason(error: Exception) -> str:
    text = str(error).replace("\n", " ").strip()
    return f"{type(error).__name__}: {text}"[:500] if text else type(error).__name__


def retry_wait(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: 1, 2, 4 … minutes, at most an hour."""
    return timedelta(seconds=min(FIRST_WAIT_SECONDS * 2 ** max(attempts - 1, 0), LONGEST_WAIT_SECONDS))


def message_attempt(message_id: int, *, now: datetime | None = None, claimed: bool = False) -> str:
    """Claim the message if it is due, hand it to the mail server, and record what happened.

    `now` may be given to act as at a later time (tests, the sweep); the claim and
    the next wait are never counted from earlier than the real clock, so a slow
    sweep cannot hand out claims that have already run out."""
    now = max(now, timezone.now()) if now is not None else timezone.now()
    if not claimed and not _claim(message_id, now):
        state = OutboundEmail.objects.filter(pk=message_id).values_list("state", flat=True).first()
        return str(state or "")
    message = _message_of.first(pk=message_id)
    if message is None:
        raise OutboundEmail.DoesNotExist(f"No email {message_id} in the outbox")
    if message.state != State.SENDING:
        return str(message.state)
    try:
        with get_connection(fail_silently=False) as mail:
            mail.send_messages([_email_message(message)])
    except Exception as error:
        return _attempt_failed(message, error, now)
    _sent_record(message_id, now)
    return State.SENT


# Every message's delivery reads it and records it sent: compiled once (core.prepared)
# and written once, as it runs for every email the site sends.
_message_of = PreparedRead(lambda pk: OutboundEmail.objects.filter(pk=pk)[:1], pk=int)


def _sent_record(message_id: int, now: datetime) -> None:
    table = connection.ops.quote_name(OutboundEmail._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET state = %s, sent_at = %s, claimed_until = NULL, last_error = '' "  # noqa: S608 - the model's own table
            "WHERE id = %s AND state = %s",
            [State.SENT.value, connection.ops.adapt_datetimefield_value(now), message_id, State.SENDING.value],
        )


def _attempt_failed(message: OutboundEmail, error: Exception, now: datetime) -> str:
    reason = _reason(error)
    if _is_bounce(error):
        state, next_at = State.BOUNCED, now
    elif isinstance(error, ValueError):
        # A message Django cannot even put together (a bad header): retrying cannot help.
        state, next_at = State.FAILED, now
    elif now >= message.give_up_at:
        state, next_at = State.FAILED, now
    else:
        # The last try is made when the day is up; if that fails too, the message has failed.
        state, next_at = State.RETRYING, min(now + retry_wait(message.attempts), message.give_up_at)
    logger.warning("Email %s (%s) attempt %s: %s -> %s", message.pk, message.purpose, message.attempts, reason, state)
    with transaction.atomic():
        updated = OutboundEmail.objects.filter(pk=message.pk, state=State.SENDING).update(
            state=state, next_attempt_at=next_at, claimed_until=None, last_error=reason
        )
        message.state, message.last_error = state, reason
        if updated and state in (State.BOUNCED, State.FAILED):
            audit_record(
                action=f"core.email.{state}",
                actor_label="mail server",
                target=message,
                reason=reason,
                data={"purpose": message.purpose, "attempts": message.attempts},
            )
            message_undeliverable.send(sender=OutboundEmail, message=message, state=state)
    if updated and state == State.RETRYING:
        transaction.on_commit(lambda: _enqueue(message.pk, run_after=next_at))
    return state


def outbox_send_due(*, now: datetime | None = None, limit: int = 1000) -> dict[str, int]:
    """Attempt every message that is due (oldest first); returns how many ended in each state."""
    now = now or timezone.now()
    ids = list(
        OutboundEmail.objects.filter(_due(now)).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]
    )
    counts: dict[str, int] = {}
    for message_id in ids:
        try:
            state = message_attempt(message_id, now=now)
        except Exception:
            # One message that cannot even be attempted (the database hiccuped) must not
            # stop the others; its claim runs out and the next sweep tries it again.
            logger.exception("The outbox sweep could not attempt email %s", message_id)
            state = "error"
        counts[state] = counts.get(state, 0) + 1
    return counts


# Staff: sending again -----------------------------------------------------------------


class OutboxError(Exception):
    """A change to the outbox that is refused, with a message for the staff member."""


def _superseded() -> models.Q:
    """A message about a record that has had a newer message since (a corrected address, a new link)."""
    newer = OutboundEmail.objects.filter(
        about_type=models.OuterRef("about_type"), about_id=models.OuterRef("about_id"), pk__gt=models.OuterRef("pk")
    ).exclude(about_type="")
    return models.Q(models.Exists(newer))


def message_resend(*, message: OutboundEmail, actor: AbstractBaseUser | AnonymousUser) -> OutboundEmail:
    """Send a retrying, failed or bounced message again now, with a fresh day of retries.

    Refused when a newer message about the same record exists: its link has been
    replaced (the practitioner corrected the address), so this one must not go."""
    now = timezone.now()
    with transaction.atomic():
        if not (message.body_text or message.body_html):
            raise OutboxError(
                f"This email's text was cleared {_keep_days()} days after it was written, so it cannot be sent again."
            )
        if OutboundEmail.objects.filter(_superseded(), pk=message.pk).exists():
            raise OutboxError(
                "A newer email about the same thing has been sent since (to a corrected address, with a new "
                "link), so this one is not sent again."
            )
        moved = OutboundEmail.objects.filter(Q(state__in=TROUBLE) | _stuck(now), pk=message.pk).update(
            state=State.QUEUED,
            next_attempt_at=now,
            give_up_at=now + timedelta(hours=_retry_hours()),
            claimed_until=None,
        )
        if not moved:
            raise OutboxError("This message is being sent or has been sent already; nothing was changed.")
        audit_record(
            action="core.email.resent",
            actor=actor,
            target=message,
            data={"purpose": message.purpose, "was": message.state, "attempts": message.attempts},
        )
        message_id = message.pk
        transaction.on_commit(lambda: _enqueue(message_id))
    message.refresh_from_db()
    return message


# Keeping less ---------------------------------------------------------------------------

DONE = (State.SENT, State.BOUNCED, State.FAILED)


def _keep_days() -> int:
    return settings.NURTURE_EMAIL_KEEP_BODY_DAYS


def outbox_bodies_clear(*, today: date) -> int:
    """Blank the text of messages that were sent, bounced or failed more than
    `NURTURE_EMAIL_KEEP_BODY_DAYS` days ago; returns how many. Their bodies hold
    single-use links and what people wrote; who, when, what kind and how it went
    stay (the delivery states, the limits, the audit). Safe to run twice."""
    cutoff = datetime.combine(today - timedelta(days=_keep_days()), time.min, tzinfo=timezone.get_current_timezone())
    return (
        OutboundEmail.objects.filter(state__in=DONE, created_at__lt=cutoff)
        .exclude(body_text="", body_html="")
        .update(body_text="", body_html="")
    )


@task()
def outbox_daily(*, today: str) -> dict[str, int]:
    """The outbox's part of `manage.py run_scheduled`."""
    return {"email texts cleared": outbox_bodies_clear(today=date.fromisoformat(today))}


# Signals ------------------------------------------------------------------------------

# Sent (inside the transaction) when a message bounces or fails for good, with
# `message` and `state`, so the app whose record it is about can react (the
# endorsements app marks a reference request bounced). Core names no domain.
message_undeliverable = Signal()


# Reads --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """How the latest message about one record is getting on, in words for its page."""

    state: str
    label: str
    detail: str

    @property
    def is_problem(self) -> bool:
        return self.state in TROUBLE

    @property
    def is_sent(self) -> bool:
        """Their mail server has taken it."""
        return self.state == State.SENT


def delivery_of(message: OutboundEmail) -> Delivery:
    when = timezone.localtime(message.sent_at or message.created_at)
    retry_until = timezone.localtime(message.give_up_at)
    details = {
        State.QUEUED: "Waiting to be sent.",
        State.SENDING: "Being sent now.",
        State.SENT: f"Sent {when:%-d %B %Y, %H:%M}.",
        State.RETRYING: (
            f"The mail server could not take it yet; we keep trying until {retry_until:%-d %B %Y, %H:%M}."
        ),
        State.BOUNCED: "Their mail server refused this address. Check it and send again.",
        State.FAILED: "We could not deliver it. Check the address and send again.",
    }
    state = State(message.state)
    return Delivery(state=state.value, label=state.label, detail=details[state])


def deliveries_about(records: list[Any]) -> dict[Any, Delivery]:
    """The latest message about each record, by primary key (one query for all of them)."""
    if not records:
        return {}
    about_type = records[0]._meta.label_lower
    latest: dict[str, OutboundEmail] = {}
    messages = OutboundEmail.objects.filter(about_type=about_type, about_id__in=[str(r.pk) for r in records]).only(
        "about_id", "state", "created_at", "sent_at", "give_up_at"
    )
    for message in messages.order_by("about_id", "created_at", "pk"):
        latest[message.about_id] = message
    return {record.pk: delivery_of(latest[str(record.pk)]) for record in records if str(record.pk) in latest}


def messages_needing_attention(*, now: datetime | None = None) -> models.QuerySet[OutboundEmail]:
    """Retrying, bounced and failed messages, and any whose worker died mid-send, the
    longest-waiting first (the staff page); not those that a newer message replaced."""
    now = now or timezone.now()
    return (
        OutboundEmail.objects.filter(Q(state__in=TROUBLE) | _stuck(now))
        .exclude(_superseded())
        .order_by("created_at", "pk")
    )
