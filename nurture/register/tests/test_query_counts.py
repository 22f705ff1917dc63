"""The registrar's Register pages read the same number of queries however many entries there are."""

from conftest import client_for, make_person
from nurture.accounts.roles import Role
from nurture.core.audit import audit_record
from nurture.core.tests.queries import page_queries

from .conftest import entry_for

STAFF_REGISTER = 4
STAFF_ENTRY = 6


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
    assert (two, twelve) == (STAFF_REGISTER, STAFF_REGISTER)


def test_a_staff_entry_page_reads_as_many_queries_for_twelve_audit_entries_as_for_two(registrar):
    client = client_for(registrar)
    entry = entry_for(make_person("person@example.org", name="Person"))
    url = f"/staff/register/{entry.number}/"
    audit_record(action="register.entry.noted", actor=registrar, target=entry, reason="Reason 1")
    two, _page = page_queries(client, url)
    for n in range(2, 12):
        actor = make_person(f"registrar{n}@example.org", Role.REGISTRAR, name=f"Registrar {n}")
        audit_record(action="register.entry.noted", actor=actor, target=entry, reason=f"Reason {n}")
    twelve, page = page_queries(client, url)
    assert "Reason 11" in page and "Registrar 11" in page
    assert (two, twelve) == (STAFF_ENTRY, STAFF_ENTRY)
