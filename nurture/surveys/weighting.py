"""Weighting and weighted estimates for surveys: plain functions on numpy arrays, no Django.

- `rake`: raking (iterative proportional fitting) of base weights to population shares on
  several margins, with bounds on each respondent's adjustment that are enforced (weights
  outside them are set to the bound and the rest raked again), and a `RakingError` with a
  sentence for the coordinator when targets do not add up to 100 %, a target cell has no
  respondents, or the raking does not converge.
- `proportion`: a weighted percentage with its standard error by linearisation (one
  stratum, respondents as primary units, with replacement), the design effect, the
  effective sample size, and a 95 % interval by the logit method or Korn–Graubard's. The
  Korn–Graubard interval is never of zero width, at 0 % or 100 % too.
- `difference`: two independent samples compared on the same answer, with a design-based
  z test.

Weights come back scaled to sum to the number of respondents (mean 1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt
from scipy.special import betaincinv  # type: ignore[import-untyped]  # no stubs

Floats = npt.NDArray[np.float64]
Codes = npt.NDArray[np.int64]

TARGET_SLACK = 1e-6  # targets given as shares may be rounded: 0.333333 × 3 is 100 %


class RakingError(Exception):
    """Raking cannot be done as asked; the text says why, for the coordinator."""


@dataclass(frozen=True)
class Margin:
    """One set of population shares: `codes[i]` is respondent i's category (0 … k−1) and
    `targets[c]` the population's share in category c; `labels` name the categories."""

    name: str
    codes: Codes
    targets: Floats
    labels: Sequence[str]


@dataclass(frozen=True)
class Raked:
    weights: Floats
    iterations: int
    largest_gap: float  # the largest difference between a weighted share and its target


def _checked(margin: Margin, n: int) -> None:
    total = float(margin.targets.sum())
    if abs(total - 1.0) > TARGET_SLACK:
        raise RakingError(f"The targets for {margin.name} add up to {total * 100:.2f}%, not 100%.")
    if np.any(margin.targets < 0):
        raise RakingError(f"A target for {margin.name} is below 0%.")
    if margin.codes.shape != (n,):
        raise RakingError(f"{margin.name} does not give a category for every respondent.")
    k = len(margin.targets)
    if np.any(margin.codes < 0) or np.any(margin.codes >= k):
        raise RakingError(f"A respondent's category for {margin.name} is not one of its {k} targets.")
    counts = np.bincount(margin.codes, minlength=k)
    for category in range(k):
        if margin.targets[category] > 0 and counts[category] == 0:
            raise RakingError(
                f"No respondent is in “{margin.labels[category]}” of {margin.name}, whose target is "
                f"{margin.targets[category] * 100:.1f}%: merge it with a neighbouring category."
            )


def rake(
    base: Floats,
    margins: Sequence[Margin],
    *,
    lower: float = 0.0,
    upper: float = math.inf,
    tolerance: float = 1e-10,
    most_iterations: int = 2000,
) -> Raked:
    """Weights that match every margin's targets, each respondent's weight kept between
    `lower` and `upper` times their base weight (the base scaled to mean 1)."""
    n = len(base)
    if n == 0:
        raise RakingError("There are no responses to weight.")
    if np.any(base <= 0) or not np.all(np.isfinite(base)):
        raise RakingError("Every base weight must be a positive number.")
    if not 0 <= lower <= 1 <= upper:
        raise RakingError("The bounds must be at most 1 below and at least 1 above.")
    for margin in margins:
        _checked(margin, n)
    start = base * (n / base.sum())
    low, high = start * lower, start * upper
    weights = start.copy()
    gap = math.inf
    for iteration in range(1, most_iterations + 1):
        for margin in margins:
            totals = np.bincount(margin.codes, weights=weights, minlength=len(margin.targets))
            factors = np.divide(margin.targets * weights.sum(), totals, out=np.zeros_like(totals), where=totals > 0)
            weights *= factors[margin.codes]
        # Back to mean 1, then the bounds: at the fixed point nothing is clipped, so the
        # weights returned are within them and still sum to n.
        weights *= n / weights.sum()
        np.clip(weights, low, high, out=weights)
        gap = _largest_gap(weights, margins)
        if gap <= tolerance:
            return Raked(weights * (n / weights.sum()), iteration, gap)
    raise RakingError(
        f"Raking did not converge in {most_iterations} rounds (the shares are still up to {gap * 100:.3f} points "
        "off their targets): the bounds may be too tight for these targets, or two margins contradict each other."
    )


