"""The demo's applications obey the rules a real one does: made through the services,
each non-draft one would pass `submission_problems` on its snapshot, on the day it says it
was submitted, and none shows an identifier."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from nurture.accounts.roles import Role
from nurture.core.audit import audit_trail
from nurture.core.models import AuditEntry, OutboundEmail
from nurture.endorsements.demo import ASSESSORS, MODERATOR, OLDEST_STEP_DAYS, PRACTITIONER
from nurture.endorsements.models import Application, Assignment
from nurture.endorsements.selectors import conflicts_of, submission_problems
from nurture.endorsements.workflow import State
from nurture.portfolios.identifiers import identifiers_find
from nurture.portfolios.models import Evidence
from nurture.portfolios.selectors import portfolio_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def debug_on(settings):
    settings.DEBUG = True


def run_demo(practitioners: int = 40) -> str:
    out = StringIO()
    call_command("demo", practitioners=practitioners, stdout=out)
    return out.getvalue()


def submitted() -> list[Application]:
    return list(Application.objects.exclude(state=State.DRAFT).select_related("practitioner", "level").order_by("pk"))


def test_it_makes_an_application_in_each_state_it_promises():
    output = run_demo()

    states = Counter(Application.objects.values_list("state", flat=True))
    assert states == {
        State.UNDER_REVIEW: 1,
        State.SUBMITTED: 1,
        State.REVIEWED: 1,
        State.DEFERRED: 1,
        State.APPEAL: 1,
        State.DRAFT: 1,
    }
    assert Application.objects.get(practitioner__email=PRACTITIONER).state == State.UNDER_REVIEW
    assert "Applications: 6 made through the endorsement services" in output


def test_every_submitted_demo_application_passes_the_submission_rules_on_its_snapshot():
    run_demo()

    applications = submitted()
    assert len(applications) == 5
    for application in applications:
        snapshot = application.snapshot
        portfolio = portfolio_snapshot(application.practitioner)
        # The portfolio as it was frozen: the same records, and only the evidence the snapshot holds.
        frozen = {(item["title"], item["text"]) for item in snapshot["evidence"]}
        then = dataclasses.replace(
            portfolio, evidence=tuple(e for e in portfolio.evidence if (e.title, e.text) in frozen)
        )
        assert len(then.evidence) == len(snapshot["evidence"])
        for part in ("education", "training", "experience", "supervision", "cpd"):
            assert len(getattr(then, part)) == len(snapshot[part]), (application.pk, part)
        day = timezone.localdate(application.submitted_at)
        assert snapshot["taken_at"] == application.submitted_at.isoformat()

        assert submission_problems(application, today=day, portfolio=then) == [], application.practitioner.email
        for item in snapshot["evidence"]:
            assert identifiers_find(item["text"]) == [], (application.pk, item["title"])
        assert max(s["session_on"] for s in snapshot["supervision"]) <= day.isoformat()
        assert max(c["done_on"] for c in snapshot["cpd"]) <= day.isoformat()


def test_each_went_through_the_submit_service_and_tells_its_story_in_the_audit_log():
    run_demo()

    for application in submitted():
        actions = [entry.action for entry in audit_trail(application).order_by("at", "pk")]
        assert actions[0] == "endorsements.application.started"
        assert "endorsements.application.submitted" in actions
        submitted_at = audit_trail(application).get(action="endorsements.application.submitted").at
        assert application.submitted_at is not None
        assert abs(submitted_at - application.submitted_at) < timedelta(seconds=1)  # dated together
    appeal = Application.objects.get(state=State.APPEAL)
    assert [e.action for e in audit_trail(appeal).order_by("at", "pk")][-3:] == [
        "endorsements.application.reviewed",
        "endorsements.application.not_endorsed",
        "endorsements.application.appealed",
    ]


def test_the_demo_practitioner_shows_the_identifier_warning_but_their_application_does_not():
    run_demo(practitioners=0)

    application = Application.objects.get(practitioner__email=PRACTITIONER)
    flagged = Evidence.objects.get(owner__email=PRACTITIONER, findings__isnull=False, title__startswith="Draft:")
    assert flagged.has_unresolved_findings
    assert flagged.title not in {item["title"] for item in application.snapshot["evidence"]}
    assert "NHS number" not in str(application.snapshot)


def test_applications_have_two_assessors_without_a_conflict_and_the_moderator_is_picked():
    run_demo()

    assessors = set(ASSESSORS)
    for application in submitted():
        assigned = application.assignments.filter(kind=Assignment.Kind.ASSESSOR).select_related("assessor")
        if application.state == State.SUBMITTED:
            assert not assigned.exists()  # the registrar assigns two of the demo's assessors
            continue
        assert assigned.count() == 2
        assert {a.assessor.email for a in assigned} <= assessors
        assert all(conflicts_of(a.assessor, application) == [] for a in assigned)
    reviewed = Application.objects.get(state=State.REVIEWED)
    assert set(reviewed.reviews.values_list("recommendation", flat=True)) == {"endorse", "defer"}
    moderator = reviewed.assignments.get(kind=Assignment.Kind.MODERATOR).assessor
    assert (moderator.email, moderator.role) == (MODERATOR, Role.ASSESSOR)


def test_its_steps_are_dated_in_the_last_days_and_its_emails_recorded_not_sent():
    started = timezone.now()
    run_demo()

    oldest = started - timedelta(days=OLDEST_STEP_DAYS, minutes=5)
    assert all(a.submitted_at is not None and oldest <= a.submitted_at <= started for a in submitted())
    assert all(oldest <= e.at for e in AuditEntry.objects.filter(target_type="endorsements.application"))
    states = Counter(OutboundEmail.objects.values_list("state", flat=True))
    assert set(states) == {OutboundEmail.State.SENT, OutboundEmail.State.BOUNCED}
    assert states[OutboundEmail.State.BOUNCED] == 1
    waiting = Application.objects.get(state=State.SUBMITTED)
    assert sorted(r.status for r in waiting.references.all()) == ["bounced", "opened", "sent"]


def test_running_it_twice_makes_no_more_applications():
    run_demo()
    before = (Application.objects.count(), AuditEntry.objects.count(), OutboundEmail.objects.count())

    output = run_demo()

    assert (Application.objects.count(), AuditEntry.objects.count(), OutboundEmail.objects.count()) == before
    assert "Applications: none new" in output


def test_with_few_practitioners_it_says_which_states_wait_for_one_ready_to_apply():
    output = run_demo(practitioners=12)

    assert Counter(Application.objects.values_list("state", flat=True)) == {
        State.UNDER_REVIEW: 1,
        State.SUBMITTED: 1,
        State.DRAFT: 1,
    }
    assert "none reviewed, deferred with required actions, under appeal: no other practitioner is ready" in output
