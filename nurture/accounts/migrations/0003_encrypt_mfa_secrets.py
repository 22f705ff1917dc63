"""Encrypt the TOTP secrets and recovery-code seeds stored before they were encrypted.

Values that are already Fernet tokens are left alone, so running it twice is safe.
Going back decrypts them again.
"""

from typing import Any

from django.db import migrations

from nurture.accounts.mfa_secrets import authenticator_data_convert, decrypt_if_encrypted, encrypt_if_plain


def _convert(apps: Any, convert: Any) -> None:
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=["totp", "recovery_codes"]).iterator():
        data = authenticator_data_convert(authenticator.type, authenticator.data, convert)
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


def encrypt_plain_secrets(apps: Any, schema_editor: Any) -> None:
    _convert(apps, encrypt_if_plain)


def decrypt_secrets(apps: Any, schema_editor: Any) -> None:
    _convert(apps, decrypt_if_encrypted)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_organisation_user_organisation"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_plain_secrets, decrypt_secrets)]
