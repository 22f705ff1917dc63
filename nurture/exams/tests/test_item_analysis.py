"""Item analysis against values worked by hand on a fixed data set.

Five candidates sat the same four questions (A is the key of each):

    candidate   q1 q2 q3 q4   total
    1           A  A  A  B    3
    2           A  A  C  -    2   (q4 left unanswered)
    3           A  B  D  C    1
    4           A  A  A  A    4
    5           B  C  B  B    0

Facilities 4/5, 3/5, 2/5, 1/5 = 0.8, 0.6, 0.4, 0.2; Σpq = 0.16 + 0.24 + 0.24 + 0.16 = 0.8.
Totals 3, 2, 1, 4, 0: mean 2, variance (1 + 0 + 1 + 4 + 4) / 5 = 2.
KR-20 = 4/3 · (1 − 0.8 / 2) = 0.8. SEM = √2 · √0.2 = √0.4 = 0.632456 marks.
q1 against the rest (2, 1, 0, 3, 0): deviations of q1 (0.2, 0.2, 0.2, 0.2, −0.8), of the
rest (0.8, −0.2, −1.2, 1.8, −1.2); Σ products 1.2, Σ squares 0.8 and 6.8:
r = 1.2 / √(0.8 · 6.8) = 1.2 / √5.44 = 0.514496. q4 (rest 3, 2, 1, 3, 0) comes to the same.
q2 (rest 2, 1, 1, 3, 0; item 1, 1, 0, 1, 0): deviations (0.4, 0.4, −0.6, 0.4, −0.6) and
(0.6, −0.4, −0.4, 1.6, −1.4); Σ products 0.24 − 0.16 + 0.24 + 0.64 + 0.84 = 1.8;
Σ squares 1.2 and 0.36 + 0.16 + 0.16 + 2.56 + 1.96 = 5.2: r = 1.8 / √6.24 = 0.720577.
"""

from __future__ import annotations

import math
from collections.abc import Hashable

import pytest

from nurture.exams.item_analysis import (
    NEGATIVE,
    OMITTED,
    TOO_EASY,
    TOO_HARD,
    WEAK,
    flags_for,
    item_stats,
    kr20,
    paper_stats,
    point_biserial,
)

KEY: dict[Hashable, str] = {"q1": "A", "q2": "A", "q3": "A", "q4": "A"}
SITTINGS: list[dict[Hashable, str | None]] = [
    {"q1": "A", "q2": "A", "q3": "A", "q4": "B"},
    {"q1": "A", "q2": "A", "q3": "C", "q4": None},
    {"q1": "A", "q2": "B", "q3": "D", "q4": "C"},
    {"q1": "A", "q2": "A", "q3": "A", "q4": "A"},
    {"q1": "B", "q2": "C", "q3": "B", "q4": "B"},
]
MATRIX = [[int(s[q] == KEY[q]) for q in KEY] for s in SITTINGS]


def test_facility_discrimination_and_choices_are_the_hand_worked_values():
    stats = {s.question: s for s in item_stats(SITTINGS, KEY)}
    assert [stats[q].facility for q in KEY] == pytest.approx([0.8, 0.6, 0.4, 0.2])
    assert stats["q1"].discrimination == pytest.approx(1.2 / math.sqrt(5.44))
    assert stats["q1"].discrimination == pytest.approx(0.514496, abs=1e-6)
    assert stats["q4"].discrimination == pytest.approx(0.514496, abs=1e-6)
    assert stats["q2"].discrimination == pytest.approx(1.8 / math.sqrt(6.24))
    assert stats["q2"].discrimination == pytest.approx(0.720577, abs=1e-6)
    assert stats["q4"].chosen == {OMITTED: 1, "A": 1, "B": 2, "C": 1}
    assert stats["q3"].chosen == {"A": 2, "B": 1, "C": 1, "D": 1}
    assert all(s.candidates == 5 for s in stats.values())


def test_kr20_and_the_standard_error_are_the_hand_worked_values():
    paper = paper_stats(MATRIX)
    assert (paper.candidates, paper.questions) == (5, 4)
    assert paper.mean == pytest.approx(2.0)
    assert paper.sd == pytest.approx(math.sqrt(2))
    assert paper.kr20 == pytest.approx(0.8)
    assert paper.sem == pytest.approx(math.sqrt(0.4))
    assert paper.sem == pytest.approx(0.632456, abs=1e-6)


