"""Register search as it grows: pages that continue from the last result, names found
by any run of their parts, and several words driven by the rarest."""

from __future__ import annotations

import html
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import client_for
from nurture.register import selectors
from nurture.register.models import RegisterEntry
from nurture.register.names import TOKEN_MAX, name_tokens, pair_usable, query_words, search_tokens
from nurture.register.selectors import Cursor, MatchCount, PageLinkError, register_search

from .conftest import standalone

pytestmark = pytest.mark.django_db

NEXT = re.compile(r'<a href="([^"]+)" rel="next">Next page</a>')
PREVIOUS = re.compile(r'<a href="([^"]+)" rel="prev">Previous page</a>')
ROW_NAME = re.compile(r'<th scope="row" data-label="Name"><a href="/register/[^"]+/">([^<]+)</a></th>')


def names(page) -> list[str]:
    return [row["full_name"] for row in page.rows]


def _shown(body: str) -> list[str]:
    return [html.unescape(name) for name in ROW_NAME.findall(body)]


def _link(pattern: re.Pattern[str], body: str) -> str | None:
    found = pattern.search(body)
    return "/register/" + html.unescape(found.group(1)) if found else None


# Pages that continue from the last result -------------------------------------------


def _walk(search, add_between) -> list[list[str]]:
    """Every page of a search, following `next_after`, calling `add_between(n)` before page n + 1."""
    pages, page = [], search(after="")
    while True:
        pages.append(names(page))
        if not page.has_next:
            return pages
        add_between(len(pages))
        page = search(after=page.next_after)


@pytest.mark.parametrize("q", ["anna", "anna test", ""])
def test_pages_have_no_entry_twice_and_none_missing_while_entries_are_added(q):
    before = [standalone(f"Anna Test{n:03d}").full_name for n in range(0, 90, 2)]
    added: list[str] = []

    def add(page_number: int) -> None:
        # Between page loads, entries join before what was read, where the reader is, and after.
        for n in (1, 40 * page_number + 1, 89):
            name = f"Anna Test{n:03d} {page_number}"
            standalone(name)
            added.append(name)

    pages = _walk(lambda after: register_search(q=q, per_page=10, after=after), add)
    seen = [name for page in pages for name in page]
    assert len(seen) == len(set(seen)), "an entry was shown twice"
    assert set(before) <= set(seen), "an entry there from the start was skipped"
    assert all(len(page) == 10 for page in pages[:-1])
    # What joined after the reader's place is found; nothing before it moves the pages.
    assert "Anna Test089 1" in seen and "Anna Test001 1" not in seen


def test_every_page_reads_from_an_index_seek_not_the_rows_before(django_assert_num_queries):
    for n in range(60):
        standalone(f"Ngozi Page{n:02d}")
    first = register_search(q="ngozi", per_page=5)
    page = first
    for _ in range(8):
        page = register_search(q="ngozi", per_page=5, after=page.next_after)
    assert page.number == 9 and names(page) == [f"Ngozi Page{n:02d}" for n in range(40, 45)]
    with CaptureQueriesContext(connection) as queries:
        register_search(q="ngozi", per_page=5, after=page.next_after)
    (sql,) = [query["sql"] for query in queries]
    assert "OFFSET" not in sql.upper()


def test_the_page_links_continue_and_go_back_with_right_numbers_and_counts():
    for n in range(130):
        standalone(f"Amara Link{n:03d}")
    client = client_for(None)
    body = client.get("/register/", {"q": "amara"}).content.decode()
    bodies = [body]
    while (href := _link(NEXT, body)) is not None:
        assert "after=" in href and "page=" not in href
        body = client.get(href).content.decode()
        bodies.append(body)
    assert len(bodies) == 7
    assert "Showing 1–20 of more than 100 entries." in bodies[0]
    assert "Showing 41–60 of more than 100 entries." in bodies[2]
    assert "Results, page 7" in bodies[6] and "Showing 121–130 of 130 entries." in bodies[6]
    assert _shown(bodies[6]) == [f"Amara Link{n:03d}" for n in range(120, 130)]
    # Back from page 7: page 6 has the same rows as on the way forward, then page 5.
    back = client.get(_link(PREVIOUS, bodies[6])).content.decode()
    assert "Results, page 6" in back and _shown(back) == _shown(bodies[5])
    assert "Showing 101–120 of more than 120 entries." in back
    back = client.get(_link(PREVIOUS, back)).content.decode()
    assert _shown(back) == _shown(bodies[4])
    # Back from page 2 is the first page's plain address.
    assert _link(PREVIOUS, bodies[1]) == "/register/?q=amara"


