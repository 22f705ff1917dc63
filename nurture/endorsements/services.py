"""Writes for endorsement: applications, references, assessment, decisions, appeals.

Every function takes keyword arguments and runs in one transaction. Each state
change goes through `_transition`, which asks `workflow.transition_for` whether
this person may take this step from the current state, then moves the row with
an atomic `UPDATE … WHERE state = <from>` so two people acting at once cannot
both succeed, and writes the audit entry. Whatever is refused raises
`WorkflowError` (or `SubmissionRefused`) and changes nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.core.audit import audit_record
from nurture.core.emails import EmailLimitReached, Sender, email_send
from nurture.core.link_tokens import token_digest
from nurture.core.origins import site_url
from nurture.core.uploads import atomic_with_files, name_for_type
from nurture.endorsements import workflow
from nurture.endorsements.models import (
    Application,
    Assignment,
    ConflictDeclaration,
    ReferenceRequest,
    Review,
    ReviewDraft,
    Score,
    SnapshotFile,
)
from nurture.endorsements.selectors import (
    SNAPSHOT_FORMAT,
    application_status,
    conflicts_of,
    exam_outstanding,
    references_missing,
    submission_problems,
)
from nurture.endorsements.workflow import Action, State, WorkflowError
from nurture.framework.models import Level

if TYPE_CHECKING:
    from nurture.register.models import RegisterEntry
from nurture.portfolios.selectors import PortfolioFile, PortfolioSnapshot, portfolio_snapshot

# How many "not enough information to say" answers make a reference void.
VOID_AT = 6

PAST: dict[Action, str] = {
    Action.SUBMIT: "submitted",
    Action.WITHDRAW: "withdrawn",
    Action.START_REVIEW: "review_started",
    Action.REQUEST_INFO: "info_requested",
    Action.RESUBMIT: "resubmitted",
    Action.COMPLETE_REVIEW: "reviewed",
    Action.MODERATE: "moderated",
    Action.ENDORSE: "endorsed",
    Action.DEFER: "deferred",
    Action.NOT_ENDORSE: "not_endorsed",
    Action.APPEAL: "appealed",
    Action.UPHOLD: "upheld",
    Action.OVERTURN: "overturned",
}


class SubmissionRefused(WorkflowError):
    """Submission refused, with every requirement that is still missing."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("The application cannot be submitted yet: " + "; ".join(problems))


# Who is acting, and the step itself --------------------------------------------------


