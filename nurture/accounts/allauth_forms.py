"""django-allauth's own forms, each refusing control characters like every other form,
and in the site's words: sentence case, no placeholders standing in for labels.

settings.ACCOUNT_FORMS and MFA_FORMS name them. Sign-up's own fields come from
`forms.SignupForm`, which allauth's sign-up form extends. They live apart from
`forms.py` because allauth's forms module imports `forms.SignupForm` as it loads.
"""

from __future__ import annotations

from typing import Any, ClassVar

from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_base_forms
from allauth.mfa.recovery_codes import forms as recovery_code_forms
from allauth.mfa.totp import forms as totp_forms
from django import forms
from django.urls import reverse
from django.utils.html import format_html

from nurture.core.forms import PlainTextMixin

# What the password validators (settings.AUTH_PASSWORD_VALIDATORS) ask, said once before
# typing instead of as Django's list of five rules.
STRENGTH_HINT = (
    "At least 12 characters. Three or four words you will remember work well. We refuse a common "
    "password, one of only numbers, and one like your name or email address."
)


class OurWords(forms.Form):
    """Labels and hints in the site's voice. allauth's placeholders repeat the label in
    grey inside the box, where they vanish as one types: they go."""

    labels: ClassVar[dict[str, str]] = {}
    hints: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in self.labels:
                field.label = self.labels[name]
            if name in self.hints:
                field.help_text = self.hints[name]


class LoginForm(OurWords, PlainTextMixin, account_forms.LoginForm):
    labels: ClassVar[dict[str, str]] = {"login": "Email address", "remember": "Keep me signed in on this device"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = format_html(
            '<a href="{}">Forgotten your password?</a>', reverse("account_reset_password")
        )


class SignupForm(OurWords, account_forms.SignupForm):
    labels: ClassVar[dict[str, str]] = {
        "email": "Email address",
        "password1": "Create a password",
        "password2": "Type the password again",
    }
    hints: ClassVar[dict[str, str]] = {
        "email": "You sign in with it, and we send your confirmation link to it.",
        "password1": STRENGTH_HINT,
    }


class AddEmailForm(OurWords, PlainTextMixin, account_forms.AddEmailForm):
    labels: ClassVar[dict[str, str]] = {"email": "Email address"}


class ChangePasswordForm(OurWords, PlainTextMixin, account_forms.ChangePasswordForm):
    labels: ClassVar[dict[str, str]] = {
        "oldpassword": "Current password",
        "password1": "New password",
        "password2": "Type the new password again",
    }
    hints: ClassVar[dict[str, str]] = {"password1": STRENGTH_HINT}


class SetPasswordForm(OurWords, PlainTextMixin, account_forms.SetPasswordForm):
    labels: ClassVar[dict[str, str]] = {"password1": "Create a password", "password2": "Type the password again"}
    hints: ClassVar[dict[str, str]] = {"password1": STRENGTH_HINT}


class ResetPasswordForm(OurWords, PlainTextMixin, account_forms.ResetPasswordForm):
    labels: ClassVar[dict[str, str]] = {"email": "Email address"}


class ResetPasswordKeyForm(OurWords, PlainTextMixin, account_forms.ResetPasswordKeyForm):
    labels: ClassVar[dict[str, str]] = {"password1": "New password", "password2": "Type the new password again"}
    hints: ClassVar[dict[str, str]] = {"password1": STRENGTH_HINT}


class ReauthenticateForm(OurWords, PlainTextMixin, account_forms.ReauthenticateForm):
    pass


class ConfirmLoginCodeForm(PlainTextMixin, account_forms.ConfirmLoginCodeForm):
    pass


class ConfirmReauthenticationCodeForm(PlainTextMixin, account_forms.ConfirmReauthenticationCodeForm):
    pass


class RequestLoginCodeForm(PlainTextMixin, account_forms.RequestLoginCodeForm):
    pass


class MFAAuthenticateForm(OurWords, PlainTextMixin, mfa_base_forms.AuthenticateForm):
    labels: ClassVar[dict[str, str]] = {"code": "Code"}
    hints: ClassVar[dict[str, str]] = {
        "code": "The 6 digits your authenticator app shows for Nurture, or one of your recovery codes.",
    }


class MFAReauthenticateForm(OurWords, PlainTextMixin, mfa_base_forms.ReauthenticateForm):
    labels: ClassVar[dict[str, str]] = {"code": "Code"}
    hints: ClassVar[dict[str, str]] = {"code": "The 6 digits your authenticator app shows for Nurture."}


class ActivateTOTPForm(OurWords, PlainTextMixin, totp_forms.ActivateTOTPForm):
    labels: ClassVar[dict[str, str]] = {"code": "Code from your authenticator app"}
    hints: ClassVar[dict[str, str]] = {"code": "6 digits, for example 123456."}


class DeactivateTOTPForm(PlainTextMixin, totp_forms.DeactivateTOTPForm):
    pass


class GenerateRecoveryCodesForm(PlainTextMixin, recovery_code_forms.GenerateRecoveryCodesForm):
    pass
