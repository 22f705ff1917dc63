"""Assessment: conflicts of interest, independent reviews, moderation, decisions,
agreement (kappa), and the call to the Register on endorsement."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import client_for, make_person
from nurture.accounts.roles import Role
from nurture.endorsements import services
from nurture.endorsements.agreement import cohens_kappa
from nurture.endorsements.models import Application, Assignment, Review
from nurture.endorsements.tests.conftest import _review, stage
from nurture.endorsements.workflow import State, WorkflowError
from nurture.portfolios.models import SupervisionEntry

# Cohen's kappa, by hand -------------------------------------------------------------


def test_kappa_matches_a_hand_computed_example():
    # Ten competencies, scored by A and B:
    #   both met: 4, both partly: 2, both not met: 1  -> 7 agreements of 10, p_o = 0.7
    #   A met / B partly: 1, A partly / B met: 1, A not met / B partly: 1
    # A's totals: met 5, partly 3, not met 2. B's totals: met 5, partly 4, not met 1.
    # p_e = (5/10)(5/10) + (3/10)(4/10) + (2/10)(1/10) = 0.25 + 0.12 + 0.02 = 0.39
    # kappa = (0.7 - 0.39) / (1 - 0.39) = 0.31 / 0.61 = 0.50819...
    pairs = (
        [("met", "met")] * 4
        + [("partly", "partly")] * 2
        + [("not_met", "not_met")]
        + [("met", "partly"), ("partly", "met"), ("not_met", "partly")]
    )
    result = cohens_kappa(pairs)
    assert result.items == 10
    assert result.observed == pytest.approx(0.7)
    assert result.expected == pytest.approx(0.39)
    assert result.kappa == pytest.approx(0.31 / 0.61)


def test_kappa_is_one_for_perfect_agreement_and_undefined_without_variety():
    assert cohens_kappa([("met", "met"), ("partly", "partly")]).kappa == pytest.approx(1.0)
    assert cohens_kappa([("met", "met"), ("met", "met")]).kappa is None
    assert cohens_kappa([]).kappa is None


def test_kappa_is_negative_when_raters_systematically_disagree():
    # p_o = 0; A: met 1, partly 1; B: partly 1, met 1 -> p_e = 0.25 + 0.25 = 0.5; kappa = -0.5/0.5 = -1
    assert cohens_kappa([("met", "partly"), ("partly", "met")]).kappa == pytest.approx(-1.0)


# Conflicts of interest ----------------------------------------------------------------


@pytest.fixture
def submitted(practitioner, assessor, second_assessor, registrar) -> Application:
    practitioner.employer = "Leeds Community Healthcare"
    practitioner.save()
    application = stage(
        State.SUBMITTED, practitioner=practitioner, assessors=(assessor, second_assessor), registrar=registrar
    )
    Assignment.objects.filter(application=application).delete()
    return application


def refused(application, registrar, person, reason: str) -> None:
    with pytest.raises(WorkflowError, match=reason):
        services.assessor_assign(application=application, actor=registrar, assessor=person)
    assert not Assignment.objects.filter(application=application, assessor=person).exists()


def test_an_assessor_from_the_same_employer_is_refused(submitted, registrar):
    person = make_person("colleague@example.org", "assessor")
    person.employer = "  leeds community HEALTHCARE "
    person.save()
    refused(submitted, registrar, person, "same employer")


def test_an_assessor_named_as_a_referee_is_refused(submitted, registrar):
    person = make_person("REFEREE1@example.org".lower(), "assessor")
    refused(submitted, registrar, person, "named as a referee")


def test_an_assessor_named_as_a_supervisor_is_refused(submitted, registrar, practitioner):
    person = make_person("dr.rivera@example.org", "assessor")
    SupervisionEntry.objects.create(
        owner=practitioner,
        session_on="2025-06-01",
        supervisor_name="Dr Rivera",
        supervisor_email="Dr.Rivera@Example.org",
        hours=2,
    )
    refused(submitted, registrar, person, "named as a supervisor")


def test_an_assessor_who_declared_a_conflict_with_the_practitioner_is_refused(
    submitted, registrar, assessor, practitioner
):
    services.conflict_declare(assessor=assessor, practitioner_email=practitioner.email.upper())
    refused(submitted, registrar, assessor, "declared a conflict with the applicant")


def test_an_assessor_who_declared_a_conflict_with_the_employer_is_refused(submitted, registrar, assessor):
    services.conflict_declare(assessor=assessor, employer="LEEDS community healthcare")
    refused(submitted, registrar, assessor, "declared a conflict with Leeds Community Healthcare")


def test_an_empty_employer_is_no_conflict(submitted, registrar, assessor, practitioner, send_now):
    practitioner.employer = ""
    practitioner.save()
    with send_now():
        services.assessor_assign(application=submitted, actor=registrar, assessor=assessor)
    (message,) = [m for m in mail.outbox if m.to == [assessor.email]]
    assert "assigned you as assessor" in message.body


def test_a_third_assessor_cannot_be_assigned(submitted, registrar, assessor, second_assessor, third_assessor):
    services.assessor_assign(application=submitted, actor=registrar, assessor=assessor)
    services.assessor_assign(application=submitted, actor=registrar, assessor=second_assessor)
    refused(submitted, registrar, third_assessor, "already has its two assessors")


def test_conflicts_are_declared_on_the_staff_page(assessor):
    client = client_for(assessor)
    bad = client.post("/staff/conflicts/", {"practitioner_email": "", "employer": "", "reason": "old friend"})
    assert bad.status_code == 400
    assert "Give a practitioner&#x27;s email address or an employer&#x27;s name" in bad.content.decode()
    assert 'value="old friend"' in bad.content.decode()
    assert client.post("/staff/conflicts/", {"employer": "Mersey NHS"}).status_code == 302
    assert assessor.conflicts.get().employer == "Mersey NHS"


def _staff_page_queries(client, application: Application) -> tuple[int, str]:
    """The number of queries the registrar's page ran, and its "Without a conflict" line."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/staff/applications/{application.pk}/")
    assert response.status_code == 200
    (free,) = re.findall(r"Without a conflict: ([^<]*)\.</p>", response.content.decode())
    return len(queries), free