def test_a_question_everyone_got_right_or_wrong_has_no_discrimination():
    sittings = [{"q1": "A", "q2": "A"}, {"q1": "A", "q2": "B"}, {"q1": "A", "q2": "A"}]
    stats = {s.question: s for s in item_stats(sittings, {"q1": "A", "q2": "A"})}
    assert stats["q1"].facility == 1.0
    assert stats["q1"].discrimination is None
    assert stats["q1"].flags == (TOO_EASY,)


def test_a_question_the_weaker_candidates_got_right_is_flagged_negative():
    # q3 is right only for the two candidates who got everything else wrong.
    key = {"q1": "A", "q2": "A", "q3": "A"}
    sittings = [
        {"q1": "A", "q2": "A", "q3": "B"},
        {"q1": "A", "q2": "A", "q3": "B"},
        {"q1": "B", "q2": "B", "q3": "A"},
        {"q1": "B", "q2": "B", "q3": "A"},
    ]
    stats = {s.question: s for s in item_stats(sittings, key)}
    assert stats["q3"].discrimination == pytest.approx(-1.0)
    assert NEGATIVE in stats["q3"].flags


def test_flags_follow_the_stated_thresholds_at_their_edges():
    assert flags_for(0.90, 0.20) == ()
    assert flags_for(0.91, 0.5) == (TOO_EASY,)
    assert flags_for(0.30, 0.5) == ()
    assert flags_for(0.29, 0.5) == (TOO_HARD,)
    assert flags_for(0.5, 0.0) == (WEAK,)
    assert flags_for(0.5, -0.01) == (NEGATIVE,)
    assert flags_for(None, None) == ()


def test_a_question_given_to_only_some_candidates_is_analysed_over_them():
    key = {"q1": "A", "q2": "A", "q3": "A"}
    sittings = [{"q1": "A", "q2": "A"}, {"q1": "B", "q3": "A"}, {"q1": "A", "q2": "B"}]
    stats = {s.question: s for s in item_stats(sittings, key)}
    assert stats["q2"].candidates == 2
    assert stats["q2"].facility == pytest.approx(0.5)
    assert stats["q3"].candidates == 1
    assert stats["q3"].discrimination is None  # one candidate cannot correlate


def test_small_or_uniform_papers_have_no_reliability():
    assert kr20([[1, 0, 1]]) is None  # one candidate
    assert kr20([[1], [0]]) is None  # one question
    assert kr20([[1, 0], [1, 0]]) is None  # every total the same
    assert paper_stats([]).kr20 is None
    with pytest.raises(ValueError, match="every question"):
        kr20([[1, 0], [1]])
    with pytest.raises(ValueError, match="same candidates"):
        point_biserial([1, 0], [1.0])


def test_the_formulas_agree_with_numpy_and_scipy_on_a_fixed_data_set():
    """200 candidates, 60 questions of spread difficulty, drawn once from a seeded model
    in which abler candidates answer correctly more often; scipy's point-biserial and a
    numpy KR-20 written from its definition, on the same scores."""
    import numpy as np  # test-only dependencies (requirements/dev.txt)
    from scipy import stats  # type: ignore[import-untyped]  # no stubs

    rng = np.random.default_rng(2026)
    ability = rng.normal(size=200)
    difficulty = np.linspace(-2.5, 2.5, 60)
    chance = 1 / (1 + np.exp(-(ability[:, None] - difficulty[None, :])))
    scores = (rng.random((200, 60)) < chance).astype(int)
    scores[:, 7] = 1 - scores[:, 7]  # one question keyed wrongly: it must discriminate negatively
    key = dict.fromkeys(range(60), "A")
    sittings = [{q: ("A" if scores[c, q] else "B") for q in range(60)} for c in range(200)]

    ours = {s.question: s for s in item_stats(sittings, key)}
    totals = scores.sum(axis=1)
    for q in range(60):
        rest = totals - scores[:, q]
        expected = stats.pointbiserialr(scores[:, q], rest).statistic
        assert ours[q].discrimination == pytest.approx(expected, abs=1e-12)
        assert ours[q].facility == pytest.approx(scores[:, q].mean(), abs=1e-12)
    assert NEGATIVE in ours[7].flags

    p = scores.mean(axis=0)
    k = scores.shape[1]
    expected_kr20 = k / (k - 1) * (1 - (p * (1 - p)).sum() / totals.var(ddof=0))
    paper = paper_stats(scores.tolist())
    assert paper.kr20 == pytest.approx(expected_kr20, abs=1e-12)
    assert paper.sd == pytest.approx(totals.std(ddof=0), abs=1e-12)
    assert paper.sem == pytest.approx(totals.std(ddof=0) * np.sqrt(1 - expected_kr20), abs=1e-12)
