"""A password's longest length, as one of Django's password validators.

No one types more than a few hundred characters as a password; a megabyte of one
would only make every form that takes it (sign-up, change, reset) do needless work.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from nurture.accounts.models import User


class MaximumLengthValidator:
    def __init__(self, max_length: int = 1024) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: User | None = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"This password is too long: use at most {self.max_length:,} characters.",
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return f"Your password can be at most {self.max_length:,} characters long."