def test_going_back_past_the_start_after_removals_shows_the_first_page():
    entries = [standalone(f"Chloé Back{n:02d}") for n in range(30)]
    second = register_search(q="chloe", per_page=10, after=register_search(q="chloe", per_page=10).next_after)
    third = register_search(q="chloe", per_page=10, after=second.next_after)
    RegisterEntry.objects.filter(pk__in=[e.pk for e in entries[:15]]).update(status=RegisterEntry.Status.REMOVED)
    back = register_search(q="chloe", per_page=10, before=third.previous_before)
    assert back.number == 1 and not back.has_previous
    assert names(back) == [f"Chloé Back{n:02d}" for n in range(15, 25)]


def test_old_page_number_links_still_work():
    for n in range(25):
        standalone(f"Anna Old{n:02d}")
    assert names(register_search(q="anna", page=2)) == [f"Anna Old{n:02d}" for n in range(20, 25)]
    body = client_for(None).get("/register/", {"q": "anna", "page": "2"}).content.decode()
    assert "Showing 21–25 of 25 entries." in body


@pytest.mark.parametrize(
    "after",
    [
        "not-a-cursor",
        "eyJhIjoxfQ:1abcde:xyz",  # the shape of a signed value, not signed by us
        "x" * 5000,
        "\u00e9\u202e",
    ],
)
def test_a_bad_page_link_answers_a_clear_message_not_an_error(after):
    standalone("Anna Bad")
    response = client_for(None).get("/register/", {"q": "anna", "after": after})
    assert response.status_code == 400
    assert "This page link is not one this search gave. Start again from the first page." in response.content.decode()
    api = client_for(None).get("/api/v1/register", {"q": "anna", "after": after[:900]})
    assert api.status_code in (404, 422)
    if api.status_code == 404:
        assert api.json() == {"detail": "This page link is not one this search gave. Start again from the first page."}


def test_a_page_link_of_another_search_or_direction_is_refused():
    for n in range(25):
        standalone(f"Anna Other{n:02d}")
    next_of_anna = register_search(q="anna").next_after
    assert next_of_anna
    with pytest.raises(PageLinkError, match="another search"):
        register_search(q="other", after=next_of_anna)
    with pytest.raises(PageLinkError, match="another search"):
        register_search(after=next_of_anna)
    with pytest.raises(PageLinkError, match="not one this search gave"):
        register_search(q="anna", before=next_of_anna)
    forged = Cursor(page=3, backwards=False, driver="anna", key=("anna", "anna", 1)).dumps()
    with pytest.raises(PageLinkError, match="not one this search gave"):
        register_search(q="anna", after=forged[:-1] + ("A" if forged[-1] != "A" else "B"))


def test_the_api_gives_the_next_page_by_its_cursor():
    for n in range(45):
        standalone(f"Wei Api{n:02d}")
    client = client_for(None)
    first = client.get("/api/v1/register", {"q": "wei"}).json()
    assert first["page"] == 1 and first["next_page"] == 2 and first["next_after"]
    second = client.get("/api/v1/register", {"q": "wei", "after": first["next_after"]}).json()
    third = client.get("/api/v1/register", {"q": "wei", "after": second["next_after"]}).json()
    assert (second["page"], third["page"]) == (2, 3)
    assert third["has_next"] is False and third["next_after"] is None and third["next_page"] is None
    found = [row["full_name"] for body in (first, second, third) for row in body["results"]]
    assert found == [f"Wei Api{n:02d}" for n in range(45)]
    # The page number alone still works, as it always did.
    by_number = client.get("/api/v1/register", {"q": "wei", "page": "2"}).json()
    assert by_number["results"] == second["results"]


# Names found by every run of their parts ----------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["smith-jones", "SMITH-JONES", "Smith–Jones", "smith-jo", "phạm-smith", "PHAM-SMITH-JONES", "smithjones", "jones"],
)
def test_a_hyphenated_name_is_found_by_every_run_of_its_parts(typed):
    standalone("Zoë Phạm-Smith-Jones")
    standalone("Zoë Smith-Jones")
    standalone("Anna Jones-Smith")
    found = set(names(register_search(q=typed)))
    expected = {"Zoë Phạm-Smith-Jones"}
    if not typed.lower().startswith(("pham", "phạm")):
        expected.add("Zoë Smith-Jones")
    if typed == "jones":
        expected.add("Anna Jones-Smith")
    assert found == expected


