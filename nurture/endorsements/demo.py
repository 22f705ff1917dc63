"""Demo applications in several states, for `manage.py demo` (which calls `demo_applications`).

- practitioner@demo.nurture.test (ready for prevention): an application under review,
  assigned to assessor@demo.nurture.test (and to a second assessor, if the database has
  one: the demo creates no people of its own), references in;
- a few generated demo practitioners: a draft, a submitted one waiting for references
  (sent, opened, bounced), one reviewed with both reviews in (so the agreement page has
  figures), one deferred with required actions, and one under appeal.

Safe to run twice: a practitioner who already has an application for the level is left
as they are. Like the rest of the demo, nothing is emailed and nothing goes to the audit
log: this is seed data, not anyone's action.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any, TextIO

from django.conf import settings
from django.core.management.base import OutputWrapper
from django.db import transaction
from django.utils import timezone

from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.core.demo import DemoRun
from nurture.core.models import OutboundEmail
from nurture.endorsements.models import Application, Assignment, ReferenceRequest, Review, Score
from nurture.endorsements.services import _snapshot_take
from nurture.endorsements.workflow import State
from nurture.framework.models import Level
from nurture.portfolios.selectors import portfolio_snapshot

DOMAIN = "demo.nurture.test"
# (state, level code) for generated practitioners, in this order.
OTHERS = (
    (State.DRAFT, "promotion"),
    (State.SUBMITTED, "promotion"),
    (State.REVIEWED, "promotion"),
    (State.DEFERRED, "prevention"),
    (State.APPEAL, "promotion"),
)
SUBMITTED_OR_LATER = {State.SUBMITTED, State.UNDER_REVIEW, State.REVIEWED, State.DEFERRED, State.APPEAL}
REVIEWED_OR_LATER = {State.REVIEWED, State.DEFERRED, State.APPEAL}


def _references(application: Application, rng: random.Random, *, answered: bool) -> None:
    now = timezone.now()
    codes = list(application.level.competencies.values_list("code", flat=True))
    states = ("answered", "answered", "answered") if answered else ("opened", "sent", "bounced")
    for n, (role, state) in enumerate(zip(application.level.reference_roles, states, strict=False), 1):
        reference = ReferenceRequest(
            application=application,
            referee_name=rng.choice(("Dr Rose Clark", "Sam Patel", "Morag Fraser", "Ifeoma Okafor")),
            referee_email=f"referee{n}.{application.pk}@example.org",
            referee_role=role,
            sent_at=now - timedelta(days=10),
            expires_at=now + timedelta(days=11),
        )
        if state in ("opened", "answered"):
            reference.opened_at = now - timedelta(days=8)
        if state == "answered":
            reference.answered_at = now - timedelta(days=7)
            reference.ratings = {code: rng.choice(("met", "met", "partly", "unknown")) for code in codes}
        if state == "bounced":
            reference.bounced_at = now - timedelta(days=10)
        reference.save()
        _reference_email(reference, bounced=state == "bounced")


def _reference_email(reference: ReferenceRequest, *, bounced: bool) -> None:
    """The outbox row of the referee's email, so its page and /staff/outbox/ show how it went."""
    sent = reference.sent_at or timezone.now()
    OutboundEmail.objects.create(
        created_at=sent,
        to=reference.referee_email,
        from_email=settings.DEFAULT_FROM_EMAIL,
        subject=f"Reference request for {reference.application.practitioner}",
        body_text="(demo data: the email as it was sent)",
        message_id=f"<demo-reference-{reference.pk}@nurture.localhost>",
        purpose="endorsements/email/reference_request",
        about_type=ReferenceRequest._meta.label_lower,
        about_id=str(reference.pk),
        sender_key=f"user:{reference.application.practitioner_id}",
        state=OutboundEmail.State.BOUNCED if bounced else OutboundEmail.State.SENT,
        attempts=1,
        next_attempt_at=sent,
        give_up_at=sent + timedelta(days=1),
        sent_at=None if bounced else sent,
        last_error="SMTPRecipientsRefused: 550 5.1.1 Mailbox unavailable" if bounced else "",
    )


