"""A page number from the query string: anything odd is page 1, none past the caller's last page."""

from __future__ import annotations

import pytest

from nurture.core.forms import page_number


@pytest.mark.parametrize(
    ("raw", "page"),
    [("3", 3), (" 7 ", 7), (None, 1), ("", 1), ("0", 1), ("-4", 1), ("two", 1), ("2.5", 1), ("\x00", 1)],
)
def test_a_page_number_is_read_or_is_page_one(raw, page):
    assert page_number(raw, most=400) == page


def test_no_page_is_past_the_callers_last_page():
    assert page_number("401", most=400) == 400
    assert page_number("401", most=10_000) == 401


def test_a_long_number_is_cut_before_it_is_read():
    assert page_number("1234567890", most=10_000_000) == 123456
