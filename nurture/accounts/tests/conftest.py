"""A person with something of every kind Nurture keeps, for the export and erasure tests."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import client_for
from nurture.accounts.models import Organisation
from nurture.campaigns.models import Campaign, PledgeSignature
from nurture.core.addresses import email_canonical
from nurture.core.models import OutboundEmail
from nurture.core.outbox import message_record
from nurture.endorsements.models import Application, ConflictDeclaration, ReferenceRequest, SnapshotFile
from nurture.events.models import Event
from nurture.framework.models import Competency, Level
from nurture.framework.selectors import framework_current, level_for
from nurture.portfolios.models import (
    CPDEntry,
    EducationRecord,
    Evidence,
    ExperienceRecord,
    SupervisionEntry,
    TrainingRecord,
)
from nurture.portfolios.services import supervision_requests_make
from nurture.register.models import RegisterEntry, Renewal, Subscription
from nurture.register.services import register_entry_create

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Life:
    """Everything made for one person; `word` is in each of their texts and files."""

    person: Any
    word: str
    training: TrainingRecord
    evidence: Evidence
    supervision: SupervisionEntry
    application: Application
    snapshot_file: SnapshotFile
    entry: RegisterEntry
    signature: PledgeSignature
    subscription: Subscription
    event: Event
    task_result: DBTaskResult  # type: ignore[type-arg]

    @property
    def file_names(self) -> list[str]:
        return [self.training.certificate.name, self.evidence.file.name, self.snapshot_file.file.name]


def _campaign() -> Campaign:
    campaign, _ = Campaign.objects.get_or_create(
        year=2026,
        defaults={
            "slug": "2026",
            "name": "Infant Mental Health Awareness Week",
            "theme": "Understanding Early Trauma",
            "starts_on": date(2026, 6, 13),
            "ends_on": date(2026, 6, 19),
            "pledge_text": "I pledge to ask how the babies I meet are doing.",
        },
    )
    return campaign


def life_of(person: Any, word: str, capture: Any) -> Life:
    """A full portfolio, an endorsed application with its snapshot, a Register entry with a
    renewal, a pledge, an alert subscription, an event, emails, and a stored task result."""
    person.employer = f"{word} Family Hub"
    person.save()
    level: Level = level_for(framework_current(), "prevention")
    competency = Competency.objects.filter(domain__version__number=1).order_by("pk")[0]
    EducationRecord.objects.create(
        owner=person, level="degree", qualification=f"BSc {word}", institution="Leeds", awarded_on=date(2015, 7, 1)
    )
    training = TrainingRecord.objects.create(
        owner=person,
        title=f"Training {word}",
        provider="Anna Freud Centre",
        hours=Decimal(30),
        completed_on=date(2024, 3, 1),
        relationship_based=True,
        certificate_name=f"certificate-{word}.pdf",
        certificate_type="application/pdf",
    )
    training.certificate.save("c.pdf", ContentFile(PDF + f"certificate of {word}".encode()))
    ExperienceRecord.objects.create(
        owner=person, role_title=f"Health visitor {word}", employer="Leeds", started_on=date(2018, 9, 1)
    )
    CPDEntry.objects.create(owner=person, activity=f"CPD {word}", done_on=date(2025, 2, 1), hours=Decimal(6))
    evidence = Evidence.objects.create(
        owner=person, title=f"Evidence {word}", kind=Evidence.Kind.REFLECTIVE_ACCOUNT, text=f"A visit, {word}."
    )
    evidence.competencies.set([competency])
    evidence.file_name, evidence.file_type = f"evidence-{word}.pdf", "application/pdf"
    evidence.file.save("e.pdf", ContentFile(PDF + f"evidence of {word}".encode()))
    supervision = SupervisionEntry.objects.create(
        owner=person,
        session_on=date(2025, 1, 10),
        supervisor_name=f"Supervisor {word}",
        supervisor_email=f"supervisor.{word.lower()}@example.org",
        hours=Decimal("1.5"),
    )
    with capture(execute=True):
        supervision_requests_make(entries=[supervision], actor=person)
    application = Application.objects.create(
        practitioner=person,
        level=level,
        state="endorsed",
        submitted_at=timezone.now(),
        snapshot={"evidence": [{"title": f"Evidence {word}"}]},
        decision_reason=f"Decided for {word}.",
    )
    snapshot_file = SnapshotFile(application=application, name=f"snapshot-{word}.pdf", content_type="application/pdf")
    snapshot_file.file.save("s.pdf", ContentFile(PDF + f"snapshot of {word}".encode()))
    ReferenceRequest.objects.create(
        application=application,
        referee_name=f"Referee {word}",
        referee_email=f"referee.{word.lower()}@example.org",
        referee_role="Line manager",
        answered_at=timezone.now(),
        ratings={"D1.1": "met"},
        comment=f"Confidential opinion about {word}.",
    )
    entry = register_entry_create(practitioner=person, level=level, actor=None)
    Renewal.objects.create(
        entry=entry,
        submitted_on=date(2026, 1, 1),
        cpd_hours=Decimal(12),
        supervision_hours=Decimal(4),
        ethics_agreed=True,
        previous_due_on=entry.renewal_due_on,
        new_due_on=entry.renewal_due_on + timedelta(days=365),
    )
    campaign = _campaign()
    signature = PledgeSignature.objects.create(
        campaign=campaign,
        status=PledgeSignature.Status.CONFIRMED,
        name=person.full_name,
        profession="health-visitor",
        region="london",
        email=person.email,
        canonical_email=email_canonical(person.email),
        show_name=True,
        created_at=timezone.now(),
        confirmed_at=timezone.now(),
    )
    subscription = Subscription.objects.create(email=person.email.upper(), confirmed_at=timezone.now())
    subscription.entries.set([entry])
    organisation, _ = Organisation.objects.get_or_create(name=f"{word} Family Hubs")
    start = timezone.now() + timedelta(days=30)
    event = Event.objects.create(
        campaign=campaign,
        organisation=organisation,
        submitted_by=person,
        title=f"Event {word}",
        slug=f"event-{word.lower()}",
        description="A morning for parents.",
        organiser_name=f"{word} Family Hubs",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        mode=Event.Mode.ONLINE,
        audience=Event.Audience.PARENTS,
    )
    with capture(execute=True):
        message_record(
            to=person.email, subject=f"Hello {word}", body_text=f"Dear {person.full_name}, {word}.", purpose="test"
        )
    task_result = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"email": person.email}},
        task_path="nurture.example.task",
        backend_name="default",
        queue_name="default",
        run_after=timezone.now(),
        return_value={"name": person.full_name},
        status="SUCCESSFUL",
    )
    return Life(
        person, word, training, evidence, supervision, application, snapshot_file, entry, signature, subscription,
        event, task_result,
    )  # fmt: skip


def recently_signed_in(person: Any) -> Client:
    """A client whose session has just given the password again, as allauth records it."""
    client = client_for(person)
    session = client.session
    session["account_authentication_methods"] = [{"method": "password", "at": time.time(), "reauthenticated": True}]
    session["account_authentication_methods_user"] = str(person.pk)
    session.save()
    return client


@pytest.fixture
def amara(practitioner, private_media, django_capture_on_commit_callbacks) -> Life:
    return life_of(practitioner, "Amarasword", django_capture_on_commit_callbacks)


@pytest.fixture
def ben(other_practitioner, private_media, django_capture_on_commit_callbacks) -> Life:
    return life_of(other_practitioner, "Benssword", django_capture_on_commit_callbacks)


@dataclass
class Stranger:
    """Someone who never had an account here but signed a pledge, asked for Register
    alerts, was named in an assessor's conflict declaration and was sent emails."""

    email: str
    name: str
    signature: PledgeSignature
    subscription: Subscription
    conflict: ConflictDeclaration
    task_result: DBTaskResult  # type: ignore[type-arg]


