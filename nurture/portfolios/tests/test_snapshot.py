"""The typed read API other apps use: the portfolio snapshot, the readiness facts it gives,
and the hours counted over a window."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from nurture.framework.selectors import framework_current, level_for
from nurture.portfolios.models import (
    CPDEntry,
    EducationRecord,
    Evidence,
    ExperienceRecord,
    SupervisionEntry,
    TrainingRecord,
)
from nurture.portfolios.readiness import Job, Session
from nurture.portfolios.selectors import (
    CompetencyMapped,
    EducationItem,
    EvidenceItem,
    ExperienceItem,
    PortfolioSnapshot,
    SupervisionItem,
    cpd_hours_of,
    portfolio_snapshot,
    readiness_of,
    supervision_hours_of,
    supervisor_emails_of,
)

TODAY = date(2026, 3, 1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def evidence_item(title: str, *mapped: CompetencyMapped) -> EvidenceItem:
    return EvidenceItem(title, "other", "Other evidence", "", None, mapped, unresolved_findings=False)


def test_the_readiness_facts_count_evidence_only_for_the_levels_framework_version():
    snapshot = PortfolioSnapshot(
        education=(EducationItem("degree", "Bachelor's degree", "BSc Nursing", "Leeds", date(2010, 7, 1)),),
        training=(),
        experience=(ExperienceItem("Health visitor", "NHS", "", date(2020, 1, 1), None, True, 12),),
        supervision=(
            SupervisionItem(
                date(2025, 6, 1), "Dr Rivera", "rivera@example.org", Decimal(2), "peer", "Peer", "confirmed", "Ok"
            ),
        ),
        cpd=(),
        evidence=(
            evidence_item("Old and new", CompetencyMapped(1, "D1.1"), CompetencyMapped(2, "D1.1")),
            evidence_item("New", CompetencyMapped(2, "D1.1"), CompetencyMapped(2, "D2.1")),
        ),
    )
    facts = snapshot.facts(2)
    assert facts.evidence_by_competency == {"D1.1": 2, "D2.1": 1}
    assert snapshot.facts(1).evidence_by_competency == {"D1.1": 1}
    assert facts.education == ("degree",)
    assert facts.jobs == (Job(date(2020, 1, 1), None, True, 12),)
    assert facts.sessions == (
        Session(date(2025, 6, 1), Decimal(2), "rivera@example.org", confirmed=True, peer=True, declined=False),
    )


@pytest.fixture
def portfolio(practitioner, private_media):
    level = level_for(framework_current(), "promotion")
    EducationRecord.objects.create(
        owner=practitioner,
        level="degree",
        qualification="BSc Nursing",
        institution="Leeds",
        awarded_on=date(2010, 7, 1),
    )
    training = TrainingRecord.objects.create(
        owner=practitioner,
        title="Parent–infant relationships",
        provider="Anna Freud Centre",
        hours=Decimal("30.5"),
        completed_on=date(2024, 3, 1),
        relationship_based=True,
        certificate_name="certificate.pdf",
        certificate_type="application/pdf",
    )
    training.certificate.save("certificate.pdf", ContentFile(PDF))
    ExperienceRecord.objects.create(
        owner=practitioner, role_title="Health visitor", employer="NHS", started_on=date(2020, 1, 1), families_served=9
    )
    SupervisionEntry.objects.create(
        owner=practitioner,
        session_on=date(2025, 6, 1),
        supervisor_name="Dr Rose Clark",
        supervisor_email="Rose@Example.org",
        hours=Decimal(3),
        kind=SupervisionEntry.Kind.GROUP,
        status=SupervisionEntry.Status.CONFIRMED,
        confirmed_at=timezone.now(),
    )
    CPDEntry.objects.create(owner=practitioner, activity="Study day", done_on=date(2025, 11, 1), hours=Decimal(4))
    evidence = Evidence.objects.create(
        owner=practitioner, title="A home visit", kind=Evidence.Kind.CASE_STUDY, text="Seen on Monday.", findings=[1]
    )
    evidence.competencies.set(level.competencies.all()[:2])
    return practitioner


def test_the_snapshot_holds_every_record_as_typed_values(portfolio):
    snapshot = portfolio_snapshot(portfolio)
    assert snapshot.education == (
        EducationItem("degree", "Bachelor's degree", "BSc Nursing", "Leeds", date(2010, 7, 1)),
    )
    (training,) = snapshot.training
    assert (training.title, training.hours, training.relationship_based) == (
        "Parent–infant relationships",
        Decimal("30.5"),
        True,
    )
    assert training.certificate is not None
    assert (training.certificate.name, training.certificate.content_type) == ("certificate.pdf", "application/pdf")
    assert training.certificate.read() == PDF
    assert snapshot.experience == (ExperienceItem("Health visitor", "NHS", "", date(2020, 1, 1), None, True, 9),)
    (supervision,) = snapshot.supervision
    assert (supervision.kind_label, supervision.status_label) == ("Group", "Confirmed by supervisor")
    assert supervision.session == Session(date(2025, 6, 1), Decimal(3), "Rose@Example.org", True, False, False)
    assert [(c.activity, c.hours) for c in snapshot.cpd] == [("Study day", Decimal(4))]
    (evidence,) = snapshot.evidence
    assert (evidence.title, evidence.kind_label, evidence.file, evidence.unresolved_findings) == (
        "A home visit",
        "Anonymised case study",
        None,
        True,
    )
    assert len(evidence.competency_codes) == 2 and evidence.competency_codes == sorted(evidence.competency_codes)


def test_a_file_gone_from_storage_reads_as_none(portfolio):
    TrainingRecord.objects.get().certificate.delete(save=False)
    (training,) = portfolio_snapshot(portfolio).training
    assert training.certificate is not None
    assert training.certificate.read() is None


def test_the_hours_and_supervisors_selectors_read_the_portfolio(portfolio):
    supervision = supervision_hours_of(portfolio, today=TODAY, months=12)
    assert (supervision.counted, supervision.since) == (Decimal(3), date(2025, 3, 1))
    assert cpd_hours_of(portfolio, today=TODAY, months=12) == Decimal(4)
    assert cpd_hours_of(portfolio, today=TODAY, months=3) == 0
    assert supervisor_emails_of(portfolio) == ["Rose@Example.org"]


def test_readiness_of_reads_the_portfolio_once(portfolio, django_assert_num_queries):
    level = level_for(framework_current(), "prevention")
    # Six record tables, evidence's competencies, and the level's competencies.
    with django_assert_num_queries(8):
        readiness = readiness_of(portfolio, level, today=TODAY)
    supervision = {r.key: r for r in readiness.requirements}["supervision"]
    assert supervision.have == Decimal(3)
