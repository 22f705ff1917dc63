"""Awareness Week's part of a person's data: pledge signatures made with their address.

Erasing anonymises those signatures the way the daily job does after a campaign (name,
organisation, address and network blanked; status, profession and region kept), so the
public counts stay true and nothing in them names the person.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from nurture.campaigns.models import PledgeSignature
from nurture.campaigns.services import signatures_anonymise
from nurture.core.personal_data import DataSubject, Erased, ExportSection, rows

# The pledge's confirmation email holds its confirm and withdraw links.
EMAILS_WITH_SECRETS = frozenset({"campaigns/email/pledge_confirm"})


def _signed_by(subject: DataSubject) -> QuerySet[PledgeSignature]:
    """Signatures made with one of the person's addresses exactly (the canonical key, which
    makes one signature per mailbox, only narrows the search)."""
    return PledgeSignature.objects.filter(canonical_email__in=subject.canonical_emails).filter(
        subject.addressed("email")
    )


def personal_data_of(subject: DataSubject) -> list[ExportSection]:
    signatures = list(_signed_by(subject).select_related("campaign"))
    records = rows(
        signatures,
        "status",
        "name",
        "profession",
        "organisation",
        "region",
        "email",
        "show_name",
        "created_at",
        "confirmed_at",
        "withdrawn_at",
    )
    for row, signature in zip(records, signatures, strict=True):
        row["campaign"] = signature.campaign.year
    return [ExportSection("awareness_week/pledge_signatures", "Pledges signed with your email address.", records)]


def personal_data_erase(subject: DataSubject) -> Erased:
    changed = signatures_anonymise(signatures=_signed_by(subject), now=timezone.now())
    return Erased(counts={"pledge_signatures_anonymised": changed})
