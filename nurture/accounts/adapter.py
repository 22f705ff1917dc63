"""django-allauth, made to send its emails (verification, password reset, security
notices) through Nurture's outbox instead of straight to the mail server.

An account email is recorded like every other message, so a mail outage delays it
instead of showing an error page after the account was made; the pages that
follow ("check your email") say whether it has gone yet. Every address here was
typed by someone, so the outbox's limits apply, counted per address and per
account or network; over a limit nothing is recorded and the page says so.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib import messages
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest

from nurture.core.emails import EmailLimitReached, Sender, email_allowance_check
from nurture.core.outbox import message_record

# The session key under which the latest account email's outbox id is kept, so
# the "check your email" page can say how its delivery is going.
LAST_ACCOUNT_EMAIL = "nurture_last_account_email"


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        request: HttpRequest | None = allauth_context.request
        sender = Sender.of(request) if request is not None else Sender("net:unknown")
        try:
            email_allowance_check(to=email, sender=sender)
        except EmailLimitReached as refused:
            if request is not None:
                messages.error(request, str(refused))
            return
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        rendered = self.render_mail(template_prefix, email, ctx)
        text, html = rendered.body, ""
        for content, mimetype in getattr(rendered, "alternatives", []):
            if mimetype == "text/html":
                html = str(content)
        if getattr(rendered, "content_subtype", "plain") == "html":
            text, html = "", rendered.body
        message = message_record(
            to=email,
            subject=str(rendered.subject),
            body_text=text,
            body_html=html,
            purpose=template_prefix,
            sender_key=sender.key,
            from_email=str(rendered.from_email),
        )
        if request is not None and hasattr(request, "session"):
            request.session[LAST_ACCOUNT_EMAIL] = message.pk
