"""Each person's data: what every app holds about them, to download or to erase.

Core imports no domain app, so each app brings its own part. An app that holds
personal data names a module in its `AppConfig` (a `NurtureAppConfig`: `personal_data = "nurture.x.personal_data"`)
with two functions:

- `personal_data_of(subject) -> list[ExportSection]`: its records about the person, as
  JSON-ready rows, and the stored files that go with them;
- `personal_data_erase(subject) -> Erased`: deletes or blanks them inside the caller's
  transaction, and returns how many of each and the files to delete once it commits;
- optionally `EMAILS_WITH_SECRETS`: the purposes (templates) of its emails that carry a
  single-use link or code; the download lists those emails without their body.

The subject's addresses are the account's own and those it has verified, never an
address merely added: anyone can add any address, and it would otherwise bring another
person's emails (a live password-reset link among them) into the download, or their
records into the erasure. Records are matched on the address exactly (case aside), never
on its canonical form (`core.addresses`): whether `jo+x@` or `j.o@` reaches the same
mailbox as `jo@` is the provider's choice, and when it does not, the canonical form is
someone else's mailbox. `DataSubject.addressed` builds that match.

`personal_data_zip` puts every app's sections in one zip (a JSON file per kind of record,
files under `files/`), written to a spooled temporary file so large uploads are copied
in chunks, not held in memory. `personal_data_erase_all` runs every app's eraser; the
accounts app's `person_erase` calls it and then deletes the account itself.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import import_module
from typing import IO, Any

from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.files.storage import Storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Cast
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from nurture.core.addresses import email_canonical
from nurture.core.apps import NurtureAppConfig
from nurture.core.models import AuditEntry, OutboundEmail

# Whole files go into the zip in chunks; the zip itself stays in memory up to this size.
SPOOL_BYTES = 8 * 1024 * 1024
ERASED_LABEL = "erased person"


@dataclass(frozen=True)
class DataSubject:
    """The person whose data it is: their account, its own address and the addresses it
    has verified (never one merely added), and their name."""

    user: Any
    emails: tuple[str, ...]
    full_name: str

    @property
    def canonical_emails(self) -> frozenset[str]:
        return frozenset(email_canonical(email) for email in self.emails)

    @property
    def lowered_emails(self) -> frozenset[str]:
        return frozenset(email.lower() for email in self.emails)

    def addressed(self, field_name: str) -> models.Q:
        """Rows whose `field_name` is one of the person's addresses, exactly but for case."""
        found = models.Q(pk__in=[])
        for email in self.lowered_emails:
            found |= models.Q(**{f"{field_name}__iexact": email})
        return found


@dataclass(frozen=True)
class ExportFile:
    path: str  # inside the zip, under files/
    file: FieldFile


@dataclass(frozen=True)
class ExportSection:
    """One kind of record: becomes `<name>.json` in the zip."""

    name: str
    about: str
    records: list[dict[str, Any]]
    files: list[ExportFile] = field(default_factory=list)


@dataclass
class Erased:
    """What one app erased: counts by kind, and stored files to delete after the commit."""

    counts: dict[str, int] = field(default_factory=dict)
    files: list[tuple[Storage, str]] = field(default_factory=list)

    def add_files(self, files: Iterable[FieldFile]) -> None:
        self.files.extend((file.storage, file.name) for file in files if file and file.name)


@dataclass(frozen=True)
class Provider:
    app_label: str
    personal_data_of: Callable[[DataSubject], list[ExportSection]]
    personal_data_erase: Callable[[DataSubject], Erased]
    emails_with_secrets: frozenset[str] = frozenset()