def part_of(application: Application, actor: User, action: Action | None = None) -> str | None:
    """The part `actor` plays in this application: practitioner, assessor or registrar."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    if actor.pk == application.practitioner_id:
        return workflow.PRACTITIONER
    if actor.role == Role.REGISTRAR:
        return workflow.REGISTRAR
    if actor.role == Role.ASSESSOR:
        kind = Assignment.Kind.MODERATOR if action == Action.MODERATE else Assignment.Kind.ASSESSOR
        if application.assignments.filter(assessor=actor, kind=kind).exists():
            return workflow.ASSESSOR
    return None


def _transition(
    *,
    application: Application,
    action: Action,
    actor: User,
    reason: str = "",
    data: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
) -> Application:
    step = workflow.transition_for(application.state, action, part_of(application, actor, action))
    values = {"state": step.target.value, "state_changed_at": timezone.now(), **(changes or {})}
    moved = Application.objects.filter(pk=application.pk, state=step.source.value).update(**values)
    if not moved:
        raise WorkflowError("Someone else changed this application a moment ago. Nothing was changed; reload the page.")
    for name, value in values.items():
        setattr(application, name, value)
    audit_record(
        action=f"endorsements.application.{PAST[action]}",
        actor=actor,
        target=application,
        reason=reason,
        data={"from": step.source.value, "to": step.target.value, **(data or {})},
    )
    return application


def _check(application: Application, action: Action, actor: User) -> workflow.Transition:
    return workflow.transition_for(application.state, action, part_of(application, actor, action))


def _locked(application: Application) -> Application:
    """The row as it is now, locked until the transaction ends (PostgreSQL)."""
    return Application.objects.select_for_update().select_related("practitioner", "level").get(pk=application.pk)


# Email -------------------------------------------------------------------------------


def _notify_practitioner(application: Application, template: str, **extra: Any) -> None:
    status = application_status(application)
    context = {
        "name": str(application.practitioner),
        "level_name": application.level.name,
        "state": status.label,
        "next_step": status.next_step,
        "expected_on": status.expected_on.strftime("%-d %B %Y") if status.expected_on else "",
        "url": site_url("endorsements:application", application.pk),
        **extra,
    }
    email_send(
        to=application.practitioner.email,
        template=f"endorsements/email/{template}",
        context=context,
        about=application,
    )


# Starting and submitting -------------------------------------------------------------


def application_start(*, practitioner: User, level: Level) -> Application:
    """A draft application for `level`, or the one already open for it."""
    if getattr(practitioner, "role", None) != Role.PRACTITIONER:
        raise WorkflowError("Only practitioners can apply for endorsement.")
    open_ones = Application.objects.owned_by(practitioner).filter(level=level, state__in=workflow.OPEN)
    with transaction.atomic():
        existing = open_ones.first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                application = Application.objects.create(practitioner=practitioner, level=level)
        except IntegrityError:
            # Started at the same moment by another request (a double click): the
            # one-open-application-per-level constraint kept one; both lead to it.
            return open_ones.get()
        audit_record(
            action="endorsements.application.started",
            actor=practitioner,
            target=application,
            data={"level": level.code, "framework_version": level.version.number},
        )
    return application


def application_submit(*, application: Application, actor: User, today: date) -> Application:
    with atomic_with_files():  # the snapshot copies files
        application = _locked(application)
        _check(application, Action.SUBMIT, actor)
        portfolio = portfolio_snapshot(application.practitioner)  # read once: checked, then frozen
        problems = submission_problems(application, today=today, portfolio=portfolio)
        if problems:
            raise SubmissionRefused(problems)
        snapshot = _snapshot_take(application, portfolio)
        now = timezone.now()
        _transition(
            application=application,
            action=Action.SUBMIT,
            actor=actor,
            changes={"snapshot": snapshot, "submitted_at": now},
        )
        for reference in application.references.filter(replaced_at__isnull=True, sent_at__isnull=True):
            _reference_send(reference)
        _notify_practitioner(application, "application_received")
    return application


def application_withdraw(*, application: Application, actor: User, reason: str = "") -> Application:
    with transaction.atomic():
        return _transition(application=_locked(application), action=Action.WITHDRAW, actor=actor, reason=reason)


def application_resubmit(*, application: Application, actor: User, answer: str = "", today: date) -> Application:
    """Answer an assessor's question, or resubmit after completing required actions."""
    with atomic_with_files():  # the snapshot copies files
        application = _locked(application)
        _check(application, Action.RESUBMIT, actor)
        changes: dict[str, Any] = {}
        if application.state == State.MORE_INFO_REQUESTED:
            if not answer.strip():
                raise WorkflowError("Write your answer to the assessor's question.")
            changes["info_answer"] = answer.strip()
        else:
            portfolio = portfolio_snapshot(application.practitioner)
            problems = submission_problems(application, today=today, references=False, portfolio=portfolio)
            if problems:
                raise SubmissionRefused(problems)
            application.round += 1
            changes["round"] = application.round
            changes["snapshot"] = _snapshot_take(application, portfolio)
        _transition(application=application, action=Action.RESUBMIT, actor=actor, changes=changes)
        _notify_practitioner(application, "application_received", resubmitted=True)
    return application


def _text(value: Any) -> Any:
    if isinstance(value, Decimal | date):
        return str(value)
    return value


