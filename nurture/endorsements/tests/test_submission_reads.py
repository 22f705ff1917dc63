"""Submitting reads the portfolio once: the same snapshot is checked and then frozen, in a
number of queries that does not grow with the portfolio."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nurture.endorsements import services
from nurture.endorsements.models import Application, SnapshotFile
from nurture.endorsements.tests.conftest import TODAY, name_referees, ready_portfolio
from nurture.framework.models import Level
from nurture.portfolios.models import (
    CPDEntry,
    EducationRecord,
    Evidence,
    ExperienceRecord,
    SupervisionEntry,
    TrainingRecord,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PORTFOLIO_TABLE = re.compile(r'"(portfolios_\w+)"')


def more_records(owner: Any, level: Level, n: int) -> None:
    """`n` more records of every kind, none with a file."""
    for i in range(n):
        EducationRecord.objects.create(
            owner=owner, level="degree", qualification=f"BSc {i}", institution="Leeds", awarded_on=date(2010, 7, 1)
        )
        ExperienceRecord.objects.create(
            owner=owner, role_title=f"Role {i}", employer="NHS", started_on=date(2015, 1, 1), ended_on=date(2016, 1, 1)
        )
        SupervisionEntry.objects.create(
            owner=owner,
            session_on=date(2025, 6, 1),
            supervisor_name="Dr Rose Clark",
            supervisor_email="rose@example.org",
            hours=Decimal(1),
            status=SupervisionEntry.Status.CONFIRMED,
            confirmed_at=timezone.now(),
        )
        CPDEntry.objects.create(owner=owner, activity=f"Study day {i}", done_on=date(2025, 11, 1), hours=Decimal(2))
        evidence = Evidence.objects.create(owner=owner, title=f"Account {i}", kind=Evidence.Kind.OTHER, text="Text.")
        evidence.competencies.set(level.competencies.all()[:2])


def submit_counting(owner: Any, level: Level) -> CaptureQueriesContext:
    application = services.application_start(practitioner=owner, level=level)
    name_referees(application)
    with CaptureQueriesContext(connection) as queries:
        services.application_submit(application=application, actor=owner, today=TODAY)
    assert Application.objects.get(pk=application.pk).state == "submitted"
    return queries


def portfolio_reads(queries: CaptureQueriesContext) -> Counter[str]:
    """How many SELECTs read each portfolio table."""
    reads: Counter[str] = Counter()
    for query in queries.captured_queries:
        if query["sql"].lstrip().upper().startswith("SELECT"):
            reads.update(set(PORTFOLIO_TABLE.findall(query["sql"])))
    return reads


def test_submitting_reads_each_portfolio_table_once(practitioner, level):
    ready_portfolio(practitioner, level)
    more_records(practitioner, level, 3)
    assert portfolio_reads(submit_counting(practitioner, level)) == {
        "portfolios_educationrecord": 1,
        "portfolios_trainingrecord": 1,
        "portfolios_experiencerecord": 1,
        "portfolios_supervisionentry": 1,
        "portfolios_cpdentry": 1,
        "portfolios_evidence": 1,
        "portfolios_evidence_competencies": 1,
    }


def test_submitting_takes_as_many_queries_with_many_records_as_with_one(practitioner, other_practitioner, level):
    ready_portfolio(practitioner, level)
    more_records(practitioner, level, 1)
    ready_portfolio(other_practitioner, level)
    more_records(other_practitioner, level, 12)
    few = submit_counting(practitioner, level)
    many = submit_counting(other_practitioner, level)
    assert len(many) == len(few)


def test_resubmitting_after_deferral_reads_each_portfolio_table_once(practitioner, level):
    ready_portfolio(practitioner, level)
    more_records(practitioner, level, 2)
    application = services.application_start(practitioner=practitioner, level=level)
    name_referees(application)
    services.application_submit(application=application, actor=practitioner, today=TODAY)
    Application.objects.filter(pk=application.pk).update(state="deferred", required_actions="More supervision.")
    with CaptureQueriesContext(connection) as queries:
        services.application_resubmit(application=application, actor=practitioner, today=TODAY)
    assert set(portfolio_reads(queries).values()) == {1}
    assert len(portfolio_reads(queries)) == 7


@pytest.fixture
def whole_portfolio(practitioner, level, private_media):
    """One record of every kind, with a certificate and an evidence file."""
    evidence = ready_portfolio(practitioner, level)
    evidence.file.save("account.pdf", ContentFile(PDF))
    evidence.file_name, evidence.file_type = "account.pdf", "application/pdf"
    evidence.save()
    training = TrainingRecord.objects.get(owner=practitioner)
    training.certificate.save("stored.pdf", ContentFile(PDF))
    training.certificate_name, training.certificate_type = "", "application/pdf"
    training.save()
    EducationRecord.objects.create(
        owner=practitioner, level="masters", qualification="MSc", institution="UCL", awarded_on=date(2012, 9, 30)
    )
    ExperienceRecord.objects.filter(owner=practitioner).update(ended_on=date(2025, 12, 31), setting="Home visits")
    for session_on, kind, status in [
        (date(2025, 6, 1), "individual", "confirmed"),
        (date(2025, 5, 1), "peer", "awaiting"),
    ]:
        SupervisionEntry.objects.create(
            owner=practitioner,
            session_on=session_on,
            supervisor_name="Dr Rose Clark",
            supervisor_email="rose@example.org",
            hours=Decimal("1.5"),
            kind=kind,
            status=status,
            confirmed_at=timezone.now() if status == "confirmed" else None,
        )
    CPDEntry.objects.create(
        owner=practitioner, activity="Study day", done_on=date(2025, 11, 1), hours=Decimal(2), reflection="Sleep."
    )
    return practitioner


def test_the_snapshot_freezes_every_record_as_the_assessors_read_it(whole_portfolio, level, send_now):
    application = services.application_start(practitioner=whole_portfolio, level=level)
    name_referees(application)
    with send_now():
        services.application_submit(application=application, actor=whole_portfolio, today=TODAY)
    snapshot = Application.objects.get(pk=application.pk).snapshot
    certificate, account = SnapshotFile.objects.order_by("pk")
    assert (certificate.name, certificate.label) == ("file.pdf", "Parent–infant relationships")
    assert (account.name, account.label) == ("account.pdf", "Reflective account: a first home visit")
    codes = sorted(level.competencies.values_list("code", flat=True))
    assert snapshot == {
        "format": 2,
        "taken_at": snapshot["taken_at"],
        "round": 1,
        "level": "promotion",
        "framework_version": level.version.number,
        "education": [
            {
                "level": "Master's degree",
                "level_code": "masters",
                "qualification": "MSc",
                "institution": "UCL",
                "awarded_on": "2012-09-30",
            }
        ],
        "training": [
            {
                "title": "Parent–infant relationships",
                "provider": "Anna Freud Centre",
                "hours": "30.0",
                "completed_on": "2024-03-01",
                "relationship_based": True,
                "confirmed_by": "",
                "confirmed_on": "",
                "accredited": False,
                "competency_codes": "",
                "file": certificate.pk,
            }
        ],
        "experience": [
            {
                "role": "Health visitor",
                "employer": "Leeds Community Healthcare",
                "setting": "Home visits",
                "started_on": "2020-01-01",
                "ended_on": "2025-12-31",
                "paid": True,
                "families_served": 40,
            }
        ],
        "supervision": [
            {
                "session_on": "2025-06-01",
                "supervisor": "Dr Rose Clark",
                "supervisor_email": "rose@example.org",
                "hours": "1.50",
                "kind": "Individual",
                "kind_code": "individual",
                "status": "Confirmed by supervisor",
                "status_code": "confirmed",
            },
            {
                "session_on": "2025-05-01",
                "supervisor": "Dr Rose Clark",
                "supervisor_email": "rose@example.org",
                "hours": "1.50",
                "kind": "Peer (does not count towards requirements)",
                "kind_code": "peer",
                "status": "Awaiting supervisor",
                "status_code": "awaiting",
            },
        ],
        "cpd": [{"activity": "Study day", "done_on": "2025-11-01", "hours": "2.0", "reflection": "Sleep."}],
        "evidence": [
            {
                "title": "Reflective account: a first home visit",
                "kind": "Reflective account",
                "text": "Watching a mother soothe her baby during a first home visit.",
                "competencies": codes,
                "level_competencies": codes,
                "file": account.pk,
            }
        ],
    }
