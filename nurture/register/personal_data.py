"""The Register's part of a person's data: their entries and renewals, and the alert
subscriptions made with their email address.

Erasing keeps what the Register must keep: each entry stays as the public sees it (name,
number, level, status, dates, and the profession, region or employer the person chose to
show), so an employer can still verify it; `services.register_entries_unlink` does that
write (what the entry held but did not show is blanked, and the entry's history gets
`register.entry.account_erased`, which the registrar's page shows).
Renewals (dates and declared hours) stay with the entry: they explain its dates.
Subscriptions made with the person's address are deleted.
"""

from __future__ import annotations

from nurture.core.personal_data import DataSubject, Erased, ExportSection, rows
from nurture.register.models import RegisterEntry, Renewal, Subscription
from nurture.register.selectors import PUBLIC_COLUMNS
from nurture.register.services import register_entries_unlink

# Confirming an alert, and each alert, carry links that confirm or cancel the subscription.
EMAILS_WITH_SECRETS = frozenset({"register/email/subscription_confirm", "register/email/status_changed"})


def personal_data_of(subject: DataSubject) -> list[ExportSection]:
    entries = list(RegisterEntry.objects.filter(practitioner=subject.user).order_by("number"))
    # What the public sees, and the reason for the status, which is the person's own.
    entry_rows = rows(entries, *PUBLIC_COLUMNS, "status_reason")
    renewals = list(Renewal.objects.filter(entry__in=entries).select_related("entry").order_by("submitted_at"))
    renewal_rows = rows(
        renewals,
        "submitted_at",
        "submitted_on",
        "cpd_hours",
        "supervision_hours",
        "ethics_agreed",
        "previous_due_on",
        "new_due_on",
        "late",
    )
    for row, renewal in zip(renewal_rows, renewals, strict=True):
        row["number"] = renewal.entry.number
    subscriptions = list(Subscription.objects.filter(subject.addressed("email")).prefetch_related("entries"))
    subscription_rows = rows(subscriptions, "email", "created_at", "confirmed_at", "unsubscribed_at")
    for row, subscription in zip(subscription_rows, subscriptions, strict=True):
        row["entries"] = sorted(entry.number for entry in subscription.entries.all())
    return [
        ExportSection("register/entries", "Your Register entries, and which optional details you show.", entry_rows),
        ExportSection("register/renewals", "Your yearly renewals.", renewal_rows),
        ExportSection(
            "register/alert_subscriptions",
            "Requests made with your email address to be told when Register entries change.",
            subscription_rows,
        ),
    ]


def personal_data_erase(subject: DataSubject) -> Erased:
    erased = Erased()
    erased.counts["entries_kept"] = len(register_entries_unlink(practitioner=subject.user))
    erased.counts["alert_subscriptions"] = (
        Subscription.objects.filter(subject.addressed("email")).delete()[1].get(Subscription._meta.label, 0)
    )
    return erased
