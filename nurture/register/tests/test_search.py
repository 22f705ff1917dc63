"""The public search, its page, the API and the open-data export."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import client_for, make_person
from nurture.register import selectors
from nurture.register.models import RegisterEntry
from nurture.register.numbers import number_for
from nurture.register.selectors import MatchCount, register_search

from .conftest import entry_for

pytestmark = pytest.mark.django_db


def names(page) -> list[str]:
    return [row["full_name"] for row in page.rows]


@pytest.fixture
def people(siobhan, practitioner):
    entry_for(siobhan, show_region=True)
    entry_for(practitioner, code="promotion")
    for email, name in [("zoe@example.org", "Zoë Smith-Jones"), ("lukasz@example.org", "Łukasz Wiśniewski")]:
        entry_for(make_person(email, name=name))
    return siobhan


@pytest.mark.parametrize("typed", ["sio", "SIOBHAN", "siobhán", "ONEILL", "o'neill", "O’Néill", "néi", "siobhanon"])
def test_it_finds_a_name_whatever_the_accents_and_capitals(people, typed):
    assert names(register_search(q=typed)) == ["Siobhán O'Néill"]


def test_every_word_must_match_a_part_of_the_name(people):
    assert names(register_search(q="sio o'n")) == ["Siobhán O'Néill"]
    assert names(register_search(q="sio smith")) == []
    assert names(register_search(q="jones zo")) == ["Zoë Smith-Jones"]
    assert names(register_search(q="luk")) == ["Łukasz Wiśniewski"]


def test_it_filters_by_number_level_and_what_is_shown(people, siobhan):
    number = RegisterEntry.objects.get(practitioner=siobhan).number
    assert names(register_search(number=number)) == ["Siobhán O'Néill"]
    assert names(register_search(level="promotion")) == ["Amara Okafor"]
    assert names(register_search(region="london")) == ["Siobhán O'Néill"]
    # She shows her region, not her profession.
    assert names(register_search(profession="health-visitor")) == []


def test_hidden_fields_are_not_shown(people):
    (row,) = register_search(q="siobhan").rows
    assert row["region"] == "London"
    assert row["profession"] == "" and row["employer"] == ""


def test_removed_entries_are_never_found(people, siobhan):
    RegisterEntry.objects.filter(practitioner=siobhan).update(status=RegisterEntry.Status.REMOVED)
    assert register_search(q="siobhan").rows == []
    assert "Siobhán O'Néill" not in names(register_search())


def test_pages_come_without_counting(db):
    for n in range(25):
        entry_for(make_person(f"p{n}@example.org", name=f"Anna Test{n:02d}"))
    first, second = register_search(q="anna"), register_search(q="anna", page=2)
    assert len(first.rows) == 20 and first.has_next
    assert len(second.rows) == 5 and not second.has_next
    assert not set(names(first)) & set(names(second))


def test_the_search_takes_one_query_however_many_results(db):
    for n in range(3):
        entry_for(make_person(f"few{n}@example.org", name=f"Ngozi Few{n}"))
    with CaptureQueriesContext(connection) as few:
        register_search(q="ngozi")
    for n in range(30):
        entry_for(make_person(f"many{n}@example.org", name=f"Ngozi Many{n:02d}"))
    with CaptureQueriesContext(connection) as many:
        register_search(q="ngozi")
    assert len(few) == len(many) == 1


def test_the_search_page_asks_a_constant_number_of_queries(db):
    entry_for(make_person("one@example.org", name="José Uno"))
    client = client_for(None)
    with CaptureQueriesContext(connection) as few:
        client.get("/register/", {"q": "jose"})
    for n in range(15):
        entry_for(make_person(f"jose{n}@example.org", name=f"José N{n:02d}"))
    with CaptureQueriesContext(connection) as many:
        response = client.get("/register/", {"q": "jose"})
    assert response.content.decode().count("José N") == 15
    assert len(few) == len(many) <= 3  # with the Register's version (the visitor page cache, a miss)


def test_the_page_lists_results_with_links_to_verification(people):
    page = client_for(None).get("/register/", {"q": "sio"}).content.decode()
    number = RegisterEntry.objects.get(full_name="Siobhán O'Néill").number
    assert f'<th scope="row" data-label="Name"><a href="/register/{number}/">Siobhán O&#x27;Néill</a></th>' in page
    assert "Siobh&#x27;" not in page and "O&#x27;Néill" in page


@pytest.mark.parametrize(
    ("params", "page_answer", "api_answer"),
    [
        # The page shows the first page for a bad page number; the API refuses it (422)
        ({"page": "-1"}, 200, 422),
        ({"page": "abc"}, 200, 422),
        ({"page": "99999999999999999999"}, 200, 422),
        ({"q": "x" * 5000}, 400, 422),
        # A NUL is refused before the page or the API (core.middleware)
        ({"q": "🙂 ∑ 漢字 \u0000"}, 400, 400),
        ({"q": "' OR 1=1 --"}, 200, 200),
        ({"q": "%_\\"}, 200, 200),
        ({"number": "garbage"}, 400, 422),
        # The page refuses the number; the API looks it up and finds no one (404)
        ({"number": "IMH-1234567Q"}, 400, 404),
        ({"level": "nonsense", "region": "atlantis", "profession": "wizard"}, 400, 422),
        ({"region": ["london", "wales"]}, 200, 200),
    ],
)
def test_no_input_breaks_the_search(people, params, page_answer, api_answer):
    assert client_for(None).get("/register/", params).status_code == page_answer
    assert client_for(None).get("/api/v1/register", params).status_code == api_answer


def test_bad_input_is_shown_next_to_the_field_and_kept(people):
    response = client_for(None).get("/register/", {"number": "IMH-1234567Q", "q": "sio"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "typing mistake" in page
    assert 'value="IMH-1234567Q"' in page and 'value="sio"' in page


def test_the_api_searches_and_pages(people):
    response = client_for(None).get("/api/v1/register", {"q": "oneill"})
    assert response.status_code == 200
    body = response.json()
    assert body["has_next"] is False and body["page"] == 1
    (entry,) = body["results"]
    assert entry["full_name"] == "Siobhán O'Néill"
    assert entry["endorsed_today"] is True
    assert entry["region"] == "London" and entry["employer"] == ""
    assert "practitioner" not in entry and "id" not in entry


def test_the_api_gives_one_entry_and_404s(people, siobhan):
    entry = RegisterEntry.objects.get(practitioner=siobhan)
    client = client_for(None)
    assert client.get(f"/api/v1/register/{entry.number}").json()["status"] == "active"
    unknown = client.get(f"/api/v1/register/{number_for(7_777_777)}")
    assert unknown.status_code == 404 and "no entry" in unknown.json()["detail"]
    typo = client.get(f"/api/v1/register/{entry.number[:-1]}{'0' if entry.number[-1] != '0' else '1'}")
    assert typo.status_code == 404 and "typing mistake" in typo.json()["detail"]
    RegisterEntry.objects.filter(pk=entry.pk).update(status=RegisterEntry.Status.REMOVED)
    assert client.get(f"/api/v1/register/{entry.number}").status_code == 404


def test_the_api_answers_a_search_for_a_mistyped_number_as_not_found(people):
    # Well shaped, so the OpenAPI document allows it, but no entry can have it.
    response = client_for(None).get("/api/v1/register", {"number": "IMH-1234567Q"})
    assert response.status_code == 404
    assert "typing mistake" in response.json()["detail"]


def test_the_api_refuses_a_number_of_the_wrong_shape_with_the_field_named(people):
    response = client_for(None).get("/api/v1/register", {"number": "garbage"})
    assert response.status_code == 422
    assert [problem["loc"] for problem in response.json()["detail"]] == [["query", "number"]]


def test_the_export_holds_public_columns_only(people, siobhan):
    RegisterEntry.objects.filter(full_name="Łukasz Wiśniewski").update(status=RegisterEntry.Status.REMOVED)
    response = client_for(None).get("/register/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert list(rows[0]) == [
        "number",
        "full_name",
        "level",
        "level_name",
        "status",
        "endorsed_today",
        "first_endorsed_on",
        "period_started_on",
        "renewal_due_on",
        "status_changed_on",
        "profession",
        "region",
        "employer",
    ]
    assert {row["full_name"] for row in rows} == {"Siobhán O'Néill", "Amara Okafor", "Zoë Smith-Jones"}
    theirs = next(row for row in rows if row["full_name"] == "Siobhán O'Néill")
    assert theirs["region"] == "London" and theirs["employer"] == "" and theirs["profession"] == ""


def _many(count: int, first: str = "Anna") -> None:
    for n in range(count):
        entry_for(make_person(f"{first.lower()}{n}@example.org", name=f"{first} Test{n:03d}"))


def test_a_search_says_how_many_entries_it_found(people):
    page = client_for(None).get("/register/", {"q": "sio"}).content.decode()
    assert "Showing 1 of 1 entry." in page


def test_each_page_says_which_results_it_shows_of_how_many(db):
    _many(25)
    first = client_for(None).get("/register/", {"q": "anna"}).content.decode()
    second = client_for(None).get("/register/", {"q": "anna", "page": "2"}).content.decode()
    assert "Showing 1–20 of 25 entries." in first
    assert "Showing 21–25 of 25 entries." in second


def test_an_entry_found_through_two_of_its_name_parts_is_counted_once(db):
    # "anna" starts both "anna" and the whole name "annatest000".
    _many(23)
    found = register_search(q="anna", per_page=5, count=True)
    assert found.matches == MatchCount(23)


def test_the_count_stops_at_the_cap_and_says_more_than(db, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 8)
    _many(12)
    assert register_search(q="anna", per_page=5, count=True).matches == MatchCount(8, more=True)
    assert register_search(per_page=5, count=True).matches == MatchCount(8, more=True)
    assert register_search(level="prevention", per_page=20, count=True).matches == MatchCount(12)


def test_the_page_says_more_than_the_cap(db, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 20)
    _many(25)
    page = client_for(None).get("/register/", {"q": "anna"}).content.decode()
    assert "Showing 1–20 of more than 20 entries." in page


def test_the_api_never_counts(db, django_assert_num_queries):
    _many(25)
    with django_assert_num_queries(1):
        assert client_for(None).get("/api/v1/register", {"q": "anna"}).json()["has_next"] is True


def test_a_counted_search_page_asks_a_constant_number_of_queries(db):
    _many(25)
    client = client_for(None)
    with CaptureQueriesContext(connection) as fewer:
        client.get("/register/", {"q": "anna"})
    _many(30, first="Annabel")
    with CaptureQueriesContext(connection) as more:
        page = client.get("/register/", {"q": "anna"}).content.decode()
    assert "Showing 1–20 of 55 entries." in page
    # The versions (the visitor page cache, a miss), the levels for the form, the page of
    # results, and the count that stops at the cap.
    assert len(fewer) == len(more) == 4
