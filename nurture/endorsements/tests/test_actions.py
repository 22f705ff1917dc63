"""The actions: who may take each step from each state (against workflow.py's table),
that executing one writes through its service, and that the pages offer a step's
button exactly when its action allows it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.http import QueryDict

from conftest import client_for, make_person
from nurture.core.models import AuditEntry
from nurture.endorsements import actions, workflow
from nurture.endorsements.forms import ResendForm
from nurture.endorsements.models import Application, Assignment, ReferenceRequest, SnapshotFile
from nurture.endorsements.selectors import references_missing
from nurture.endorsements.tests.conftest import _review, stage
from nurture.endorsements.workflow import Action, State, WorkflowError

PERSONAS = ("practitioner", "stranger", "assessor", "moderator", "outsider", "registrar")


def _part(persona: str, action: Action) -> str | None:
    """The part a persona plays for `action`: the moderator is an assessor only to moderate."""
    if persona == "assessor":
        return workflow.ASSESSOR if action != Action.MODERATE else None
    if persona == "moderator":
        return workflow.ASSESSOR if action == Action.MODERATE else None
    return {"practitioner": workflow.PRACTITIONER, "registrar": workflow.REGISTRAR}.get(persona)


def _table(*wanted: Action) -> Callable[[State, str], bool]:
    """Allowed when workflow.TRANSITIONS lets the persona's part take one of `wanted` from the state."""

    def allows(state: State, persona: str) -> bool:
        for action in wanted:
            transition = workflow.TRANSITIONS.get((state, action))
            if transition is not None and _part(persona, action) in transition.parts:
                return True
        return False

    return allows


def _referees(state: State, persona: str) -> bool:
    return persona == "practitioner" and state in workflow.OPEN and state != State.APPEAL


# What each step's action must answer: the table, plus what the table cannot say.
EXPECTED: dict[str, Callable[[State, str], bool]] = {
    "submit": _table(Action.SUBMIT),
    "withdraw": _table(Action.WITHDRAW),
    "referee": _referees,
    "answer": lambda state, persona: _table(Action.RESUBMIT)(state, persona) and state == State.MORE_INFO_REQUESTED,
    "resubmit": lambda state, persona: _table(Action.RESUBMIT)(state, persona) and state == State.DEFERRED,
    "appeal": _table(Action.APPEAL),
    # A staged application already has its two assessors, so nobody may assign a third
    # (the page no longer offers the form); with one, see test_the_registrar_assigns_while_a_place_is_left.
    "assign": lambda state, persona: False,
    "start_review": _table(Action.START_REVIEW),
    "moderator": lambda state, persona: persona == "registrar" and state == State.REVIEWED,
    "moderate": _table(Action.MODERATE),
    "decide": _table(Action.ENDORSE, Action.DEFER, Action.NOT_ENDORSE),
    "appeal_decide": _table(Action.UPHOLD, Action.OVERTURN),
    "rubric": _table(Action.COMPLETE_REVIEW),  # nobody has reviewed yet in a staged "under review"
    "draft": _table(Action.COMPLETE_REVIEW),  # a draft is kept while the review may still be submitted
    "question": _table(Action.REQUEST_INFO),
}
TABLES = {"practitioner": actions.PRACTITIONER_STEPS, "registrar": actions.REGISTRAR_STEPS}
TABLES["assessor"] = actions.ASSESSOR_STEPS
STEPS = [(page, name, step) for page, steps in TABLES.items() for name, step in steps.items()]


def test_every_step_of_every_page_has_its_expectation_here():
    assert {name for _, name, _ in STEPS} == set(EXPECTED)


@pytest.fixture
def people(practitioner, other_practitioner, assessor, second_assessor, third_assessor, registrar) -> dict[str, Any]:
    return {
        "practitioner": practitioner,
        "stranger": other_practitioner,
        "assessor": assessor,
        "second": second_assessor,
        "moderator": third_assessor,
        "outsider": make_person("outsider.assessor@example.org", "assessor"),
        "registrar": registrar,
    }


def _staged(state: State, people: dict[str, Any], **kwargs: Any) -> Application:
    application = stage(
        state,
        practitioner=people["practitioner"],
        assessors=(people["assessor"], people["second"]),
        registrar=people["registrar"],
        **kwargs,
    )
    Assignment.objects.create(
        application=application,
        assessor=people["moderator"],
        assigned_by=people["registrar"],
        kind=Assignment.Kind.MODERATOR,
    )
    return application


@pytest.mark.parametrize("state", list(State), ids=[s.value for s in State])
def test_each_action_allows_exactly_who_the_workflow_table_allows(people, state):
    application = _staged(state, people)
    wrong = []
    for page, name, step in STEPS:
        for persona in PERSONAS:
            expected = EXPECTED[name](state, persona)
            if step.may(people[persona], application) != expected:
                wrong.append(f"{page} page, {name}, {persona}: expected {'allowed' if expected else 'refused'}")
    assert wrong == []


