"""Drawing a candidate's paper to a blueprint: pure Python, no Django.

A blueprint asks for a number of questions from each framework domain. Each candidate
gets their own draw: the questions of each domain sampled from the bank, the whole
paper's order shuffled, and each multiple-choice question's options shuffled. The draw
is made from a seed (the attempt's own, random and stored with it: a seed a candidate
could guess would show them their paper's order before they start), so drawing again
with the same seed gives the same paper, the same order and the same options: a
candidate who reopens the page sees what they saw. A blueprint the bank cannot fill is
refused, domain by domain, saying how many questions each lacks.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class BankQuestion:
    """A question as the draw sees it: its id, its domain, and how many options it has
    (0 for a written question, whose parts are never shuffled)."""

    id: int
    domain: str
    options: int = 0


@dataclass(frozen=True)
class Shortfall:
    domain: str
    wanted: int
    available: int

    @property
    def message(self) -> str:
        lacking = self.wanted - self.available
        return (
            f"{self.domain}: the blueprint asks for {self.wanted} question{'s' if self.wanted != 1 else ''}, "
            f"the bank has {self.available} ({lacking} short)."
        )


class BlueprintShortfall(Exception):
    """The bank cannot fill the blueprint; `shortfalls` says where, and by how many."""

    def __init__(self, shortfalls: list[Shortfall]) -> None:
        self.shortfalls = shortfalls
        super().__init__(" ".join(s.message for s in shortfalls))


@dataclass(frozen=True)
class Drawn:
    """One question of a candidate's paper, in the paper's order: `option_order[i]` is the
    bank's index of the option shown i-th (empty for a written question)."""

    question: int
    option_order: tuple[int, ...]


def blueprint_shortfalls(wanted: Mapping[str, int], bank: Iterable[BankQuestion]) -> list[Shortfall]:
    """Each domain the bank cannot fill, in the blueprint's order; empty when it can."""
    available = Counter(question.domain for question in bank)
    return [
        Shortfall(domain=domain, wanted=count, available=available[domain])
        for domain, count in wanted.items()
        if count > available[domain]
    ]


def paper_draw(wanted: Mapping[str, int], bank: Iterable[BankQuestion], *, seed: str) -> list[Drawn]:
    """The paper for `seed`: `wanted[domain]` questions of each domain, in a shuffled
    order, each with its options shuffled. Raises `BlueprintShortfall` if the bank is short.

    The same seed and the same bank give the same paper, whatever order the bank is
    given in (it is sorted by id first). A string seed is hashed by `random` itself with
    SHA-512, so the draw is the same in every process, whatever PYTHONHASHSEED says."""
    if any(count < 0 for count in wanted.values()):
        raise ValueError("a blueprint cannot ask for fewer than 0 questions")
    questions = sorted(bank, key=lambda question: question.id)
    if len({question.id for question in questions}) != len(questions):
        raise ValueError("the bank holds a question twice")
    if shortfalls := blueprint_shortfalls(wanted, questions):
        raise BlueprintShortfall(shortfalls)
    rng = random.Random(seed)  # noqa: S311 - a reproducible shuffle, not a secret (the seed is)
    chosen: list[BankQuestion] = []
    for domain, count in wanted.items():
        chosen.extend(rng.sample([q for q in questions if q.domain == domain], count))
    rng.shuffle(chosen)
    return [Drawn(question=q.id, option_order=tuple(rng.sample(range(q.options), q.options))) for q in chosen]