def _copy(application: Application, file: PortfolioFile | None, *, label: str) -> int | None:
    """Copy a portfolio file into the application's own storage; the copy outlives the original."""
    if file is None:
        return None
    content = file.read()
    if content is None:
        return None
    name = name_for_type(file.name or "file", file.content_type)
    copy = SnapshotFile(
        application=application, round=application.round, name=name, content_type=file.content_type, label=label
    )
    copy.file.save(name, ContentFile(content), save=True)
    return copy.pk


def _snapshot_take(application: Application, portfolio: PortfolioSnapshot) -> dict[str, Any]:
    """Freeze the portfolio as it is now: later edits do not change what assessors see.

    Format 2 keeps what the readiness rules read (the codes beside the labels, the
    supervisor's address, the evidence's competencies in the level's framework version),
    so `selectors.submitted_portfolio` can judge the requirements from the snapshot alone."""
    version_id = application.level.version_id
    rows = {
        "education": [
            {
                "level": r.level_label,
                "level_code": r.level,
                "qualification": r.qualification,
                "institution": r.institution,
                "awarded_on": _text(r.awarded_on),
            }
            for r in portfolio.education
        ],
        "training": [
            {
                "title": r.title,
                "provider": r.provider,
                "hours": _text(r.hours),
                "completed_on": _text(r.completed_on),
                "relationship_based": r.relationship_based,
                "confirmed_by": r.confirmed_by,
                "confirmed_on": _text(r.confirmed_on) if r.confirmed_on else "",
                "accredited": r.accredited,
                "competency_codes": r.competency_codes,
                "file": _copy(application, r.certificate, label=r.title),
            }
            for r in portfolio.training
        ],
        "experience": [
            {
                "role": r.role_title,
                "employer": r.employer,
                "setting": r.setting,
                "started_on": _text(r.started_on),
                "ended_on": _text(r.ended_on) if r.ended_on else "",
                "paid": r.paid,
                "families_served": r.families_served,
            }
            for r in portfolio.experience
        ],
        "supervision": [
            {
                "session_on": _text(r.session_on),
                "supervisor": r.supervisor_name,
                "supervisor_email": r.supervisor_email,
                "hours": _text(r.hours),
                "kind": r.kind_label,
                "kind_code": r.kind,
                "status": r.status_label,
                "status_code": r.status,
            }
            for r in portfolio.supervision
        ],
        "cpd": [
            {"activity": r.activity, "done_on": _text(r.done_on), "hours": _text(r.hours), "reflection": r.reflection}
            for r in portfolio.cpd
        ],
        "evidence": [
            {
                "title": r.title,
                "kind": r.kind_label,
                "text": r.text,
                "competencies": r.competency_codes,
                "level_competencies": sorted(c.code for c in r.competencies if c.version_id == version_id),
                "file": _copy(application, r.file, label=r.title),
            }
            for r in portfolio.evidence
        ],
    }
    return {
        "format": SNAPSHOT_FORMAT,
        "taken_at": timezone.now().isoformat(),
        "round": application.round,
        "level": application.level.code,
        "framework_version": application.level.version.number,
        **rows,
    }


# References --------------------------------------------------------------------------


