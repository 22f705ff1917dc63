"""django-allauth, made to send its emails (verification, password reset, security
notices, re-authentication codes) through Nurture's outbox instead of straight to
the mail server, and to keep staff second factors encrypted (`MFAAdapter`).

An account email is recorded like every other message, so a mail outage delays it
instead of showing an error page after the account was made; the "check your
email" page says whether it has gone yet. Every address here was typed on one of
allauth's forms, so the outbox's limits apply, counted per address and per
account or network; over a limit nothing is recorded, the page says so, and
allauth's own "email sent" message is not shown, since it would not be true.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib import messages
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest

from nurture.accounts.mfa_secrets import secret_decrypt, secret_encrypt
from nurture.core.emails import EmailLimitReached, Sender, email_allowance_check
from nurture.core.outbox import message_record

# The session key under which the latest account email's outbox id is kept, so
# the "check your email" page can say how its delivery is going, or that it was
# refused (the value is then REFUSED).
LAST_ACCOUNT_EMAIL = "nurture_last_account_email"
REFUSED = "refused"
# allauth's messages that say an email went; not shown when it was refused.
SENT_MESSAGES = frozenset({"account/messages/email_confirmation_sent.txt", "account/messages/login_code_sent.txt"})


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        request: HttpRequest | None = allauth_context.request
        sender = Sender.of(request) if request is not None else Sender("net:unknown")
        try:
            email_allowance_check(to=email, sender=sender, purpose=template_prefix)
        except EmailLimitReached as refused:
            if request is not None:
                messages.error(request, str(refused))
                request.nurture_email_refused = True  # type: ignore[attr-defined]
                if hasattr(request, "session"):
                    request.session[LAST_ACCOUNT_EMAIL] = REFUSED
            return
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            # The emails greet and sign off with the site's name, never the host it was reached at.
            "nurture_association": settings.NURTURE_ASSOCIATION_NAME,
            "nurture_contact_email": settings.NURTURE_CONTACT_EMAIL,
            "site_url": settings.NURTURE_SITE_URL,
            **context,
        }
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

    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        message_context: dict[str, Any] | None = None,
        extra_tags: str = "",
        message: str | None = None,
    ) -> None:
        if message_template in SENT_MESSAGES and getattr(request, "nurture_email_refused", False):
            return
        super().add_message(request, level, message_template, message_context, extra_tags, message)


class MFAAdapter(DefaultMFAAdapter):
    """Staff TOTP secrets and recovery-code seeds are stored encrypted (`mfa_secrets`)."""

    def encrypt(self, text: str) -> str:
        return secret_encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return secret_decrypt(encrypted_text)
