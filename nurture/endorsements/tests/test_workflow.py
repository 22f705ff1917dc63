"""The state machine: the pure table, then every state × action × person through the services.

For each cell the table allows, the service moves the application and writes one audit
entry; for every other cell it raises WorkflowError and changes nothing: same state,
same number of audit entries.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from conftest import make_person
from nurture.core.models import AuditEntry
from nurture.endorsements import services, workflow
from nurture.endorsements.models import Application, Assignment
from nurture.endorsements.tests.conftest import TODAY, _review, stage
from nurture.endorsements.workflow import Action, State, WorkflowError

# The pure table --------------------------------------------------------------------


def test_withdrawal_is_possible_only_from_draft_or_submitted():
    assert {t.source for t in workflow.TRANSITIONS.values() if t.action == Action.WITHDRAW} == {
        State.DRAFT,
        State.SUBMITTED,
    }


def test_every_state_can_be_reached_from_draft():
    reached, frontier = {State.DRAFT}, [State.DRAFT]
    while frontier:
        source = frontier.pop()
        for transition in workflow.TRANSITIONS.values():
            if transition.source == source and transition.target not in reached:
                reached.add(transition.target)
                frontier.append(transition.target)
    assert reached == set(State)


def test_final_states_lead_nowhere():
    assert not [t for t in workflow.TRANSITIONS.values() if t.source in workflow.FINAL]


def test_an_overturned_appeal_counts_as_endorsed():
    assert workflow.TRANSITIONS[(State.APPEAL, Action.OVERTURN)].target in workflow.ENDORSING


def test_the_refusal_says_what_the_state_is_and_that_nothing_changed():
    with pytest.raises(WorkflowError, match=r"cannot endorse an application that is “draft”\. Nothing was changed\."):
        workflow.transition_for("draft", "endorse", workflow.REGISTRAR)


def test_the_refusal_says_who_may_take_the_step():
    with pytest.raises(WorkflowError, match="Only the registrar can endorse"):
        workflow.transition_for("reviewed", "endorse", workflow.PRACTITIONER)


def test_an_unknown_state_or_action_is_refused():
    with pytest.raises(WorkflowError):
        workflow.transition_for("limbo", "submit", workflow.PRACTITIONER)
    with pytest.raises(WorkflowError):
        workflow.transition_for("draft", "teleport", workflow.PRACTITIONER)


def test_the_expected_date_counts_the_days_configured_for_the_state():
    assert workflow.expected_date("under_review", date(2026, 1, 1)) == date(2026, 2, 12)
    assert workflow.expected_date("under_review", date(2026, 1, 1), {"under_review": 10}) == date(2026, 1, 11)
    assert workflow.expected_date("endorsed", date(2026, 1, 1)) is None


# Every state × action × person, through the services --------------------------------

CALLS: dict[Action, Any] = {
    Action.SUBMIT: lambda a, who: services.application_submit(application=a, actor=who, today=TODAY),
    Action.WITHDRAW: lambda a, who: services.application_withdraw(application=a, actor=who, reason="Moving abroad"),
    Action.START_REVIEW: lambda a, who: services.review_start(application=a, actor=who),
    Action.REQUEST_INFO: lambda a, who: services.info_request(application=a, actor=who, question="Which supervisor?"),
    Action.RESUBMIT: lambda a, who: services.application_resubmit(
        application=a, actor=who, answer="Dr Rivera.", today=TODAY
    ),
    Action.COMPLETE_REVIEW: lambda a, who: services.review_submit(
        application=a,
        assessor=who,
        scores={c.pk: ("met", "") for c in a.level.competencies.all()},
        recommendation="endorse",
    ),
    Action.MODERATE: lambda a, who: services.application_moderate(
        application=a, actor=who, recommendation="endorse", reason="The evidence is sufficient."
    ),
    Action.ENDORSE: lambda a, who: services.application_decide(
        application=a, actor=who, decision="endorse", reason="Meets every competency."
    ),
    Action.DEFER: lambda a, who: services.application_decide(
        application=a, actor=who, decision="defer", reason="Close.", required_actions="More supervision."
    ),
    Action.NOT_ENDORSE: lambda a, who: services.application_decide(
        application=a, actor=who, decision="not_endorse", reason="Not yet."
    ),
    Action.APPEAL: lambda a, who: services.appeal_lodge(application=a, actor=who, grounds="My supervisor's hours."),
    Action.UPHOLD: lambda a, who: services.appeal_decide(application=a, actor=who, overturn=False, reason="Stands."),
    Action.OVERTURN: lambda a, who: services.appeal_decide(application=a, actor=who, overturn=True, reason="Wrong."),
}
RECOMMENDATION = {Action.DEFER: "defer", Action.NOT_ENDORSE: "not_endorse"}
PEOPLE = (*workflow.PARTS, "stranger")
CELLS = [(state, action, who) for state in State for action in Action for who in PEOPLE]


def _legal(state: State, action: Action, who: str) -> bool:
    transition = workflow.TRANSITIONS.get((state, action))
    return transition is not None and who in transition.parts


@pytest.mark.parametrize(("state", "action", "who"), CELLS, ids=[f"{s.value}-{a.value}-{w}" for s, a, w in CELLS])
def test_each_step_from_each_state_by_each_person(
    practitioner,
    other_practitioner,
    assessor,
    second_assessor,
    third_assessor,
    registrar,
    fake_register,
    state,
    action,
    who,
):
    application = stage(
        state,
        practitioner=practitioner,
        assessors=(assessor, second_assessor),
        registrar=registrar,
        recommendation=RECOMMENDATION.get(action, "endorse"),
    )
    actor = {
        "practitioner": practitioner,
        "assessor": assessor,
        "registrar": registrar,
        "stranger": other_practitioner,
    }[who]
    if action == Action.MODERATE and who == "assessor":
        Assignment.objects.create(
            application=application, assessor=third_assessor, assigned_by=registrar, kind="moderator"
        )
        actor = third_assessor
    if action == Action.COMPLETE_REVIEW and state == State.UNDER_REVIEW:
        _review(application, second_assessor, "endorse")
    audit_before = AuditEntry.objects.count()

    if _legal(state, action, who):
        CALLS[action](application, actor)
        target = workflow.TRANSITIONS[(state, action)].target
        assert Application.objects.get(pk=application.pk).state == target
        assert AuditEntry.objects.filter(action=f"endorsements.application.{services.PAST[action]}").count() == 1
        assert len(fake_register) == (1 if target in workflow.ENDORSING else 0)
    else:
        with pytest.raises(WorkflowError):
            CALLS[action](application, actor)
        assert Application.objects.get(pk=application.pk).state == state
        assert AuditEntry.objects.count() == audit_before
        assert fake_register == []


def test_an_unassigned_assessor_cannot_ask_for_information(practitioner, assessor, second_assessor, registrar):
    application = stage(
        State.UNDER_REVIEW, practitioner=practitioner, assessors=(assessor, second_assessor), registrar=registrar
    )
    outsider = make_person("outsider@example.org", "assessor")
    with pytest.raises(WorkflowError, match="Only an assigned assessor"):
        services.info_request(application=application, actor=outsider, question="Why?")
    assert Application.objects.get(pk=application.pk).state == State.UNDER_REVIEW


def test_a_transition_from_a_stale_copy_changes_nothing(practitioner, assessor, second_assessor, registrar):
    """Two people act at once: the second one's copy still says 'submitted'."""
    application = stage(
        State.SUBMITTED, practitioner=practitioner, assessors=(assessor, second_assessor), registrar=registrar
    )
    stale = Application.objects.get(pk=application.pk)
    services.application_withdraw(application=application, actor=practitioner)
    audit_before = AuditEntry.objects.count()
    with pytest.raises(WorkflowError):
        services._transition(application=stale, action=Action.START_REVIEW, actor=registrar)
    assert Application.objects.get(pk=application.pk).state == State.WITHDRAWN
    assert AuditEntry.objects.count() == audit_before


def test_the_database_refuses_a_state_the_workflow_does_not_know(practitioner, level):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(practitioner=practitioner, level=level, state="approved")