def _reference_send(reference: ReferenceRequest) -> None:
    """A new link for the referee, emailed through the outbox in this transaction."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    days = settings.NURTURE_REFERENCE_LINK_DAYS
    reference.token_hash = token_digest(token)
    reference.sent_at = now
    reference.expires_at = now + timedelta(days=days)
    reference.opened_at = reference.bounced_at = None
    reference.save(update_fields=["token_hash", "sent_at", "expires_at", "opened_at", "bounced_at"])
    application = reference.application
    context = {
        "referee_name": reference.referee_name,
        "referee_role": reference.referee_role,
        "practitioner_name": str(application.practitioner),
        "level_name": application.level.name,
        "url": site_url("endorsements:reference", token),
        "expires_on": timezone.localtime(reference.expires_at).strftime("%-d %B %Y"),
    }
    try:
        email_send(
            to=reference.referee_email,
            template="endorsements/email/reference_request",
            context=context,
            about=reference,
            sender=Sender.account(application.practitioner),
        )
    except EmailLimitReached as refused:
        raise WorkflowError(str(refused)) from None


def referees_check(*, application: Application, actor: User) -> None:
    """Referees are named or asked again by the practitioner while the application is open."""
    if part_of(application, actor) != workflow.PRACTITIONER:
        raise WorkflowError("Only the practitioner who applied can name referees.")
    if application.state not in workflow.OPEN or application.state == State.APPEAL:
        raise WorkflowError("This application no longer takes references.")


def referee_add(*, application: Application, actor: User, name: str, email: str, role: str) -> ReferenceRequest:
    """Name a referee; once the application is submitted, their link goes straight away."""
    with transaction.atomic():
        application = _locked(application)
        referees_check(application=application, actor=actor)
        if role not in application.level.reference_roles:
            raise WorkflowError("Choose one of the roles this level asks referees to have.")
        # The same referee named twice (a double click; the application's lock makes
        # the second wait for the first) is the one request, not a second email.
        same = application.references.filter(
            replaced_at__isnull=True, referee_email__iexact=email.strip(), referee_role=role
        ).first()
        if same is not None:
            return same
        reference = ReferenceRequest.objects.create(
            application=application, referee_name=name, referee_email=email, referee_role=role
        )
        audit_record(
            action="endorsements.reference.named", actor=actor, target=application, data={"reference": reference.pk}
        )
        if application.state != State.DRAFT:
            _reference_send(reference)
    return reference


def reference_resend(*, reference: ReferenceRequest, actor: User, name: str, email: str) -> ReferenceRequest:
    """Ask again, at another address or another referee: the earlier link stops working."""
    with transaction.atomic():
        application = _locked(reference.application)
        referees_check(application=application, actor=actor)
        old = ReferenceRequest.objects.select_for_update().get(pk=reference.pk, application=application)
        if not old.can_be_resent:
            raise WorkflowError("This reference has already arrived or been replaced; there is nothing to re-send.")
        old.replaced_at = timezone.now()
        old.save(update_fields=["replaced_at"])
        new = ReferenceRequest.objects.create(
            application=application, referee_name=name, referee_email=email, referee_role=old.referee_role
        )
        audit_record(
            action="endorsements.reference.resent",
            actor=actor,
            target=application,
            data={"replaces": old.pk, "reference": new.pk, "was": old.status},
        )
        if application.state != State.DRAFT:
            _reference_send(new)
    return new


@dataclass(frozen=True)
class ReferenceLink:
    """What a referee's link can do now, and a sentence that says so."""

    reference: ReferenceRequest | None
    usable: bool
    message: str


def reference_link_state(token: str) -> ReferenceLink:
    reference = (
        ReferenceRequest.objects.select_related("application__practitioner", "application__level")
        .filter(token_hash=token_digest(token))
        .first()
    )
    if reference is None:
        return ReferenceLink(None, False, "This link is not valid. Check that you copied the whole address.")
    if reference.answered_at is not None:
        return ReferenceLink(
            reference, False, "This reference has already been given. Thank you; nothing more is needed."
        )
    if reference.replaced_at is not None:
        return ReferenceLink(
            reference, False, "The practitioner has asked for this reference elsewhere. This link no longer works."
        )
    if reference.expires_at is None or reference.expires_at <= timezone.now():
        return ReferenceLink(reference, False, "This link has expired. Ask the practitioner to send you a new one.")
    if reference.application.state not in workflow.OPEN:
        return ReferenceLink(reference, False, "This application is closed, so no reference is needed any more.")
    return ReferenceLink(reference, True, "")


def reference_open(*, reference: ReferenceRequest) -> None:
    """The referee opened the form: the practitioner sees 'opened'. Only the first time counts."""
    ReferenceRequest.objects.filter(pk=reference.pk, opened_at__isnull=True).update(opened_at=timezone.now())


