"""The one rule for text a spreadsheet would run, tested without a database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nurture.core.formulas import cell_safe, starts_like_formula


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+x", "'+x"),
        ("-x", "'-x"),
        ("@x", "'@x"),
        ("\tRose", "'\tRose"),
        ("\rRose", "'\rRose"),
        ('  =HYPERLINK("http://evil.example/","Maryam")', '\'  =HYPERLINK("http://evil.example/","Maryam")'),
        ("\u00a0-2+3", "'\u00a0-2+3"),
        ("-5", "'-5"),
        ("Rose", "Rose"),
        ("Siobhán O'Néill", "Siobhán O'Néill"),
        ("Jean-Luc", "Jean-Luc"),
        ("", ""),
    ],
)
def test_text_that_could_run_gets_a_leading_quote(cell, safe):
    assert cell_safe(cell) == safe


@pytest.mark.parametrize("number", [-5, 0, 12, -1.5, Decimal("-2.50")])
def test_numbers_the_site_computes_stay_numbers(number):
    assert cell_safe(number) == number


def test_nothing_is_an_empty_cell_and_a_truth_is_text():
    assert cell_safe(None) == ""
    assert cell_safe(True) == "True"


@pytest.mark.parametrize("name", ["=cmd", " =cmd", "+44", "-x", "@x", "\tRose"])
def test_names_that_start_like_a_formula_are_recognised(name):
    assert starts_like_formula(name)


@pytest.mark.parametrize("name", ["Rose Clark", "Dr A. Smith-Jones", "O'Brien", "1 Surestart Way"])
def test_ordinary_names_are_not(name):
    assert not starts_like_formula(name)
