"""Reads for endorsement: where an application is, what is missing, conflicts, agreement."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol, runtime_checkable

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.core.outbox import Delivery, deliveries_about
from nurture.endorsements import workflow
from nurture.endorsements.agreement import Agreement, cohens_kappa
from nurture.endorsements.models import (
    Application,
    Assignment,
    ConflictDeclaration,
    ReferenceRequest,
    Review,
    ReviewDraft,
    Score,
)
from nurture.framework.models import Competency, Education, Level
from nurture.portfolios.readiness import Readiness, Requirement
from nurture.portfolios.selectors import (
    CompetencyMapped,
    CPDItem,
    EducationItem,
    EvidenceItem,
    ExperienceItem,
    PortfolioSnapshot,
    SupervisionItem,
    TrainingItem,
    job_months,
    portfolio_snapshot,
    readiness_from,
    supervisor_emails_of,
)
from nurture.register.models import RegisterEntry
from nurture.register.selectors import register_entries_of

# What `services._snapshot_take` writes. Format 2 keeps what the readiness rules read,
# so the requirements can be judged from the snapshot alone (`submitted_portfolio`).
SNAPSHOT_FORMAT = 2


@dataclass(frozen=True)
class Status:
    label: str
    next_step: str  # in the practitioner's words
    expected_on: date | None
    staff_next_step: str = ""  # in the registrar's and assessors' words


def application_status(application: Application) -> Status:
    """Where the application is, what happens next, and roughly when."""
    state = workflow.State(application.state)
    since = timezone.localtime(application.state_changed_at).date()
    days = settings.NURTURE_APPLICATION_EXPECTED_DAYS
    return Status(
        workflow.LABELS[state],
        workflow.NEXT_STEPS[state],
        workflow.expected_date(state, since, days),
        workflow.STAFF_NEXT_STEPS[state],
    )


def current_references(application: Application) -> QuerySet[ReferenceRequest]:
    return application.references.filter(replaced_at__isnull=True)


@dataclass(frozen=True)
class ReferenceRow:
    """A current reference request and, once its link has gone, how the email is getting on."""

    reference: ReferenceRequest
    delivery: Delivery | None


def reference_rows(application: Application) -> list[ReferenceRow]:
    references = list(current_references(application))
    deliveries = deliveries_about([r for r in references if r.sent_at is not None])
    return [ReferenceRow(r, deliveries.get(r.pk)) for r in references]


def referee_roles_unnamed(application: Application) -> list[str]:
    named = {r.referee_role for r in current_references(application) if not r.void}
    return [role for role in application.level.reference_roles if role not in named]


def references_missing(
    application: Application, references: list[ReferenceRequest] | None = None, *, whose: str = "your"
) -> list[str]:
    """The references still to arrive before the review can start, as sentences
    (`references`: the application's current ones, when the caller has read them), said to
    the practitioner ("your current supervisor") or, with `whose="their"`, to staff."""
    arrived: dict[str, int] = defaultdict(int)
    for reference in current_references(application) if references is None else references:
        if reference.counts:
            arrived[reference.referee_role] += 1
    missing = [f"a reference from {whose} {role}" for role in application.level.reference_roles if not arrived[role]]
    total = sum(arrived.values())
    if not missing and total < application.level.references:
        missing.append(f"{application.level.references - total} more reference(s)")
    return missing


REFEREES_PROBLEM = "Name a referee for each role"


def submission_problems(
    application: Application,
    *,
    today: date,
    references: bool = True,
    portfolio: PortfolioSnapshot | None = None,
) -> list[str]:
    """Everything that stops submission, in the practitioner's words; empty when it can go.
    `portfolio` is the practitioner's portfolio when the caller has read it already."""
    if portfolio is None:
        portfolio = portfolio_snapshot(application.practitioner)
    readiness = readiness_from(portfolio, application.level, today=today)
    problems = []
    for requirement in readiness.missing:
        have = requirement.have_label or f"{_number(requirement.have)} {requirement.unit}"
        need = requirement.need_label or f"{_number(requirement.need)} {requirement.unit}"
        problems.append(f"{requirement.name}: you have {have}, the level needs {need}")
    if readiness.missing_competencies:
        problems.append("Competencies without evidence: " + ", ".join(readiness.missing_competencies))
    flagged = [e.title for e in portfolio.evidence if e.unresolved_findings]
    if flagged:
        problems.append("Evidence that may identify a family, not yet checked: " + ", ".join(f"“{t}”" for t in flagged))
    if references:
        unnamed = referee_roles_unnamed(application)
        if unnamed:
            problems.append(f"{REFEREES_PROBLEM}: still needed, " + ", ".join(unnamed))
    return problems


def _number(value: Any) -> str:
    text = f"{value}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _same(a: str, b: str) -> bool:
    return bool(a.strip()) and a.strip().casefold() == b.strip().casefold()


@dataclass(frozen=True)
class _Applicant:
    """What conflicts are checked against, read once for any number of assessors."""

    email: str
    employer: str
    referees: frozenset[str]
    supervisors: frozenset[str]


def _applicant(application: Application) -> _Applicant:
    practitioner = application.practitioner
    supervisors = supervisor_emails_of(practitioner)
    return _Applicant(
        email=practitioner.email,
        employer=practitioner.employer,
        referees=frozenset(r.referee_email.strip().casefold() for r in application.references.all()),
        supervisors=frozenset(s.strip().casefold() for s in supervisors),
    )


def _conflicts(assessor: User, applicant: _Applicant, declarations: list[ConflictDeclaration]) -> list[str]:
    email = assessor.email.strip().casefold()
    reasons = []
    if _same(assessor.employer, applicant.employer):
        reasons.append(f"works for the same employer as the applicant ({applicant.employer})")
    if email in applicant.referees:
        reasons.append("is named as a referee")
    if email in applicant.supervisors:
        reasons.append("is named as a supervisor in the applicant's portfolio")
    for declared in declarations:
        if _same(declared.practitioner_email, applicant.email):
            reasons.append("has declared a conflict with the applicant")
        elif _same(declared.employer, applicant.employer):
            reasons.append(f"has declared a conflict with {applicant.employer}")
    return reasons


def conflicts_of(assessor: User, application: Application) -> list[str]:
    """Why `assessor` must not assess this application: empty when they may."""
    return _conflicts(assessor, _applicant(application), list(ConflictDeclaration.objects.filter(assessor=assessor)))


def assessors_without_conflict(application: Application) -> list[User]:
    """The assessors free to take this application, in a fixed number of queries
    however many assessors there are."""
    taken = set(application.assignments.values_list("assessor_id", flat=True))
    applicant = _applicant(application)
    people = list(
        User.objects.filter(role=Role.ASSESSOR, is_active=True)
        .exclude(pk__in=taken)
        .prefetch_related("conflicts")
        .order_by("full_name", "email")
    )
    return [person for person in people if not _conflicts(person, applicant, list(person.conflicts.all()))]


@dataclass(frozen=True)
class QueueRow:
    """One application in the registrar's queue: where it is, how old it is, when it is due."""

    application: Application
    state_label: str
    age_days: int  # since it was first submitted
    in_state_days: int
    due_on: date | None  # when the current step is expected to be done (`application_status`)
    overdue: bool
    assessors: int


QUEUE_SORTS = {
    "due": "Due date, soonest first",
    "age": "Age, oldest first",
    "state": "State, in workflow order",
    "name": "Practitioner's name",
}


def _queue_key(sort: str) -> Any:
    order = {state.value: n for n, state in enumerate(workflow.State)}
    far = date.max
    keys = {
        "due": lambda r: (r.due_on or far, -r.age_days),
        "age": lambda r: (-r.age_days, r.application.pk),
        "state": lambda r: (order[r.application.state], -r.in_state_days),
        "name": lambda r: (str(r.application.practitioner).casefold(), r.application.pk),
    }
    return keys.get(sort, keys["due"])


def staff_queue(*, today: date, state: str = "", sort: str = "due") -> list[QueueRow]:
    """Every application that is not a draft (or those in `state`), in one query, sorted by
    `sort` (a key of QUEUE_SORTS; the due date when unknown)."""
    applications = (
        Application.objects.exclude(state=workflow.State.DRAFT)
        .select_related("practitioner", "level")
        .annotate(assessors=Count("assignments", filter=Q(assignments__kind=Assignment.Kind.ASSESSOR)))
    )
    if state in {s.value for s in workflow.State} - {workflow.State.DRAFT.value}:
        applications = applications.filter(state=state)
    rows = []
    for application in applications:
        status = application_status(application)
        submitted = timezone.localtime(application.submitted_at or application.created_at).date()
        since = timezone.localtime(application.state_changed_at).date()
        rows.append(
            QueueRow(
                application=application,
                state_label=status.label,
                age_days=(today - submitted).days,
                in_state_days=(today - since).days,
                due_on=status.expected_on,
                overdue=status.expected_on is not None and status.expected_on < today,
                assessors=getattr(application, "assessors", 0),
            )
        )
    return sorted(rows, key=_queue_key(sort))


def queue_states() -> list[tuple[str, str]]:
    """The states the queue can be filtered by (every state but draft), in workflow order."""
    return [(state.value, workflow.LABELS[state]) for state in workflow.State if state != workflow.State.DRAFT]


def assigned_applications(assessor: User) -> QuerySet[Application]:
    return (
        Application.objects.assigned_to(assessor).select_related("level", "practitioner").order_by("state_changed_at")
    )


def review_draft_of(application: Application, assessor: User) -> ReviewDraft | None:
    """The assessor's own draft of this round's review, if they saved one."""
    return ReviewDraft.objects.filter(application=application, assessor=assessor, round=application.round).first()


def reviews_visible_to(application: Application, assessor: User) -> list[Review]:
    """Independence: an assessor sees other reviews of the round only after submitting their own."""
    own = application.reviews.filter(assessor=assessor, round=application.round).exists()
    moderator = application.assignments.filter(assessor=assessor, kind=Assignment.Kind.MODERATOR).exists()
    if not own and not moderator:
        return []
    return list(
        application.reviews.filter(round=application.round)
        .select_related("assessor")
        .prefetch_related("scores__competency")
    )


@dataclass(frozen=True)
class PairAgreement:
    first: User
    second: User
    agreement: Agreement


def agreement_report() -> tuple[list[PairAgreement], Agreement]:
    """Cohen's kappa per pair of assessors who reviewed the same round, and over all pairs."""
    scores: dict[tuple[int, int], dict[int, dict[int, str]]] = defaultdict(lambda: defaultdict(dict))
    for review in Review.objects.filter(assessor__isnull=False).prefetch_related("scores"):
        if review.assessor_id is None:
            continue
        for score in review.scores.all():
            scores[(review.application_id, review.round)][review.assessor_id][score.competency_id] = score.value
    pairs: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
    for by_assessor in scores.values():
        people = sorted(by_assessor)
        for i, a in enumerate(people):
            for b in people[i + 1 :]:
                shared = sorted(set(by_assessor[a]) & set(by_assessor[b]))
                pairs[(a, b)].extend((by_assessor[a][c], by_assessor[b][c]) for c in shared)
    people_by_id = User.objects.in_bulk({pk for pair in pairs for pk in pair})
    rows = [
        PairAgreement(people_by_id[a], people_by_id[b], cohens_kappa(values))
        for (a, b), values in sorted(pairs.items())
    ]
    overall = cohens_kappa(value for values in pairs.values() for value in values)
    return rows, overall


def rubric_competencies(application: Application) -> list[Competency]:
    """The competencies of the application's level, in the framework's order (rubric and reference form)."""
    return list(application.level.competencies.select_related("domain").order_by("domain__position", "position"))


# The portfolio as submitted ----------------------------------------------------------


@dataclass(frozen=True)
class SubmittedJob:
    item: ExperienceItem
    months: Decimal


@dataclass(frozen=True)
class RequirementRow:
    """One requirement as the snapshot met it: have / need in words, and met or not."""

    name: str
    have: str
    need: str
    met: bool
    note: str


@dataclass(frozen=True)
class SubmittedPortfolio:
    """What the assessors judge: the snapshot frozen at submission, as typed values, with the
    level's requirements judged from it on the day it was taken (never the live portfolio)."""

    taken_at: datetime
    taken_on: date
    framework_version: str
    education: tuple[EducationItem, ...]
    training: tuple[TrainingItem, ...]
    training_hours: Decimal
    relationship_hours: Decimal
    experience: tuple[SubmittedJob, ...]
    supervision: tuple[SupervisionItem, ...]
    cpd: tuple[CPDItem, ...]
    evidence: tuple[EvidenceItem, ...]
    requirements: tuple[RequirementRow, ...] | None  # None: saved before format 2 kept what they need
    missing_competencies: tuple[str, ...]


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _hours(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(0)


def _amount(requirement: Requirement, value: Decimal, label: str) -> str:
    return label or f"{_number(value)} {requirement.unit}"


def _third_person(text: str) -> str:
    """The readiness rules speak to the practitioner ("your supervisor"); the snapshot is read by
    assessors and the registrar too, so it says "the supervisor"."""
    return text.replace("your ", "the ").replace("Your ", "The ")


def _requirement_rows(readiness: Readiness) -> tuple[RequirementRow, ...]:
    return tuple(
        RequirementRow(
            name=_third_person(r.name),
            have=_amount(r, r.have, r.have_label),
            need=_amount(r, r.need, r.need_label),
            met=r.met,
            note=_third_person(r.note),
        )
        for r in readiness.requirements
        if not r.after_applying  # references and the exam are judged on their own
    )


def submitted_portfolio(application: Application) -> SubmittedPortfolio | None:
    """The application's snapshot as typed values, or None before anything is frozen."""
    s = application.snapshot
    if not s or not s.get("taken_at"):
        return None
    taken_at = datetime.fromisoformat(s["taken_at"])
    taken_on = timezone.localtime(taken_at).date() if timezone.is_aware(taken_at) else taken_at.date()
    complete = s.get("format", 1) >= SNAPSHOT_FORMAT
    labels = {label: value for value, label in Education.choices}
    education = tuple(
        EducationItem(
            level=r.get("level_code") or labels.get(r.get("level", ""), ""),
            level_label=r.get("level", ""),
            qualification=r.get("qualification", ""),
            institution=r.get("institution", ""),
            awarded_on=_day(r.get("awarded_on")) or taken_on,
        )
        for r in s.get("education", [])
    )
    training = tuple(
        TrainingItem(
            title=r.get("title", ""),
            provider=r.get("provider", ""),
            hours=_hours(r.get("hours")),
            completed_on=_day(r.get("completed_on")) or taken_on,
            relationship_based=bool(r.get("relationship_based")),
            certificate=None,
            confirmed_by=str(r.get("confirmed_by", "")),
            confirmed_on=_day(r.get("confirmed_on")),
            accredited=bool(r.get("accredited")),
            competency_codes=str(r.get("competency_codes", "")),
        )
        for r in s.get("training", [])
    )
    experience = tuple(
        ExperienceItem(
            role_title=r.get("role", ""),
            employer=r.get("employer", ""),
            setting=r.get("setting", ""),
            started_on=_day(r.get("started_on")) or taken_on,
            ended_on=_day(r.get("ended_on")),
            paid=bool(r.get("paid")),
            families_served=int(r.get("families_served") or 0),
        )
        for r in s.get("experience", [])
    )
    supervision = tuple(
        SupervisionItem(
            session_on=_day(r.get("session_on")) or taken_on,
            supervisor_name=r.get("supervisor", ""),
            supervisor_email=r.get("supervisor_email", ""),
            hours=_hours(r.get("hours")),
            kind=r.get("kind_code", ""),
            kind_label=r.get("kind", ""),
            status=r.get("status_code", ""),
            status_label=r.get("status", ""),
        )
        for r in s.get("supervision", [])
    )
    cpd = tuple(
        CPDItem(r.get("activity", ""), _day(r.get("done_on")) or taken_on, _hours(r.get("hours")), "")
        for r in s.get("cpd", [])
    )
    version_id = application.level.version_id
    evidence = tuple(
        EvidenceItem(
            title=r.get("title", ""),
            kind="",
            kind_label=r.get("kind", ""),
            text=r.get("text", ""),
            file=None,
            competencies=tuple(
                CompetencyMapped(version_id, code) for code in r.get("level_competencies", r.get("competencies", []))
            ),
            unresolved_findings=False,
        )
        for r in s.get("evidence", [])
    )
    requirements: tuple[RequirementRow, ...] | None = None
    missing: tuple[str, ...] = ()
    if complete:
        frozen = PortfolioSnapshot(education, training, experience, supervision, cpd, evidence)
        readiness = readiness_from(frozen, application.level, today=taken_on)
        requirements, missing = _requirement_rows(readiness), readiness.missing_competencies
    return SubmittedPortfolio(
        taken_at=taken_at,
        taken_on=taken_on,
        framework_version=str(s.get("framework_version", "")),
        education=education,
        training=training,
        training_hours=sum((t.hours for t in training), Decimal(0)),
        relationship_hours=sum((t.hours for t in training if t.counts_as_relationship_based), Decimal(0)),
        experience=tuple(SubmittedJob(j, job_months(j.started_on, j.ended_on, today=taken_on)) for j in experience),
        supervision=supervision,
        cpd=cpd,
        evidence=evidence,
        requirements=requirements,
        missing_competencies=missing,
    )


# References and reviews as tables ----------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One referee's rating or one assessor's score of a competency."""

    column: str  # whose it is: the referee's or the assessor's name
    value: str  # "met", "partly", "not_met", "unknown"; "" when not given
    words: str
    comment: str = ""


@dataclass(frozen=True)
class CompetencyRow:
    """One competency (a row) and a cell per column."""

    competency: Competency
    cells: tuple[Cell, ...]

    @property
    def agreed(self) -> bool:
        return len({cell.value for cell in self.cells}) <= 1


@dataclass(frozen=True)
class DomainRows:
    domain: str
    rows: tuple[CompetencyRow, ...]


def _by_domain(rows: list[CompetencyRow]) -> tuple[DomainRows, ...]:
    grouped: dict[str, list[CompetencyRow]] = {}
    for row in rows:
        grouped.setdefault(f"{row.competency.domain.code} {row.competency.domain.name}", []).append(row)
    return tuple(DomainRows(domain, tuple(items)) for domain, items in grouped.items())


RATING_WORDS = {
    ReferenceRequest.Rating.MET.value: "Met",
    ReferenceRequest.Rating.PARTLY.value: "Partly met",
    ReferenceRequest.Rating.NOT_MET.value: "Not met",
    ReferenceRequest.Rating.UNKNOWN.value: "Not enough information",
}


@dataclass(frozen=True)
class ReferenceTable:
    referees: tuple[ReferenceRequest, ...]
    domains: tuple[DomainRows, ...]


def reference_table(application: Application, competencies: list[Competency]) -> ReferenceTable:
    """The references that count, as competencies (rows) × referees (columns)."""
    referees = tuple(r for r in current_references(application) if r.counts)
    rows = []
    for competency in competencies:
        cells = []
        for referee in referees:
            value = str(referee.ratings.get(competency.code, ""))
            column = f"{referee.referee_name}, {referee.referee_role}"
            cells.append(Cell(column, value, RATING_WORDS.get(value, "Not asked")))
        rows.append(CompetencyRow(competency, tuple(cells)))
    return ReferenceTable(referees, _by_domain(rows))


@dataclass(frozen=True)
class ReviewTable:
    """The reviews of a round side by side: a column per assessor, a row per competency,
    and whether the assessors gave it the same score."""

    reviews: tuple[Review, ...]
    domains: tuple[DomainRows, ...]
    disagreements: int
    recommendations_agree: bool


def review_table(reviews: list[Review], competencies: list[Competency]) -> ReviewTable:
    """`reviews` (with `scores` prefetched) side by side."""
    scores = [{s.competency_id: s for s in review.scores.all()} for review in reviews]
    words = {value: str(label) for value, label in Score.Value.choices}
    rows = []
    for competency in competencies:
        cells = []
        for review, by_competency in zip(reviews, scores, strict=True):
            score = by_competency.get(competency.pk)
            value = score.value if score else ""
            cells.append(
                Cell(
                    str(review.assessor or "A former assessor"),
                    value,
                    words.get(value, "Not scored"),
                    score.comment if score else "",
                )
            )
        rows.append(CompetencyRow(competency, tuple(cells)))
    return ReviewTable(
        reviews=tuple(reviews),
        domains=_by_domain(rows),
        disagreements=sum(1 for row in rows if not row.agreed),
        recommendations_agree=len({r.recommendation for r in reviews}) <= 1,
    )


def register_entry_of(application: Application) -> RegisterEntry | None:
    """The Register entry an endorsed (or overturned) application put its practitioner on."""
    if application.state not in workflow.ENDORSING:
        return None
    return register_entries_of(application.practitioner).filter(level_code=application.level.code).first()


def open_application_of(practitioner: User, level: Level) -> int | None:
    """The id of the practitioner's open application for `level` (a draft, or one under way), if any."""
    return (
        Application.objects.owned_by(practitioner)
        .filter(level=level, state__in=workflow.OPEN)
        .values_list("pk", flat=True)
        .first()
    )


def practitioner_next_step(
    application: Application, *, missing_references: list[str], problems: list[str] | None = None
) -> str:
    """What happens next, in the practitioner's words, true to where the application is: the
    state's sentence, made exact where the state alone cannot tell. A draft says whether it
    can go (`problems`: what stops submission, when known); a submitted application says
    which references it still waits for, or that they are all in."""
    state = workflow.State(application.state)
    if state == workflow.State.DRAFT and problems is not None:
        if problems:
            count = len(problems)
            return f"Before you can submit, {count} thing{'s' if count != 1 else ''} still to do, listed on this page."
        return "Everything the application needs is in place: submit it when you are ready."
    if state == workflow.State.SUBMITTED:
        if missing_references:
            return (
                f"Waiting for {'; '.join(missing_references)}. Once the references are in, the registrar "
                "assigns two assessors and starts the review."
            )
        return "All your references are in. The registrar assigns two assessors and starts the review."
    return workflow.NEXT_STEPS[state]


def practitioner_next_steps(applications: list[Application]) -> dict[int, str]:
    """`practitioner_next_step` for each of a practitioner's applications, by id, in one query
    for the references of those that wait for them."""
    waiting = [a for a in applications if a.state == workflow.State.SUBMITTED]
    references: dict[int, list[ReferenceRequest]] = defaultdict(list)
    for reference in ReferenceRequest.objects.filter(application__in=waiting, replaced_at__isnull=True):
        references[reference.application_id].append(reference)
    return {
        a.pk: practitioner_next_step(
            a, missing_references=references_missing(a, references[a.pk]) if a in waiting else []
        )
        for a in applications
    }


# The exam --------------------------------------------------------------------------


@runtime_checkable
class PassesExams(Protocol):
    """An app config that names the selector saying whether a candidate has passed a
    level's exam: the exams app's (`ExamsConfig.exam_passed`), which stands on this app
    (an attempt belongs to an application) and so cannot be imported here."""

    exam_passed: str


def exam_outstanding(application: Application) -> str:
    """Why the application cannot be endorsed yet for want of the exam, or "" when its
    level needs none or its practitioner has passed it. Without the exams app, a level
    that needs the exam can never be endorsed: nothing passes by default."""
    if not application.level.exam_required:
        return ""
    outstanding = f"{application.level.name} requires the exam, and {application.practitioner} has not passed it yet."
    try:
        config = apps.get_app_config("exams")
    except LookupError:
        return outstanding
    if not isinstance(config, PassesExams):
        raise TypeError(f"{type(config).__name__} has no exam_passed: the exams app names its selector there.")
    passed: Any = import_string(config.exam_passed)
    return "" if passed(application.practitioner_id, application.level.code) else outstanding
