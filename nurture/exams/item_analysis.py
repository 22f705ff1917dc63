"""Classical item analysis of a multiple-choice paper: pure Python, no Django.

The first brick of the exams app (issue 12): the registrar's item statistics are
computed here from first attempts and nowhere else, so the formulas can be checked
against values worked by hand.

Definitions (classical test theory, as the field's item-analysis reports use them):

- **facility** of a question: the proportion of the candidates given it who answered it
  correctly (an unanswered question scores 0).
- **discrimination**: the point-biserial correlation between the question's score (0 or
  1) and the candidate's *rest score*, their score on the other questions of the paper
  (the "corrected" form: the question is not correlated with itself). None when either
  side does not vary (everyone right, everyone wrong, or every rest score the same).
- **KR-20** reliability of a paper that every candidate sat whole:
  `k / (k − 1) · (1 − Σ pᵢ·qᵢ / σ²)`, with k questions, pᵢ each question's facility,
  qᵢ = 1 − pᵢ, and σ² the variance of the candidates' total scores with denominator n
  (the same population form as pᵢ·qᵢ, each question's own variance). None for fewer
  than 2 questions or 2 candidates, or when every total is the same.
- **SEM**, the standard error of measurement: `σ · √(1 − KR-20)`, in marks.

Thresholds for flagging a question, stated with the results to the registrar:
`TOO_EASY` (facility above 0.90), `TOO_HARD` (below 0.30), `NEGATIVE` (discrimination
below 0: stronger candidates got it wrong more often than weaker ones; check the key) and
`WEAK` (from 0 up to 0.20: it tells strong and weak candidates apart poorly).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

TOO_EASY_ABOVE = 0.90
TOO_HARD_BELOW = 0.30
WEAK_BELOW = 0.20
OMITTED = ""  # the option key counting candidates who left a question unanswered


@dataclass(frozen=True)
class Flag:
    code: str
    text: str


TOO_EASY = Flag("too_easy", f"Too easy: more than {TOO_EASY_ABOVE:.0%} answered it correctly")
TOO_HARD = Flag("too_hard", f"Too hard: fewer than {TOO_HARD_BELOW:.0%} answered it correctly")
NEGATIVE = Flag("negative", "Discriminates negatively: stronger candidates did worse on it; check the key")
WEAK = Flag("weak", f"Discriminates weakly: below {WEAK_BELOW:.2f}")


@dataclass(frozen=True)
class ItemStats:
    """One question's statistics over the candidates who were given it."""

    question: Hashable
    candidates: int
    facility: float | None
    discrimination: float | None
    chosen: dict[str, int]  # option key → how many chose it; OMITTED for no answer
    flags: tuple[Flag, ...]


@dataclass(frozen=True)
class PaperStats:
    """A paper's statistics over the candidates who sat it whole."""

    candidates: int
    questions: int
    mean: float | None
    sd: float | None
    kr20: float | None
    sem: float | None


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def population_variance(values: Sequence[float]) -> float | None:
    """Σ(x − mean)² / n; None for no values."""
    if not values:
        return None
    mean = _mean(values)
    return math.fsum((x - mean) ** 2 for x in values) / len(values)


def facility(scores: Sequence[int]) -> float | None:
    """The proportion of 1s among 0/1 scores; None for none."""
    return math.fsum(scores) / len(scores) if scores else None


def point_biserial(item: Sequence[int], rest: Sequence[float]) -> float | None:
    """Pearson's correlation of 0/1 item scores with rest scores (the point-biserial);
    None when fewer than two candidates or either side does not vary."""
    if len(item) != len(rest):
        raise ValueError("item and rest scores must be of the same candidates")
    if len(item) < 2:
        return None
    mean_item, mean_rest = _mean(item), _mean(rest)
    covariance = math.fsum((x - mean_item) * (y - mean_rest) for x, y in zip(item, rest, strict=True))
    spread_item = math.fsum((x - mean_item) ** 2 for x in item)
    spread_rest = math.fsum((y - mean_rest) ** 2 for y in rest)
    if spread_item == 0 or spread_rest == 0:
        return None
    return covariance / math.sqrt(spread_item * spread_rest)


def kr20(matrix: Sequence[Sequence[int]]) -> float | None:
    """KR-20 of a 0/1 score matrix (a row per candidate, a column per question, every
    candidate the same questions)."""
    if any(len(row) != len(matrix[0]) for row in matrix):
        raise ValueError("every candidate must have a score for every question of the paper")
    k = len(matrix[0]) if matrix else 0
    if len(matrix) < 2 or k < 2:
        return None
    totals = [float(sum(row)) for row in matrix]
    variance = population_variance(totals)
    if not variance:
        return None
    pq = 0.0
    for column in range(k):
        p = facility([row[column] for row in matrix]) or 0.0
        pq += p * (1 - p)
    return (k / (k - 1)) * (1 - pq / variance)


def paper_stats(matrix: Sequence[Sequence[int]]) -> PaperStats:
    """Mean, SD (denominator n), KR-20 and SEM of a paper every candidate sat whole."""
    if not matrix:
        return PaperStats(candidates=0, questions=0, mean=None, sd=None, kr20=None, sem=None)
    totals = [float(sum(row)) for row in matrix]
    variance = population_variance(totals)
    sd = math.sqrt(variance) if variance is not None else None
    reliability = kr20(matrix)
    sem = sd * math.sqrt(max(0.0, 1 - reliability)) if sd is not None and reliability is not None else None
    return PaperStats(
        candidates=len(matrix), questions=len(matrix[0]), mean=_mean(totals), sd=sd, kr20=reliability, sem=sem
    )


def flags_for(facility_value: float | None, discrimination: float | None) -> tuple[Flag, ...]:
    """The flags a question earns, by the thresholds above."""
    found: list[Flag] = []
    if facility_value is not None and facility_value > TOO_EASY_ABOVE:
        found.append(TOO_EASY)
    if facility_value is not None and facility_value < TOO_HARD_BELOW:
        found.append(TOO_HARD)
    if discrimination is not None and discrimination < 0:
        found.append(NEGATIVE)
    elif discrimination is not None and discrimination < WEAK_BELOW:
        found.append(WEAK)
    return tuple(found)


def item_stats(sittings: Sequence[Mapping[Hashable, str | None]], key: Mapping[Hashable, str]) -> list[ItemStats]:
    """Per question of `key` (question → its correct option): statistics over the
    sittings that were given it. A sitting maps each question it was given to the
    option chosen, or None (or OMITTED) when left unanswered; its rest score for a
    question is its number correct on the other questions it was given."""
    correct = [
        {question: int(choice is not None and choice == key.get(question)) for question, choice in sitting.items()}
        for sitting in sittings
    ]
    totals = [sum(scores.values()) for scores in correct]
    found: list[ItemStats] = []
    for question in key:
        given = [i for i, sitting in enumerate(sittings) if question in sitting]
        item = [correct[i][question] for i in given]
        rest = [float(totals[i] - correct[i][question]) for i in given]
        chosen = Counter((sittings[i][question] or OMITTED) for i in given)
        value = facility(item)
        discrimination = point_biserial(item, rest)
        found.append(
            ItemStats(
                question=question,
                candidates=len(given),
                facility=value,
                discrimination=discrimination,
                chosen=dict(sorted(chosen.items())),
                flags=flags_for(value, discrimination),
            )
        )
    return found
