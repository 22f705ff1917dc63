"""At once, for real (PostgreSQL, two threads with their own connections): two people
sending the answers that would fill the last place of a sample's quota at the same
moment; exactly one is counted, and the other is told why theirs was not."""

from __future__ import annotations

import pytest
from django.db.models import QuerySet

from nurture.core.tests.concurrency import meeting_before, run_together
from nurture.surveys.models import Response
from nurture.surveys.services import SurveyError, questionnaire, response_complete

from .conftest import answer, make_survey

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ANSWERS = {"AGE": "1", "SEX": "2", "IMPORTANT": "2", "SUPPORT": ["1"]}


@pytest.mark.parametrize("round_", range(3))
def test_two_people_sending_the_last_place_at_once_only_one_is_counted(round_):
    survey = make_survey(slug=f"quota-{round_}", quota=1)
    public = survey.samples.get(code="public")
    ama, ben = (answer(public, ANSWERS, complete=False) for _ in range(2))
    every = questionnaire(survey)
    # Both have reached the quota's check before either is counted.
    with meeting_before(QuerySet, "select_for_update"):
        results = run_together(
            lambda: response_complete(response=ama, questions=every, quote_consent=False),
            lambda: response_complete(response=ben, questions=every, quote_consent=False),
        )
    counted = [r for r in results if isinstance(r, Response)]
    refused = [r for r in results if isinstance(r, SurveyError)]
    assert len(counted) == 1 and len(refused) == 1, results
    assert "received all the answers it needed" in str(refused[0])
    assert Response.objects.filter(sample=public, completed_at__isnull=False).count() == 1
