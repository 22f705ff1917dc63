"""Email: one path for every message the site sends.

`email_send` renders `<template>_subject.txt`, `.txt` and `.html` and records
the message in the outbox (`core.outbox`) inside the caller's transaction; a
task sends it after the commit and retries it through a mail outage.

Whenever the address was typed by someone (a supervisor's, a referee's, a
pledge signer's, an alert subscriber's, a new account's), the caller passes
`sender`: who asked, as an account or a network. Before anything is recorded,
`email_allowance_check` counts what the outbox already holds for that address
and for that sender over the last hour and day, against the limits in
settings, and raises `EmailLimitReached` with a sentence for the person. The
site's own notices to a person about their own account pass no sender and are
never limited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.http import HttpRequest
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import timezone

from nurture.core.addresses import email_canonical, network_of
from nurture.core.models import OutboundEmail
from nurture.core.outbox import message_record


@dataclass(frozen=True)
class Sender:
    """Who made the site write to an address they typed: an account, else a network."""

    key: str

    @classmethod
    def of(cls, request: HttpRequest) -> Sender:
        if request.user.is_authenticated:
            return cls(f"user:{request.user.pk}")
        return cls.from_address(client_address(request))

    @classmethod
    def from_address(cls, address: str) -> Sender:
        return cls(f"net:{network_of(address) or 'unknown'}")

    @classmethod
    def account(cls, user: models.Model) -> Sender:
        return cls(f"user:{user.pk}")


def client_address(request: HttpRequest) -> str:
    """The visitor's IP address. Behind `NURTURE_TRUSTED_PROXY_COUNT` reverse proxies,
    it is the address the outermost trusted proxy saw, read from the right of
    X-Forwarded-For (what the visitor wrote at the left is not trusted); without
    proxies it is the connection's own address."""
    proxies = settings.NURTURE_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR") or "")


class EmailLimitReached(Exception):
    """Sending this message would go over a limit; nothing was sent. The text is for the person."""


def _limit(name: str) -> int:
    return int(getattr(settings, name))


def _family(purpose: str) -> str:
    """What kind of email a template makes, for the per-address count: its app
    (`portfolios/email/supervision_confirm` → `portfolios/`; allauth's → `account/`)."""
    return purpose.split("/", 1)[0] + "/"


def email_allowance_check(*, to: str, sender: Sender, purpose: str) -> None:
    """Raise `EmailLimitReached` if one more message to `to` from `sender` would go over a limit.

    An address is counted per mailbox (`jo.bloggs+x@gmail.com` is `jobloggs@gmail.com`)
    and per kind of email, so that someone who asks for ten password resets for an
    address blocks only more password resets to it, not the supervisor's link a
    practitioner sends there. A sender is counted across every kind.
    """
    family = _family(purpose)
    checks = (
        ("recipient", email_canonical(to), family, "NURTURE_EMAIL_LIMIT_PER_ADDRESS", "to this address"),
        ("sender", sender.key, "", "NURTURE_EMAIL_LIMIT_PER_SENDER", "for you"),
    )
    for counted, key, kind, setting, where in checks:
        per_hour, per_day = _limit(f"{setting}_HOUR"), _limit(f"{setting}_DAY")
        if not (per_hour or per_day):  # 0 turns a limit off: no need to count
            continue
        hour, day = _counts_since(counted, key, kind)
        if per_hour and hour >= per_hour:
            raise EmailLimitReached(_refusal(f"{where} in the last hour", per_hour, "in an hour"))
        if per_day and day >= per_day:
            raise EmailLimitReached(_refusal(f"{where} today", per_day, "tomorrow"))


# The two counts as SQL written once: they run before every email someone's typing
# asks for (a pledge signature, an invitation), and compiling the ORM's filtered
# aggregate each time cost several times what the database spent on it. Each reads
# along its (key, created_at) index.
_COUNTS_SQL = {
    "recipient": (
        "SELECT COUNT(CASE WHEN created_at > %s THEN 1 END), COUNT(*) FROM {table} "
        "WHERE recipient_key = %s AND created_at > %s AND sender_key <> '' AND SUBSTR(purpose, 1, %s) = %s"
    ),
    "sender": "SELECT COUNT(CASE WHEN created_at > %s THEN 1 END), COUNT(*) FROM {table} "
    "WHERE sender_key = %s AND created_at > %s",
}


def _counts_since(counted: str, key: str, family: str) -> tuple[int, int]:
    """How many messages were recorded in the last hour and the last day for `key` (a
    recipient's in `family`, the kind of email, or a sender's across every kind), in one query."""
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    params: list[Any] = [adapt(now - timedelta(hours=1)), key, adapt(now - timedelta(days=1))]
    if counted == "recipient":
        params += [len(family), family]
    sql = _COUNTS_SQL[counted].format(table=connection.ops.quote_name(OutboundEmail._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        hour, day = cursor.fetchone()
    return int(hour), int(day)


def _refusal(where: str, limit: int, later: str) -> str:
    return (
        f"We have already sent as many emails {where} as we allow ({limit}), so nothing was sent. "
        f"Please try again {later}."
    )


def plain_text_render(name: str, context: dict[str, Any]) -> str:
    """A plain-text template (an email's subject or text body) rendered without HTML
    escaping: the text is not HTML, so "Dr Maeve O'Connor" must not become "O&#x27;Connor"."""
    return Engine.get_default().get_template(name).render(Context(context, autoescape=False))


def email_render(*, template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) of `template` with `context`; the subject and text are plain text."""
    context = {
        **context,
        "site_url": settings.NURTURE_SITE_URL,
        "nurture_association": settings.NURTURE_ASSOCIATION_NAME,
        "nurture_contact_email": settings.NURTURE_CONTACT_EMAIL,
    }
    subject = plain_text_render(f"{template}_subject.txt", context).strip()
    text = plain_text_render(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    return subject, text, html


def email_send(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    about: models.Model | None = None,
    sender: Sender | None = None,
    allowance_checked: bool = False,
) -> OutboundEmail:
    """Record one message in the outbox, in the caller's transaction; it goes once that commits.

    With `sender` (an address someone typed), the limits are checked first and
    `EmailLimitReached` is raised, with nothing recorded, when one is reached;
    `allowance_checked` says the caller has just done that itself, before opening its
    transaction (a count is a read: on SQLite, counting inside the transaction holds
    every other writer back for as long).
    """
    if sender is not None and not allowance_checked:
        email_allowance_check(to=to, sender=sender, purpose=template)
    subject, text, html = email_render(template=template, context=context)
    return message_record(
        to=to,
        subject=subject,
        body_text=text,
        body_html=html,
        purpose=template,
        about=about,
        sender_key=sender.key if sender is not None else "",
    )
