"""Awareness Week's part of a person's data: pledge signatures made with their address.

Erasing anonymises those signatures the way the daily job does after a campaign (name,
organisation, address and network blanked; status, profession and region kept), so the
public counts stay true and nothing in them names the person.
"""

from __future__ import annotations

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from nurture.campaigns.models import PledgeSignature
from nurture.core.personal_data import DataSubject, Erased, ExportSection, rows


def personal_data_of(subject: DataSubject) -> list[ExportSection]:
    signatures = list(
        PledgeSignature.objects.filter(canonical_email__in=subject.canonical_emails).select_related("campaign")
    )
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
    changed = PledgeSignature.objects.filter(
        canonical_email__in=subject.canonical_emails, anonymised_at__isnull=True
    ).update(
        name="",
        organisation="",
        email="",
        canonical_email=Concat(Value("anonymised-"), Cast("id", output_field=CharField())),
        show_name=False,
        address=None,
        network="",
        anonymised_at=timezone.now(),
    )
    return Erased(counts={"pledge_signatures_anonymised": changed})
