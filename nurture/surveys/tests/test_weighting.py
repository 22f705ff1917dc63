"""The weighting engine, without a database: raking meets its targets within its bounds,
refuses what cannot be raked with a sentence that says why, and the intervals agree with
hand-computed values and are never of zero width."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nurture.surveys.weighting import Margin, RakingError, difference, proportion, rake


def margin(name: str, codes: list[int], targets: list[float], labels: list[str] | None = None) -> Margin:
    return Margin(
        name=name,
        codes=np.array(codes, dtype=np.int64),
        targets=np.array(targets, dtype=np.float64),
        labels=labels or [f"{name} {i}" for i in range(len(targets))],
    )


# Ten respondents: 6 women and 4 men; 3 aged 16–34, 7 aged 35+.
SEX = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1]
AGE = [0, 0, 1, 1, 1, 1, 0, 1, 1, 1]


def shares(weights: np.ndarray, codes: list[int], k: int) -> list[float]:
    return list(np.bincount(np.array(codes), weights=weights, minlength=k) / weights.sum())


def test_raking_meets_every_margin_and_keeps_the_number_of_respondents():
    raked = rake(np.ones(10), [margin("sex", SEX, [0.51, 0.49]), margin("age", AGE, [0.30, 0.70])], tolerance=1e-12)
    assert shares(raked.weights, SEX, 2) == pytest.approx([0.51, 0.49], abs=1e-12)
    assert shares(raked.weights, AGE, 2) == pytest.approx([0.30, 0.70], abs=1e-12)
    assert raked.weights.sum() == pytest.approx(10)


def test_one_margin_is_matched_in_one_round_by_the_ratio_of_target_to_sample_share():
    raked = rake(np.ones(10), [margin("sex", SEX, [0.5, 0.5])])
    # Women are 60 % of the sample and 50 % of the population: 0.5 / 0.6; men 0.5 / 0.4.
    assert raked.weights[:6] == pytest.approx([0.5 / 0.6] * 6)
    assert raked.weights[6:] == pytest.approx([0.5 / 0.4] * 4)
    assert raked.iterations == 1


def test_the_bounds_are_enforced_and_the_targets_still_met_when_they_can_be():
    codes = [0] * 9 + [1]  # one man in ten: unbounded, he would weigh 4.5
    unbounded = rake(np.ones(10), [margin("sex", codes, [0.55, 0.45])])
    assert unbounded.weights.max() == pytest.approx(4.5)
    age = [0, 1] * 5
    raked = rake(
        np.ones(10), [margin("sex", [0, 0, 0, 0, 0, 0, 0, 1, 1, 1], [0.6, 0.4]), margin("age", age, [0.5, 0.5])],
        lower=0.5, upper=1.5,
    )  # fmt: skip
    assert raked.weights.min() >= 0.5 - 1e-9 and raked.weights.max() <= 1.5 + 1e-9
    assert shares(raked.weights, [0, 0, 0, 0, 0, 0, 0, 1, 1, 1], 2) == pytest.approx([0.6, 0.4], abs=1e-9)


def test_bounds_too_tight_for_the_targets_say_that_raking_did_not_converge():
    codes = [0] * 9 + [1]
    with pytest.raises(RakingError, match=r"did not converge .* bounds may be too tight"):
        rake(np.ones(10), [margin("sex", codes, [0.55, 0.45])], upper=2.0, most_iterations=200)


@pytest.mark.parametrize(
    ("margins", "message"),
    [
        ([margin("sex", SEX, [0.5, 0.45])], "targets for sex add up to 95.00%, not 100%"),
        ([margin("region", SEX, [0.5, 0.3, 0.2], ["London", "Wales", "Scotland"])], "No respondent is in “Scotland”"),
        ([margin("sex", [0] * 9 + [7], [0.5, 0.5])], "not one of its 2 targets"),
        ([margin("sex", SEX[:5], [0.5, 0.5])], "does not give a category for every respondent"),
    ],
)
def test_what_cannot_be_raked_is_refused_with_a_sentence(margins, message):
    with pytest.raises(RakingError, match=message):
        rake(np.ones(10), margins)


def test_base_weights_must_be_positive():
    with pytest.raises(RakingError, match="positive"):
        rake(np.array([1.0, 0.0, 1.0]), [margin("sex", [0, 1, 0], [0.5, 0.5])])


def test_an_unweighted_share_has_the_textbook_standard_error_and_intervals():
    # 30 of 100 say yes, every weight 1: linearised variance n/(n−1) · p(1−p)/n = p(1−p)/(n−1),
    # the simple random sample's own, so the design effect is 1.
    answered = np.array([True] * 30 + [False] * 70)
    estimate = proportion(answered, np.ones(100), method="logit")
    variance = 0.3 * 0.7 / 99
    assert estimate.share == pytest.approx(0.3)
    assert estimate.standard_error == pytest.approx(math.sqrt(variance))
    assert estimate.design_effect == pytest.approx(1.0) and estimate.effective_n == pytest.approx(100)
    # By hand: logit(0.3) = −0.8473; Student's t for 99 degrees of freedom is 1.9842, so the
    # spread is 1.9842 × 0.04606 / 0.21 = 0.4352: from expit(−1.2825) to expit(−0.4121).
    assert round(estimate.low, 4) == 0.2171 and round(estimate.high, 4) == 0.3984


def test_weights_that_vary_raise_the_design_effect_and_lower_the_effective_sample():
    answered = np.array([True, False] * 50)
    even = proportion(answered, np.ones(100))
    uneven = proportion(answered, np.array([0.5, 0.5, 1.5, 1.5] * 25))
    assert uneven.design_effect > even.design_effect and uneven.effective_n < even.effective_n
    assert uneven.high - uneven.low > even.high - even.low


@pytest.mark.parametrize("method", ["korn-graubard", "logit"])
def test_at_zero_and_one_hundred_percent_the_interval_is_never_of_zero_width(method):
    none = proportion(np.zeros(50, dtype=bool), np.ones(50), method=method)
    everyone = proportion(np.ones(50, dtype=bool), np.ones(50), method=method)
    assert none.low == 0 and none.high > 0.05
    assert everyone.high == 1 and everyone.low < 0.95
    # Clopper–Pearson at 0 of 50: the upper end is 1 − 0.025^(1/50).
    assert none.high == pytest.approx(1 - 0.025 ** (1 / 50))


def test_two_samples_are_compared_with_a_design_based_test():
    public = proportion(np.array([True] * 97 + [False] * 3), np.ones(100))
    professionals = proportion(np.array([True] * 75 + [False] * 25), np.ones(100))
    compared = difference(public, professionals)
    assert compared.difference == pytest.approx(0.22)
    assert compared.standard_error == pytest.approx(math.hypot(public.standard_error, professionals.standard_error))
    assert compared.p_value < 0.001
    same = difference(public, public)
    assert same.z == 0 and same.p_value == 1