def stranger_of(email: str, name: str, *, assessor: Any, capture: Any) -> Stranger:
    signature = PledgeSignature.objects.create(
        campaign=_campaign(),
        status=PledgeSignature.Status.CONFIRMED,
        name=name,
        profession="social-worker",
        region="london",
        email=email,
        canonical_email=email_canonical(email),
        show_name=True,
        created_at=timezone.now(),
        confirmed_at=timezone.now(),
    )
    subscription = Subscription.objects.create(email=email, confirmed_at=timezone.now())
    conflict = ConflictDeclaration.objects.create(assessor=assessor, practitioner_email=email, reason=f"Knows {name}")
    with capture(execute=True):
        message_record(to=email, subject=f"Your pledge, {name}", body_text=f"Dear {name}.", purpose="test")
    task_result = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"email": email}},
        task_path="nurture.example.task",
        backend_name="default",
        queue_name="default",
        run_after=timezone.now(),
        return_value={"sent": True},
        status="SUCCESSFUL",
    )
    return Stranger(email, name, signature, subscription, conflict, task_result)


def password_reset_email_to(email: str, capture: Any) -> OutboundEmail:
    """allauth's password reset, as the adapter records it: a live single-use link."""
    with capture(execute=True):
        return message_record(
            to=email,
            subject="Password reset",
            body_text="Reset your password: https://nurture.example/accounts/password/reset/key/4-secrettoken/",
            purpose="account/email/password_reset_key",
        )


def address_added_unverified(person: Any, email: str) -> None:
    """What /accounts/email/ does when someone adds an address: a row, not yet verified."""
    EmailAddress.objects.create(user=person, email=email, verified=False, primary=False)


@pytest.fixture
def carol(amara, assessor, django_capture_on_commit_callbacks) -> Stranger:
    return stranger_of(
        "carol.x@example.org", "Carol Exeter", assessor=assessor, capture=django_capture_on_commit_callbacks
    )
