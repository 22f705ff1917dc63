"""The tokens that emailed links carry, so that a link proves who it was sent to.

Two kinds, each written once here:

- A signed token carries a row's primary key, signed with the secret key and a salt
  that says what the link is for (`"campaigns.pledge.confirm"`), so a token made for
  one purpose is refused for another. It needs no database row; `max_age` (seconds)
  makes it expire. `signed_token` makes one, `pk_from_signed_token` reads it back.
- A random token (`secrets.token_urlsafe`) is kept only as its `token_digest`, so that
  a copy of the database cannot be used to follow anyone's link; the link is found by
  the digest of the token it brings.
"""

from __future__ import annotations

import hashlib

from django.core import signing

MAX_SIGNED_TOKEN = 200
"""A signed primary key is far shorter; anything longer is cut before it is checked."""


def signed_token(pk: int, *, salt: str) -> str:
    return signing.dumps(pk, salt=salt)


def pk_from_signed_token(token: str, *, salt: str, max_age: int | None = None) -> int | None:
    """The primary key a token made by `signed_token` with this salt carries, or None
    if it was not signed so (changed, another salt, another key) or is older than `max_age` seconds."""
    try:
        pk = signing.loads(token[:MAX_SIGNED_TOKEN], salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    return pk if isinstance(pk, int) else None


def token_digest(token: str) -> str:
    """What the database keeps of a random link token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()
