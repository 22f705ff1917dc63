"""The portfolio's part of a person's data: every kind of record, evidence with its
competencies, supervision entries with their emailed links and how those were delivered,
and the uploaded files. Erasing deletes them all and hands back the files to delete."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from nurture.core.outbox import deliveries_about
from nurture.core.personal_data import DataSubject, Erased, ExportFile, ExportSection, rows
from nurture.portfolios.models import (
    CPDEntry,
    EducationRecord,
    Evidence,
    ExperienceRecord,
    SupervisionEntry,
    SupervisionLink,
    SupervisionRequest,
    TrainingRecord,
)

# A supervision confirmation holds the supervisor's single-use link.
EMAILS_WITH_SECRETS = frozenset({"portfolios/email/supervision_confirm"})

OWNED: tuple[Any, ...] = (
    EducationRecord,
    TrainingRecord,
    ExperienceRecord,
    SupervisionEntry,
    SupervisionRequest,
    CPDEntry,
    Evidence,
)


def _file_path(kind: str, pk: int, original: str, stored: str) -> str:
    name = PurePosixPath(original or stored).name or "file"
    return f"files/{kind}/{pk}-{name}"


def personal_data_of(subject: DataSubject) -> list[ExportSection]:
    owner = subject.user
    stamps = ("id", "created_at", "updated_at")
    education = rows(
        EducationRecord.objects.owned_by(owner), *stamps, "level", "qualification", "institution", "awarded_on"
    )
    trainings = list(TrainingRecord.objects.owned_by(owner))
    training = rows(
        trainings,
        *stamps,
        "title",
        "provider",
        "hours",
        "completed_on",
        "relationship_based",
        "certificate_name",
        "certificate_type",
    )
    training_files = [
        ExportFile(_file_path("training", t.pk, t.certificate_name, t.certificate.name), t.certificate)
        for t in trainings
        if t.certificate
    ]
    for row, record in zip(training, trainings, strict=True):
        row["file_in_this_download"] = _file_path(
            "training", record.pk, record.certificate_name, record.certificate.name
        )
        if not record.certificate:
            row["file_in_this_download"] = ""
    experience = rows(
        ExperienceRecord.objects.owned_by(owner),
        *stamps,
        "role_title",
        "employer",
        "setting",
        "started_on",
        "ended_on",
        "paid",
        "families_served",
    )
    entries = list(SupervisionEntry.objects.owned_by(owner))
    delivered = deliveries_about(list(SupervisionRequest.objects.owned_by(owner)))
    links = SupervisionLink.objects.filter(request__owner=owner).order_by("created_at")
    supervision = rows(
        entries,
        *stamps,
        "session_on",
        "supervisor_name",
        "supervisor_email",
        "hours",
        "kind",
        "notes",
        "status",
        "confirmed_at",
    )
    for row, entry in zip(supervision, entries, strict=True):
        delivery = delivered.get(entry.request_id)
        row["latest_link_email"] = {"state": delivery.label, "detail": delivery.detail} if delivery else None
        row["links"] = rows(
            [link for link in links if entry.request_id and link.request_id == entry.request_id],
            "sent_to",
            "created_at",
            "expires_at",
            "used_at",
            "revoked_at",
        )
    cpd = rows(CPDEntry.objects.owned_by(owner), *stamps, "activity", "done_on", "hours", "reflection")
    items = list(Evidence.objects.owned_by(owner).prefetch_related("competencies"))
    evidence = rows(
        items, *stamps, "title", "kind", "text", "file_name", "file_type", "findings", "findings_reviewed_at"
    )
    for row, item in zip(evidence, items, strict=True):
        row["competencies"] = sorted(c.code for c in item.competencies.all())
        row["file_in_this_download"] = _file_path("evidence", item.pk, item.file_name, item.file.name)
        if not item.file:
            row["file_in_this_download"] = ""
    evidence_files = [
        ExportFile(_file_path("evidence", e.pk, e.file_name, e.file.name), e.file) for e in items if e.file
    ]
    return [
        ExportSection("portfolio/education", "Your education records.", education),
        ExportSection(
            "portfolio/training", "Your training; certificates in files/training/.", training, training_files
        ),
        ExportSection("portfolio/experience", "Your work experience.", experience),
        ExportSection("portfolio/supervision", "Supervision entries, their emailed links and delivery.", supervision),
        ExportSection("portfolio/cpd", "Your CPD log.", cpd),
        ExportSection(
            "portfolio/evidence", "Evidence and its competencies; files in files/evidence/.", evidence, evidence_files
        ),
    ]


def personal_data_erase(subject: DataSubject) -> Erased:
    erased = Erased()
    owner = subject.user
    erased.add_files(t.certificate for t in TrainingRecord.objects.owned_by(owner).exclude(certificate=""))
    erased.add_files(e.file for e in Evidence.objects.owned_by(owner).exclude(file=""))
    for model in OWNED:
        erased.counts[str(model._meta.model_name)] = model.objects.owned_by(owner).delete()[1].get(model._meta.label, 0)
    return erased