def test_runs_cross_apostrophes_and_spaces_like_a_phrase():
    standalone("José D'Souza-Okafor")
    standalone("Grace Thomas Smith")
    assert names(register_search(q="souza-okafor")) == ["José D'Souza-Okafor"]
    assert names(register_search(q="d'souza-oka")) == ["José D'Souza-Okafor"]
    assert names(register_search(q="thomas-smith")) == ["Grace Thomas Smith"]
    assert names(register_search(q="smith-thomas")) == []


def test_a_name_is_stored_as_each_part_each_word_and_every_run_to_its_end():
    assert name_tokens("Zoë Phạm-Smith-Jones") == [
        "zoe",
        "phamsmithjones",
        "pham",
        "smith",
        "jones",
        "zoephamsmithjones",
        "smithjones",
    ]


def test_the_migration_rebuilt_the_tokens_of_entries_made_before_it():
    # The tokens of entries written by the code before the migration (no runs inside a word).
    from importlib import import_module

    from django.apps import apps

    entry = standalone("Zoë Phạm-Smith-Jones")
    entry.tokens.filter(token="smithjones").delete()
    assert register_search(q="smith-jones").rows == []
    migration = import_module("nurture.register.migrations.0004_token_runs_and_entry_index")
    migration.tokens_rebuild(apps, SimpleNamespace(connection=connection))
    assert names(register_search(q="smith-jones")) == ["Zoë Phạm-Smith-Jones"]
    assert sorted(entry.tokens.values_list("token", flat=True)) == sorted(name_tokens(entry.full_name))


# Several words, driven by the rarest ----------------------------------------------------


def _expected(q: str, entries: list[RegisterEntry]) -> set[str]:
    """Brute force: every word starts one of the entry's tokens."""
    words = query_words(q)
    return {e.full_name for e in entries if all(any(t.startswith(w) for t in name_tokens(e.full_name)) for w in words)}


@pytest.mark.parametrize("cap", [2, 1000])
@pytest.mark.parametrize(
    "q",
    [
        "anna smith",
        "smith anna",
        "an sm",
        "smith-jones ann",
        "ann o'b",
        "s a",
        "zz anna",
        # Read from pair tokens: a first word longer than their three letters, a second
        # of one letter, a run, three words, words that could begin the same token.
        "annabel smiths",
        "smithson anna",
        "anna s",
        "olu o",
        "anna-smith",
        "annab smith-jo",
        "anna smith olu",
        "smi smith",
        "smith smi",
        "ann anna",
        "and ann",
    ],
)
def test_several_words_find_the_same_people_whichever_word_drives(monkeypatch, q, cap):
    monkeypatch.setattr(selectors, "ESTIMATE_CAP", cap)
    first = ["Anna", "Annabel", "Ann", "Smith", "Olu"]
    last = ["Smith", "Smithson", "Smith-Jones", "O'Brien", "Annan", "Anderson"]
    entries = [standalone(f"{a} {b}") for a in first for b in last]
    standalone("Anna Smith", status=RegisterEntry.Status.REMOVED)
    found = names(register_search(q=q, per_page=1000))
    assert len(found) == len(set(found))
    assert set(found) == _expected(q, entries)


def test_a_name_is_stored_with_its_pairs_the_start_of_one_token_and_another():
    assert search_tokens("Sarah Jones") == [
        "sarah",
        "jones",
        "sarahjones",
        " sar jones",
        " jon sarah",
        " jon sarahjones",
    ]
    long = "Ann " + "b" * 70
    assert all(len(token) <= TOKEN_MAX for token in search_tokens(long))
    assert pair_usable("sarah", "j") and pair_usable("sar", "jones")
    assert not pair_usable("sa", "jones") and not pair_usable("smith", "smi") and not pair_usable("smi", "s")


def test_two_words_read_one_range_of_pairs_and_page_through_it():
    for n in range(30):
        standalone(f"Anna Jones{n:02d}")
        standalone(f"Annabel Jones{n:02d}")
        standalone(f"Hannah Jones{n:02d}")
    standalone("Anna " + "J" * 70)
    with CaptureQueriesContext(connection) as queries:
        page = register_search(q="annab jon", per_page=25, count=True)
    assert len(queries) == 2  # the page and its count, and no estimate of each word's count
    assert page.matches == MatchCount(30)
    assert names(page) == [f"Annabel Jones{n:02d}" for n in range(25)]
    rest = register_search(q="annab jon", per_page=25, after=page.next_after or "")
    assert names(rest) == [f"Annabel Jones{n:02d}" for n in range(25, 30)] and not rest.has_next
    assert names(register_search(q="anna " + "j" * 70)) == ["Anna " + "J" * 70]
    assert names(register_search(q="anna " + "j" * 60 + "x")) == []