def test_the_registrars_application_page_reads_as_many_queries_for_twelve_assessors_as_for_two(
    submitted, registrar, assessor, second_assessor
):
    """Two assessors (each with a declared conflict elsewhere) are on the page already;
    ten more must not add a query each."""
    client = client_for(registrar)
    services.conflict_declare(assessor=assessor, employer="Mersey NHS")
    services.conflict_declare(assessor=second_assessor, practitioner_email="someone@example.org")
    two, free = _staff_page_queries(client, submitted)
    assert free.split(", ") == sorted([str(assessor), str(second_assessor)])
    for n in range(10):
        more = make_person(f"assessor{n}@example.org", Role.ASSESSOR)
        services.conflict_declare(assessor=more, employer=f"Trust {n}")
    services.conflict_declare(assessor=more, employer="Leeds Community Healthcare")
    twelve, free = _staff_page_queries(client, submitted)
    assert (two, twelve) == (22, 22)
    assert len(free.split(", ")) == 11, "the one who declared a conflict with Leeds is left out"
    assert str(more) not in free.split(", ")


# Independent review -------------------------------------------------------------------


@pytest.fixture
def under_review(practitioner, assessor, second_assessor, registrar) -> Application:
    return stage(
        State.UNDER_REVIEW, practitioner=practitioner, assessors=(assessor, second_assessor), registrar=registrar
    )


def rubric(application, value="met", comment="", recommendation="endorse") -> dict[str, str]:
    data = {"rubric-recommendation": recommendation, "rubric-summary": ""}
    for c in application.level.competencies.all():
        data[f"rubric-score_{c.pk}"] = value
        data[f"rubric-comment_{c.pk}"] = comment
    return data


def test_the_other_assessors_scores_are_hidden_until_one_submits_ones_own(under_review, assessor, second_assessor):
    _review(under_review, second_assessor, "defer", value="partly")
    page = client_for(assessor).get(f"/staff/reviews/{under_review.pk}/").content.decode()
    assert "Thin evidence." not in page and "Dr Second Assessor" not in page and "Partly met</td>" not in page

    response = client_for(assessor).post(f"/staff/reviews/{under_review.pk}/rubric/", rubric(under_review))
    assert response.status_code == 302
    page = client_for(assessor).get(f"/staff/reviews/{under_review.pk}/").content.decode()
    assert "Thin evidence." in page and "Dr Second Assessor" in page