def _largest_gap(weights: Floats, margins: Sequence[Margin]) -> float:
    total = weights.sum()
    gaps = [
        float(np.abs(np.bincount(m.codes, weights=weights, minlength=len(m.targets)) / total - m.targets).max())
        for m in margins
    ]
    return max(gaps, default=0.0)


@dataclass(frozen=True)
class Estimate:
    """A weighted percentage, as a share (0 … 1), and what is published beside it."""

    share: float
    standard_error: float
    low: float
    high: float
    base: int  # unweighted: the respondents who answered
    design_effect: float
    effective_n: float


Z95 = NormalDist().inv_cdf(0.975)


def _linearised_variance(y: Floats, w: Floats, share: float) -> float:
    n = len(y)
    if n < 2:
        return 0.0
    scores = w * (y - share) / w.sum()
    return float(n / (n - 1) * np.sum((scores - scores.mean()) ** 2))


def proportion(answered: npt.NDArray[np.bool_], weights: Floats, *, method: str = "korn-graubard") -> Estimate:
    """The weighted share of respondents for whom `answered` is true, among all in `weights`."""
    n = len(weights)
    if n == 0:
        raise ValueError("no respondents")
    y = answered.astype(np.float64)
    share = float(np.sum(weights * y) / weights.sum())
    variance = _linearised_variance(y, weights, share)
    simple = share * (1 - share) / n
    design_effect = variance / simple if simple > 0 else float(n * np.sum(weights**2) / weights.sum() ** 2)
    effective_n = n / design_effect if design_effect > 0 else float(n)
    if method == "logit":
        low, high = _logit_interval(share, variance, effective_n)
    elif method == "korn-graubard":
        low, high = _korn_graubard_interval(share, variance, n)
    else:
        raise ValueError(f"unknown interval method {method!r}")
    return Estimate(share, math.sqrt(variance), low, high, n, design_effect, effective_n)


def _logit_interval(share: float, variance: float, effective_n: float) -> tuple[float, float]:
    if share <= 0 or share >= 1 or variance <= 0:
        # The logit of 0 or 1 is infinite: fall back to the interval that stays honest there.
        return _korn_graubard_interval(share, variance, max(1, round(effective_n)))
    centre = math.log(share / (1 - share))
    spread = Z95 * math.sqrt(variance) / (share * (1 - share))
    return _expit(centre - spread), _expit(centre + spread)


def _expit(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _korn_graubard_interval(share: float, variance: float, n: int) -> tuple[float, float]:
    """Korn and Graubard (1998): a Clopper–Pearson interval on the effective sample size."""
    effective = share * (1 - share) / variance if variance > 0 and 0 < share < 1 else float(n)
    effective = min(effective, float(n))
    x = share * effective
    low = 0.0 if x <= 0 else float(betaincinv(x, effective - x + 1, 0.025))
    high = 1.0 if x >= effective else float(betaincinv(x + 1, effective - x, 0.975))
    return low, high


@dataclass(frozen=True)
class Comparison:
    difference: float
    standard_error: float
    z: float
    p_value: float


def difference(first: Estimate, second: Estimate) -> Comparison:
    """Two independent samples on the same answer: the difference of their shares and a
    design-based z test (each share's variance from its own design)."""
    standard_error = math.sqrt(first.standard_error**2 + second.standard_error**2)
    gap = first.share - second.share
    z = gap / standard_error if standard_error > 0 else 0.0
    return Comparison(gap, standard_error, z, 2 * (1 - NormalDist().cdf(abs(z))))
