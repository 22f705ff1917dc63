"""Inter-rater agreement: Cohen's kappa over rubric scores. Plain functions, no Django.

kappa = (p_o − p_e) / (1 − p_e), where p_o is the share of items both raters
scored the same, and p_e the agreement expected by chance: the sum over the
categories of (share rater A gave it) × (share rater B gave it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

CATEGORIES: tuple[str, ...] = ("met", "partly", "not_met")


@dataclass(frozen=True)
class Agreement:
    items: int
    observed: float  # p_o
    expected: float  # p_e
    kappa: float | None  # None when it is undefined (no items, or p_e = 1)


def cohens_kappa(pairs: Iterable[tuple[str, str]], categories: Sequence[str] = CATEGORIES) -> Agreement:
    """Kappa for two raters over the same items, given as (A's score, B's score)."""
    scored = [(a, b) for a, b in pairs if a in categories and b in categories]
    n = len(scored)
    if n == 0:
        return Agreement(0, 0.0, 0.0, None)
    observed = sum(1 for a, b in scored if a == b) / n
    first, second = Counter(a for a, _ in scored), Counter(b for _, b in scored)
    expected = sum((first[c] / n) * (second[c] / n) for c in categories)
    if expected >= 1:
        return Agreement(n, observed, expected, None)
    return Agreement(n, observed, expected, (observed - expected) / (1 - expected))