def test_a_score_below_met_needs_a_comment_next_to_it(under_review, assessor):
    response = client_for(assessor).post(
        f"/staff/reviews/{under_review.pk}/rubric/", rubric(under_review, value="partly")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "is not fully met" in page and 'aria-invalid="true"' in page
    assert not Review.objects.filter(assessor=assessor).exists()


def test_an_assessor_asks_for_more_information_and_the_practitioner_answers(
    under_review, assessor, practitioner, registrar, send_now
):
    with send_now():
        response = client_for(assessor).post(
            f"/staff/reviews/{under_review.pk}/question/", {"question-question": "Which families did you serve?"}
        )
    assert response.status_code == 302
    assert Application.objects.get(pk=under_review.pk).state == State.MORE_INFO_REQUESTED
    (message,) = [m for m in mail.outbox if m.to == [practitioner.email]]
    assert "Which families did you serve?" in message.body

    empty = client_for(practitioner).post(f"/applications/{under_review.pk}/answer/", {"answer-answer": " "})
    assert empty.status_code == 400
    client_for(practitioner).post(f"/applications/{under_review.pk}/answer/", {"answer-answer": "Forty families."})
    assert Application.objects.get(pk=under_review.pk).state == State.RESUBMITTED
    services.review_start(application=under_review, actor=registrar)
    assert Application.objects.get(pk=under_review.pk).state == State.UNDER_REVIEW


def test_agreeing_reviews_make_it_reviewed_and_the_decision_must_follow_them(
    under_review, assessor, second_assessor, registrar, fake_register
):
    client_for(assessor).post(f"/staff/reviews/{under_review.pk}/rubric/", rubric(under_review))
    assert Application.objects.get(pk=under_review.pk).state == State.UNDER_REVIEW
    client_for(second_assessor).post(f"/staff/reviews/{under_review.pk}/rubric/", rubric(under_review))
    assert Application.objects.get(pk=under_review.pk).state == State.REVIEWED

    against = client_for(registrar).post(
        f"/staff/applications/{under_review.pk}/decide/",
        {"decide-decision": "not_endorse", "decide-reason": "I disagree.", "decide-required_actions": ""},
    )
    assert against.status_code == 400
    assert "must follow the assessors" in against.content.decode()
    assert Application.objects.get(pk=under_review.pk).state == State.REVIEWED

    decision = {"decide-decision": "endorse", "decide-reason": "Both agree.", "decide-required_actions": ""}
    asked = client_for(registrar).post(f"/staff/applications/{under_review.pk}/decide/", decision)
    assert asked.status_code == 200
    assert f"Endorse {under_review.practitioner} at {under_review.level.name}?" in asked.content.decode()
    assert Application.objects.get(pk=under_review.pk).state == State.REVIEWED, "nothing recorded before confirming"

    client_for(registrar).post(
        f"/staff/applications/{under_review.pk}/decide/", {**decision, "decide-confirmed": "yes"}
    )
    assert Application.objects.get(pk=under_review.pk).state == State.ENDORSED
    assert len(fake_register) == 1


def test_disagreeing_reviews_go_to_a_third_assessor_who_moderates(
    under_review, assessor, second_assessor, third_assessor, registrar, fake_register
):
    client_for(assessor).post(f"/staff/reviews/{under_review.pk}/rubric/", rubric(under_review))
    client_for(second_assessor).post(
        f"/staff/reviews/{under_review.pk}/rubric/",
        rubric(under_review, value="not_met", comment="No evidence", recommendation="not_endorse"),
    )
    assert Application.objects.get(pk=under_review.pk).state == State.REVIEWED
    with pytest.raises(WorkflowError):
        services.application_decide(application=under_review, actor=registrar, decision="endorse", reason="x")

    client_for(registrar).post(
        f"/staff/applications/{under_review.pk}/moderator/", {"moderator-moderator": third_assessor.pk}
    )
    page = client_for(third_assessor).get(f"/staff/reviews/{under_review.pk}/").content.decode()
    assert "No evidence" in page  # the moderator sees both reviews
    client_for(third_assessor).post(
        f"/staff/reviews/{under_review.pk}/moderate/",
        {"moderate-recommendation": "endorse", "moderate-reason": "The evidence is there."},
    )
    assert Application.objects.get(pk=under_review.pk).state == State.MODERATED
    services.application_decide(application=under_review, actor=registrar, decision="endorse", reason="Moderated.")
    assert Application.objects.get(pk=under_review.pk).state == State.ENDORSED
    assert len(fake_register) == 1


def test_the_agreement_page_shows_kappa_per_pair_and_overall(under_review, assessor, second_assessor, registrar):
    _review(under_review, assessor, "endorse")
    _review(under_review, second_assessor, "endorse")
    page = client_for(registrar).get("/staff/agreement/").content.decode()
    assert "Overall" in page and assessor.full_name in page and second_assessor.full_name in page


# The Register ------------------------------------------------------------------------


def test_endorsement_puts_the_practitioner_on_the_register(practitioner, assessor, second_assessor, registrar):
    """Uses the register app's `register_entry_create`, built separately: this test
    fails until that function exists."""
    application = stage(
        State.REVIEWED, practitioner=practitioner, assessors=(assessor, second_assessor), registrar=registrar
    )
    services.application_decide(application=application, actor=registrar, decision="endorse", reason="Meets all.")
    from nurture.register.models import RegisterEntry

    assert RegisterEntry.objects.filter(practitioner=practitioner, level_code=application.level.code).exists()
