"""The application's state machine, as plain data: no Django here.

DESIGN.md, domain 3: draft → submitted → under review → (more information
requested ⇄ resubmitted) → reviewed → moderated (when the two assessors
disagree) → endorsed | deferred (with required actions, completed and
resubmitted) | not endorsed → (appeal → upheld | overturned); withdrawn from
draft or submitted.

`TRANSITIONS` maps (from-state, action) to the next state and the parts that
may act: the application's own practitioner, an assessor assigned to it (or
picked as its moderator), or the registrar. Services ask `transition_for`,
then check what the table cannot say (references arrived, both reviews in,
the decision matches the recommendation).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    MORE_INFO_REQUESTED = "more_info_requested"
    RESUBMITTED = "resubmitted"
    REVIEWED = "reviewed"
    MODERATED = "moderated"
    ENDORSED = "endorsed"
    DEFERRED = "deferred"
    NOT_ENDORSED = "not_endorsed"
    APPEAL = "appeal"
    UPHELD = "upheld"
    OVERTURNED = "overturned"
    WITHDRAWN = "withdrawn"


LABELS: dict[State, str] = {
    State.DRAFT: "Draft",
    State.SUBMITTED: "Submitted",
    State.UNDER_REVIEW: "Under review",
    State.MORE_INFO_REQUESTED: "More information requested",
    State.RESUBMITTED: "Resubmitted",
    State.REVIEWED: "Reviewed",
    State.MODERATED: "Moderated",
    State.ENDORSED: "Endorsed",
    State.DEFERRED: "Deferred with required actions",
    State.NOT_ENDORSED: "Not endorsed",
    State.APPEAL: "Under appeal",
    State.UPHELD: "Appeal decided: decision upheld",
    State.OVERTURNED: "Appeal decided: overturned, endorsed",
    State.WITHDRAWN: "Withdrawn",
}


class Action(StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    START_REVIEW = "start_review"
    REQUEST_INFO = "request_info"
    RESUBMIT = "resubmit"
    COMPLETE_REVIEW = "complete_review"
    MODERATE = "moderate"
    ENDORSE = "endorse"
    DEFER = "defer"
    NOT_ENDORSE = "not_endorse"
    APPEAL = "appeal"
    UPHOLD = "uphold"
    OVERTURN = "overturn"


PRACTITIONER = "practitioner"
ASSESSOR = "assessor"
REGISTRAR = "registrar"
PARTS = (PRACTITIONER, ASSESSOR, REGISTRAR)


@dataclass(frozen=True)
class Transition:
    source: State
    action: Action
    target: State
    parts: frozenset[str]


def _t(source: State, action: Action, target: State, *parts: str) -> Transition:
    return Transition(source, action, target, frozenset(parts))


TRANSITIONS: dict[tuple[State, Action], Transition] = {
    (t.source, t.action): t
    for t in (
        _t(State.DRAFT, Action.SUBMIT, State.SUBMITTED, PRACTITIONER),
        _t(State.DRAFT, Action.WITHDRAW, State.WITHDRAWN, PRACTITIONER),
        _t(State.SUBMITTED, Action.WITHDRAW, State.WITHDRAWN, PRACTITIONER),
        _t(State.SUBMITTED, Action.START_REVIEW, State.UNDER_REVIEW, REGISTRAR),
        _t(State.RESUBMITTED, Action.START_REVIEW, State.UNDER_REVIEW, REGISTRAR),
        _t(State.UNDER_REVIEW, Action.REQUEST_INFO, State.MORE_INFO_REQUESTED, ASSESSOR),
        _t(State.MORE_INFO_REQUESTED, Action.RESUBMIT, State.RESUBMITTED, PRACTITIONER),
        _t(State.DEFERRED, Action.RESUBMIT, State.RESUBMITTED, PRACTITIONER),
        _t(State.UNDER_REVIEW, Action.COMPLETE_REVIEW, State.REVIEWED, ASSESSOR),
        _t(State.REVIEWED, Action.MODERATE, State.MODERATED, ASSESSOR, REGISTRAR),
        _t(State.REVIEWED, Action.ENDORSE, State.ENDORSED, REGISTRAR),
        _t(State.REVIEWED, Action.DEFER, State.DEFERRED, REGISTRAR),
        _t(State.REVIEWED, Action.NOT_ENDORSE, State.NOT_ENDORSED, REGISTRAR),
        _t(State.MODERATED, Action.ENDORSE, State.ENDORSED, REGISTRAR),
        _t(State.MODERATED, Action.DEFER, State.DEFERRED, REGISTRAR),
        _t(State.MODERATED, Action.NOT_ENDORSE, State.NOT_ENDORSED, REGISTRAR),
        _t(State.NOT_ENDORSED, Action.APPEAL, State.APPEAL, PRACTITIONER),
        _t(State.DEFERRED, Action.APPEAL, State.APPEAL, PRACTITIONER),
        _t(State.APPEAL, Action.UPHOLD, State.UPHELD, REGISTRAR),
        _t(State.APPEAL, Action.OVERTURN, State.OVERTURNED, REGISTRAR),
    )
}

# What each action is called in a sentence ("You cannot <verb> ...").
VERBS: dict[Action, str] = {
    Action.SUBMIT: "submit",
    Action.WITHDRAW: "withdraw",
    Action.START_REVIEW: "start the review of",
    Action.REQUEST_INFO: "ask for more information on",
    Action.RESUBMIT: "resubmit",
    Action.COMPLETE_REVIEW: "complete the review of",
    Action.MODERATE: "moderate",
    Action.ENDORSE: "endorse",
    Action.DEFER: "defer",
    Action.NOT_ENDORSE: "decline",
    Action.APPEAL: "appeal",
    Action.UPHOLD: "uphold the decision on",
    Action.OVERTURN: "overturn the decision on",
}

# The three decisions and the recommendation each one follows.
RECOMMENDATIONS = ("endorse", "defer", "not_endorse")
DECISIONS: dict[str, Action] = {"endorse": Action.ENDORSE, "defer": Action.DEFER, "not_endorse": Action.NOT_ENDORSE}
ENDORSING = frozenset({State.ENDORSED, State.OVERTURNED})
FINAL = frozenset({State.ENDORSED, State.UPHELD, State.OVERTURNED, State.WITHDRAWN})
# Accepted for review and not yet decided: the practitioner may sit the exam of a level
# that requires one (the exams app starts attempts only from these).
EXAM_STATES = frozenset(
    {State.UNDER_REVIEW, State.MORE_INFO_REQUESTED, State.RESUBMITTED, State.REVIEWED, State.MODERATED}
)
# States in which a practitioner has an application open for a level (one at a time).
OPEN = frozenset(set(State) - {State.ENDORSED, State.NOT_ENDORSED, State.UPHELD, State.OVERTURNED, State.WITHDRAWN})


class WorkflowError(Exception):
    """A transition the workflow refuses, with a message for the person who asked."""


def transition_for(state: str, action: str, part: str | None) -> Transition:
    """The transition `part` may make with `action` from `state`, or WorkflowError."""
    try:
        current, wanted = State(state), Action(action)
    except ValueError as error:
        raise WorkflowError("There is no such step.") from error
    found = TRANSITIONS.get((current, wanted))
    if found is None:
        raise WorkflowError(
            f"You cannot {VERBS[wanted]} an application that is “{LABELS[current].lower()}”. Nothing was changed."
        )
    if part not in found.parts:
        raise WorkflowError(f"Only {_who(found.parts)} can {VERBS[wanted]} this application. Nothing was changed.")
    return found


def _who(parts: frozenset[str]) -> str:
    names = {PRACTITIONER: "the practitioner who applied", ASSESSOR: "an assigned assessor", REGISTRAR: "the registrar"}
    return " or ".join(names[p] for p in PARTS if p in parts)


def actions_from(state: str, part: str) -> list[Action]:
    return [t.action for t in TRANSITIONS.values() if t.source == state and part in t.parts]


# What happens next, and roughly when -----------------------------------------------

NEXT_STEPS: dict[State, str] = {
    State.DRAFT: "Name your referees and submit the application when your portfolio is ready.",
    State.SUBMITTED: "Your referees answer their requests; the registrar then assigns two assessors "
    "and starts the review.",
    State.UNDER_REVIEW: "Two assessors review your portfolio, each on their own, against the rubric.",
    State.MORE_INFO_REQUESTED: "An assessor has a question. Answer it below to send the application back.",
    State.RESUBMITTED: "The registrar returns your application to the assessors.",
    State.REVIEWED: "Both reviews are in. The registrar records the decision.",
    State.MODERATED: "A moderator has settled the assessors' difference. The registrar records the decision.",
    State.ENDORSED: "You are endorsed and on the Register. Renew every year.",
    State.DEFERRED: "Complete the required actions, then resubmit. You may appeal instead.",
    State.NOT_ENDORSED: "You may appeal, giving your grounds, or apply again later.",
    State.APPEAL: "The registrar considers your appeal.",
    State.UPHELD: "The decision stands. You may apply again later.",
    State.OVERTURNED: "The appeal succeeded: you are endorsed and on the Register.",
    State.WITHDRAWN: "Nothing more happens. You may start a new application.",
}

# The same, for the registrar's and assessors' pages: who does what next, in staff words.
STAFF_NEXT_STEPS: dict[State, str] = {
    State.DRAFT: "The practitioner is preparing the application; it is not submitted yet.",
    State.SUBMITTED: "Wait for every reference, assign two assessors with no conflict, then start the review.",
    State.UNDER_REVIEW: "The two assessors score the portfolio against the rubric, each on their own.",
    State.MORE_INFO_REQUESTED: "An assessor asked the practitioner a question; the review waits for the answer.",
    State.RESUBMITTED: "The practitioner has answered or resubmitted: start the review again.",
    State.REVIEWED: "Both reviews are in. Record the decision if they agree; otherwise moderate or pick a moderator.",
    State.MODERATED: "The moderation is recorded. Record the decision it recommends.",
    State.ENDORSED: "Nothing more: the practitioner is on the Register and renews yearly.",
    State.DEFERRED: "The practitioner completes the required actions and resubmits, or appeals.",
    State.NOT_ENDORSED: "The practitioner may appeal or apply again later.",
    State.APPEAL: "Consider the grounds of appeal, then uphold or overturn the decision.",
    State.UPHELD: "Nothing more: the decision stands.",
    State.OVERTURNED: "Nothing more: the practitioner is on the Register.",
    State.WITHDRAWN: "Nothing more: the practitioner withdrew the application.",
}

# Working days are not counted: these are calendar days, each overridable in settings
# (NURTURE_APPLICATION_EXPECTED_DAYS, a mapping of state to days, None when unset).
EXPECTED_DAYS: dict[str, int] = {
    State.SUBMITTED: 28,
    State.UNDER_REVIEW: 42,
    State.MORE_INFO_REQUESTED: 28,
    State.RESUBMITTED: 14,
    State.REVIEWED: 14,
    State.MODERATED: 14,
    State.DEFERRED: 180,
    State.APPEAL: 28,
}


def states_unknown(names: Iterable[str]) -> list[str]:
    """Those of `names` that are not a state (a setting naming states is checked at start-up)."""
    known = {state.value for state in State}
    return sorted(name for name in names if name not in known)


def expected_date(state: str, since: date, days: dict[str, int] | None = None) -> date | None:
    """When the current step should be done, or None when nothing is waiting on anyone."""
    table = {**EXPECTED_DAYS, **(days or {})}
    if state not in table:
        return None
    return since + timedelta(days=table[state])
