"""Registration numbers: "IMH-" + 7 digits + a check character (ISO 7064 MOD 37-2).

Pure functions, no Django. The check character is computed over the seven
digits with the ISO 7064 pure system MOD 37-2 (alphabet 0-9, A-Z, "*"). 37 is
prime and 2 has order 36 modulo 37, so every single-character substitution and
every transposition of two adjacent characters changes the remainder: a
mistyped number is refused instead of matching someone else's entry.

Serials 1,000,000–7,999,999 are given to real entries at random; serials from
8,000,000 up are kept for the bulk demo data (`demo.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PREFIX = "IMH-"
DIGITS = 7
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*"
MODULUS = 37
RADIX = 2
REAL_SERIALS = (1_000_000, 7_999_999)
DEMO_SERIAL_BASE = 8_000_000
MAX_INPUT = 40

_SHAPE = re.compile(rf"^IMH-?(\d{{{DIGITS}}})([0-9A-Z*])$")


def check_character(digits: str) -> str:
    """The MOD 37-2 check character of a string of digits (and letters)."""
    total = 0
    for char in digits:
        total = ((total + ALPHABET.index(char)) * RADIX) % MODULUS
    return ALPHABET[(MODULUS + 1 - total) % MODULUS]


def number_for(serial: int) -> str:
    if not 0 <= serial < 10**DIGITS:
        raise ValueError(f"A serial has at most {DIGITS} digits.")
    digits = f"{serial:0{DIGITS}d}"
    return f"{PREFIX}{digits}{check_character(digits)}"


def number_normalise(text: str) -> str:
    """What someone typed, as the canonical form: capitals, no spaces, with the hyphen."""
    compact = re.sub(r"\s+", "", text[:MAX_INPUT]).upper()
    match = _SHAPE.match(compact)
    if match:
        return f"{PREFIX}{match.group(1)}{match.group(2)}"
    return compact


@dataclass(frozen=True)
class NumberCheck:
    """A typed number read as a registration number: canonical form, or the problem."""

    typed: str
    number: str
    problem: str = ""

    @property
    def valid(self) -> bool:
        return not self.problem


WRONG_SHAPE = 'This is not a registration number: they look like "IMH-1234567X" (IMH-, seven digits, one character).'
WRONG_CHECK = "This registration number has a typing mistake: its last character does not match its digits."


def number_check(text: str) -> NumberCheck:
    number = number_normalise(text)
    match = _SHAPE.match(number)
    if not match:
        return NumberCheck(text, number, WRONG_SHAPE)
    if check_character(match.group(1)) != match.group(2):
        return NumberCheck(text, number, WRONG_CHECK)
    return NumberCheck(text, number)


def number_is_valid(text: str) -> bool:
    return number_check(text).valid


def numbers_in_text(text: str) -> list[str]:
    """The numbers pasted or uploaded by an employer: one per line, or separated
    by commas, semicolons or tabs. Blank lines and a "number" header are skipped."""
    items = [part.strip().strip('"') for part in re.split(r"[\r\n,;\t]+", text)]
    return [item for item in items if item and item.lower() not in {"number", "registration number"}]
