"""Searching the framework: by a word of a competency or of what it looks like in practice,
listed by domain with the words marked, on the server, without JavaScript."""

from __future__ import annotations

import pytest

from conftest import client_for
from nurture.framework.search import Piece, marked, search_words

pytestmark = pytest.mark.django_db


def test_a_word_of_an_indicator_finds_its_competency_under_its_domain():
    response = client_for(None).get("/framework/search/", {"q": "tantrums"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 competency matches “tantrums”" in page
    assert '<h3 id="found-D1">D1 ' in page
    assert '<h4><a href="/framework/competencies/D1.4/">D1.4 Emotional and social development</a></h4>' in page
    assert "crying, clinginess or <mark>tantrums</mark> in the light" in page


def test_every_word_must_be_found_and_case_and_accents_do_not_matter():
    page = client_for(None).get("/framework/search/", {"q": "SINGING réading"}).content.decode()
    assert "1 competency matches" in page and "D1.5 " in page
    assert "<mark>singing</mark> and <mark>reading</mark>" in page
    assert (
        "No competency matches" in client_for(None).get("/framework/search/", {"q": "singing fathers"}).content.decode()
    )


def test_a_word_of_a_name_finds_it_and_several_domains_are_listed_in_order():
    page = client_for(None).get("/framework/search/", {"q": "fathers"}).content.decode()
    assert "D3.3 <mark>Fathers</mark>, partners and co-parents" in page


def test_the_framework_page_has_the_search_form():
    page = client_for(None).get("/framework/").content.decode()
    assert '<form method="get" action="/framework/search/" role="search"' in page


def test_an_empty_or_odd_search_lists_nothing_and_never_fails():
    assert "No competency matches" not in client_for(None).get("/framework/search/").content.decode()
    for q in ["%", "'; drop table", "🙂", "x" * 500]:
        assert client_for(None).get("/framework/search/", {"q": q}).status_code == 200
    page = client_for(None).get("/framework/search/", {"q": "<b>attachment"}).content.decode()
    assert "<b>attachment" not in page and "&lt;b&gt;attachment" in page


def test_the_search_reads_the_same_few_queries_whatever_it_finds(django_assert_num_queries):
    # The framework's version (the visitor page cache, a miss), then the search.
    with django_assert_num_queries(5):
        client_for(None).get("/framework/search/", {"q": "parents"})
    with django_assert_num_queries(5):
        client_for(None).get("/framework/search/", {"q": "nothing-like-this"})


def test_marking_keeps_the_original_text_and_joins_overlapping_words():
    assert marked("Talking, singing", ["sing", "ing"]) == [
        Piece("Talk"),
        Piece("ing", marked=True),
        Piece(", "),
        Piece("singing", marked=True),
    ]
    assert marked("Réflexion", ["reflex"]) == [Piece("Réflex", marked=True), Piece("ion")]
    assert search_words("  Attachment, attachment; CO-parents ") == ["attachment", "co", "parents"]
