"""The identifier scan, as plain functions: no database, no clock but the one we pass."""

from __future__ import annotations

import gc
import time
from datetime import date
from itertools import count, pairwise

import pytest

from nurture.portfolios.identifiers import (
    DATE_OF_BIRTH,
    NHS_NUMBER,
    PHONE,
    POSTCODE,
    Finding,
    identifiers_find,
    is_valid_nhs_number,
    nhs_check_digit,
)

TODAY = date(2026, 1, 15)


def kinds_and_texts(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in identifiers_find(text, today=TODAY)]


def weighted_remainder(first_nine: str) -> int:
    """The modulus-11 arithmetic, written out again so the test does not trust the code it checks."""
    return sum(int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True)) % 11


# NHS numbers ------------------------------------------------------------------------


def test_the_check_digit_matches_a_hand_worked_example():
    # 9 4 3 4 7 6 5 9 1, weighted 10 down to 2:
    #   9×10 + 4×9 + 3×8 + 4×7 + 7×6 + 6×5 + 5×4 + 9×3 + 1×2
    #   = 90 + 36 + 24 + 28 + 42 + 30 + 20 + 27 + 2 = 299
    # 299 = 27×11 + 2, so the remainder is 2 and the check digit is 11 − 2 = 9.
    assert nhs_check_digit("943476591") == 9


def test_a_check_of_eleven_becomes_zero():
    # 0 2 0 7 9 4 6 0 0: 0 + 18 + 0 + 49 + 54 + 20 + 24 + 0 + 0 = 165 = 15×11, remainder 0,
    # so 11 − 0 = 11, which is written as 0.
    assert nhs_check_digit("020794600") == 0


def test_the_check_digit_needs_exactly_nine_digits():
    with pytest.raises(ValueError):
        nhs_check_digit("94347659")
    with pytest.raises(ValueError):
        nhs_check_digit("94347659x")


@pytest.mark.parametrize("written", ["943 476 5919", "943-476-5919", "9434765919"])
def test_an_nhs_number_with_a_valid_check_digit_is_found(written):
    assert kinds_and_texts(f"Baby's NHS number is {written} on the red book.") == [(NHS_NUMBER, written)]


@pytest.mark.parametrize("written", ["943 476 5918", "943-476-5910", "9434765911"])
def test_the_same_digits_with_a_wrong_check_digit_are_not_an_nhs_number(written):
    assert not is_valid_nhs_number(written)
    assert kinds_and_texts(f"Reference {written} on the letter.") == []


def test_only_one_last_digit_makes_nine_digits_an_nhs_number():
    found = [d for d in range(10) if kinds_and_texts(f"943 476 591{d}")]
    assert found == [9]


def test_digits_whose_check_computes_to_ten_are_never_an_nhs_number():
    # Search for nine digits whose remainder is 1, so that 11 − 1 = 10: no digit can be the check.
    prefix = next(str(n) for n in count(100_000_000) if weighted_remainder(str(n)) == 1)
    assert nhs_check_digit(prefix) is None
    for last in range(10):
        candidate = f"{prefix}{last}"
        assert not is_valid_nhs_number(candidate)
        spaced = f"{candidate[:3]} {candidate[3:6]} {candidate[6:]}"
        assert not [f for f in identifiers_find(f"NHS {spaced}", today=TODAY) if f.kind == NHS_NUMBER]


def test_an_nhs_number_is_not_also_reported_as_a_phone_number():
    # 0123456789 passes the check (0×10 + 1×9 + 2×8 + … + 8×2 = 156 = 14×11 + 2; 11 − 2 = 9)
    # and also looks like a number starting with 0: it is reported once, as an NHS number.
    assert kinds_and_texts("Number 0123456789 on the form") == [(NHS_NUMBER, "0123456789")]
    assert kinds_and_texts("Ring 020 794 6000 today") == [(NHS_NUMBER, "020 794 6000")]


# Dates of birth ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("DOB 12/03/2025, seen at home.", "12/03/2025"),
        ("d.o.b. 12-03-25 per the referral.", "12-03-25"),
        ("She was born 4th June 2024 at St Mary's.", "4th June 2024"),
        ("Date of birth: June 4, 2024.", "June 4, 2024"),
        ("Baby (DOB 2024-06-04) was feeding well.", "2024-06-04"),
        ("Seen on 12/03/2025, her birthday.", "12/03/2025"),
    ],
)
def test_a_date_with_a_birth_cue_is_a_date_of_birth(text, found):
    assert kinds_and_texts(text) == [(DATE_OF_BIRTH, found)]


