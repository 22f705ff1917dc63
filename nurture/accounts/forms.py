from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest

from nurture.accounts.models import Profession, Region, User
from nurture.accounts.roles import Role
from nurture.core.csv_export import validate_exported_name
from nurture.core.forms import PlainTextMixin


class SignupForm(PlainTextMixin, forms.Form):
    """Extra fields on allauth's sign-up form: who the practitioner is."""

    full_name = forms.CharField(max_length=150, label="Full name", validators=[validate_exported_name])
    profession = forms.ChoiceField(choices=[("", "Choose your profession"), *Profession.choices])
    region = forms.ChoiceField(choices=[("", "Choose where you work"), *Region.choices])

    field_order = ["full_name", "email", "profession", "region", "password1", "password2"]

    def signup(self, request: HttpRequest, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"].strip()
        user.profession = self.cleaned_data["profession"]
        user.region = self.cleaned_data["region"]
        user.role = Role.PRACTITIONER
        user.save()


class ProfileForm(PlainTextMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = ["full_name", "profession", "region", "employer"]


class RoleForm(PlainTextMixin, forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    reason = forms.CharField(max_length=500, help_text="Recorded in the audit log.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class ErasureConfirmForm(PlainTextMixin, forms.Form):
    """Deleting an account cannot be undone: the person types their email address to confirm."""

    email = forms.CharField(
        max_length=254,
        label="Type your email address to confirm",
        help_text="The address you sign in with.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, person: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_email(self) -> str:
        typed = str(self.cleaned_data["email"]).strip()
        if typed.lower() != self.person.email.lower():
            raise forms.ValidationError("This is not the address you sign in with. Type it exactly to confirm.")
        return typed
