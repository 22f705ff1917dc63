"""The registrar's people page reads the same number of queries however many people there are."""

from conftest import client_for, make_person
from nurture.accounts.roles import Role
from nurture.core.tests.queries import page_queries

PEOPLE = 5


def test_the_people_page_reads_as_many_queries_for_twelve_people_as_for_two(registrar):
    client = client_for(registrar)
    make_person("assessor.one@example.org", Role.ASSESSOR, name="Person 0")
    two, _page = page_queries(client, "/staff/people/")
    for n in range(1, 11):
        make_person(f"person{n}@example.org", Role.ASSESSOR if n % 2 else Role.PRACTITIONER, name=f"Person {n}")
    twelve, page = page_queries(client, "/staff/people/")
    assert "Person 10" in page
    assert (two, twelve) == (PEOPLE, PEOPLE)
