"""Records the endorsement tests share: a ready portfolio, referees, assessors, and
applications put straight into any state of the workflow (`stage`)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from conftest import make_person
from nurture.accounts.roles import Role
from nurture.endorsements import workflow
from nurture.endorsements.models import Application, Assignment, ReferenceRequest, Review, Score
from nurture.endorsements.workflow import State
from nurture.framework.models import Level
from nurture.portfolios.models import Evidence, ExperienceRecord, TrainingRecord

TODAY = date(2026, 3, 1)
LINK = re.compile(r"https?://\S+?/references/([A-Za-z0-9_-]+)/")


def promotion_level() -> Level:
    return Level.objects.get(version__is_current=True, code="promotion")


def ready_portfolio(owner: Any, level: Level) -> Evidence:
    """Enough for the promotion category: 30 hours' training, 2+ years' work, 10+ families,
    and one evidence item that shows every competency of the level."""
    TrainingRecord.objects.create(
        owner=owner,
        title="Parent–infant relationships",
        provider="Anna Freud Centre",
        hours=Decimal(30),
        completed_on=date(2024, 3, 1),
        relationship_based=True,
    )
    ExperienceRecord.objects.create(
        owner=owner,
        role_title="Health visitor",
        employer="Leeds Community Healthcare",
        started_on=date(2020, 1, 1),
        families_served=40,
    )
    evidence = Evidence.objects.create(
        owner=owner,
        title="Reflective account: a first home visit",
        kind=Evidence.Kind.REFLECTIVE_ACCOUNT,
        text="Watching a mother soothe her baby during a first home visit.",
    )
    evidence.competencies.set(level.competencies.all())
    return evidence


def name_referees(application: Application) -> list[ReferenceRequest]:
    return [
        ReferenceRequest.objects.create(
            application=application,
            referee_name=f"Referee {n}",
            referee_email=f"referee{n}@example.org",
            referee_role=role,
        )
        for n, role in enumerate(application.level.reference_roles, 1)
    ]


def tokens_in_outbox() -> list[str]:
    return [m.group(1) for message in mail.outbox for m in [LINK.search(message.body)] if m]


@pytest.fixture
def level(db) -> Level:
    return promotion_level()


@pytest.fixture
def send_now(django_capture_on_commit_callbacks):
    """Run what waits for the commit (emails) at the end of the block, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def second_assessor(db):
    return make_person("second.assessor@example.org", Role.ASSESSOR, name="Dr Second Assessor")


@pytest.fixture
def third_assessor(db):
    return make_person("third.assessor@example.org", Role.ASSESSOR, name="Dr Third Assessor")


@pytest.fixture
def fake_register(monkeypatch):
    """Stands in for the call to the register app where a test is about the workflow,
    not the Register (built separately); records each call."""
    from nurture.endorsements import services

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(services, "_register", lambda application, actor: calls.append({"application": application}))
    return calls


def _answered(reference: ReferenceRequest) -> None:
    reference.sent_at = reference.answered_at = timezone.now()
    reference.ratings = {c.code: "met" for c in reference.application.level.competencies.all()}
    reference.save()


def _review(application: Application, assessor: Any, recommendation: str, value: str = "met") -> Review:
    review = Review.objects.create(
        application=application, assessor=assessor, round=application.round, recommendation=recommendation
    )
    Score.objects.bulk_create(
        Score(review=review, competency=c, value=value, comment="" if value == "met" else "Thin evidence.")
        for c in application.level.competencies.all()
    )
    return review


AFTER_SUBMIT = set(workflow.State) - {State.DRAFT}
REVIEWED_OR_LATER = {
    State.REVIEWED,
    State.MODERATED,
    State.ENDORSED,
    State.DEFERRED,
    State.NOT_ENDORSED,
    State.APPEAL,
    State.UPHELD,
    State.OVERTURNED,
}


def stage(
    state: State,
    *,
    practitioner: Any,
    assessors: tuple[Any, Any],
    registrar: Any,
    recommendation: str = "endorse",
) -> Application:
    """An application put straight into `state`, with what that state implies already done:
    a ready portfolio, referees named (and answered once submitted), two assessors, reviews
    recommending `recommendation`, and a moderation recommending the same."""
    level = promotion_level()
    if not Evidence.objects.filter(owner=practitioner).exists():
        ready_portfolio(practitioner, level)
    application = Application.objects.create(practitioner=practitioner, level=level, state=state.value)
    references = name_referees(application)
    if state in AFTER_SUBMIT and state != State.WITHDRAWN:
        application.submitted_at = timezone.now()
        application.snapshot = {"taken_at": timezone.now().isoformat(), "evidence": [], "education": []}
        for reference in references:
            _answered(reference)
        for assessor in assessors:
            Assignment.objects.create(application=application, assessor=assessor, assigned_by=registrar)
    if state in REVIEWED_OR_LATER:
        for assessor in assessors:
            _review(application, assessor, recommendation)
    if state == State.MODERATED:
        application.moderator = registrar
        application.moderation_recommendation = recommendation
        application.moderation_reason = "Weighed both reviews."
    if state == State.MORE_INFO_REQUESTED:
        application.info_question = "Tell us more about your supervision."
    if state == State.DEFERRED:
        application.required_actions = "Ten more hours of reflective supervision."
    application.save()
    return application
