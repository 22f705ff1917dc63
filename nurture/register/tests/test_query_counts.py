"""The registrar's Register pages read the same number of queries however many entries there are."""

from conftest import client_for, make_person
from nurture.core.tests.queries import page_queries

from .conftest import entry_for


def test_the_staff_register_reads_as_many_queries_for_twelve_entries_as_for_two(registrar):
    client = client_for(registrar)
    for n in range(2):
        entry_for(make_person(f"person{n}@example.org", name=f"Person {n}"))
    two, _page = page_queries(client, "/staff/register/")
    for n in range(2, 12):
        entry_for(
            make_person(f"person{n}@example.org", name=f"Person {n}"), code="promotion" if n % 2 else "prevention"
        )
    twelve, page = page_queries(client, "/staff/register/")
    assert "Person 11" in page
    assert twelve == two
