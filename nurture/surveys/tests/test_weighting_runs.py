"""A sample weighted to its targets by the background task, and the estimates read back."""

from __future__ import annotations

import random
from decimal import Decimal

import numpy as np
import pytest

from nurture.surveys import weighting
from nurture.surveys.models import RunStatus, Target
from nurture.surveys.results import question_result, respondents
from nurture.surveys.services import SurveyError, target_save, weighting_compute, weighting_request

from .conftest import answer_many


def people(n: int, seed: int = 4) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        age = rng.choices(["1", "2", "3"], [5, 3, 2])[0]
        rows.append(
            {
                "AGE": age,
                "SEX": rng.choices(["1", "2"], [7, 3])[0],
                "IMPORTANT": rng.choices(["1", "2", "3", "99"], [6 if age == "1" else 3, 3, 1, 1])[0],
                "SUPPORT": ["1", "2"],
            }
        )
    return rows


@pytest.fixture
def targets(public, coordinator):
    age, sex = (public.survey.questions.get(code=c) for c in ("AGE", "SEX"))
    target_save(
        sample=public,
        question=age,
        crossed_with=None,
        shares={"1": "30", "2": "35", "3": "35"},
        source="ONS",
        actor=coordinator,
    )
    target_save(
        sample=public, question=sex, crossed_with=None, shares={"1": "51", "2": "49"}, source="ONS", actor=coordinator
    )


def test_the_task_rakes_the_sample_to_its_targets_and_the_estimates_use_the_weights(
    public, coordinator, targets, django_capture_on_commit_callbacks
):
    answer_many(public, people(400))
    with django_capture_on_commit_callbacks(execute=True):
        run = weighting_request(sample=public, lower=Decimal("0.2"), upper=Decimal("5"), actor=coordinator)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.progress == 100 and run.respondents == 400

    found = respondents(public)
    ages = np.array([int(a["AGE"]) - 1 for a in found.answers])
    shares = np.bincount(ages, weights=found.weights) / found.weights.sum()
    assert shares == pytest.approx([0.30, 0.35, 0.35], abs=1e-8)

    result = question_result(found, public.survey.questions.get(code="IMPORTANT"))
    assert result is not None and result.base == 400 and result.margin_of_error
    very = result.options[0]
    hit = np.array([a["IMPORTANT"] == "1" for a in found.answers])
    expected = weighting.proportion(hit, found.weights, raked=found.raked)
    assert very.estimate.share == pytest.approx(expected.share) and very.estimate.low == pytest.approx(expected.low)
    # Weighting moves the estimate away from the raw share (the young, who say "very", are over-represented).
    assert very.estimate.share < hit.mean()


def test_a_category_nobody_is_in_fails_the_run_with_a_sentence(public, coordinator, targets):
    answer_many(public, [row | {"AGE": "1"} for row in people(50)])
    run = weighting_compute(weighting_request(sample=public, lower=Decimal(0), upper=Decimal(9), actor=coordinator))
    assert run.status == RunStatus.FAILED
    assert run.message.startswith("No respondent is in “35-54” of AGE")


def test_targets_that_do_not_add_up_to_100_are_refused(public, coordinator):
    age = public.survey.questions.get(code="AGE")
    with pytest.raises(SurveyError, match="add up to 90"):
        target_save(
            sample=public,
            question=age,
            crossed_with=None,
            shares={"1": "30", "2": "30", "3": "30"},
            source="",
            actor=coordinator,
        )
    assert not Target.objects.exists()


def test_an_opt_in_sample_takes_no_targets(professionals, coordinator):
    age = professionals.survey.questions.get(code="AGE")
    with pytest.raises(SurveyError, match="opt-in"):
        target_save(
            sample=professionals, question=age, crossed_with=None, shares={"1": "100"}, source="", actor=coordinator
        )


def test_targets_entered_as_thirds_weight_as_the_thirds_they_mean(public, coordinator):
    answer_many(public, people(200))
    age = public.survey.questions.get(code="AGE")
    target_save(sample=public, question=age, crossed_with=None, shares={"1": "33.333", "2": "33.333", "3": "33.333"},
                source="", actor=coordinator)  # fmt: skip
    run = weighting_compute(weighting_request(sample=public, lower=Decimal(0), upper=Decimal(9), actor=coordinator))
    assert run.status == RunStatus.DONE, run.message
    found = respondents(public)
    ages = np.array([int(a["AGE"]) - 1 for a in found.answers])
    assert np.bincount(ages, weights=found.weights) / found.weights.sum() == pytest.approx([1 / 3] * 3, abs=1e-8)


def test_a_zero_target_for_a_category_with_respondents_fails_with_a_sentence(public, coordinator):
    answer_many(public, people(100))
    age = public.survey.questions.get(code="AGE")
    target_save(sample=public, question=age, crossed_with=None, shares={"1": "50", "2": "50", "3": "0"}, source="",
                actor=coordinator)  # fmt: skip
    run = weighting_compute(weighting_request(sample=public, lower=Decimal(0), upper=Decimal(9), actor=coordinator))
    assert run.status == RunStatus.FAILED
    assert "in “55+” of AGE, whose target is 0%" in run.message


def test_a_multiple_choice_question_takes_no_targets(public, coordinator):
    support = public.survey.questions.get(code="SUPPORT")
    support.profile = True
    support.save()
    with pytest.raises(SurveyError, match="single-choice questions only"):
        target_save(sample=public, question=support, crossed_with=None, shares={"1": "50", "2": "25", "3": "25"},
                    source="", actor=coordinator)  # fmt: skip


def test_an_unexpected_error_fails_the_run_rather_than_leaving_it_running(public, coordinator, targets, monkeypatch):
    answer_many(public, people(50))

    def broken(*args, **kwargs):
        raise MemoryError("out of memory")

    monkeypatch.setattr(weighting, "rake", broken)
    run = weighting_compute(weighting_request(sample=public, lower=Decimal(0), upper=Decimal(9), actor=coordinator))
    assert run.status == RunStatus.FAILED and "error on our side" in run.message
    # The coordinator can ask again at once.
    assert weighting_request(sample=public, lower=Decimal(0), upper=Decimal(9), actor=coordinator).pk != run.pk


def test_the_daily_job_fails_a_run_a_dead_worker_left_running(public):
    from datetime import timedelta

    from django.utils import timezone

    from nurture.surveys.models import WeightingRun
    from nurture.surveys.tasks import surveys_daily

    old = WeightingRun.objects.create(
        sample=public, status=RunStatus.RUNNING, requested_at=timezone.now() - timedelta(hours=2)
    )
    recent = WeightingRun.objects.create(sample=public, status=RunStatus.RUNNING)
    assert surveys_daily.call(today="2026-12-03")["weighting runs failed as stuck"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == RunStatus.FAILED and "Run it again" in old.message
    assert recent.status == RunStatus.RUNNING
