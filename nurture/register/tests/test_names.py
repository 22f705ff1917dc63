"""Folding names so that accents, capitals, apostrophes and hyphens do not matter."""

import pytest

from nurture.register.names import name_fold, name_tokens, query_words


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("Siobhán O'Néill", "siobhan oneill"),
        ("Zoë Smith-Jones", "zoe smithjones"),
        ("Łukasz Wiśniewski", "lukasz wisniewski"),
        ("Nguyễn Thị Mai", "nguyen thi mai"),
        ("Søren Ødegård", "soren odegard"),
        ("Đặng Văn Đức", "dang van duc"),
        ("Jürgen Größ", "jurgen gross"),
        ("José María D’Souza", "jose maria dsouza"),
        ("  Ngozi   OKONKWO ", "ngozi okonkwo"),
    ],
)
def test_names_fold_to_plain_lower_case_letters(name, folded):
    assert name_fold(name) == folded


def test_a_name_is_found_by_each_part_its_hyphenated_halves_and_the_whole():
    assert name_tokens("Zoë Smith-Jones") == ["zoe", "smithjones", "smith", "jones", "zoesmithjones"]


def test_what_people_type_folds_the_same_way():
    assert query_words("ONEILL") == query_words("o'neill") == query_words("O’Néill") == ["oneill"]
    assert query_words("sio o'n") == ["sio", "on"]
    assert query_words("'-- !!") == []
    assert len(query_words("a b c d e f g h")) == 6
