"""Each step a person takes on an application, as an action: may they, and do it.

An action's `check(actor, application)` raises `WorkflowError`, saying why, unless
the person may take the step now; `may()` is the same answer as a yes or no, for a
page to show the step's button only to those it would work for. `execute(...)`
checks, then calls the step's service, which checks again on the locked row, moves
the state with `UPDATE … WHERE state = <from>` and writes the audit entry.

The checks ask `workflow.TRANSITIONS` (which state, which part) through
`workflow.transition_for`, with the part the person plays from `services.part_of`;
the steps that change no state (naming referees, assigning assessors, picking a
moderator) ask the service's own check. So "may this person do this now" has one
answer, whichever of the page, the view or the service asks.

The three pages each take their steps from a table here (`PRACTITIONER_STEPS`,
`REGISTRAR_STEPS`, `ASSESSOR_STEPS`), keyed by the step's name in the URL.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import ClassVar, Generic, TypeVar

from django import forms
from django.http import QueryDict

from nurture.accounts.models import User
from nurture.endorsements import forms as f
from nurture.endorsements import services, workflow
from nurture.endorsements.models import Application, Assignment, ReferenceRequest
from nurture.endorsements.selectors import rubric_competencies
from nurture.endorsements.workflow import Action, State, WorkflowError

F = TypeVar("F", bound=forms.Form)


def _transition_check(actor: User, application: Application, action: Action) -> None:
    workflow.transition_for(application.state, action, services.part_of(application, actor, action))


def _any_transition_check(actor: User, application: Application, actions: Iterable[Action]) -> None:
    """One of several transitions (a decision that may go three ways) is open to `actor`."""
    refusals = []
    for action in actions:
        try:
            _transition_check(actor, application, action)
        except WorkflowError as error:
            refusals.append(error)
        else:
            return
    raise refusals[0]


class Rule(ABC):
    """Who may do something to an application, now."""

    @abstractmethod
    def check(self, actor: User, application: Application) -> None:
        """Raise WorkflowError, saying why, unless `actor` may do it now."""

    def may(self, actor: User, application: Application) -> bool:
        try:
            self.check(actor, application)
        except WorkflowError:
            return False
        return True


@dataclass(frozen=True)
class ConfirmationQuestion:
    """What a confirmation page asks before a step that cannot be undone is recorded."""

    question: str  # "Endorse Amara Okafor at Promotion?"
    consequence: str  # "This puts Amara Okafor on the public Register …"
    button: str  # "Confirm: endorse"


class Step(Rule):
    """A step taken from a page: a form (perhaps only a button), then a sentence saying it is done."""

    name: ClassVar[str]
    done: ClassVar[str]

    @abstractmethod
    def form(self, application: Application, data: QueryDict | None = None) -> forms.Form:
        """The step's form, prefixed with its name so that several fit on one page."""

    @abstractmethod
    def execute(self, *, actor: User, application: Application, form: forms.Form) -> object:
        """Check, then take the step with the values of `form` (valid, and made by `form()`)."""

    def confirmation(self, actor: User, application: Application, form: forms.Form) -> ConfirmationQuestion | None:
        """The question to confirm on a page of its own before the step is taken (after checking
        that it would be allowed as chosen), or None: most steps are taken straight away."""
        return None


class FormStep(Step, Generic[F]):
    form_class: type[F]
    # The service treats the same step sent twice (a double click) as done once, so the
    # second request must reach it: `execute` leaves the check to the service's locked row.
    repeatable: ClassVar[bool] = False

    def form(self, application: Application, data: QueryDict | None = None) -> F:
        return self.form_class(data, prefix=self.name)

    def execute(self, *, actor: User, application: Application, form: forms.Form) -> object:
        if not isinstance(form, self.form_class):
            raise TypeError(f"The {self.name} step takes a {self.form_class.__name__}.")
        if not self.repeatable:
            self.check_chosen(actor, application, form)
        return self.perform(actor=actor, application=application, form=form)

    def check_chosen(self, actor: User, application: Application, form: F) -> None:
        """`check`, for what the form chose where the step may go more than one way."""
        self.check(actor, application)

    @abstractmethod
    def perform(self, *, actor: User, application: Application, form: F) -> object:
        """Call the service with the form's values (after `check`)."""


class TransitionStep(FormStep[F]):
    """A step that is one transition of `workflow.TRANSITIONS`: the table says who may take it, from where."""

    transition: ClassVar[Action]

    def check(self, actor: User, application: Application) -> None:
        _transition_check(actor, application, self.transition)