def test_the_pairs_migration_adds_the_pairs_of_entries_made_before_it():
    from importlib import import_module

    from django.apps import apps

    entry = standalone("Zoë Phạm-Smith-Jones")
    untouched = standalone("Grace Thomas")
    entry.tokens.filter(token__startswith=" ").delete()
    assert register_search(q="zoe smith-jo").rows == []
    migration = import_module("nurture.register.migrations.0005_pair_tokens")
    migration.pairs_add(apps, SimpleNamespace(connection=connection))
    migration.pairs_add(apps, SimpleNamespace(connection=connection))  # run twice: nothing written twice
    assert names(register_search(q="zoe smith-jo")) == ["Zoë Phạm-Smith-Jones"]
    for each in (entry, untouched):
        assert sorted(each.tokens.values_list("token", flat=True)) == sorted(search_tokens(each.full_name))
    migration.pairs_remove(apps, SimpleNamespace(connection=connection))
    assert sorted(entry.tokens.values_list("token", flat=True)) == sorted(name_tokens(entry.full_name))


def test_the_rarest_word_drives_and_orders_the_results():
    for n in range(12):
        standalone(f"Anna Common{n:02d}")
    standalone("Anna Rareson")
    standalone("Zoë Rareson")
    assert selectors._driver(["anna", "rare"]) == "rare"
    assert selectors._driver(["rare", "anna"]) == "rare"
    assert names(register_search(q="anna rare")) == ["Anna Rareson"]


# Query counts as the Register grows -----------------------------------------------------


@pytest.mark.parametrize("q", ["anna", "anna test", "an te", ""])
def test_the_search_page_asks_as_many_queries_at_any_size_and_any_page(q):
    client = client_for(None)
    for n in range(25):
        standalone(f"Anna Test{n:03d}")
    first, body = _queries(client, "/register/", {"q": q})
    second, _ = _queries(client, _link(NEXT, body))
    for n in range(25, 250):
        standalone(f"Anna Test{n:03d}")
    bigger_first, body = _queries(client, "/register/", {"q": q})
    page = body
    for _ in range(6):
        page = client.get(_link(NEXT, page)).content.decode()
    seventh, page = _queries(client, _link(NEXT, page))
    assert "Results, page 8" in page and "Showing 141–160 of more than 160 entries." in page
    assert first == bigger_first and second <= first and seventh <= first
    # The Register's version (the visitor page cache, a miss), the levels, the page and its count,
    # and one estimate of the words' counts when there are several that pair tokens cannot answer.
    assert first == 4 + (q == "an te")


def _queries(client, url: str | None, params: dict[str, str] | None = None) -> tuple[int, str]:
    assert url is not None
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_count_on_a_page_past_the_cap_needs_no_query():
    for n in range(130):
        standalone(f"Amara Far{n:03d}")
    page = register_search(q="amara", count=True)
    for _ in range(5):
        page = register_search(q="amara", count=True, after=page.next_after)
    with CaptureQueriesContext(connection) as queries:
        sixth = register_search(q="amara", count=True, after=page.next_after)
    assert sixth.number == 7 and sixth.matches == MatchCount(130)
    assert len(queries) == 1


def test_a_word_finds_every_name_part_it_starts_and_no_other():
    for name in ("Ana Zed", "Anaïs Zed", "Anb Zed", "Ana-Zoë Zed", "Jiří Zed", "Jiřa Zed"):
        standalone(name)
    assert set(names(register_search(q="ana", per_page=100))) == {"Ana Zed", "Anaïs Zed", "Ana-Zoë Zed"}
    assert set(names(register_search(q="an", per_page=100))) == {"Ana Zed", "Anaïs Zed", "Anb Zed", "Ana-Zoë Zed"}
    assert set(names(register_search(q="jiri", per_page=100))) == {"Jiří Zed"}
    assert set(names(register_search(q="zed", per_page=100))) == {
        "Ana Zed", "Anaïs Zed", "Anb Zed", "Ana-Zoë Zed", "Jiří Zed", "Jiřa Zed"
    }  # fmt: skip
    assert selectors._prefix_end("anna") == "annb" and selectors._prefix_end("z") == "{"
