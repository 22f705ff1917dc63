"""Reads of a portfolio: the records, and the facts the readiness rules need.

Other apps read a portfolio only through the typed values here: `portfolio_snapshot`
(every record, as frozen dataclasses, read once), `readiness_of` / `readiness_from`
(the readiness rules applied to it), `supervision_hours_of` and `cpd_hours_of` (the hours
that count over the last months, by the rules in `readiness.py`) and
`supervisor_emails_of`. `portfolio_records` (model instances) is for this app's own pages.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.files.storage import Storage
from django.db.models import Prefetch
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from nurture.accounts.models import User
from nurture.core.outbox import Delivery, deliveries_about
from nurture.framework.models import Competency, Level
from nurture.portfolios.identifiers import identifiers_find
from nurture.portfolios.models import (
    CPDEntry,
    EducationRecord,
    Evidence,
    ExperienceRecord,
    SupervisionEntry,
    SupervisionRequest,
    TrainingRecord,
)
from nurture.portfolios.readiness import (
    Activity,
    Job,
    LevelRules,
    Portfolio,
    Readiness,
    Session,
    SupervisionHours,
    cpd_hours,
    months_between,
    paid_experience_months,
    readiness_for_level,
    supervision_hours,
)


@dataclass(frozen=True)
class PortfolioRecords:
    """The owner's records as model instances, for the portfolio's own pages."""

    education: list[EducationRecord]
    training: list[TrainingRecord]
    experience: list[ExperienceRecord]
    supervision: list[SupervisionEntry]
    cpd: list[CPDEntry]
    evidence: list[Evidence]


def portfolio_records(owner: User) -> PortfolioRecords:
    """Every record of the owner, one query per kind (and one for evidence's competencies)."""
    competencies = Prefetch("competencies", queryset=Competency.objects.select_related("domain"))
    return PortfolioRecords(
        education=list(EducationRecord.objects.owned_by(owner)),
        training=list(TrainingRecord.objects.owned_by(owner)),
        experience=list(ExperienceRecord.objects.owned_by(owner)),
        supervision=list(SupervisionEntry.objects.owned_by(owner)),
        cpd=list(CPDEntry.objects.owned_by(owner)),
        evidence=list(Evidence.objects.owned_by(owner).prefetch_related(competencies)),
    )


# The typed read API --------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioFile:
    """An uploaded file: where it is stored, and its name and type as uploaded."""

    path: str
    name: str
    content_type: str
    storage: Storage

    def read(self) -> bytes | None:
        """The file's bytes, or None when it has gone from storage."""
        try:
            with self.storage.open(self.path, "rb") as stored:
                content: bytes = stored.read()
        except FileNotFoundError:
            return None
        return content


def _file(field: FieldFile, name: str, content_type: str) -> PortfolioFile | None:
    if not field:
        return None
    return PortfolioFile(path=str(field.name), name=name, content_type=content_type, storage=field.storage)


@dataclass(frozen=True)
class EducationItem:
    level: str
    level_label: str
    qualification: str
    institution: str
    awarded_on: date


@dataclass(frozen=True)
class TrainingItem:
    title: str
    provider: str
    hours: Decimal
    completed_on: date
    relationship_based: bool
    certificate: PortfolioFile | None
    # Recorded from the training directory and confirmed by its provider (who, when), and
    # whether the course was accredited by the association when it was confirmed.
    confirmed_by: str = ""
    confirmed_on: date | None = None
    accredited: bool = False
    competency_codes: str = ""

    @property
    def counts_as_relationship_based(self) -> bool:
        """Accredited training its provider has confirmed counts as relationship-based."""
        return self.relationship_based or (self.accredited and self.confirmed_on is not None)


@dataclass(frozen=True)
class ExperienceItem:
    role_title: str
    employer: str
    setting: str
    started_on: date
    ended_on: date | None
    paid: bool
    families_served: int


def _session(session_on: date, hours: Decimal, supervisor_email: str, status: str, kind: str) -> Session:
    """A supervision entry as the readiness rules see it."""
    return Session(
        session_on,
        hours,
        supervisor_email,
        confirmed=status == SupervisionEntry.Status.CONFIRMED,
        peer=kind == SupervisionEntry.Kind.PEER,
        declined=status == SupervisionEntry.Status.DECLINED,
    )


@dataclass(frozen=True)
class SupervisionItem:
    session_on: date
    supervisor_name: str
    supervisor_email: str
    hours: Decimal
    kind: str
    kind_label: str
    status: str
    status_label: str

    @property
    def session(self) -> Session:
        return _session(self.session_on, self.hours, self.supervisor_email, self.status, self.kind)


@dataclass(frozen=True)
class CPDItem:
    activity: str
    done_on: date
    hours: Decimal
    reflection: str


@dataclass(frozen=True)
class CompetencyMapped:
    """A competency an evidence item is mapped to: its code, in its framework version."""

    version_id: int
    code: str


@dataclass(frozen=True)
class EvidenceItem:
    title: str
    kind: str
    kind_label: str
    text: str
    file: PortfolioFile | None
    competencies: tuple[CompetencyMapped, ...]
    unresolved_findings: bool

    @property
    def competency_codes(self) -> list[str]:
        return sorted(c.code for c in self.competencies)


@dataclass(frozen=True)
class PortfolioSnapshot:
    """A practitioner's whole portfolio as it is now, in the order the portfolio page shows it."""

    education: tuple[EducationItem, ...]
    training: tuple[TrainingItem, ...]
    experience: tuple[ExperienceItem, ...]
    supervision: tuple[SupervisionItem, ...]
    cpd: tuple[CPDItem, ...]
    evidence: tuple[EvidenceItem, ...]

    def facts(self, version_id: int) -> Portfolio:
        """What the readiness rules read, for a level of framework version `version_id`."""
        evidence_by_competency = Counter(
            c.code for item in self.evidence for c in item.competencies if c.version_id == version_id
        )
        return Portfolio(
            education=tuple(e.level for e in self.education),
            training=tuple((t.hours, t.counts_as_relationship_based) for t in self.training),
            jobs=tuple(Job(j.started_on, j.ended_on, j.paid, j.families_served) for j in self.experience),
            sessions=tuple(s.session for s in self.supervision),
            evidence_by_competency=dict(evidence_by_competency),
        )


def _unchecked_findings(evidence: Evidence) -> bool:
    """Whether the text, as it is now, holds what may identify a family that the practitioner
    has not checked. Scanned again here rather than trusted from the stored findings, so a
    row written without the scan (a bulk load, the admin, a text changed after the check)
    cannot reach assessors unchecked: the check counts only for the findings it was made on."""
    if evidence.has_unresolved_findings:
        return True
    found = [finding.as_dict() for finding in identifiers_find(evidence.text)]
    return bool(found) and (evidence.findings_reviewed_at is None or found != evidence.findings)


def portfolio_snapshot(owner: User) -> PortfolioSnapshot:
    """The owner's whole portfolio as typed values: each portfolio table read once."""
    return snapshot_of(portfolio_records(owner))


def snapshot_of(records: PortfolioRecords) -> PortfolioSnapshot:
    """Records already read, as the typed values (no query)."""
    return PortfolioSnapshot(
        education=tuple(
            EducationItem(r.level, r.get_level_display(), r.qualification, r.institution, r.awarded_on)
            for r in records.education
        ),
        training=tuple(
            TrainingItem(
                title=r.title,
                provider=r.provider,
                hours=r.hours,
                completed_on=r.completed_on,
                relationship_based=r.relationship_based,
                certificate=_file(r.certificate, r.certificate_name, r.certificate_type),
                confirmed_by=r.confirmed_by,
                confirmed_on=timezone.localdate(r.confirmed_at) if r.confirmed_at else None,
                accredited=r.accredited,
                competency_codes=r.competency_codes,
            )
            for r in records.training
        ),
        experience=tuple(
            ExperienceItem(r.role_title, r.employer, r.setting, r.started_on, r.ended_on, r.paid, r.families_served)
            for r in records.experience
        ),
        supervision=tuple(
            SupervisionItem(
                session_on=r.session_on,
                supervisor_name=r.supervisor_name,
                supervisor_email=r.supervisor_email,
                hours=r.hours,
                kind=r.kind,
                kind_label=r.get_kind_display(),
                status=r.status,
                status_label=r.get_status_display(),
            )
            for r in records.supervision
        ),
        cpd=tuple(CPDItem(r.activity, r.done_on, r.hours, r.reflection) for r in records.cpd),
        evidence=tuple(
            EvidenceItem(
                title=r.title,
                kind=r.kind,
                kind_label=r.get_kind_display(),
                text=r.text,
                file=_file(r.file, r.file_name, r.file_type),
                competencies=tuple(CompetencyMapped(c.domain.version_id, c.code) for c in r.competencies.all()),
                unresolved_findings=_unchecked_findings(r),
            )
            for r in records.evidence
        ),
    )


@dataclass(frozen=True)
class PortfolioTotals:
    """The portfolio's sums, counted by the readiness rules, for the top of the portfolio page."""

    training_hours: Decimal
    relationship_based_hours: Decimal
    paid_months: Decimal
    families: int
    supervision: SupervisionHours
    evidence_items: int


def portfolio_totals(portfolio: PortfolioSnapshot, *, today: date, supervision_months: int) -> PortfolioTotals:
    """What the portfolio adds up to today; supervision over the last `supervision_months`."""
    facts = portfolio.facts(version_id=0)
    return PortfolioTotals(
        training_hours=sum((hours for hours, _ in facts.training), Decimal(0)),
        relationship_based_hours=sum((hours for hours, relational in facts.training if relational), Decimal(0)),
        paid_months=paid_experience_months(facts.jobs, today=today),
        families=sum(job.families_served for job in facts.jobs),
        supervision=supervision_hours(facts.sessions, today=today, window_months=supervision_months),
        evidence_items=len(portfolio.evidence),
    )


def supervision_hours_of(owner: User, *, today: date, months: int) -> SupervisionHours:
    """The owner's supervision hours over the last `months` months, counted by the readiness rules."""
    rows = SupervisionEntry.objects.owned_by(owner).values_list(
        "session_on", "hours", "supervisor_email", "status", "kind"
    )
    return supervision_hours([_session(*row) for row in rows], today=today, window_months=months)


def cpd_hours_of(owner: User, *, today: date, months: int) -> Decimal:
    """The owner's CPD hours over the last `months` months."""
    rows = CPDEntry.objects.owned_by(owner).values_list("done_on", "hours")
    return cpd_hours([Activity(done_on, hours) for done_on, hours in rows], today=today, window_months=months)


def supervisor_emails_of(owner: User) -> list[str]:
    """The addresses of every supervisor named in the owner's supervision log, as typed."""
    return list(SupervisionEntry.objects.owned_by(owner).values_list("supervisor_email", flat=True))


@dataclass(frozen=True)
class SupervisionRow:
    """One supervision entry and, while it awaits the supervisor, how its link's email is getting on."""

    entry: SupervisionEntry
    delivery: Delivery | None


def supervision_with_delivery(entries: list[SupervisionEntry]) -> list[SupervisionRow]:
    """Each entry and, while it awaits the supervisor, the latest email of its request."""
    awaiting = {e.request_id for e in entries if e.status == SupervisionEntry.Status.AWAITING and e.request_id}
    deliveries = deliveries_about([SupervisionRequest(pk=pk) for pk in sorted(awaiting)])  # by id: no query
    return [
        SupervisionRow(entry, deliveries.get(entry.request_id) if entry.request_id in awaiting else None)
        for entry in entries
    ]


def supervision_asked_with(entry: SupervisionEntry) -> list[SupervisionEntry]:
    """The sessions a new link for `entry` asks its supervisor about: those of its request
    not yet confirmed (the entry alone when it has no request)."""
    if entry.request_id is None:
        return [entry]
    return list(
        SupervisionEntry.objects.filter(request_id=entry.request_id)
        .exclude(status=SupervisionEntry.Status.CONFIRMED)
        .order_by("session_on", "pk")
    )


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


def readiness_from(portfolio: PortfolioSnapshot, level: Level, *, today: date) -> Readiness:
    """The readiness rules applied to a portfolio already read."""
    return readiness_for_level(level_rules(level), portfolio.facts(level.version_id), today=today)


def job_months(started_on: date, ended_on: date | None, *, today: date) -> Decimal:
    """How many months one job lasted up to `today`, counted as the readiness rules count them."""
    end = min(ended_on or today, today)
    if end < started_on:
        return Decimal(0)
    return months_between(started_on, end).quantize(Decimal("0.1"))


def readiness_of(owner: User, level: Level, *, today: date) -> Readiness:
    return readiness_from(portfolio_snapshot(owner), level, today=today)


@dataclass(frozen=True)
class CoverageRow:
    """One competency across the evidence: each cell is the evidence item if it shows the
    competency, None if it does not (the page names the item in the cell on a phone)."""

    competency: Competency
    cells: list[Evidence | None]

    @property
    def covered(self) -> bool:
        return any(cell is not None for cell in self.cells)


def coverage_matrix(owner: User, level: Level) -> tuple[list[Evidence], list[CoverageRow]]:
    """Competencies of the level (rows) × the practitioner's evidence (columns)."""
    evidence = list(Evidence.objects.owned_by(owner).prefetch_related("competencies").order_by("created_at"))
    mapped = [{c.pk for c in item.competencies.all()} for item in evidence]
    rows = [
        CoverageRow(
            competency, [item if competency.pk in ids else None for item, ids in zip(evidence, mapped, strict=True)]
        )
        for competency in level.competencies.select_related("domain").order_by("domain__position", "position")
    ]
    return evidence, rows