# The practitioner ---------------------------------------------------------------------


class Submit(TransitionStep[f.Confirmation]):
    name = "submit"
    done = "Submitted. We have emailed your referees and sent you a receipt."
    form_class = f.Confirmation
    transition = Action.SUBMIT

    def perform(self, *, actor: User, application: Application, form: f.Confirmation) -> Application:
        return services.application_submit(application=application, actor=actor, today=date.today())


class Withdraw(TransitionStep[f.WithdrawForm]):
    name = "withdraw"
    done = "Your application is withdrawn."
    form_class = f.WithdrawForm
    transition = Action.WITHDRAW

    def perform(self, *, actor: User, application: Application, form: f.WithdrawForm) -> Application:
        return services.application_withdraw(application=application, actor=actor, reason=form.text())


class NameReferee(FormStep[f.RefereeForm]):
    name = "referee"
    done = "Referee added."
    form_class = f.RefereeForm

    def form(self, application: Application, data: QueryDict | None = None) -> f.RefereeForm:
        return f.RefereeForm(data, roles=list(application.level.reference_roles), prefix=self.name)

    def check(self, actor: User, application: Application) -> None:
        services.referees_check(application=application, actor=actor)

    def perform(self, *, actor: User, application: Application, form: f.RefereeForm) -> ReferenceRequest:
        referee = form.referee()
        return services.referee_add(
            application=application, actor=actor, name=referee.name, email=referee.email, role=form.role()
        )


class AnswerQuestion(TransitionStep[f.AnswerForm]):
    """Answering an assessor's question resubmits the application (the same transition as below)."""

    name = "answer"
    done = "Thank you. Your answer is with the association and the review will continue."
    form_class = f.AnswerForm
    transition = Action.RESUBMIT

    def check(self, actor: User, application: Application) -> None:
        super().check(actor, application)
        if application.state != State.MORE_INFO_REQUESTED:
            raise WorkflowError("There is no question to answer on this application.")

    def perform(self, *, actor: User, application: Application, form: f.AnswerForm) -> Application:
        return services.application_resubmit(
            application=application, actor=actor, answer=form.text(), today=date.today()
        )


class Resubmit(TransitionStep[f.Confirmation]):
    """After a deferral, with the required actions completed: the portfolio is saved again."""

    name = "resubmit"
    done = "Resubmitted with your completed actions."
    form_class = f.Confirmation
    transition = Action.RESUBMIT

    def check(self, actor: User, application: Application) -> None:
        super().check(actor, application)
        if application.state != State.DEFERRED:
            raise WorkflowError("Answer the assessor's question to send the application back.")

    def perform(self, *, actor: User, application: Application, form: f.Confirmation) -> Application:
        return services.application_resubmit(application=application, actor=actor, today=date.today())


class Appeal(TransitionStep[f.AppealForm]):
    name = "appeal"
    done = "Your appeal is lodged."
    form_class = f.AppealForm
    repeatable = True

    transition = Action.APPEAL

    def perform(self, *, actor: User, application: Application, form: f.AppealForm) -> Application:
        return services.appeal_lodge(application=application, actor=actor, grounds=form.text())


class ResendReference(Rule):
    """Ask a referee again (another address, or someone else): its own page, for one request."""

    def check(self, actor: User, application: Application) -> None:
        services.referees_check(application=application, actor=actor)

    def execute(self, *, actor: User, reference: ReferenceRequest, form: f.ResendForm) -> ReferenceRequest:
        self.check(actor, reference.application)
        referee = form.referee()
        return services.reference_resend(reference=reference, actor=actor, name=referee.name, email=referee.email)


class ReadFiles(Rule):
    """The files copied at submission: its practitioner, the registrar, and whoever is
    assigned to it (as an assessor or as its moderator)."""

    def check(self, actor: User, application: Application) -> None:
        if services.part_of(application, actor) is not None:
            return
        if services.part_of(application, actor, Action.MODERATE) is not None:
            return
        raise WorkflowError("Only its practitioner, its assessors and the registrar see this application's files.")


# The registrar ------------------------------------------------------------------------