@pytest.mark.parametrize("state", list(State), ids=[s.value for s in State])
def test_a_refusal_says_why(people, state):
    application = _staged(state, people)
    for _, _, step in STEPS:
        if not step.may(people["stranger"], application):
            with pytest.raises(WorkflowError, match=r"\w+"):
                step.check(people["stranger"], application)


@pytest.mark.parametrize("state", list(State), ids=[s.value for s in State])
def test_resending_a_reference_follows_the_rule_for_naming_referees(people, state):
    application = _staged(state, people)
    for persona in PERSONAS:
        assert actions.RESEND_REFERENCE.may(people[persona], application) == _referees(state, persona), persona


@pytest.mark.parametrize("state", list(State), ids=[s.value for s in State])
def test_the_assessors_list_says_to_do_exactly_when_the_review_step_is_open(people, state):
    application = _staged(state, people)
    rubric = actions.ASSESSOR_STEPS["rubric"]
    for persona, kind in (("assessor", Assignment.Kind.ASSESSOR), ("moderator", Assignment.Kind.MODERATOR)):
        due = actions.SubmitReview.awaits(state=state, kind=kind, reviewed=False)
        assert due == rubric.may(people[persona], application), persona


ASSIGNING = {State.SUBMITTED, State.RESUBMITTED, State.UNDER_REVIEW}


@pytest.mark.parametrize("state", list(State), ids=[s.value for s in State])
def test_the_registrar_assigns_while_a_place_is_left(people, state):
    application = _staged(state, people)
    application.assignments.filter(assessor=people["second"]).delete()
    step = actions.REGISTRAR_STEPS["assign"]
    for persona in PERSONAS:
        assert step.may(people[persona], application) == (persona == "registrar" and state in ASSIGNING), persona


def test_the_assign_form_goes_once_two_assessors_are_assigned(people):
    application = _staged(State.SUBMITTED, people)
    client = client_for(people["registrar"])
    page = client.get(f"/staff/applications/{application.pk}/").content.decode()
    assert ">Assign</button>" not in page
    assert "Without a conflict" not in page
    with pytest.raises(WorkflowError, match="already has its two assessors"):
        actions.REGISTRAR_STEPS["assign"].check(people["registrar"], application)

    application.assignments.filter(assessor=people["second"]).delete()
    page = client.get(f"/staff/applications/{application.pk}/").content.decode()
    assert ">Assign</button>" in page
    assert "Without a conflict: " in page


def test_an_assessor_who_has_reviewed_this_round_may_not_review_again(people):
    application = _staged(State.UNDER_REVIEW, people)
    _review(application, people["assessor"], "endorse")
    with pytest.raises(WorkflowError, match="already submitted your review"):
        actions.ASSESSOR_STEPS["rubric"].check(people["assessor"], application)
    assert not actions.SubmitReview.awaits(state=State.UNDER_REVIEW, kind=Assignment.Kind.ASSESSOR, reviewed=True)


def test_the_snapshot_files_are_for_the_practitioner_anyone_assigned_and_the_registrar(people):
    application = _staged(State.UNDER_REVIEW, people)
    readers = {persona for persona in PERSONAS if actions.READ_FILES.may(people[persona], application)}
    assert readers == {"practitioner", "assessor", "moderator", "registrar"}