def providers() -> list[Provider]:
    """Every installed app that holds personal data, in INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        if isinstance(config, NurtureAppConfig) and config.personal_data:
            module = import_module(config.personal_data)
            withheld = frozenset(getattr(module, "EMAILS_WITH_SECRETS", ()))
            found.append(Provider(config.label, module.personal_data_of, module.personal_data_erase, withheld))
    return found


def rows(queryset: Iterable[models.Model], *fields: str) -> list[dict[str, Any]]:
    """Plain field values of each row, with choices written as their labels."""
    out = []
    for obj in queryset:
        row: dict[str, Any] = {}
        for name in fields:
            value = getattr(obj, name)
            display = getattr(obj, f"get_{name}_display", None)
            row[name] = display() if display is not None and value else value
            if isinstance(value, FieldFile):
                row[name] = value.name or ""
        out.append(row)
    return out


# The zip ------------------------------------------------------------------------------


def _json(value: Any) -> bytes:
    return json.dumps(value, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode()


def personal_data_sections(subject: DataSubject) -> list[ExportSection]:
    return [section for provider in providers() for section in provider.personal_data_of(subject)]


def personal_data_zip(subject: DataSubject, *, now: datetime | None = None) -> IO[bytes]:
    """The zip of everything, rewound and ready to stream; the caller closes it."""
    now = now or timezone.now()
    sections = personal_data_sections(subject)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - returned open, closed by the response
    missing: list[str] = []
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for section in sections:
            archive.writestr(f"{section.name}.json", _json(section.records))
            for item in section.files:
                try:
                    with (
                        item.file.storage.open(str(item.file.name), "rb") as source,
                        archive.open(item.path, "w") as target,
                    ):
                        shutil.copyfileobj(source, target, 1024 * 1024)
                except FileNotFoundError:
                    missing.append(item.path)
        contents = {
            "made_at": now,
            "person": {"id": subject.user.pk, "email": subject.user.email},
            "sections": [
                {"file": f"{s.name}.json", "about": s.about, "records": len(s.records), "files": len(s.files)}
                for s in sections
            ],
            "files_missing_from_storage": missing,
        }
        archive.writestr("contents.json", _json(contents))
    spool.seek(0)
    return spool


# Erasure ------------------------------------------------------------------------------


def personal_data_erase_all(subject: DataSubject) -> Erased:
    """Every app's eraser, in one transaction (the caller's); files are left to the caller."""
    total = Erased()
    with transaction.atomic():
        for provider in providers():
            part = provider.personal_data_erase(subject)
            total.counts.update({f"{provider.app_label}.{kind}": n for kind, n in part.counts.items()})
            total.files.extend(part.files)
    return total


def stored_files_delete(files: list[tuple[Storage, str]]) -> None:
    """Delete stored files once the transaction that deleted their rows commits."""

    def delete() -> None:
        for storage, name in files:
            storage.delete(name)  # a file already gone is no error

    transaction.on_commit(delete)


# Core's own part: audit entries, emails, sessions, background task results ------------


def _to_subject(subject: DataSubject) -> models.Q:
    """Emails to one of the person's addresses, exactly (the canonical key only narrows
    the search through its index: `jo+x@` has the same key as `jo@` but is not `jo@`)."""
    return models.Q(recipient_key__in=subject.canonical_emails) & subject.addressed("to")


WITHHELD = "Not included: it held a single-use link or code (a password reset, a confirmation)."


def _audit_about(subject: DataSubject) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        models.Q(actor=subject.user)
        | models.Q(target_type=subject.user._meta.label_lower, target_id=str(subject.user.pk))
    )


def personal_data_of(subject: DataSubject) -> list[ExportSection]:
    audit = [
        {
            "at": entry.at,
            "action": entry.action,
            "by": "you" if entry.actor_id == subject.user.pk else ("staff" if entry.actor_id else entry.actor_label),
            "target_type": entry.target_type,
            "target_id": entry.target_id,
            "reason": entry.reason,
            "data": entry.data,
        }
        for entry in _audit_about(subject).order_by("at", "pk")
    ]
    # An email that carries a single-use link or code is listed without its body: a
    # download passed on or left in a folder must not hand over a way into the account.
    secret = frozenset().union(*(provider.emails_with_secrets for provider in providers()))
    emails = rows(
        OutboundEmail.objects.filter(_to_subject(subject)).order_by("created_at", "pk"),
        "created_at",
        "to",
        "subject",
        "body_text",
        "purpose",
        "state",
        "sent_at",
    )
    for email in emails:
        if email["purpose"] in secret:
            email["body_text"] = WITHHELD
    return [
        ExportSection("audit_log", "What you did, and what was done to your account, from the audit log.", audit),
        ExportSection("emails_to_you", "Emails the site sent, or tried to send, to your addresses.", emails),
    ]


def _text_holds(field_name: str, needles: Iterable[str]) -> models.Q:
    """A JSON or text column that holds any of `needles`, written plainly or JSON-escaped."""
    found = models.Q()
    for needle in needles:
        for form in {needle, json.dumps(needle)[1:-1]}:
            found |= models.Q(**{f"{field_name}__icontains": form})
    return found


def personal_data_erase(subject: DataSubject) -> Erased:
    erased = Erased()
    # Emails to them: the body and their address go; the row stays so the limits and the
    # staff outbox page still count a message was sent.
    erased.counts["emails_to_them_blanked"] = OutboundEmail.objects.filter(_to_subject(subject)).update(
        to="", recipient_key=ERASED_LABEL, subject="(erased)", body_text="", body_html=""
    )
    # Emails they made the site send (to a supervisor, a referee) quote their name, in the
    # subject too ("Reference request for …"); the address is the other person's and stays.
    erased.counts["emails_they_caused_blanked"] = OutboundEmail.objects.filter(
        sender_key=f"user:{subject.user.pk}"
    ).update(subject="(erased)", body_text="", body_html="")
    # Labels name someone without an account by role and address ("referee jo@example.org"):
    # the address must be the whole last word, or `hughes@…` would blank `ben.hughes@…`.
    labels = models.Q(pk__in=[])
    for email in subject.lowered_emails:
        labels |= models.Q(actor_label__iexact=email) | models.Q(actor_label__iendswith=f" {email}")
    erased.counts["audit_labels_blanked"] = AuditEntry.objects.filter(labels).update(actor_label=ERASED_LABEL)
    erased.counts["sessions"] = _sessions_delete(subject.user.pk)
    needles = [*subject.emails, *([subject.full_name] if len(subject.full_name) >= 4 else [])]
    holding = (
        _text_holds("args_text", needles) | _text_holds("return_text", needles) | _text_holds("traceback", needles)
    )
    results = DBTaskResult.objects.annotate(
        args_text=Cast("args_kwargs", models.TextField()), return_text=Cast("return_value", models.TextField())
    ).filter(holding)
    erased.counts["task_results"] = DBTaskResult.objects.filter(pk__in=results.values("pk")).delete()[0]
    return erased


def _sessions_delete(user_id: int) -> int:
    """The person's signed-in sessions, wherever they are (the session store is the database)."""
    doomed = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id)
    ]
    return Session.objects.filter(pk__in=doomed).delete()[0]