class AssignAssessor(FormStep[f.AssignForm]):
    name = "assign"
    done = "Assessor assigned and emailed."
    form_class = f.AssignForm

    # The same assessor assigned twice (a double click) is the one assignment: the service
    # says so, where this check would refuse the second click once two are assigned.
    repeatable = True

    def check(self, actor: User, application: Application) -> None:
        services.assessor_needed_check(application=application, actor=actor)

    def perform(self, *, actor: User, application: Application, form: f.AssignForm) -> Assignment:
        return services.assessor_assign(application=application, actor=actor, assessor=form.person())


class StartReview(TransitionStep[f.Confirmation]):
    name = "start_review"
    done = "The review has started."
    form_class = f.Confirmation
    transition = Action.START_REVIEW

    def check(self, actor: User, application: Application) -> None:
        super().check(actor, application)
        services.review_start_ready(application)

    def perform(self, *, actor: User, application: Application, form: f.Confirmation) -> Application:
        return services.review_start(application=application, actor=actor)


class ChooseModerator(FormStep[f.ModeratorForm]):
    name = "moderator"
    done = "Moderator assigned and emailed."
    form_class = f.ModeratorForm

    def check(self, actor: User, application: Application) -> None:
        services.moderator_assign_check(application=application, actor=actor)

    def perform(self, *, actor: User, application: Application, form: f.ModeratorForm) -> Assignment:
        return services.moderator_assign(application=application, actor=actor, moderator=form.person())


class Moderate(TransitionStep[f.ModerationForm]):
    """The registrar, or the third assessor picked as moderator, settles a disagreement."""

    name = "moderate"
    done = "Moderation recorded."
    form_class = f.ModerationForm
    transition = Action.MODERATE

    def perform(self, *, actor: User, application: Application, form: f.ModerationForm) -> Application:
        moderation = form.moderation()
        return services.application_moderate(
            application=application, actor=actor, recommendation=moderation.recommendation, reason=moderation.reason
        )


class ModerateAsModerator(Moderate):
    done = "Moderation recorded. The registrar records the decision."


class Decide(FormStep[f.DecisionForm]):
    """Endorse, defer or not endorse: the form says which."""

    name = "decide"
    done = "Decision recorded and the practitioner emailed."
    form_class = f.DecisionForm

    def check(self, actor: User, application: Application) -> None:
        _any_transition_check(actor, application, workflow.DECISIONS.values())

    def check_chosen(self, actor: User, application: Application, form: f.DecisionForm) -> None:
        decision = form.decision_made()
        services.decision_check(
            application=application,
            actor=actor,
            decision=decision.decision,
            reason=decision.reason,
            required_actions=decision.required_actions,
        )

    def confirmation(self, actor: User, application: Application, form: forms.Form) -> ConfirmationQuestion:
        if not isinstance(form, self.form_class):
            raise TypeError(f"The {self.name} step takes a {self.form_class.__name__}.")
        self.check_chosen(actor, application, form)
        name, level = application.practitioner, application.level.name
        decision = form.decision_made().decision
        if decision == "endorse":
            return ConfirmationQuestion(
                f"Endorse {name} at {level}?",
                f"This puts {name} on the public Register, with a registration number, and emails them the decision.",
                "Confirm: endorse",
            )
        if decision == "defer":
            return ConfirmationQuestion(
                f"Defer {name}'s application for {level}?",
                f"{name} is emailed the decision and the required actions; they may resubmit once those are done, "
                "or appeal.",
                "Confirm: defer",
            )
        return ConfirmationQuestion(
            f"Decide not to endorse {name} at {level}?",
            f"{name} is emailed the decision and the reasons, and may appeal.",
            "Confirm: do not endorse",
        )

    def perform(self, *, actor: User, application: Application, form: f.DecisionForm) -> Application:
        decision = form.decision_made()
        return services.application_decide(
            application=application,
            actor=actor,
            decision=decision.decision,
            reason=decision.reason,
            required_actions=decision.required_actions,
        )


