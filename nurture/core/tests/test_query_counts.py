"""The audit log reads the same number of queries however many entries it shows."""

from conftest import client_for, make_person
from nurture.core.audit import audit_record
from nurture.core.tests.queries import page_queries

AUDIT_LOG = 5


def test_the_audit_log_reads_as_many_queries_for_twelve_entries_as_for_two(registrar):
    client = client_for(registrar)
    audit = "/staff/audit/"
    for n in range(2):
        person = make_person(f"person{n}@example.org")
        audit_record(action="accounts.role_assigned", actor=registrar, target=person, reason=f"Reason {n}")
    two, _page = page_queries(client, audit)
    for n in range(2, 12):
        person = make_person(f"person{n}@example.org")
        audit_record(action="accounts.role_assigned", actor=person, target=person, reason=f"Reason {n}")
    twelve, page = page_queries(client, audit)
    assert "Reason 11" in page
    assert (two, twelve) == (AUDIT_LOG, AUDIT_LOG)