@pytest.mark.parametrize(
    "text",
    [
        "Our session on 12/03/2025 went well.",
        "We met again on 4th June 2024 at the children's centre.",
        "Reviewed 2024-06-04 with my supervisor.",
    ],
)
def test_a_plain_session_date_is_not_a_date_of_birth(text):
    assert kinds_and_texts(text) == []


def test_a_birth_cue_in_the_previous_sentence_does_not_make_a_session_date_a_birth_date():
    text = "Mum described how the baby was born. We met on 12/03/2025 in clinic."
    assert kinds_and_texts(text) == []


@pytest.mark.parametrize("impossible", ["31/02/2024", "30/02/2025", "12/13/2024", "2024-02-30"])
def test_an_impossible_date_is_not_flagged_even_with_a_birth_cue(impossible):
    assert kinds_and_texts(f"DOB {impossible}") == []


def test_a_two_digit_year_is_read_against_the_date_passed_in():
    # 12-03-25 is 2025 when today is 2026, so it is a real date and a date of birth.
    assert kinds_and_texts("DOB 12-03-25") == [(DATE_OF_BIRTH, "12-03-25")]


# Postcodes --------------------------------------------------------------------------


@pytest.mark.parametrize("postcode", ["SW1A 1AA", "m1 1ae", "EC1A1BB", "B33 8TH", "GIR 0AA"])
def test_a_full_uk_postcode_is_found(postcode):
    assert kinds_and_texts(f"The family lives at {postcode}, near the park.") == [(POSTCODE, postcode)]


@pytest.mark.parametrize("partial", ["SW1A", "M1", "EC1A"])
def test_a_partial_postcode_is_not_found(partial):
    assert kinds_and_texts(f"The family lives in {partial} near the park.") == []


# Phone numbers ----------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["07700 900123", "020 7946 0018", "+44 7700 900123", "0161-496-0000", "07700900123"])
def test_a_uk_phone_number_is_found(phone):
    assert kinds_and_texts(f"Mum's number is {phone}.") == [(PHONE, phone)]


def test_a_phone_number_does_not_swallow_the_full_stop_after_it():
    (finding,) = identifiers_find("Call 07700 900123. Then write it up.", today=TODAY)
    assert finding.text == "07700 900123"
    assert finding.end == finding.start + len("07700 900123")


# Positions, order, overlap ----------------------------------------------------------


def test_findings_carry_their_line_and_column():
    text = "Home visit notes.\nMum: 07700 900123\n\n  Lives at SW1A 1AA; DOB 12/03/2025."
    findings = identifiers_find(text, today=TODAY)
    assert [(f.kind, f.line, f.column) for f in findings] == [
        (PHONE, 2, 6),
        (POSTCODE, 4, 12),
        (DATE_OF_BIRTH, 4, 26),
    ]
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text
        line_text = text.splitlines()[finding.line - 1]
        assert line_text[finding.column - 1 :].startswith(finding.text)


def test_findings_are_in_reading_order_and_never_overlap():
    text = "DOB 12/03/2025, NHS 943 476 5919, tel 07700 900123, at SW1A 1AA, also 0123456789."
    findings = identifiers_find(text, today=TODAY)
    assert [f.kind for f in findings] == [DATE_OF_BIRTH, NHS_NUMBER, PHONE, POSTCODE, NHS_NUMBER]
    starts = [f.start for f in findings]
    assert starts == sorted(starts)
    for before, after in pairwise(findings):
        assert before.end <= after.start


def test_a_finding_describes_itself_for_the_evidence_page():
    (finding,) = identifiers_find("NHS 943 476 5919", today=TODAY)
    assert finding == Finding(NHS_NUMBER, "943 476 5919", 4, 16, 1, 5)
    assert finding.as_dict() == {
        "kind": NHS_NUMBER,
        "label": "NHS number",
        "text": "943 476 5919",
        "start": 4,
        "end": 16,
        "line": 1,
        "column": 5,
    }


