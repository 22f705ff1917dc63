"""Reads for endorsement: where an application is, what is missing, conflicts, agreement."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.core.outbox import Delivery, deliveries_about
from nurture.endorsements import workflow
from nurture.endorsements.agreement import Agreement, cohens_kappa
from nurture.endorsements.models import Application, Assignment, ConflictDeclaration, ReferenceRequest, Review
from nurture.framework.models import Competency, Level
from nurture.portfolios.selectors import PortfolioSnapshot, portfolio_snapshot, readiness_from, supervisor_emails_of


@dataclass(frozen=True)
class Status:
    label: str
    next_step: str
    expected_on: date | None


def application_status(application: Application) -> Status:
    """Where the application is, what happens next, and roughly when."""
    state = workflow.State(application.state)
    since = timezone.localtime(application.state_changed_at).date()
    days = getattr(settings, "NURTURE_APPLICATION_EXPECTED_DAYS", None)
    return Status(workflow.LABELS[state], workflow.NEXT_STEPS[state], workflow.expected_date(state, since, days))


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


def references_missing(application: Application, references: list[ReferenceRequest] | None = None) -> list[str]:
    """The references still to arrive before the review can start, as sentences
    (`references`: the application's current ones, when the caller has read them)."""
    arrived: dict[str, int] = defaultdict(int)
    for reference in current_references(application) if references is None else references:
        if reference.counts:
            arrived[reference.referee_role] += 1
    missing = [f"a reference from your {role}" for role in application.level.reference_roles if not arrived[role]]
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


def staff_queue() -> dict[str, list[Application]]:
    """Every application that is not a draft, grouped by state in workflow order."""
    submitted = [state for state in workflow.State if state != workflow.State.DRAFT]
    groups: dict[str, list[Application]] = {state.value: [] for state in submitted}
    for application in (
        Application.objects.exclude(state=workflow.State.DRAFT)
        .select_related("practitioner", "level")
        .annotate(assessors=Count("assignments", filter=Q(assignments__kind=Assignment.Kind.ASSESSOR)))
        .order_by("state_changed_at")
    ):
        groups[application.state].append(application)
    return groups


def assigned_applications(assessor: User) -> QuerySet[Application]:
    return Application.objects.assigned_to(assessor).select_related("level").order_by("state_changed_at")


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