def reference_answer(*, token: str, ratings: Mapping[str, str], comment: str = "") -> ReferenceLink:
    """The referee's answers; the link is used up. Six or more 'not enough information' make it void."""
    with transaction.atomic():
        state = reference_link_state(token)
        if not state.usable or state.reference is None:
            return state
        reference = state.reference
        unknown = sum(1 for value in ratings.values() if value == ReferenceRequest.Rating.UNKNOWN)
        void = unknown >= VOID_AT
        claimed = ReferenceRequest.objects.filter(
            pk=reference.pk, answered_at__isnull=True, replaced_at__isnull=True
        ).update(answered_at=timezone.now(), ratings=dict(ratings), comment=comment, void=void)
        if not claimed:
            return reference_link_state(token)
        audit_record(
            action=f"endorsements.reference.{'void' if void else 'answered'}",
            actor_label=f"referee {reference.referee_email}",
            target=reference.application,
            data={"reference": reference.pk, "not_enough_information": unknown},
        )
        if void:
            _notify_practitioner(
                reference.application,
                "reference_void",
                referee_name=reference.referee_name,
                referee_role=reference.referee_role,
            )
    if void:
        return ReferenceLink(
            reference,
            False,
            "Thank you. As you could not say for many of the competencies, the practitioner will ask someone else.",
        )
    return ReferenceLink(reference, False, "Thank you. Your reference has been sent to the association.")


# Assessment --------------------------------------------------------------------------


def _registrar(actor: User) -> None:
    if getattr(actor, "role", None) != Role.REGISTRAR:
        raise WorkflowError("Only the registrar can do this. Nothing was changed.")


def assessor_assign_check(*, application: Application, actor: User) -> None:
    """The registrar assigns assessors from submission until the review is done."""
    _registrar(actor)
    if application.state not in (State.SUBMITTED, State.RESUBMITTED, State.UNDER_REVIEW):
        raise WorkflowError("Assessors are assigned once the application is submitted and before it is reviewed.")


def assessor_needed_check(*, application: Application, actor: User) -> None:
    """`assessor_assign_check`, and a place left: once two are assigned, the page offers no more."""
    assessor_assign_check(application=application, actor=actor)
    if application.assignments.filter(kind=Assignment.Kind.ASSESSOR).count() >= 2:
        raise WorkflowError("This application already has its two assessors.")


def moderator_assign_check(*, application: Application, actor: User) -> None:
    """The registrar picks a moderator once both reviews are in."""
    _registrar(actor)
    if application.state != State.REVIEWED:
        raise WorkflowError("A moderator is picked once both reviews are in.")


def assessor_assign(*, application: Application, actor: User, assessor: User) -> Assignment:
    """The registrar assigns one of the two assessors; a conflict of interest refuses it."""
    with transaction.atomic():
        application = _locked(application)
        assessor_assign_check(application=application, actor=actor)
        if getattr(assessor, "role", None) != Role.ASSESSOR:
            raise WorkflowError(f"{assessor} is not an assessor.")
        assigned = application.assignments.filter(kind=Assignment.Kind.ASSESSOR)
        already = assigned.filter(assessor=assessor).first()
        if already is not None:  # assigned twice (a double click): the one assignment
            return already
        if assigned.count() >= 2:
            raise WorkflowError("This application already has its two assessors.")
        conflicts = conflicts_of(assessor, application)
        if conflicts:
            raise WorkflowError(f"{assessor} cannot assess this application: " + "; ".join(conflicts) + ".")
        assignment = Assignment.objects.create(application=application, assessor=assessor, assigned_by=actor)
        audit_record(
            action="endorsements.assessor.assigned",
            actor=actor,
            target=application,
            data={"assessor": assessor.pk, "kind": "assessor"},
        )
        _notify_assessor(assignment)
    return assignment


def _notify_assessor(assignment: Assignment) -> None:
    context = {
        "name": str(assignment.assessor),
        "role": assignment.get_kind_display().lower(),
        "level_name": assignment.application.level.name,
        "url": site_url("endorsements:review", assignment.application_id),
    }
    email_send(
        to=assignment.assessor.email, template="endorsements/email/assessor_assigned", context=context, about=assignment
    )


