"""`manage.py demo_codes [EMAIL ...]`: the current two-factor code of each demo staff login.

Staff pages ask for a TOTP code. The demo prints each staff login's secret, but turning a
secret into a code needs an authenticator app; this prints the code itself, worked out
the way allauth checks it (its own `hotp_value` on the secret it stores, decrypted by the
MFA adapter: `accounts/mfa_secrets.py`), with the seconds it has left.

It mints second factors, so it runs only with DEBUG on, and only for demo logins
(addresses at the demo's domain, `core.demo.DEMO_DOMAIN`): never a real account's code.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nurture.core.demo import DEMO_DOMAIN


def totp_code(authenticator: Authenticator, *, at: float) -> str:
    """The code allauth accepts for this TOTP authenticator at time `at` (seconds since the epoch)."""
    secret = decrypt(authenticator.data["secret"])
    code: str = format_hotp_value(hotp_value(secret, int(at) // app_settings.TOTP_PERIOD))
    return code


class Command(BaseCommand):
    help = (
        f"Print the current two-factor (TOTP) code of each demo staff login (@{DEMO_DOMAIN}), or of the "
        "demo logins named, and the seconds it has left. Runs only with DJANGO_DEBUG=true and only for demo "
        "logins: a command that hands out second factors must never work on a live service."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("emails", nargs="*", metavar="EMAIL", help=f"Demo logins (@{DEMO_DOMAIN}); default all.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "demo_codes runs only with DJANGO_DEBUG=true: it hands out two-factor codes, "
                "which a live service must never do."
            )
        emails: list[str] = [email.strip().lower() for email in options["emails"]]
        strangers = [email for email in emails if not email.endswith(f"@{DEMO_DOMAIN}")]
        if strangers:
            raise CommandError(f"Only demo logins (@{DEMO_DOMAIN}) have their codes printed: {', '.join(strangers)}.")
        authenticators = Authenticator.objects.filter(
            type=Authenticator.Type.TOTP, user__email__iendswith=f"@{DEMO_DOMAIN}"
        ).select_related("user")
        if emails:
            authenticators = authenticators.filter(user__email__in=emails)
        found = list(authenticators.order_by("user_id"))  # the order the demo printed them
        missing = sorted(set(emails) - {a.user.email.lower() for a in found})
        if missing:
            raise CommandError(f"No demo login with two-factor set up: {', '.join(missing)}. Run `manage.py demo`.")
        if not found:
            raise CommandError("No demo staff login has two-factor set up yet. Run `manage.py demo` first.")
        now = time.time()
        period = app_settings.TOTP_PERIOD
        left = period - int(now) % period
        self.stdout.write(f"Two-factor codes now ({left} seconds left, then run this again):")
        width = max(len(a.user.email) for a in found)
        for authenticator in found:
            self.stdout.write(f"  {authenticator.user.email:<{width}}  {totp_code(authenticator, at=now)}")
