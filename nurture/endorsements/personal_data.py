"""The endorsement part of a person's data: their applications with their states, history,
snapshot and files, and the references they asked for.

What is not exported, and why: the referees' ratings and comments, and the assessors'
reviews, scores and moderation notes. Referees and assessors give them to the association
in confidence, to make the decision; the practitioner gets the decision, its reasons and
any required actions, which are exported (UK GDPR lets confidential references be withheld,
DPA 2018 Schedule 2 paragraph 24). Who referees were and how each request went are theirs.

Erasing deletes the applications (their snapshots and copied files with them) and any
conflict an assessor declared about the person's address. The Register entry an
endorsement made stands on its own (name, number, level, dates) and stays; the audit log
keeps who decided what and when, by ids.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from nurture.core.audit import audit_trail
from nurture.core.personal_data import DataSubject, Erased, ExportFile, ExportSection, rows
from nurture.endorsements.models import Application, ConflictDeclaration, ReferenceRequest, SnapshotFile

# A reference request holds the referee's single-use link.
EMAILS_WITH_SECRETS = frozenset({"endorsements/email/reference_request"})


def _file_path(item: SnapshotFile) -> str:
    name = PurePosixPath(item.name or item.file.name).name or "file"
    return f"files/applications/{item.application_id}/{item.pk}-{name}"


def personal_data_of(subject: DataSubject) -> list[ExportSection]:
    applications = list(Application.objects.owned_by(subject.user).select_related("level").order_by("created_at", "pk"))
    records = rows(
        applications,
        "id",
        "state",
        "round",
        "created_at",
        "submitted_at",
        "state_changed_at",
        "info_question",
        "info_answer",
        "decision_reason",
        "required_actions",
        "appeal_grounds",
        "appeal_reason",
        "snapshot",
    )
    files = list(SnapshotFile.objects.filter(application__in=applications))
    for row, application in zip(records, applications, strict=True):
        row["level"] = {"code": application.level.code, "name": application.level.name}
        row["history"] = [
            {"at": entry.at, "action": entry.action, "reason": entry.reason}
            for entry in audit_trail(application).order_by("at", "pk")
        ]
        row["files_in_this_download"] = [_file_path(f) for f in files if f.application_id == application.pk]
    references = rows(
        ReferenceRequest.objects.filter(application__in=applications).order_by("application_id", "pk"),
        "application_id",
        "referee_name",
        "referee_email",
        "referee_role",
        "created_at",
        "sent_at",
        "opened_at",
        "answered_at",
        "bounced_at",
        "replaced_at",
        "status",
    )
    return [
        ExportSection(
            "endorsement/applications",
            "Your applications: state, history, decision, portfolio snapshot; files in files/applications/.",
            records,
            [ExportFile(_file_path(f), f.file) for f in files],
        ),
        ExportSection(
            "endorsement/references_requested",
            "The references you asked for and how each request went (not the referees' confidential answers).",
            references,
        ),
    ]


def personal_data_erase(subject: DataSubject) -> Erased:
    erased = Erased()
    applications = Application.objects.owned_by(subject.user)
    erased.add_files(f.file for f in SnapshotFile.objects.filter(application__in=applications))
    erased.counts["applications"] = applications.delete()[1].get(Application._meta.label, 0)
    erased.counts["conflicts_naming_them"] = ConflictDeclaration.objects.filter(
        subject.addressed("practitioner_email")
    ).delete()[0]
    return erased
