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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt
from scipy.special import betaincinv, stdtrit  # type: ignore[import-untyped]  # no stubs

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
    base: Floats  # the base weights it started from (mean 1)
    margins: tuple[Margin, ...]


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
        if margin.targets[category] == 0 and counts[category] > 0:
            raise RakingError(
                f"{counts[category]:,} respondent{'s are' if counts[category] > 1 else ' is'} in "
                f"“{margin.labels[category]}” of {margin.name}, whose target is 0%: no weight can bring them "
                "to nothing. Give it a share, or merge it with a neighbouring category."
            )


def rake(
    base: Floats,
    margins: Sequence[Margin],
    *,
    lower: float = 0.0,
    upper: float = math.inf,
    tolerance: float = 1e-10,
    most_iterations: int = 2000,
    progress: Callable[[int, float], None] | None = None,
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
        if progress is not None:
            progress(iteration, gap)
        if gap <= tolerance:
            return Raked(weights * (n / weights.sum()), iteration, gap, start, tuple(margins))
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


def _variance(scores: Floats) -> float:
    """Respondents as primary units in one stratum, with replacement."""
    n = len(scores)
    if n < 2:
        return 0.0
    return float(n / (n - 1) * np.sum((scores - scores.mean()) ** 2))


def _fitted(y: Floats, raked: Raked) -> Floats:
    """`y` as the raking's margins predict it: the weighted least-squares fit (base
    weights) on an intercept and every margin's categories but its first. Raking leaves
    only the residual from it to vary, so the variance of a raked estimate is taken on the
    residuals (Deville and Särndal's linearisation), as svy does."""
    margins, base = raked.margins, raked.base
    sizes = [len(m.targets) - 1 for m in margins]
    offsets = np.cumsum([1, *sizes])
    width = int(offsets[-1])
    normal = np.zeros((width, width))
    right = np.zeros(width)
    normal[0, 0], right[0] = base.sum(), np.sum(base * y)
    for a, first in enumerate(margins):
        ka, oa = len(first.targets), int(offsets[a])
        totals = np.bincount(first.codes, weights=base, minlength=ka)[1:]
        normal[0, oa : oa + ka - 1] = normal[oa : oa + ka - 1, 0] = totals
        normal[oa : oa + ka - 1, oa : oa + ka - 1] = np.diag(totals)
        right[oa : oa + ka - 1] = np.bincount(first.codes, weights=base * y, minlength=ka)[1:]
        for b in range(a + 1, len(margins)):
            second, kb, ob = margins[b], len(margins[b].targets), int(offsets[b])
            table = np.bincount(first.codes * kb + second.codes, weights=base, minlength=ka * kb).reshape(ka, kb)
            normal[oa : oa + ka - 1, ob : ob + kb - 1] = table[1:, 1:]
            normal[ob : ob + kb - 1, oa : oa + ka - 1] = table[1:, 1:].T
    solution = np.linalg.lstsq(normal, right, rcond=None)[0]
    fitted = np.full(len(y), solution[0])
    for a, margin in enumerate(margins):
        oa = int(offsets[a])
        fitted += np.concatenate(([0.0], solution[oa : oa + len(margin.targets) - 1]))[margin.codes]
    return fitted


def proportion(
    answered: npt.NDArray[np.bool_],
    weights: Floats,
    *,
    raked: Raked | None = None,
    method: str = "korn-graubard",
    domain: npt.NDArray[np.bool_] | None = None,
) -> Estimate:
    """The weighted share of respondents for whom `answered` is true. With `raked` (whose
    weights these are), the variance allows for the raking. With `domain`, the share is
    among those respondents only (those shown and answering a routed or optional
    question), estimated as a domain of the whole sample: every respondent stays in the
    design, those outside the domain scoring 0, so the raking's fit is the whole sample's."""
    n = len(weights)
    inside = np.ones(n, dtype=np.bool_) if domain is None else domain
    n_domain = int(inside.sum())
    if n == 0 or n_domain == 0:
        raise ValueError("no respondents")
    y = answered.astype(np.float64)
    d = inside.astype(np.float64)
    total = float(np.sum(weights * d))
    share = float(np.sum(weights * d * y) / total)
    scores = d * (y - share)  # the ratio's linearisation; 0 outside the domain
    residuals = scores - _fitted(scores, raked) if raked is not None and raked.margins else scores
    variance = _variance(weights * residuals / total)
    # Against simple random sampling with replacement, p(1 − p) / (n − 1), as svy's deff="wr".
    simple = share * (1 - share) / (n_domain - 1) if n_domain > 1 else 0.0
    design_effect = variance / simple if simple > 0 else float(n_domain * np.sum((weights * d) ** 2) / total**2)
    effective_n = n_domain / design_effect if design_effect > 0 else float(n_domain)
    if method == "logit":
        low, high = _logit_interval(share, variance, effective_n, n_domain - 1)  # as svy: the domain's own
    elif method == "korn-graubard":
        low, high = _korn_graubard_interval(share, variance, n_domain)
    else:
        raise ValueError(f"unknown interval method {method!r}")
    return Estimate(share, math.sqrt(variance), low, high, n_domain, design_effect, effective_n)


def _logit_interval(share: float, variance: float, effective_n: float, df: int) -> tuple[float, float]:
    if share <= 0 or share >= 1 or variance <= 0:
        # The logit of 0 or 1 is infinite: fall back to the interval that stays honest there.
        return _korn_graubard_interval(share, variance, max(1, round(effective_n)))
    centre = math.log(share / (1 - share))
    # Student's t on the design's degrees of freedom (respondents − 1 in one stratum).
    quantile = float(stdtrit(df, 0.975)) if df > 0 else Z95
    spread = quantile * math.sqrt(variance) / (share * (1 - share))
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
