"""Registration numbers: a check character that catches typing mistakes."""

import pytest

from nurture.register.numbers import (
    ALPHABET,
    WRONG_CHECK,
    WRONG_SHAPE,
    check_character,
    number_check,
    number_for,
    numbers_in_text,
)

SAMPLES = [number_for(serial) for serial in (1_000_000, 1_234_567, 4_071_993, 7_999_999, 8_000_001, 9_999_999)]
TYPED = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*-"


def test_a_number_is_imh_seven_digits_and_a_check_character():
    number = number_for(1_234_567)
    assert number.startswith("IMH-1234567")
    assert len(number) == 12
    assert number[-1] in ALPHABET
    assert number_check(number).valid


@pytest.mark.parametrize("number", SAMPLES)
def test_every_single_character_substitution_is_caught(number):
    for position in range(len(number)):
        for char in TYPED:
            if char == number[position]:
                continue
            typo = number[:position] + char + number[position + 1 :]
            assert not number_check(typo).valid, typo


@pytest.mark.parametrize("number", SAMPLES)
def test_every_adjacent_transposition_is_caught(number):
    for position in range(len(number) - 1):
        a, b = number[position], number[position + 1]
        if a == b:
            continue
        typo = number[:position] + b + a + number[position + 2 :]
        assert not number_check(typo).valid, typo


def test_the_check_character_follows_iso_7064_mod_37_2():
    # The pure system: the weighted sum of all characters, check included, is 1 mod 37.
    for serial in range(1_000_000, 1_000_400):
        digits = f"{serial:07d}"
        total = 0
        for char in digits + check_character(digits):
            total = (total * 2 + ALPHABET.index(char)) % 37
        assert total == 1


def test_how_a_number_is_typed_does_not_matter():
    number = number_for(1_234_567)
    assert number_check(f"  {number.lower()} ").number == number
    assert number_check(number.replace("-", "")).number == number


def test_problems_are_told_apart():
    number = number_for(1_234_567)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert number_check(wrong).problem == WRONG_CHECK
    assert number_check("garbage").problem == WRONG_SHAPE
    assert number_check("").problem == WRONG_SHAPE


def test_pasted_lists_are_split_on_lines_commas_and_tabs():
    assert numbers_in_text("number\nIMH-1,IMH-2;IMH-3\tIMH-4\r\n\n  IMH-5  ") == [
        "IMH-1",
        "IMH-2",
        "IMH-3",
        "IMH-4",
        "IMH-5",
    ]
