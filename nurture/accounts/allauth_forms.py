"""django-allauth's own forms, each refusing control characters like every other form.

settings.ACCOUNT_FORMS and MFA_FORMS name them. Sign-up is covered by
`forms.SignupForm`, which allauth's sign-up form extends. They live apart from
`forms.py` because allauth's forms module imports `forms.SignupForm` as it loads.
"""

from __future__ import annotations

from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_base_forms
from allauth.mfa.recovery_codes import forms as recovery_code_forms
from allauth.mfa.totp import forms as totp_forms

from nurture.core.forms import PlainTextMixin


class LoginForm(PlainTextMixin, account_forms.LoginForm):
    pass


class AddEmailForm(PlainTextMixin, account_forms.AddEmailForm):
    pass


class ChangePasswordForm(PlainTextMixin, account_forms.ChangePasswordForm):
    pass


class SetPasswordForm(PlainTextMixin, account_forms.SetPasswordForm):
    pass


class ResetPasswordForm(PlainTextMixin, account_forms.ResetPasswordForm):
    pass


class ResetPasswordKeyForm(PlainTextMixin, account_forms.ResetPasswordKeyForm):
    pass


class ReauthenticateForm(PlainTextMixin, account_forms.ReauthenticateForm):
    pass


class ConfirmLoginCodeForm(PlainTextMixin, account_forms.ConfirmLoginCodeForm):
    pass


class ConfirmReauthenticationCodeForm(PlainTextMixin, account_forms.ConfirmReauthenticationCodeForm):
    pass


class RequestLoginCodeForm(PlainTextMixin, account_forms.RequestLoginCodeForm):
    pass


class MFAAuthenticateForm(PlainTextMixin, mfa_base_forms.AuthenticateForm):
    pass


class MFAReauthenticateForm(PlainTextMixin, mfa_base_forms.ReauthenticateForm):
    pass


class ActivateTOTPForm(PlainTextMixin, totp_forms.ActivateTOTPForm):
    pass


class DeactivateTOTPForm(PlainTextMixin, totp_forms.DeactivateTOTPForm):
    pass


class GenerateRecoveryCodesForm(PlainTextMixin, recovery_code_forms.GenerateRecoveryCodesForm):
    pass
