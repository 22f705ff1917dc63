"""Staff second factors, encrypted at rest.

django-allauth stores each TOTP secret and each recovery-code seed in
`mfa.Authenticator.data`, and passes them through the MFA adapter's `encrypt()` and
`decrypt()` (see `adapter.MFAAdapter`). Here they become Fernet tokens (AES-128-CBC
with an HMAC) under the keys in `NURTURE_MFA_KEYS`: the first key encrypts, every key
decrypts, so a key is rotated by putting a new one first, running
`manage.py mfa_secrets_rotate`, then dropping the old one (docs/operations.md).

A Fernet token always starts with "gAAAAA" (its version byte, 0x80, then the time),
which no plain secret allauth makes can: TOTP secrets are upper-case base32 and seeds
are lower-case hex. So `is_encrypted` tells the two apart without any key, and the data
migration that encrypts existing secrets can run twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TOKEN_START = "gAAAAA"  # noqa: S105 - the start of every Fernet token, not a secret


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.NURTURE_MFA_KEYS])


def is_encrypted(value: str) -> bool:
    return value.startswith(TOKEN_START)


def secret_encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def secret_decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "A stored two-factor secret cannot be decrypted with any key in NURTURE_MFA_KEYS: "
            "the key that encrypted it is missing"
        ) from None


def secret_rotate(token: str) -> str:
    """The same secret, encrypted again under the first key."""
    return _fernet().rotate(token.encode()).decode()


# The secrets inside an Authenticator's `data`, by its type: TOTP keeps "secret";
# recovery codes keep "seed", and "migrated_codes" when brought over from django-allauth-2fa.
_SECRET_FIELDS = {"totp": ("secret",), "recovery_codes": ("seed",)}
_SECRET_LISTS = {"recovery_codes": ("migrated_codes",)}


def authenticator_data_convert(kind: str, data: dict[str, Any], convert: Callable[[str], str]) -> dict[str, Any]:
    """`data` with each of its secrets passed through `convert` (str -> str)."""
    changed = dict(data)
    for field in _SECRET_FIELDS.get(kind, ()):
        if isinstance(changed.get(field), str):
            changed[field] = convert(changed[field])
    for field in _SECRET_LISTS.get(kind, ()):
        if isinstance(changed.get(field), list):
            changed[field] = [convert(item) for item in changed[field]]
    return changed


def encrypt_if_plain(value: str) -> str:
    return value if is_encrypted(value) else secret_encrypt(value)


def decrypt_if_encrypted(value: str) -> str:
    return secret_decrypt(value) if is_encrypted(value) else value
