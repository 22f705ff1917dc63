"""The public Register's search and verification pages are cached whole for visitors
under the Register's version: a hit costs the version read, and every change the
public sees, the daily job's lapses included, shows on the next request."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest

from conftest import client_for, make_person
from nurture.core.data_versions import data_versions
from nurture.core.tests.queries import page_queries
from nurture.register.models import RegisterEntry
from nurture.register.services import (
    register_entries_unlink,
    register_entry_action,
    register_status_follow_calendar,
    register_visibility_update,
    renewal_submit,
)
from nurture.register.tasks import register_statuses_update

from .conftest import entry_for

pytestmark = pytest.mark.django_db
Status = RegisterEntry.Status
SEARCH = "/register/?q=siobhan"


def _entry_page(entry: RegisterEntry) -> str:
    return f"/register/{entry.number}/"


def test_a_visitors_second_request_costs_the_version_read_alone(siobhan):
    entry = entry_for(siobhan)
    client = client_for(None)
    for url in (SEARCH, _entry_page(entry), "/register/?q=siobhan&level=prevention"):
        _queries, first = page_queries(client, url)
        hits, second = page_queries(client, url)
        assert hits == 1 and second == first and "Siobhán" in first


def test_the_order_of_the_filters_makes_no_second_page(siobhan):
    entry_for(siobhan)
    client = client_for(None)
    page_queries(client, "/register/?q=siobhan&level=prevention")
    hits, page = page_queries(client, "/register/?level=prevention&q=siobhan")
    assert hits == 1 and "Siobhán" in page


def test_a_new_entry_shows_in_the_search_at_once(siobhan):
    entry_for(siobhan)
    client = client_for(None)
    assert "Siobhan Murphy" not in client.get(SEARCH).content.decode()
    entry_for(make_person("s.murphy@example.org", name="Siobhan Murphy"))
    assert "Siobhan Murphy" in client.get(SEARCH).content.decode()


def test_a_suspension_shows_at_once_on_the_entry_and_in_the_search(siobhan, registrar):
    entry = entry_for(siobhan)
    client = client_for(None)
    assert "Endorsed today." in client.get(_entry_page(entry)).content.decode()
    client.get(SEARCH)
    register_entry_action(entry=entry, action="suspend", actor=registrar, reason="Conduct review.", today=date.today())
    assert "suspended by the association" in client.get(_entry_page(entry)).content.decode()
    assert "Suspended" in client.get(SEARCH).content.decode()


def test_the_daily_job_lapsing_an_entry_shows_at_once(siobhan):
    due = date(2026, 6, 30)
    entry = entry_for(siobhan, due_on=due, status=Status.RENEWAL_DUE)
    client = client_for(None)
    assert "lapsed on" not in client.get(_entry_page(entry)).content.decode()
    assert register_statuses_update.call(today=(due + timedelta(days=30)).isoformat()) == 1
    assert "lapsed on" in client.get(_entry_page(entry)).content.decode()


def test_what_a_practitioner_shows_shows_at_once(siobhan):
    entry = entry_for(siobhan)
    client = client_for(None)
    assert "London" not in client.get(_entry_page(entry)).content.decode()
    register_visibility_update(practitioner=siobhan, show_profession=False, show_region=True, show_employer=False)
    assert "London" in client.get(_entry_page(entry)).content.decode()


def test_the_page_checked_yesterday_is_not_shown_today(siobhan, monkeypatch):
    entry = entry_for(siobhan)
    client = client_for(None)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: date(2026, 6, 1))
    assert 'Checked on <time datetime="2026-06-01">' in client.get(_entry_page(entry)).content.decode()
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: date(2026, 6, 2))
    assert 'Checked on <time datetime="2026-06-02">' in client.get(_entry_page(entry)).content.decode()


def test_a_bad_number_is_a_400_with_its_message_every_time(db):
    client = client_for(None)
    pages = [client.get("/register/", {"number": "IMH-12"}) for _ in range(2)]
    assert [page.status_code for page in pages] == [400, 400]
    assert pages[0].content == pages[1].content


def test_someone_signed_in_never_gets_a_visitors_page_nor_leaves_theirs(siobhan, practitioner):
    entry = entry_for(siobhan)
    for url in (SEARCH, _entry_page(entry)):
        client_for(None).get(url)
        signed_in = client_for(practitioner)
        for _ in range(2):
            page = signed_in.get(url).content.decode()
            assert "Sign out" in page and "Create an account" not in page
        visitor = client_for(None).get(url).content.decode()
        assert "Sign out" not in visitor and "Create an account" in visitor


def _renew(entry: RegisterEntry, person, registrar) -> object:
    RegisterEntry.objects.filter(pk=entry.pk).update(status=Status.RENEWAL_DUE)
    entry.refresh_from_db()
    return renewal_submit(
        entry=entry,
        actor=person,
        cpd_hours=Decimal(100),
        supervision_hours=Decimal(100),
        ethics_agreed=True,
        today=entry.renewal_due_on - timedelta(days=10),
    )


SERVICES: dict[str, Callable[..., object]] = {
    "put on the Register": lambda entry, person, registrar: entry_for(make_person("new@example.org", name="New One")),
    "suspend": lambda entry, person, registrar: register_entry_action(
        entry=entry, action="suspend", actor=registrar, reason="Review.", today=date.today()
    ),
    "choose what is shown": lambda entry, person, registrar: register_visibility_update(
        practitioner=person, show_profession=True, show_region=True, show_employer=True
    ),
    "account erased": lambda entry, person, registrar: register_entries_unlink(practitioner=person),
    "renew": _renew,
    "daily lapse": lambda entry, person, registrar: register_status_follow_calendar(
        entry=entry, today=entry.renewal_due_on + timedelta(days=30)
    ),
}


@pytest.mark.parametrize("service", SERVICES.values(), ids=SERVICES.keys())
def test_each_change_the_public_sees_bumps_the_registers_version(siobhan, registrar, service):
    entry = entry_for(siobhan)
    before = data_versions("register")["register"]
    service(entry, siobhan, registrar)
    assert data_versions("register")["register"] == before + 1