def review_start(*, application: Application, actor: User) -> Application:
    """Send the application to its assessors: needs both assessors and every reference."""
    with transaction.atomic():
        application = _locked(application)
        _check(application, Action.START_REVIEW, actor)
        review_start_ready(application)
        return _transition(application=application, action=Action.START_REVIEW, actor=actor)


def review_start_ready(application: Application) -> None:
    """Raise WorkflowError, saying what is missing, unless every reference is in and two
    assessors are assigned (the page asks this before it offers "Start the review")."""
    missing = references_missing(application, whose="their")
    if missing:
        raise WorkflowError("The review cannot start until the references have arrived: " + "; ".join(missing))
    if application.assignments.filter(kind=Assignment.Kind.ASSESSOR).count() < 2:
        raise WorkflowError("Assign two assessors before the review starts.")


def info_request(*, application: Application, actor: User, question: str) -> Application:
    with transaction.atomic():
        application = _locked(application)
        _check(application, Action.REQUEST_INFO, actor)
        if not question.strip():
            raise WorkflowError("Write the question the practitioner should answer.")
        _transition(
            application=application,
            action=Action.REQUEST_INFO,
            actor=actor,
            changes={"info_question": question.strip(), "info_answer": ""},
        )
        _notify_practitioner(application, "info_requested", question=question.strip())
    return application


def review_check(*, application: Application, assessor: User) -> None:
    """An assessor assigned to the application reviews it once a round, while it is under review."""
    _check(application, Action.COMPLETE_REVIEW, assessor)
    if Review.objects.filter(application=application, assessor=assessor, round=application.round).exists():
        raise WorkflowError("You have already submitted your review of this application.")


def review_draft_save(
    *,
    application: Application,
    assessor: User,
    scores: Mapping[int, tuple[str, str]],
    recommendation: str = "",
    summary: str = "",
) -> ReviewDraft:
    """Keep an assessor's review in progress without submitting it: whatever is scored so far.

    Only while they may still submit their review of this round. The draft is theirs alone;
    its audit entry is about the draft, not the application, so no timeline shows it."""
    with transaction.atomic():
        application = _locked(application)
        review_check(application=application, assessor=assessor)
        if recommendation and recommendation not in workflow.RECOMMENDATIONS:
            raise WorkflowError("Choose one of the recommendations listed.")
        known = set(application.level.competencies.values_list("pk", flat=True))
        kept: dict[str, list[str]] = {}
        for pk, (value, comment) in scores.items():
            if pk not in known or (value and value not in Score.Value.values):
                raise WorkflowError("Score the competencies of this application's level with the choices given.")
            kept[str(pk)] = [value, comment.strip()]
        draft, _ = ReviewDraft.objects.update_or_create(
            application=application,
            assessor=assessor,
            round=application.round,
            defaults={"scores": kept, "recommendation": recommendation, "summary": summary.strip()},
        )
        audit_record(
            action="endorsements.review.draft_saved",
            actor=assessor,
            target=draft,
            data={
                "application": application.pk,
                "round": application.round,
                "scored": sum(1 for v, _ in kept.values() if v),
            },
        )
    return draft