class DecideAppeal(FormStep[f.AppealDecisionForm]):
    """Uphold or overturn: the form says which."""

    name = "appeal_decide"
    done = "Appeal decided and the practitioner emailed."
    form_class = f.AppealDecisionForm

    def check(self, actor: User, application: Application) -> None:
        _any_transition_check(actor, application, (Action.UPHOLD, Action.OVERTURN))

    def check_chosen(self, actor: User, application: Application, form: f.AppealDecisionForm) -> None:
        _transition_check(actor, application, Action.OVERTURN if form.appeal_decision().overturn else Action.UPHOLD)

    def confirmation(self, actor: User, application: Application, form: forms.Form) -> ConfirmationQuestion:
        if not isinstance(form, self.form_class):
            raise TypeError(f"The {self.name} step takes a {self.form_class.__name__}.")
        self.check_chosen(actor, application, form)
        name, level = application.practitioner, application.level.name
        if form.appeal_decision().overturn:
            return ConfirmationQuestion(
                f"Overturn the decision and endorse {name} at {level}?",
                f"This puts {name} on the public Register, with a registration number, and emails them the outcome.",
                "Confirm: overturn",
            )
        return ConfirmationQuestion(
            f"Uphold the decision on {name}'s application for {level}?",
            f"The decision stands. {name} is emailed the outcome and the reasons.",
            "Confirm: uphold",
        )

    def perform(self, *, actor: User, application: Application, form: f.AppealDecisionForm) -> Application:
        decision = form.appeal_decision()
        return services.appeal_decide(
            application=application, actor=actor, overturn=decision.overturn, reason=decision.reason
        )


# The assessor -------------------------------------------------------------------------


class SubmitReview(FormStep[f.RubricForm]):
    name = "rubric"
    done = "Your review is submitted. You can now see the other assessor's, once it is in."
    form_class = f.RubricForm

    def form(self, application: Application, data: QueryDict | None = None) -> f.RubricForm:
        return f.RubricForm(data, competencies=rubric_competencies(application), prefix=self.name)

    def check(self, actor: User, application: Application) -> None:
        services.review_check(application=application, assessor=actor)

    @staticmethod
    def awaits(*, state: str, kind: str, reviewed: bool) -> bool:
        """The same rule from what the assessor's list already knows, with no query per row:
        an assessor (not the moderator) who has not reviewed this round, while the table
        lets assessors complete the review from `state`."""
        return (
            kind == Assignment.Kind.ASSESSOR
            and not reviewed
            and Action.COMPLETE_REVIEW in workflow.actions_from(state, workflow.ASSESSOR)
        )

    def perform(self, *, actor: User, application: Application, form: f.RubricForm) -> object:
        review = form.review()
        return services.review_submit(
            application=application,
            assessor=actor,
            scores=review.scores,
            recommendation=review.recommendation,
            summary=review.summary,
        )


class SaveDraft(FormStep[f.RubricForm]):
    """Keep the rubric as it stands without submitting it: the same form, its other button."""

    name = "draft"
    done = "Draft saved. Only you can see it; submit your review when every competency is scored."
    form_class = f.RubricForm

    def form(self, application: Application, data: QueryDict | None = None) -> f.RubricForm:
        # The rubric's own fields (prefix "rubric"): the "Save draft" button sends that form here.
        return f.RubricForm(data, competencies=rubric_competencies(application), prefix=SubmitReview.name, draft=True)

    def check(self, actor: User, application: Application) -> None:
        services.review_check(application=application, assessor=actor)

    def perform(self, *, actor: User, application: Application, form: f.RubricForm) -> object:
        review = form.review()
        return services.review_draft_save(
            application=application,
            assessor=actor,
            scores=review.scores,
            recommendation=review.recommendation,
            summary=review.summary,
        )


class RequestInformation(TransitionStep[f.InfoRequestForm]):
    name = "question"
    done = "Your question has gone to the practitioner."
    form_class = f.InfoRequestForm
    transition = Action.REQUEST_INFO

    def perform(self, *, actor: User, application: Application, form: f.InfoRequestForm) -> Application:
        return services.info_request(application=application, actor=actor, question=form.text())


# The pages' tables --------------------------------------------------------------------


def _by_name(*steps: Step) -> dict[str, Step]:
    return {step.name: step for step in steps}


PRACTITIONER_STEPS: Mapping[str, Step] = _by_name(
    Submit(), Withdraw(), NameReferee(), AnswerQuestion(), Resubmit(), Appeal()
)
REGISTRAR_STEPS: Mapping[str, Step] = _by_name(
    AssignAssessor(), StartReview(), ChooseModerator(), Moderate(), Decide(), DecideAppeal()
)
ASSESSOR_STEPS: Mapping[str, Step] = _by_name(SubmitReview(), SaveDraft(), RequestInformation(), ModerateAsModerator())
RESEND_REFERENCE = ResendReference()
READ_FILES = ReadFiles()


def allowed(actor: User, application: Application, rules: Mapping[str, Rule]) -> dict[str, bool]:
    """For a page: which of `rules` `actor` may follow now, by name (`allowed.submit`)."""
    return {name: rule.may(actor, application) for name, rule in rules.items()}