def test_the_moderator_downloads_a_snapshot_file(people, private_media):
    application = _staged(State.REVIEWED, people)
    copy = SnapshotFile(application=application, name="account.pdf", content_type="application/pdf", label="Account")
    copy.file.save("account.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    url = f"/applications/{application.pk}/files/{copy.pk}/"
    assert client_for(people["moderator"]).get(url).status_code == 200
    assert client_for(people["outsider"]).get(url).status_code == 404


# Executing writes through the service ---------------------------------------------


def _data(step: str, fields: dict[str, object]) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        data[f"{step}-{name}"] = str(value)
    return data


def _rubric(application: Application) -> dict[str, object]:
    scores = {f"score_{c.pk}": "met" for c in application.level.competencies.all()}
    return {"recommendation": "endorse", "summary": "", **scores}


def _referee(application: Application) -> dict[str, object]:
    role = application.level.reference_roles[0]
    return {"referee_name": "Dr New Referee", "referee_email": "new.referee@example.org", "referee_role": role}


# (page, step, from state, who, the form's fields, the state after, the audit entry it writes)
EXECUTIONS: list[tuple[str, str, State, str, Callable[..., dict[str, object]], State, str]] = [
    ("practitioner", "submit", State.DRAFT, "practitioner", lambda a, p: {}, State.SUBMITTED, "application.submitted"),
    (
        "practitioner",
        "withdraw",
        State.SUBMITTED,
        "practitioner",
        lambda a, p: {"reason": "Moving abroad"},
        State.WITHDRAWN,
        "application.withdrawn",
    ),
    ("practitioner", "referee", State.DRAFT, "practitioner", lambda a, p: _referee(a), State.DRAFT, "reference.named"),
    (
        "practitioner",
        "answer",
        State.MORE_INFO_REQUESTED,
        "practitioner",
        lambda a, p: {"answer": "Forty families."},
        State.RESUBMITTED,
        "application.resubmitted",
    ),
    (
        "practitioner",
        "resubmit",
        State.DEFERRED,
        "practitioner",
        lambda a, p: {},
        State.RESUBMITTED,
        "application.resubmitted",
    ),
    (
        "practitioner",
        "appeal",
        State.NOT_ENDORSED,
        "practitioner",
        lambda a, p: {"grounds": "My supervision hours were missed."},
        State.APPEAL,
        "application.appealed",
    ),
    (
        "registrar",
        "assign",
        State.SUBMITTED,
        "registrar",
        lambda a, p: {"assessor": p["outsider"].pk},
        State.SUBMITTED,
        "assessor.assigned",
    ),
    (
        "registrar",
        "start_review",
        State.SUBMITTED,
        "registrar",
        lambda a, p: {},
        State.UNDER_REVIEW,
        "application.review_started",
    ),
    (
        "registrar",
        "moderator",
        State.REVIEWED,
        "registrar",
        lambda a, p: {"moderator": p["outsider"].pk},
        State.REVIEWED,
        "assessor.assigned",
    ),
    (
        "registrar",
        "moderate",
        State.REVIEWED,
        "registrar",
        lambda a, p: {"recommendation": "endorse", "reason": "Both reviews weighed."},
        State.MODERATED,
        "application.moderated",
    ),
    (
        "registrar",
        "decide",
        State.REVIEWED,
        "registrar",
        lambda a, p: {"decision": "endorse", "reason": "Meets every competency.", "required_actions": ""},
        State.ENDORSED,
        "application.endorsed",
    ),
    (
        "registrar",
        "appeal_decide",
        State.APPEAL,
        "registrar",
        lambda a, p: {"outcome": "uphold", "reason": "The decision stands."},
        State.UPHELD,
        "application.upheld",
    ),
    (
        "assessor",
        "rubric",
        State.UNDER_REVIEW,
        "assessor",
        lambda a, p: _rubric(a),
        State.UNDER_REVIEW,
        "review.submitted",
    ),
    (
        "assessor",
        "draft",
        State.UNDER_REVIEW,
        "assessor",
        lambda a, p: {},
        State.UNDER_REVIEW,
        "review.draft_saved",
    ),
    (
        "assessor",
        "question",
        State.UNDER_REVIEW,
        "assessor",
        lambda a, p: {"question": "Which families did you serve?"},
        State.MORE_INFO_REQUESTED,
        "application.info_requested",
    ),
    (
        "assessor",
        "moderate",
        State.REVIEWED,
        "moderator",
        lambda a, p: {"recommendation": "endorse", "reason": "The evidence is there."},
        State.MODERATED,
        "application.moderated",
    ),
]


def test_every_step_is_executed_below():
    assert {(page, name) for page, name, *_ in EXECUTIONS} == {(page, name) for page, name, _ in STEPS}


@pytest.mark.parametrize(
    ("page", "name", "source", "who", "fields", "target", "audited"),
    EXECUTIONS,
    ids=[f"{page}-{name}" for page, name, *_ in EXECUTIONS],
)
def test_executing_a_step_writes_through_its_service(
    people, fake_register, page, name, source, who, fields, target, audited
):
    application = _staged(source, people)
    if name == "assign":  # room for the assessor being assigned
        application.assignments.filter(assessor=people["second"]).delete()
    step = TABLES[page][name]
    form = step.form(application, _data(name, fields(application, people)))
    assert form.is_valid(), form.errors
    before = AuditEntry.objects.filter(action=f"endorsements.{audited}").count()

    step.execute(actor=people[who], application=application, form=form)

    assert Application.objects.get(pk=application.pk).state == target
    assert AuditEntry.objects.filter(action=f"endorsements.{audited}").count() == before + 1


def test_executing_a_refused_step_changes_nothing(people):
    application = _staged(State.UNDER_REVIEW, people)
    step = actions.PRACTITIONER_STEPS["withdraw"]
    form = step.form(application, _data("withdraw", {"reason": ""}))
    assert form.is_valid()
    audit_before = AuditEntry.objects.count()
    with pytest.raises(WorkflowError, match="cannot withdraw"):
        step.execute(actor=people["practitioner"], application=application, form=form)
    assert Application.objects.get(pk=application.pk).state == State.UNDER_REVIEW
    assert AuditEntry.objects.count() == audit_before


def test_a_step_takes_only_its_own_form(people):
    application = _staged(State.SUBMITTED, people)
    form = actions.PRACTITIONER_STEPS["appeal"].form(application, _data("appeal", {"grounds": "Unfair."}))
    assert form.is_valid()
    with pytest.raises(TypeError):
        actions.PRACTITIONER_STEPS["withdraw"].execute(actor=people["practitioner"], application=application, form=form)
    assert Application.objects.get(pk=application.pk).state == State.SUBMITTED


def test_resending_a_reference_writes_through_its_service(people):
    application = _staged(State.DRAFT, people)  # in a draft, nobody has answered yet
    reference = application.references.first()
    form = ResendForm({"referee_name": "Dr Other", "referee_email": "other@example.org"})
    assert form.is_valid()
    new = actions.RESEND_REFERENCE.execute(actor=people["practitioner"], reference=reference, form=form)
    assert ReferenceRequest.objects.get(pk=reference.pk).replaced_at is not None
    assert new.referee_email == "other@example.org"
    assert AuditEntry.objects.filter(action="endorsements.reference.resent").count() == 1


# The pages offer a step's button exactly when its action allows it -----------------

# page -> step -> the text of the step's button (or summary) on the page
BUTTONS = {
    "practitioner": {
        "submit": "Submit the application</button>",
        "withdraw": "<summary>Withdraw the application</summary>",
        "referee": "<summary>Name a referee</summary>",
        "answer": "Send my answer</button>",
        "resubmit": "Resubmit the application</button>",
        "appeal": "<summary>Appeal the decision</summary>",
    },
    "registrar": {
        "assign": ">Assign</button>",
        "start_review": "Start the review</button>",
        "moderator": "Ask this assessor to moderate</button>",
        "moderate": "Record my moderation</button>",
        "decide": "Record the decision</button>",
        "appeal_decide": "Decide the appeal</button>",
    },
    "assessor": {
        "rubric": "Submit my review</button>",
        "draft": ">Save draft</button>",
        "question": "Send the question</button>",
        "moderate": "Record my moderation</button>",
    },
}
# Steps a page offers only while they are needed, though allowed longer: naming a referee
# after submission only while a reference is missing (these staged applications have all theirs).
OFFERED_WHEN = {"referee": lambda a: a.state == State.DRAFT or bool(references_missing(a))}
PAGE_URL = {
    "practitioner": "/applications/{}/",
    "registrar": "/staff/applications/{}/",
    "assessor": "/staff/reviews/{}/",
}
PAGE_PERSONAS = [("practitioner", "practitioner"), ("registrar", "registrar"), ("assessor", "assessor")]
PAGE_PERSONAS.append(("assessor", "moderator"))
PAGE_CASES = [
    (page, persona, state)
    for page, persona in PAGE_PERSONAS
    for state in State
    # a draft is not on the registrar's pages; nobody is assigned to a draft, or to one withdrawn from it
    if not (page == "registrar" and state == State.DRAFT)
    and not (persona == "assessor" and state in {State.DRAFT, State.WITHDRAWN})
]


def test_every_step_has_its_button_here():
    assert {(page, name) for page, buttons in BUTTONS.items() for name in buttons} == {
        (page, name) for page, name, _ in STEPS
    }


@pytest.mark.parametrize(
    ("page", "persona", "state"), PAGE_CASES, ids=[f"{p}-{who}-{s.value}" for p, who, s in PAGE_CASES]
)
def test_the_page_shows_a_button_only_when_its_action_allows_it(people, page, persona, state):
    application = _staged(state, people)
    response = client_for(people[persona]).get(PAGE_URL[page].format(application.pk))
    assert response.status_code == 200
    html = response.content.decode()
    for name, button in BUTTONS[page].items():
        allowed = TABLES[page][name].may(people[persona], application)
        assert allowed == EXPECTED[name](state, persona)
        shown = allowed and OFFERED_WHEN.get(name, lambda a: True)(application)
        assert (button in html) == shown, f"{name} {'missing' if shown else 'shown'}"


@pytest.mark.parametrize("state", list(State), ids=[s.value for s in State])
def test_the_practitioner_sees_withdraw_only_from_draft_or_submitted(people, state):
    application = _staged(state, people)
    html = client_for(people["practitioner"]).get(f"/applications/{application.pk}/").content.decode()
    assert ("Withdraw the application" in html) == (state in {State.DRAFT, State.SUBMITTED})