def review_submit(
    *,
    application: Application,
    assessor: User,
    scores: Mapping[int, tuple[str, str]],
    recommendation: str,
    summary: str = "",
) -> Review:
    """One assessor's review: every competency of the level scored, comments below 'met'.

    When the second review of the round is in, the application is 'reviewed'."""
    with transaction.atomic():
        application = _locked(application)
        review_check(application=application, assessor=assessor)
        if recommendation not in workflow.RECOMMENDATIONS:
            raise WorkflowError("Choose an overall recommendation.")
        competencies = list(application.level.competencies.all())
        for competency in competencies:
            value, comment = scores.get(competency.pk, ("", ""))
            if value not in Score.Value.values:
                raise WorkflowError(f"Score {competency.code}.")
            if value != Score.Value.MET and not comment.strip():
                raise WorkflowError(f"Explain the score for {competency.code}: a comment is needed below “met”.")
        review = Review.objects.create(
            application=application,
            assessor=assessor,
            round=application.round,
            recommendation=recommendation,
            summary=summary,
        )
        Score.objects.bulk_create(
            Score(
                review=review,
                competency=c,
                value=scores[c.pk][0],
                comment=scores[c.pk][1].strip(),
            )
            for c in competencies
        )
        ReviewDraft.objects.filter(application=application, assessor=assessor, round=application.round).delete()
        audit_record(
            action="endorsements.review.submitted",
            actor=assessor,
            target=application,
            data={"review": review.pk, "round": application.round, "recommendation": recommendation},
        )
        done = application.reviews.filter(
            round=application.round,
            assessor__in=application.assignments.filter(kind=Assignment.Kind.ASSESSOR).values("assessor"),
        ).count()
        if done >= 2:
            _transition(application=application, action=Action.COMPLETE_REVIEW, actor=assessor)
    return review


def moderator_assign(*, application: Application, actor: User, moderator: User) -> Assignment:
    """The registrar picks a third assessor, with no conflict, to settle a disagreement."""
    with transaction.atomic():
        application = _locked(application)
        moderator_assign_check(application=application, actor=actor)
        if getattr(moderator, "role", None) != Role.ASSESSOR:
            raise WorkflowError(f"{moderator} is not an assessor.")
        already = application.assignments.filter(assessor=moderator, kind=Assignment.Kind.MODERATOR).first()
        if already is not None:  # picked twice (a double click): the one assignment
            return already
        if application.assignments.filter(assessor=moderator).exists():
            raise WorkflowError(f"{moderator} is already assigned to this application; pick a third assessor.")
        conflicts = conflicts_of(moderator, application)
        if conflicts:
            raise WorkflowError(f"{moderator} cannot moderate this application: " + "; ".join(conflicts) + ".")
        assignment = Assignment.objects.create(
            application=application, assessor=moderator, assigned_by=actor, kind=Assignment.Kind.MODERATOR
        )
        audit_record(
            action="endorsements.assessor.assigned",
            actor=actor,
            target=application,
            data={"assessor": moderator.pk, "kind": "moderator"},
        )
        _notify_assessor(assignment)
    return assignment


def application_moderate(*, application: Application, actor: User, recommendation: str, reason: str) -> Application:
    with transaction.atomic():
        application = _locked(application)
        _check(application, Action.MODERATE, actor)
        if recommendation not in workflow.RECOMMENDATIONS:
            raise WorkflowError("Choose the outcome the moderation recommends.")
        if not reason.strip():
            raise WorkflowError("Give the reasons for the moderation.")
        return _transition(
            application=application,
            action=Action.MODERATE,
            actor=actor,
            reason=reason.strip(),
            data={"recommendation": recommendation},
            changes={
                "moderator": actor,
                "moderation_recommendation": recommendation,
                "moderation_reason": reason.strip(),
            },
        )


def _register(application: Application, actor: User) -> RegisterEntry | None:
    """Put the practitioner on the Register (the register app's service); the entry made."""
    from nurture.register.services import register_entry_create

    return register_entry_create(practitioner=application.practitioner, level=application.level, actor=actor)


def _entry_context(entry: RegisterEntry | None) -> dict[str, str]:
    """The decision email's registration number and the entry's public verification page."""
    if entry is None:
        return {}
    return {"register_number": entry.number, "verify_url": site_url("register:entry", entry.number)}


