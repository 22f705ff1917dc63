"""The portfolio page reads the same number of queries however many records of each kind it
lists (supervision entries, with their emails, are in `test_supervision_delivery.py`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from conftest import client_for
from nurture.core.tests.queries import page_queries
from nurture.framework.models import Competency
from nurture.portfolios.models import CPDEntry, EducationRecord, Evidence, ExperienceRecord, TrainingRecord

PORTFOLIO = 12


def _records(owner: Any, n: int) -> None:
    EducationRecord.objects.create(
        owner=owner, level="degree", qualification=f"BSc {n}", institution="Leeds", awarded_on=date(2015, 7, 1)
    )
    TrainingRecord.objects.create(
        owner=owner, title=f"Course {n}", provider="Anna Freud Centre", hours=Decimal(6), completed_on=date(2024, 3, 1)
    )
    ExperienceRecord.objects.create(
        owner=owner, role_title=f"Role {n}", employer="Leeds Community Healthcare", started_on=date(2020, 1, 1)
    )
    CPDEntry.objects.create(owner=owner, activity=f"Reading {n}", done_on=date(2025, 2, 1), hours=Decimal(2))
    evidence = Evidence.objects.create(
        owner=owner, title=f"Evidence {n}", kind=Evidence.Kind.REFLECTIVE_ACCOUNT, text=f"A home visit, {n}."
    )
    evidence.competencies.set(Competency.objects.filter(domain__version__is_current=True)[: n % 4 + 1])


def test_the_portfolio_reads_as_many_queries_for_twelve_records_of_each_kind_as_for_two(practitioner):
    client = client_for(practitioner)
    for n in range(2):
        _records(practitioner, n)
    two, _page = page_queries(client, "/portfolio/")
    for n in range(2, 12):
        _records(practitioner, n)
    twelve, page = page_queries(client, "/portfolio/")
    assert all(f"{what} 11" in page for what in ("BSc", "Course", "Role", "Reading", "Evidence"))
    assert (two, twelve) == (PORTFOLIO, PORTFOLIO)
