"""`manage.py mfa_secrets_rotate`: encrypt every stored second-factor secret again
under the first key of NURTURE_MFA_KEYS, so an older key can then be dropped.

Safe to run at any time and twice; a secret still stored in plain text is encrypted.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import transaction

from nurture.accounts.mfa_secrets import authenticator_data_convert, encrypt_if_plain, secret_rotate


def _rotate(value: str) -> str:
    return secret_rotate(encrypt_if_plain(value))


class Command(BaseCommand):
    help = "Encrypt every TOTP secret and recovery-code seed again under the first key of NURTURE_MFA_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        with transaction.atomic():
            for authenticator in Authenticator.objects.select_for_update().order_by("pk"):
                authenticator.data = authenticator_data_convert(authenticator.type, authenticator.data, _rotate)
                authenticator.save(update_fields=["data"])
                count += 1
        self.stdout.write(f"{count} two-factor authenticators now use the first key of NURTURE_MFA_KEYS.")
