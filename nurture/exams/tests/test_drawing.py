"""A candidate's paper drawn to the blueprint: the counts per domain, no question twice,
the same paper again for the same seed, different papers and option orders across
candidates, and a blueprint the bank cannot fill refused domain by domain."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from nurture.exams.drawing import BankQuestion, BlueprintShortfall, paper_draw

DOMAINS = ("Infant development", "Relationships", "Reflective practice", "Assessment")
BANK = [BankQuestion(id=n, domain=DOMAINS[n % 4], options=3 + n % 3) for n in range(1, 81)]  # 20 a domain
WANTED = {"Infant development": 15, "Relationships": 15, "Reflective practice": 15, "Assessment": 15}


def test_the_paper_has_the_blueprints_count_from_each_domain_and_no_question_twice():
    paper = paper_draw(WANTED, BANK, seed="attempt-1")
    domain_of = {q.id: q.domain for q in BANK}
    assert Counter(domain_of[d.question] for d in paper) == Counter(WANTED)
    assert len({d.question for d in paper}) == len(paper) == 60


def test_each_questions_options_are_a_shuffle_of_its_own():
    options_of = {q.id: q.options for q in BANK}
    for drawn in paper_draw(WANTED, BANK, seed="attempt-2"):
        assert sorted(drawn.option_order) == list(range(options_of[drawn.question]))


def test_the_same_seed_gives_the_same_paper_whatever_order_the_bank_comes_in():
    shuffled = BANK[:]
    random.Random(5).shuffle(shuffled)
    assert paper_draw(WANTED, BANK, seed="attempt-3") == paper_draw(WANTED, shuffled, seed="attempt-3")


def test_candidates_get_different_orders_and_options():
    papers = [paper_draw(WANTED, BANK, seed=f"attempt-{n}") for n in range(200)]
    firsts = Counter(paper[0].question for paper in papers)
    assert len(firsts) > 40  # the first question varies across 200 candidates
    # Question 3 (three options) shows each of its options first about a third of the time.
    shown_first = Counter(d.option_order[0] for paper in papers for d in paper if d.question == 3)
    assert set(shown_first) == {0, 1, 2}
    assert all(count >= 0.2 * sum(shown_first.values()) for count in shown_first.values())


def test_a_written_question_has_no_options_to_shuffle():
    bank = [BankQuestion(id=n, domain="Vignettes") for n in range(1, 4)]
    paper = paper_draw({"Vignettes": 3}, bank, seed="attempt-4")
    assert sorted(d.question for d in paper) == [1, 2, 3]
    assert all(d.option_order == () for d in paper)


def test_a_blueprint_the_bank_cannot_fill_says_which_domains_lack_how_many():
    wanted = {**WANTED, "Relationships": 22, "Assessment": 25, "Leadership": 2}
    with pytest.raises(BlueprintShortfall) as refused:
        paper_draw(wanted, BANK, seed="attempt-5")
    assert [(s.domain, s.wanted, s.available) for s in refused.value.shortfalls] == [
        ("Relationships", 22, 20),
        ("Assessment", 25, 20),
        ("Leadership", 2, 0),
    ]
    assert str(refused.value) == (
        "Relationships: the blueprint asks for 22 questions, the bank has 20 (2 short). "
        "Assessment: the blueprint asks for 25 questions, the bank has 20 (5 short). "
        "Leadership: the blueprint asks for 2 questions, the bank has 0 (2 short)."
    )


def test_a_bank_holding_a_question_twice_or_a_negative_count_is_refused():
    with pytest.raises(ValueError, match="twice"):
        paper_draw({"Relationships": 1}, [BANK[1], BANK[1]], seed="s")
    with pytest.raises(ValueError, match="fewer than 0"):
        paper_draw({"Relationships": -1}, BANK, seed="s")