def decision_check(
    *, application: Application, actor: User, decision: str, reason: str, required_actions: str = ""
) -> Action:
    """The decision may be recorded as it stands: by the registrar, from reviewed or moderated,
    following the agreed recommendation (or the moderation's), with reasons (and required
    actions for a deferral). Asked before the confirmation page, and again on the locked row."""
    if decision not in workflow.DECISIONS:
        raise WorkflowError("Choose a decision.")
    action = workflow.DECISIONS[decision]
    _check(application, action, actor)
    if application.state == State.REVIEWED:
        recommended = set(application.reviews.filter(round=application.round).values_list("recommendation", flat=True))
        if recommended != {decision}:
            raise WorkflowError(
                "The decision must follow the assessors' recommendation; when they disagree, "
                "or you would decide otherwise, the application goes to moderation first. Nothing was changed."
            )
    elif application.moderation_recommendation != decision:
        raise WorkflowError("The decision must follow the moderation's recommendation. Nothing was changed.")
    if not reason.strip():
        raise WorkflowError("Give the reasons for the decision.")
    if action == Action.DEFER and not required_actions.strip():
        raise WorkflowError("List the actions the practitioner must complete before resubmitting.")
    if action == Action.ENDORSE and (outstanding := exam_outstanding(application)):
        raise WorkflowError(f"{outstanding} Nothing was changed.")
    return action


def application_decide(
    *, application: Application, actor: User, decision: str, reason: str, required_actions: str = ""
) -> Application:
    """The registrar's decision: it follows the agreed recommendation, or the moderation."""
    with transaction.atomic():
        application = _locked(application)
        action = decision_check(
            application=application, actor=actor, decision=decision, reason=reason, required_actions=required_actions
        )
        _transition(
            application=application,
            action=action,
            actor=actor,
            reason=reason.strip(),
            changes={"decision_reason": reason.strip(), "required_actions": required_actions.strip()},
        )
        entry = _register(application, actor) if action == Action.ENDORSE else None
        _notify_practitioner(
            application,
            "decision",
            reason=reason.strip(),
            required_actions=required_actions.strip(),
            **_entry_context(entry),
        )
    return application


def appeal_lodge(*, application: Application, actor: User, grounds: str) -> Application:
    with transaction.atomic():
        application = _locked(application)
        if (
            application.state == State.APPEAL
            and part_of(application, actor) == workflow.PRACTITIONER
            and application.appeal_grounds == grounds.strip()
        ):
            return application  # the same appeal sent twice (a double click): lodged once
        _check(application, Action.APPEAL, actor)
        if not grounds.strip():
            raise WorkflowError("Give the grounds for your appeal.")
        _transition(
            application=application,
            action=Action.APPEAL,
            actor=actor,
            reason=grounds.strip(),
            changes={"appeal_grounds": grounds.strip()},
        )
        _notify_practitioner(application, "application_received", appeal=True)
    return application


def appeal_decide(*, application: Application, actor: User, overturn: bool, reason: str) -> Application:
    """Upheld: the decision stands. Overturned: the practitioner is endorsed."""
    action = Action.OVERTURN if overturn else Action.UPHOLD
    with transaction.atomic():
        application = _locked(application)
        _check(application, action, actor)
        if not reason.strip():
            raise WorkflowError("Give the reasons for the appeal decision.")
        if overturn and (outstanding := exam_outstanding(application)):
            raise WorkflowError(f"{outstanding} Nothing was changed.")
        _transition(
            application=application,
            action=action,
            actor=actor,
            reason=reason.strip(),
            changes={"appeal_reason": reason.strip()},
        )
        entry = _register(application, actor) if overturn else None
        _notify_practitioner(
            application, "decision", reason=reason.strip(), required_actions="", **_entry_context(entry)
        )
    return application


# Conflicts ---------------------------------------------------------------------------


def conflict_declare(
    *, assessor: User, practitioner_email: str = "", employer: str = "", reason: str = ""
) -> ConflictDeclaration:
    if getattr(assessor, "role", None) != Role.ASSESSOR:
        raise WorkflowError("Only assessors declare conflicts of interest.")
    if not practitioner_email.strip() and not employer.strip():
        raise WorkflowError("Name a practitioner's email address or an employer.")
    with transaction.atomic():
        declaration = ConflictDeclaration.objects.create(
            assessor=assessor,
            practitioner_email=practitioner_email.strip().lower(),
            employer=employer.strip(),
            reason=reason.strip(),
        )
        audit_record(action="endorsements.conflict.declared", actor=assessor, target=declaration)
    return declaration
