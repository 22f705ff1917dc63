"""Readiness rules: does a portfolio meet a level's requirements yet?

Pure functions on plain values, no Django. `readiness_for_level` returns one
row per requirement with what the practitioner has, what the level needs, and
whether it is met, so a page, the API and (later) application submission all
apply the same rules.

The rules (defaults from DESIGN.md, numbers from the level):
- education: the highest qualification is at least the level's minimum;
- training: relationship-based training hours, all time;
- experience: months of paid work with infants and families, overlapping
  jobs counted once;
- families: families of children 0–36 months served;
- supervision: confirmed reflective supervision hours in the window before
  today; peer supervision and unconfirmed entries do not count; more than half
  of the required hours must come from one provider;
- evidence: every competency of the level has at least one evidence item.
References and the exam come after applying; they are shown, not counted.

Which hours count over a window is decided here once (`supervision_hours`,
`cpd_hours`, both over `window_start(today, months)` to today, both days
included): readiness uses it for the supervision window, and the Register's
renewal, through the portfolio's selectors, for the last twelve months.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

EDUCATION_ORDER = ("none", "level3", "degree", "masters", "doctorate")
EDUCATION_LABELS = (
    "None recorded",
    "Vocational qualification (level 3)",
    "Bachelor's degree",
    "Master's degree",
    "Doctorate",
)
DAYS_PER_MONTH = Decimal("30.4375")

MET = "met"
NOT_MET = "not-met"
LATER = "later"


@dataclass(frozen=True)
class LevelRules:
    min_education: str
    training_hours: int
    experience_months: int
    families_served: int
    supervision_hours: int
    supervision_window_months: int
    references: int
    exam_required: bool
    competencies: tuple[str, ...]


@dataclass(frozen=True)
class Job:
    started_on: date
    ended_on: date | None
    paid: bool
    families_served: int


@dataclass(frozen=True)
class Session:
    session_on: date
    hours: Decimal
    supervisor: str
    confirmed: bool
    peer: bool
    declined: bool = False


@dataclass(frozen=True)
class Activity:
    """A CPD activity: when it was done and for how many hours."""

    done_on: date
    hours: Decimal


@dataclass(frozen=True)
class SupervisionHours:
    """Reflective supervision between `since` and `until` (both included): the hours that
    count, the hours still awaiting the supervisor, and the counted hours per supervisor."""

    since: date
    until: date
    counted: Decimal
    awaiting: Decimal
    by_supervisor: Mapping[str, Decimal] = field(default_factory=dict)

    @property
    def main_supervisor(self) -> Decimal:
        """The counted hours from the supervisor who gave the most."""
        return max(self.by_supervisor.values(), default=Decimal(0))


@dataclass(frozen=True)
class Portfolio:
    education: tuple[str, ...] = ()
    training: tuple[tuple[Decimal, bool], ...] = ()  # (hours, relationship-based)
    jobs: tuple[Job, ...] = ()
    sessions: tuple[Session, ...] = ()
    evidence_by_competency: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Requirement:
    key: str
    name: str
    have: Decimal
    need: Decimal
    unit: str
    status: str
    note: str = ""
    have_label: str = ""
    need_label: str = ""

    @property
    def met(self) -> bool:
        return self.status == MET

    @property
    def after_applying(self) -> bool:
        """Checked once the application is in (references, the exam): shown, not counted."""
        return self.status == LATER

    @property
    def percent(self) -> int:
        if self.need <= 0:
            return 100
        return int(min(Decimal(100), self.have * 100 / self.need))


@dataclass(frozen=True)
class Readiness:
    requirements: tuple[Requirement, ...]
    missing_competencies: tuple[str, ...]

    @property
    def ready(self) -> bool:
        return all(r.status != NOT_MET for r in self.requirements)

    @property
    def missing(self) -> tuple[Requirement, ...]:
        return tuple(r for r in self.requirements if r.status == NOT_MET)


def months_between(start: date, end: date) -> Decimal:
    return Decimal((end - start).days + 1) / DAYS_PER_MONTH


def paid_experience_months(jobs: Iterable[Job], *, today: date) -> Decimal:
    """Months of paid work, with overlapping jobs counted once."""
    spans = sorted((job.started_on, min(job.ended_on or today, today)) for job in jobs if job.paid)
    total = Decimal(0)
    current_start: date | None = None
    current_end: date | None = None
    for start, end in spans:
        if end < start:
            continue
        if current_end is None or current_start is None or start > current_end + timedelta(days=1):
            if current_start is not None and current_end is not None:
                total += months_between(current_start, current_end)
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_start is not None and current_end is not None:
        total += months_between(current_start, current_end)
    return total.quantize(Decimal("0.1"))


def window_start(today: date, months: int) -> date:
    """The same day `months` earlier, or the last day of that month if it is shorter."""
    month_index = today.year * 12 + today.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(today.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def _inside(day: date, since: date, today: date) -> bool:
    return since <= day <= today


def session_counts(session: Session) -> bool:
    """A session counts once its supervisor has confirmed it; peer supervision never does."""
    return session.confirmed and not session.peer


def awaits_confirmation(session: Session) -> bool:
    """Would count, but the supervisor has not answered yet."""
    return not (session.confirmed or session.declined or session.peer)


def counted_supervision(sessions: Iterable[Session], *, today: date, window_months: int) -> list[Session]:
    """The sessions that count: confirmed, not peer, inside the last `window_months` months."""
    since = window_start(today, window_months)
    return [s for s in sessions if session_counts(s) and _inside(s.session_on, since, today)]


def supervision_hours(sessions: Iterable[Session], *, today: date, window_months: int) -> SupervisionHours:
    """The supervision hours of the last `window_months` months up to `today`."""
    sessions = list(sessions)
    since = window_start(today, window_months)
    counted = counted_supervision(sessions, today=today, window_months=window_months)
    by_supervisor: dict[str, Decimal] = defaultdict(Decimal)
    for s in counted:
        by_supervisor[s.supervisor.strip().lower()] += s.hours
    return SupervisionHours(
        since=since,
        until=today,
        counted=sum((s.hours for s in counted), Decimal(0)),
        awaiting=sum(
            (s.hours for s in sessions if awaits_confirmation(s) and _inside(s.session_on, since, today)), Decimal(0)
        ),
        by_supervisor=dict(by_supervisor),
    )


def cpd_hours(activities: Iterable[Activity], *, today: date, window_months: int) -> Decimal:
    """The CPD hours of the last `window_months` months up to `today`."""
    since = window_start(today, window_months)
    return sum((a.hours for a in activities if _inside(a.done_on, since, today)), Decimal(0))


def _row(key: str, name: str, have: Decimal, need: Decimal, unit: str, note: str = "") -> Requirement:
    return Requirement(key, name, have, need, unit, MET if have >= need else NOT_MET, note)


def readiness_for_level(rules: LevelRules, portfolio: Portfolio, *, today: date) -> Readiness:
    rows: list[Requirement] = []

    best = max(
        (EDUCATION_ORDER.index(e) for e in portfolio.education if e in EDUCATION_ORDER),
        default=0,
    )
    need_education = EDUCATION_ORDER.index(rules.min_education)
    rows.append(
        Requirement(
            "education",
            "Education",
            Decimal(best),
            Decimal(need_education),
            "level",
            MET if best >= need_education else NOT_MET,
            have_label=EDUCATION_LABELS[best],
            need_label=EDUCATION_LABELS[need_education] if need_education else "No formal requirement",
        )
    )

    training = sum((hours for hours, relational in portfolio.training if relational), Decimal(0))
    rows.append(
        _row(
            "training",
            "Relationship-based training",
            training,
            Decimal(rules.training_hours),
            "hours",
        )
    )

    months = paid_experience_months(portfolio.jobs, today=today)
    rows.append(
        _row(
            "experience",
            "Paid work with infants and families",
            months,
            Decimal(rules.experience_months),
            "months",
        )
    )
    families = Decimal(sum(job.families_served for job in portfolio.jobs))
    rows.append(
        _row(
            "families",
            "Families of children 0–36 months served",
            families,
            Decimal(rules.families_served),
            "families",
        )
    )

    if rules.supervision_hours:
        supervision = supervision_hours(portfolio.sessions, today=today, window_months=rules.supervision_window_months)
        awaiting = supervision.awaiting
        note = f"{awaiting.normalize():f} more hours await your supervisor's confirmation." if awaiting else ""
        rows.append(
            _row(
                "supervision",
                f"Reflective supervision in the last {rules.supervision_window_months} months",
                supervision.counted,
                Decimal(rules.supervision_hours),
                "hours",
                note,
            )
        )
        main = supervision.main_supervisor
        half = Decimal(rules.supervision_hours) / 2
        rows.append(
            Requirement(
                "main-supervisor",
                "Hours from your main supervisor (more than half)",
                main,
                half,
                "hours",
                MET if main > half else NOT_MET,
            )
        )

    covered = [code for code in rules.competencies if portfolio.evidence_by_competency.get(code, 0) > 0]
    missing = tuple(code for code in rules.competencies if code not in covered)
    rows.append(
        _row(
            "evidence",
            "Competencies with evidence",
            Decimal(len(covered)),
            Decimal(len(rules.competencies)),
            "competencies",
        )
    )

    rows.append(
        Requirement(
            "references",
            "References",
            Decimal(0),
            Decimal(rules.references),
            "referees",
            LATER,
            "You name your referees when you apply.",
        )
    )
    if rules.exam_required:
        rows.append(
            Requirement(
                "exam",
                "Examination",
                Decimal(0),
                Decimal(1),
                "exam",
                LATER,
                "You sit the exam after your application is accepted.",
            )
        )
    return Readiness(tuple(rows), missing)