def _review(application: Application, assessor: User, rng: random.Random, recommendation: str) -> None:
    review = Review.objects.create(
        application=application, assessor=assessor, round=application.round, recommendation=recommendation
    )
    scores = []
    for competency in application.level.competencies.all():
        value = rng.choice(("met", "met", "met", "partly", "not_met"))
        comment = "" if value == "met" else "The evidence shows this only in part."
        scores.append(Score(review=review, competency=competency, value=value, comment=comment))
    Score.objects.bulk_create(scores)


def _application(
    practitioner: User, level: Level, state: State, assessors: list[User], registrar: User, rng: random.Random
) -> Application | None:
    if Application.objects.filter(practitioner=practitioner, level=level).exists():
        return None
    now = timezone.now()
    application = Application.objects.create(
        practitioner=practitioner, level=level, state=state.value, state_changed_at=now - timedelta(days=6)
    )
    if state in SUBMITTED_OR_LATER:
        application.submitted_at = now - timedelta(days=20)
        application.snapshot = _snapshot_take(application, portfolio_snapshot(practitioner))
        _references(application, rng, answered=state != State.SUBMITTED)
    if state in SUBMITTED_OR_LATER - {State.SUBMITTED}:
        for assessor in assessors:
            Assignment.objects.create(application=application, assessor=assessor, assigned_by=registrar)
    if state in REVIEWED_OR_LATER:
        outcome = "defer" if state != State.APPEAL else "not_endorse"
        for assessor in assessors:
            _review(application, assessor, rng, outcome)
    if state == State.DEFERRED:
        application.decision_reason = "Strong practice; supervision hours are short of the requirement."
        application.required_actions = "Complete 10 more hours of reflective supervision with your main supervisor."
    if state == State.APPEAL:
        application.decision_reason = "The evidence does not yet show assessment skills."
        application.appeal_grounds = "My case study on assessment was not considered."
    application.save()
    return application


def demo_applications(*, stdout: OutputWrapper | TextIO) -> None:
    rng = random.Random("endorsements")  # noqa: S311 - demo data, not secrets
    people = {
        p.email: p
        for p in User.objects.filter(email__in=[f"practitioner@{DOMAIN}", f"assessor@{DOMAIN}", f"registrar@{DOMAIN}"])
    }
    if len(people) < 3:
        stdout.write("Applications: skipped (the demo logins are missing).")
        return
    levels = {level.code: level for level in Level.objects.filter(version__is_current=True)}
    made: list[Any] = []
    with transaction.atomic():
        # A second assessor only if the database has one: the demo's people are its own.
        extra = User.objects.filter(role=Role.ASSESSOR).exclude(email=f"assessor@{DOMAIN}").order_by("id").first()
        assessors = [people[f"assessor@{DOMAIN}"], *([extra] if extra else [])]
        registrar = people[f"registrar@{DOMAIN}"]
        made.append(
            _application(
                people[f"practitioner@{DOMAIN}"], levels["prevention"], State.UNDER_REVIEW, assessors, registrar, rng
            )
        )
        others = User.objects.filter(role=Role.PRACTITIONER, email__endswith=f"@{DOMAIN}").exclude(
            email=f"practitioner@{DOMAIN}"
        )
        for person, (state, code) in zip(others.order_by("id")[: len(OTHERS)], OTHERS, strict=False):
            made.append(_application(person, levels[code], state, assessors, registrar, rng))
    created = [a for a in made if a is not None]
    stdout.write(
        f"Applications: {len(created)} made "
        f"({', '.join(a.get_state_display().lower() for a in created) or 'none new'})."
    )


def demo_load(run: DemoRun) -> None:
    """The app's part of `manage.py demo` (`core/demo.py`)."""
    demo_applications(stdout=run.stdout)
