"""The weighting engine agrees with svy (the maintained successor of samplics, a test-only
dependency) on the same data: the raked weights, and each estimate, its standard error,
interval and design effect, to 1e-6."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pytest
import svy

from nurture.surveys.weighting import Margin, proportion, rake

N = 3000
TARGETS = {
    "sex": [0.49, 0.51],
    "age": [0.12, 0.17, 0.16, 0.18, 0.17, 0.20],
    "region": [0.14, 0.08, 0.11, 0.09, 0.13, 0.16, 0.12, 0.09, 0.08],
}


@pytest.fixture(scope="module")
def survey() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(2026)
    data = {name: rng.choice(len(t), N, p=rng.dirichlet(np.ones(len(t)) * 3)) for name, t in TARGETS.items()}
    # Answers that depend on the margins, as real ones do, so that raking moves them.
    lean = 0.2 + 0.1 * data["sex"] + 0.05 * data["age"]
    data["agree"] = (rng.random(N) < lean).astype(np.int64)
    data["rare"] = (rng.random(N) < 0.01).astype(np.int64)
    return data


def ours(survey: dict[str, np.ndarray]):
    margins = [
        Margin(name, survey[name].astype(np.int64), np.array(t), [str(i) for i in range(len(t))])
        for name, t in TARGETS.items()
    ]
    return rake(np.ones(N), margins, tolerance=1e-13)


def theirs(survey: dict[str, np.ndarray]) -> svy.Sample:
    frame = pl.DataFrame({**survey, "w": np.ones(N)})
    shares = {name: dict(enumerate(t)) for name, t in TARGETS.items()}
    return svy.Sample(frame, svy.Design(wgt="w")).weighting.rake(shares=shares, tol=1e-13, max_iter=1000)


def test_the_raked_weights_agree_with_svys(survey):
    mine = ours(survey).weights
    frame: Any = theirs(survey).data
    svys = np.asarray(frame["rk_wgt"])
    svys = svys * (N / svys.sum())  # svy keeps the base weights' total; ours has mean 1
    assert np.max(np.abs(mine - svys) / svys) < 1e-9


@pytest.mark.parametrize("method", ["korn-graubard", "logit"])
@pytest.mark.parametrize("question", ["agree", "rare"])
def test_each_estimate_agrees_with_svys(survey, method, question):
    raked = ours(survey)
    mine = proportion(survey[question] == 1, raked.weights, raked=raked, method=method)
    (svys,) = [
        row
        for row in theirs(survey).estimation.prop(question, ci_method=method, deff="wr").to_dicts()
        if row["y_level"] == 1
    ]
    assert mine.share == pytest.approx(svys["est"], abs=1e-6)
    assert mine.standard_error == pytest.approx(svys["se"], rel=1e-6)
    assert (mine.low, mine.high) == pytest.approx((svys["lci"], svys["uci"]), abs=1e-6)
    assert mine.design_effect == pytest.approx(svys["deff"], rel=1e-6)
    assert mine.base == svys["n"]


@pytest.mark.parametrize("method", ["korn-graubard", "logit"])
def test_a_routed_question_is_estimated_as_a_domain_as_svy_does(survey, method):
    """A question asked only of those who agreed: its share among them, with the raking
    fitted on the whole sample."""
    raked = ours(survey)
    rng = np.random.default_rng(7)
    asked = survey["agree"] == 1
    followed = asked & (rng.random(N) < 0.3 + 0.1 * survey["sex"])
    mine = proportion(followed, raked.weights, raked=raked, method=method, domain=asked)
    sample = theirs({**survey, "follow": followed.astype(np.int64)})
    (svys,) = [
        row
        for row in sample.estimation.prop("follow", where=pl.col("agree") == 1, ci_method=method, deff="wr").to_dicts()
        if row["y_level"] == 1
    ]
    assert mine.share == pytest.approx(svys["est"], abs=1e-6)
    assert mine.standard_error == pytest.approx(svys["se"], rel=1e-6)
    assert (mine.low, mine.high) == pytest.approx((svys["lci"], svys["uci"]), abs=1e-6)
    assert mine.design_effect == pytest.approx(svys["deff"], rel=1e-6)
    assert mine.base == svys["n"]