@pytest.mark.parametrize(
    "text",
    [
        "",
        "We talked about how the baby settles at night and what helps mum feel calmer.",
        "Session 3 of 10 lasted 90 minutes; 2 parents, 1 infant aged 14 months.",
        "Reflective supervision on 12/03/2025 with my supervisor, 1.5 hours.",
    ],
)
def test_text_with_no_identifiers_gives_no_findings(text):
    assert identifiers_find(text, today=TODAY) == []


# Hostile text: the findings stay right, and the work grows with the length ----------

MEGABYTE = 1_000_000


def test_a_megabyte_of_one_run_of_digits_holds_no_identifier():
    assert identifiers_find("7" * MEGABYTE, today=TODAY) == []


def test_every_nhs_number_in_a_megabyte_of_them_is_found_where_it_is():
    text = "9434765919 " * (MEGABYTE // 11)
    findings = identifiers_find(text, today=TODAY)
    assert len(findings) == MEGABYTE // 11
    assert {f.kind for f in findings} == {NHS_NUMBER}
    assert [f.start for f in findings] == list(range(0, len(text), 11))
    assert findings[-1] == Finding(NHS_NUMBER, "9434765919", len(text) - 11, len(text) - 1, 1, len(text) - 10)


def test_a_megabyte_of_near_miss_nhs_numbers_holds_none():
    assert identifiers_find("943 476 5918 " * (MEGABYTE // 13), today=TODAY) == []


def test_a_megabyte_of_birth_cues_without_a_date_holds_none():
    assert identifiers_find("born dob date of birth birthday " * (MEGABYTE // 32), today=TODAY) == []


def test_a_megabyte_of_dates_without_a_birth_cue_holds_none():
    assert identifiers_find("12/03/2025 12 March 2025 2025-03-12 " * (MEGABYTE // 36), today=TODAY) == []


def test_every_date_of_birth_on_a_megabyte_of_lines_is_found_on_its_line():
    lines = MEGABYTE // 16
    text = "Seen. DOB 12/03/2025\n" * lines
    findings = identifiers_find(text, today=TODAY)
    assert [(f.kind, f.text, f.line, f.column) for f in findings] == [
        (DATE_OF_BIRTH, "12/03/2025", line, 11) for line in range(1, lines + 1)
    ]


def test_a_megabyte_of_every_kind_mixed_is_found_in_reading_order():
    unit = "Born 12/03/2025, NHS 943 476 5919, tel 07700 900123, at SW1A 1AA.\n"
    text = unit * (MEGABYTE // len(unit))
    findings = identifiers_find(text, today=TODAY)
    assert [f.kind for f in findings] == [DATE_OF_BIRTH, NHS_NUMBER, PHONE, POSTCODE] * (MEGABYTE // len(unit))
    assert [f.text for f in findings[-4:]] == ["12/03/2025", "943 476 5919", "07700 900123", "SW1A 1AA"]
    assert findings[-1].line == MEGABYTE // len(unit)


def scan_seconds(text: str, *, tries: int) -> float:
    """The least processor time of `tries` scans of `text`, the garbage collector paused.

    Processor time, not the clock: what other programs on the machine do is not counted.
    """
    best = float("inf")
    gc.disable()
    try:
        for _ in range(tries):
            started = time.process_time()
            identifiers_find(text, today=TODAY)
            best = min(best, time.process_time() - started)
    finally:
        gc.enable()
    return best


@pytest.mark.parametrize(
    "unit",
    [
        "9434765919 ",
        "943 476 5918 ",
        "DOB 12/03/2025. ",
        "12/03/2025 no cue ",
        "SW1A 1AA ",
        "07700 900123 ",
        "Born 12/03/2025, NHS 943 476 5919, tel 07700 900123, at SW1A 1AA.\n",
    ],
)
def test_sixteen_times_the_text_takes_about_sixteen_times_as_long(unit):
    # Linear work gives a factor of 16; work growing with the square of the findings
    # gives 256. Forty-eight leaves room for a busy machine and lets no square through.
    small = unit * (10_000 // len(unit))
    large = small * 16
    assert scan_seconds(large, tries=3) < 48 * scan_seconds(small, tries=9)
