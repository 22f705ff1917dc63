"""The accounts app's part of a person's data: the account, its addresses, its second factors.

Erasing deletes the addresses and authenticators here; `services.person_erase` deletes
the account row itself once every app has erased its part.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from nurture.core.personal_data import ERASED_LABEL, DataSubject, Erased, ExportSection, rows

# allauth's emails that carry a single-use link or code: listed in the download without their body.
EMAILS_WITH_SECRETS = frozenset(
    {
        "account/email/password_reset_key",
        "account/email/password_reset_code",
        "account/email/email_confirmation",
        "account/email/email_confirmation_signup",
        "account/email/email_confirm",
        "account/email/login_code",
        "account/email/reauthentication_code",
    }
)


def personal_data_of(subject: DataSubject) -> list[ExportSection]:
    user = subject.user
    account = {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "role": user.get_role_display(),
        "profession": user.get_profession_display() if user.profession else "",
        "region": user.get_region_display() if user.region else "",
        "employer": user.employer,
        "organisation": user.organisation.name if user.organisation_id else "",
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_active": user.is_active,
    }
    addresses = rows(EmailAddress.objects.filter(user=user).order_by("email"), "email", "verified", "primary")
    # The type and dates of each second factor; never its secret.
    factors = rows(Authenticator.objects.filter(user=user).order_by("created_at"), "type", "created_at", "last_used_at")
    return [
        ExportSection("account", "Your account and profile.", [account]),
        ExportSection("email_addresses", "The email addresses on your account.", addresses),
        ExportSection("two_factor", "Your two-factor methods: their kind and dates, not their secrets.", factors),
    ]


def personal_data_erase(subject: DataSubject) -> Erased:
    # The Django admin's own log names the person in each change made to their account.
    admin_log = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(subject.user), object_id=str(subject.user.pk)
    )
    return Erased(
        counts={
            "email_addresses": EmailAddress.objects.filter(user=subject.user).delete()[0],
            "authenticators": Authenticator.objects.filter(user=subject.user).delete()[0],
            "admin_log_names_blanked": admin_log.update(object_repr=ERASED_LABEL, change_message=""),
        }
    )
