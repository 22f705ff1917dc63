"""Reads of a portfolio: the records, and the facts the readiness rules need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count

from nurture.accounts.models import User
from nurture.core.outbox import Delivery, deliveries_about
from nurture.framework.models import Competency, Level
from nurture.portfolios.models import (
    CPDEntry,
    EducationRecord,
    Evidence,
    ExperienceRecord,
    SupervisionEntry,
    TrainingRecord,
)
from nurture.portfolios.readiness import Job, LevelRules, Portfolio, Readiness, Session, readiness_for_level


def portfolio_records(owner: User) -> dict[str, Any]:
    return {
        "education": EducationRecord.objects.owned_by(owner),
        "training": TrainingRecord.objects.owned_by(owner),
        "experience": ExperienceRecord.objects.owned_by(owner),
        "supervision": SupervisionEntry.objects.owned_by(owner),
        "cpd": CPDEntry.objects.owned_by(owner),
        "evidence": Evidence.objects.owned_by(owner).prefetch_related("competencies"),
    }


@dataclass(frozen=True)
class SupervisionRow:
    """One supervision entry and, while it awaits the supervisor, how its link's email is getting on."""

    entry: SupervisionEntry
    delivery: Delivery | None


def supervision_with_delivery(entries: list[SupervisionEntry]) -> list[SupervisionRow]:
    awaiting = [e for e in entries if e.status == SupervisionEntry.Status.AWAITING]
    deliveries = deliveries_about(awaiting)
    return [SupervisionRow(entry, deliveries.get(entry.pk)) for entry in entries]


def level_rules(level: Level) -> LevelRules:
    return LevelRules(
        min_education=level.min_education,
        training_hours=level.training_hours,
        experience_months=level.experience_months,
        families_served=level.families_served,
        supervision_hours=level.supervision_hours,
        supervision_window_months=level.supervision_window_months,
        references=level.references,
        exam_required=level.exam_required,
        competencies=tuple(c.code for c in level.competencies.all()),
    )


def portfolio_facts(owner: User, level: Level) -> Portfolio:
    evidence_counts = (
        Evidence.objects.owned_by(owner)
        .filter(competencies__domain__version=level.version_id)
        .values("competencies__code")
        .annotate(n=Count("id"))
    )
    return Portfolio(
        education=tuple(EducationRecord.objects.owned_by(owner).values_list("level", flat=True)),
        training=tuple(TrainingRecord.objects.owned_by(owner).values_list("hours", "relationship_based")),
        jobs=tuple(
            Job(j.started_on, j.ended_on, j.paid, j.families_served) for j in ExperienceRecord.objects.owned_by(owner)
        ),
        sessions=tuple(
            Session(
                s.session_on,
                s.hours,
                s.supervisor_email,
                s.status == SupervisionEntry.Status.CONFIRMED,
                s.kind == SupervisionEntry.Kind.PEER,
                s.status == SupervisionEntry.Status.DECLINED,
            )
            for s in SupervisionEntry.objects.owned_by(owner)
        ),
        evidence_by_competency={row["competencies__code"]: row["n"] for row in evidence_counts},
    )


def readiness_of(owner: User, level: Level, *, today: date) -> Readiness:
    return readiness_for_level(level_rules(level), portfolio_facts(owner, level), today=today)


@dataclass(frozen=True)
class CoverageRow:
    competency: Competency
    cells: list[bool]

    @property
    def covered(self) -> bool:
        return any(self.cells)


def coverage_matrix(owner: User, level: Level) -> tuple[list[Evidence], list[CoverageRow]]:
    """Competencies of the level (rows) × the practitioner's evidence (columns)."""
    evidence = list(Evidence.objects.owned_by(owner).prefetch_related("competencies").order_by("created_at"))
    mapped = [{c.pk for c in item.competencies.all()} for item in evidence]
    rows = [
        CoverageRow(competency, [competency.pk in ids for ids in mapped])
        for competency in level.competencies.select_related("domain").order_by("domain__position", "position")
    ]
    return evidence, rows
