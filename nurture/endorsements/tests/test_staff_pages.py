"""The assessor's and the registrar's pages (issue 10): the snapshot judged as submitted,
references and reviews as tables, the rubric's draft, the queue, the confirmation page,
staff wording, and the Register entry in the decision email and on the page."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import client_for, make_person
from nurture.endorsements import services, workflow
from nurture.endorsements.models import Application, ReferenceRequest, Review, ReviewDraft
from nurture.endorsements.tests.conftest import TODAY, _review, name_referees, ready_portfolio, stage
from nurture.endorsements.workflow import State, WorkflowError
from nurture.portfolios.models import SupervisionEntry, TrainingRecord


@pytest.fixture
def under_review(practitioner, assessor, second_assessor, registrar) -> Application:
    return stage(
        State.UNDER_REVIEW, practitioner=practitioner, assessors=(assessor, second_assessor), registrar=registrar
    )


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# What the assessor judges ------------------------------------------------------------


@pytest.fixture
def submitted_for_real(practitioner, level, assessor, second_assessor, registrar) -> Application:
    """Submitted through the service, so its snapshot is the one a real submission freezes."""
    ready_portfolio(practitioner, level)
    SupervisionEntry.objects.create(
        owner=practitioner,
        session_on=date(2026, 1, 15),
        supervisor_name="Dr Rose Clark",
        supervisor_email="rose@example.org",
        hours=Decimal("1.5"),
        kind="individual",
        status="confirmed",
        confirmed_at=timezone.now(),
    )
    return _submitted_and_assigned(practitioner, level, (assessor, second_assessor), registrar)


def _submitted_and_assigned(practitioner, level, assessors, registrar) -> Application:
    application = services.application_start(practitioner=practitioner, level=level)
    name_referees(application)
    services.application_submit(application=application, actor=practitioner, today=TODAY)
    for person in assessors:
        application.assignments.create(assessor=person, assigned_by=registrar)
    Application.objects.filter(pk=application.pk).update(state=State.UNDER_REVIEW)
    return Application.objects.get(pk=application.pk)


def test_the_assessor_sees_hours_dates_and_each_requirement_met_as_submitted(submitted_for_real, assessor):
    # After submission the live portfolio loses its training: what the assessor judges does not change.
    TrainingRecord.objects.filter(owner=submitted_for_real.practitioner).delete()
    page = _page(client_for(assessor), f"/staff/reviews/{submitted_for_real.pk}/")
    requirements = page[
        page.index('id="requirements-table"') : page.index("</table>", page.index('id="requirements-table"'))
    ]
    row = re.search(r"Relationship-based training</th>(.*?)</tr>", requirements, re.S).group(1)
    assert "30 hours" in row and 'tag--ok">Met<' in row
    assert "Parent–infant relationships" in page and "1 March 2024" in page  # the course and its date
    assert re.search(r'data-label="Hours">30</td>', page)
    assert "15 January 2026" in page and "Dr Rose Clark" in page and "Individual" in page  # the session
    assert "Health visitor" in page and re.search(r'data-label="Months">\d+(\.\d)?</td>', page)
    assert "2026-01-15" not in page, "dates are written out, never ISO"


def test_the_snapshot_records_what_the_rules_need(submitted_for_real):
    snapshot = submitted_for_real.snapshot
    assert snapshot["format"] == 2
    (session,) = snapshot["supervision"]
    assert (session["kind_code"], session["status_code"], session["supervisor_email"]) == (
        "individual",
        "confirmed",
        "rose@example.org",
    )


def test_references_are_a_table_of_competencies_by_referee(under_review, assessor):
    reference = under_review.references.first()
    first_code = under_review.level.competencies.order_by("domain__position", "position").first().code
    reference.ratings = {**reference.ratings, first_code: "unknown"}
    reference.save()
    page = _page(client_for(assessor), f"/staff/reviews/{under_review.pk}/")
    table = page[page.index('id="reference-ratings"') : page.index("</table>", page.index('id="reference-ratings"'))]
    assert table.count('<th scope="col">') == 1 + under_review.references.count()
    row = re.search(rf"{re.escape(first_code)} [^<]*</th>(.*?)</tr>", table, re.S).group(1)
    assert "Not enough information" in row and row.count("<td") == under_review.references.count()
    assert " met, " not in page, "no run-on strings of ratings"


# The rubric ------------------------------------------------------------------------


def _rubric(application, scored: int, value: str = "met", comment: str = "") -> dict[str, str]:
    data = {"rubric-recommendation": "", "rubric-summary": "So far, so good."}
    for n, c in enumerate(application.level.competencies.order_by("domain__position", "position")):
        data[f"rubric-score_{c.pk}"] = value if n < scored else ""
        data[f"rubric-comment_{c.pk}"] = comment if n < scored else ""
    return data


def test_a_draft_keeps_the_scores_without_submitting(under_review, assessor, second_assessor):
    client = client_for(assessor)
    total = under_review.level.competencies.count()
    response = client.post(f"/staff/reviews/{under_review.pk}/draft/", _rubric(under_review, 2, "partly", ""))
    assert response.status_code == 302
    assert not Review.objects.filter(assessor=assessor).exists()
    draft = ReviewDraft.objects.get(assessor=assessor)
    assert sum(1 for value, _ in draft.scores.values() if value) == 2

    page = _page(client, f"/staff/reviews/{under_review.pk}/")
    assert f"2 of {total} scored" in page
    assert len(re.findall(r'<input type="radio"[^>]*value="partly"[^>]*checked', page)) == 2
    assert "So far, so good." in page
    # Nobody else sees it: the other assessor's rubric is empty.
    assert f"0 of {total} scored" in _page(client_for(second_assessor), f"/staff/reviews/{under_review.pk}/")


def test_submitting_the_review_removes_the_draft_and_shows_what_was_submitted(under_review, assessor):
    client = client_for(assessor)
    client.post(f"/staff/reviews/{under_review.pk}/draft/", _rubric(under_review, 1))
    data = _rubric(under_review, under_review.level.competencies.count())
    data["rubric-recommendation"] = "endorse"
    assert client.post(f"/staff/reviews/{under_review.pk}/rubric/", data).status_code == 302
    assert not ReviewDraft.objects.exists()
    page = _page(client, f"/staff/reviews/{under_review.pk}/")
    assert "What you submitted" in page and "recommending <strong>Endorse</strong>" in page
    assert 'id="scores-compared"' in page


def test_the_comment_is_labelled_as_needed_below_met_never_optional(under_review, assessor):
    page = _page(client_for(assessor), f"/staff/reviews/{under_review.pk}/")
    rubric = page[page.index('id="rubric-table"') : page.index("</table>", page.index('id="rubric-table"'))]
    assert "(optional)" not in rubric
    assert "(needed if not met or partly met)" in rubric


def test_a_draft_refuses_a_score_that_is_not_a_choice(under_review, assessor):
    competency = under_review.level.competencies.first()
    with pytest.raises(WorkflowError):
        services.review_draft_save(
            application=under_review, assessor=assessor, scores={competency.pk: ("excellent", "")}
        )
    assert not ReviewDraft.objects.exists()


def test_the_list_and_the_page_name_the_application_the_same_way(under_review, assessor):
    client = client_for(assessor)
    title = f"{under_review.practitioner}: {under_review.level.name}"
    assert f">{title}</a>" in _page(client, "/staff/reviews/")
    assert f"<h1>{title}</h1>" in _page(client, f"/staff/reviews/{under_review.pk}/")
    assert f"<h1>{title}</h1>" in _page(
        client_for(under_review.assignments.first().assigned_by), f"/staff/applications/{under_review.pk}/"
    )


# The registrar -----------------------------------------------------------------------


def _queue(client, query: str = "") -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/staff/applications/{query}")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _names(page: str) -> list[str]:
    return re.findall(r'data-label="Practitioner"><a href="[^"]+">([^<]+)</a>', page)


def test_the_queue_is_one_table_with_due_dates_overdue_marks_sort_and_filter(
    practitioner, other_practitioner, assessor, second_assessor, registrar
):
    pair = (assessor, second_assessor)
    old = stage(State.SUBMITTED, practitioner=practitioner, assessors=pair, registrar=registrar)
    stage(State.REVIEWED, practitioner=other_practitioner, assessors=pair, registrar=registrar)
    Application.objects.filter(pk=old.pk).update(
        state_changed_at=timezone.now() - timedelta(days=40), submitted_at=timezone.now() - timedelta(days=40)
    )
    client = client_for(registrar)
    queries, page = _queue(client)
    assert page.count("<table") == 1
    due = timezone.localdate() - timedelta(days=40) + timedelta(days=workflow.EXPECTED_DAYS[State.SUBMITTED])
    assert f"{due.day} {due:%B %Y}" in page and "Overdue" in page and "1 overdue" in page
    assert _names(page) == [str(practitioner), str(other_practitioner)]  # due soonest first

    _, by_name = _queue(client, "?sort=name")
    assert _names(by_name) == sorted([str(practitioner), str(other_practitioner)], key=str.casefold)
    _, reviewed = _queue(client, f"?state={State.REVIEWED}")
    assert _names(reviewed) == [str(other_practitioner)]
    _, odd = _queue(client, "?state=nonsense&sort=nonsense")
    assert len(_names(odd)) == 2

    for n in range(10):
        person = make_person(f"queued{n}@example.org", name=f"Queued {n}")
        stage(State.SUBMITTED, practitioner=person, assessors=pair, registrar=registrar)
    more, page = _queue(client)
    assert len(_names(page)) == 12
    assert more == queries


def test_the_reviews_are_side_by_side_with_disagreements_in_words(under_review, assessor, second_assessor, registrar):
    _review(under_review, assessor, "endorse")
    _review(under_review, second_assessor, "defer", value="partly")
    Application.objects.filter(pk=under_review.pk).update(state=State.REVIEWED)
    page = _page(client_for(registrar), f"/staff/applications/{under_review.pk}/")
    table = page[page.index('id="scores-compared"') : page.index("</table>", page.index('id="scores-compared"'))]
    count = under_review.level.competencies.count()
    assert table.count(">Differs<") == count
    assert f"score <strong>{count} competencies</strong> differently" in page
    assert "The assessors recommend different outcomes." in page
    assert table.index(str(assessor)) < table.index(str(second_assessor))


def _decide(client, application, **extra: str):
    data = {"decide-decision": "endorse", "decide-reason": "Both assessors agree.", "decide-required_actions": ""}
    return client.post(f"/staff/applications/{application.pk}/decide/", {**data, **extra})


def test_a_decision_is_recorded_only_after_the_confirmation_page(
    practitioner, assessor, second_assessor, registrar, send_now
):
    application = stage(
        State.REVIEWED, practitioner=practitioner, assessors=(assessor, second_assessor), registrar=registrar
    )
    client = client_for(registrar)
    asked = _decide(client, application)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert f"<h1>Endorse {practitioner} at {application.level.name}?</h1>" in page
    assert "public Register" in page and 'name="decide-confirmed" value="yes"' in page
    assert Application.objects.get(pk=application.pk).state == State.REVIEWED

    back = _decide(client, application, **{"decide-back": "1", "decide-confirmed": "yes"})
    assert back.status_code == 200
    assert "Both assessors agree." in back.content.decode()  # the form again, as it was typed
    assert Application.objects.get(pk=application.pk).state == State.REVIEWED

    with send_now():
        done = _decide(client, application, **{"decide-confirmed": "yes"})
    assert done.status_code == 302
    assert Application.objects.get(pk=application.pk).state == State.ENDORSED
    from nurture.register.models import RegisterEntry

    entry = RegisterEntry.objects.get(practitioner=practitioner)
    (message,) = [m for m in mail.outbox if m.to == [practitioner.email] and "decided" in m.body]
    assert f"Your registration number: {entry.number}" in message.body
    assert f"/register/{entry.number}/" in message.body
    html = message.alternatives[0][0]
    assert entry.number in html and f"/register/{entry.number}/" in html

    page = _page(client, f"/staff/applications/{application.pk}/")
    assert f'href="/register/{entry.number}/"' in page


def test_a_decision_that_cannot_be_recorded_is_refused_before_the_confirmation_page(under_review, registrar):
    _review(under_review, under_review.assignments.first().assessor, "endorse")
    _review(under_review, under_review.assignments.last().assessor, "defer", value="partly")
    Application.objects.filter(pk=under_review.pk).update(state=State.REVIEWED)
    refused = _decide(client_for(registrar), under_review)
    assert refused.status_code == 400
    assert "must follow the assessors" in refused.content.decode()


def test_an_appeal_outcome_is_confirmed_first(practitioner, assessor, second_assessor, registrar):
    application = stage(
        State.APPEAL, practitioner=practitioner, assessors=(assessor, second_assessor), registrar=registrar
    )
    data = {"appeal_decide-outcome": "overturn", "appeal_decide-reason": "The case study was missed."}
    client = client_for(registrar)
    asked = client.post(f"/staff/applications/{application.pk}/appeal_decide/", data)
    assert asked.status_code == 200
    assert f"Overturn the decision and endorse {practitioner}" in asked.content.decode()
    assert Application.objects.get(pk=application.pk).state == State.APPEAL


@pytest.mark.parametrize("state", [s for s in State if s != State.DRAFT], ids=lambda s: s.value)
def test_staff_pages_speak_to_staff(practitioner, assessor, second_assessor, registrar, state):
    application = stage(state, practitioner=practitioner, assessors=(assessor, second_assessor), registrar=registrar)
    page = _page(client_for(registrar), f"/staff/applications/{application.pk}/")
    assert workflow.STAFF_NEXT_STEPS[state] in page
    assert workflow.NEXT_STEPS[state] not in page
    assert "your portfolio" not in page.lower()


def test_the_references_on_the_staff_page_say_what_the_applicant_must_do(
    practitioner, assessor, second_assessor, registrar
):
    application = stage(
        State.SUBMITTED, practitioner=practitioner, assessors=(assessor, second_assessor), registrar=registrar
    )
    first, second, *_ = ReferenceRequest.objects.filter(application=application).order_by("pk")
    now = timezone.now()
    ReferenceRequest.objects.filter(pk=first.pk).update(answered_at=None, void=False, bounced_at=now)
    ReferenceRequest.objects.filter(pk=second.pk).update(answered_at=now, void=True)

    staff_page = _page(client_for(registrar), f"/staff/applications/{application.pk}/")
    assert "The applicant can give another address." in staff_page
    assert "the applicant must ask someone else." in staff_page
    assert "Try another address." not in staff_page and ": ask someone else." not in staff_page

    own_page = _page(client_for(practitioner), f"/applications/{application.pk}/")
    assert "Try another address." in own_page and ": ask someone else." in own_page


def test_start_the_review_is_offered_only_once_the_references_and_two_assessors_are_in(
    practitioner, assessor, second_assessor, registrar
):
    application = stage(
        State.SUBMITTED, practitioner=practitioner, assessors=(assessor, second_assessor), registrar=registrar
    )
    client = client_for(registrar)
    first = ReferenceRequest.objects.filter(application=application).order_by("pk").first()
    ReferenceRequest.objects.filter(pk=first.pk).update(answered_at=None, void=False)

    waiting = _page(client, f"/staff/applications/{application.pk}/")
    assert f"Still to arrive: a reference from their {first.referee_role}." in waiting
    assert "Start the review" not in waiting

    ReferenceRequest.objects.filter(pk=first.pk).update(answered_at=timezone.now())
    assert "Start the review" in _page(client, f"/staff/applications/{application.pk}/")


def test_the_assessor_sees_training_its_provider_confirmed_as_confirmed_and_counted(
    practitioner, level, assessor, second_assessor, registrar
):
    from nurture.portfolios.services import DirectoryCourse, training_confirm

    ready_portfolio(practitioner, level)
    # Recorded from the directory as not relationship-based; accredited and confirmed, it counts.
    TrainingRecord.objects.filter(owner=practitioner).update(directory_course="pgcert", relationship_based=False)
    record = TrainingRecord.objects.get(owner=practitioner)
    course = DirectoryCourse(
        slug="pgcert", title=record.title, provider="Severn University", hours=record.hours,
        relationship_based=False, competency_codes=(),
    )  # fmt: skip
    assert training_confirm(record_id=record.pk, course=course, accredited=True)
    application = _submitted_and_assigned(practitioner, level, (assessor, second_assessor), registrar)
    page = _page(client_for(assessor), f"/staff/reviews/{application.pk}/")
    assert "Confirmed by Severn University, accredited" in page
    requirements = page[
        page.index('id="requirements-table"') : page.index("</table>", page.index('id="requirements-table"'))
    ]
    row = re.search(r"Relationship-based training</th>(.*?)</tr>", requirements, re.S).group(1)
    assert "30 hours" in row and 'tag--ok">Met<' in row
