"""The verification page says plainly whether the person is endorsed today."""

import pytest

from conftest import client_for
from nurture.register.models import RegisterEntry
from nurture.register.numbers import number_for

from .conftest import entry_for

pytestmark = pytest.mark.django_db
Status = RegisterEntry.Status


@pytest.mark.parametrize(
    ("status", "says", "never"),
    [
        (Status.ACTIVE, "Endorsed today.", "Not endorsed today"),
        (Status.RENEWAL_DUE, "Endorsed today.", "Not endorsed today"),
        (Status.LAPSED, "Not endorsed today.", "Endorsed today."),
        (Status.SUSPENDED, "Not endorsed today.", "Endorsed today."),
    ],
)
def test_the_page_says_whether_the_person_is_endorsed_today(siobhan, status, says, never):
    entry = entry_for(siobhan, status=status)
    response = client_for(None).get(f"/register/{entry.number}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert says in page and never not in page
    assert entry.number in page and "Prevention" in page


def test_a_removed_entry_is_not_found(siobhan):
    entry = entry_for(siobhan, status=Status.REMOVED)
    response = client_for(None).get(f"/register/{entry.number}/")
    assert response.status_code == 404
    assert "O&#x27;Néill" not in response.content.decode()


def test_an_unknown_number_is_not_found(db):
    response = client_for(None).get(f"/register/{number_for(7_000_001)}/")
    assert response.status_code == 404
    assert "no entry on the Register" in response.content.decode()


def test_a_mistyped_number_is_called_a_typing_mistake(siobhan):
    entry = entry_for(siobhan)
    typo = entry.number[:5] + entry.number[6] + entry.number[5] + entry.number[7:]
    if typo == entry.number:
        typo = entry.number[:-1] + ("0" if entry.number[-1] != "0" else "1")
    response = client_for(None).get(f"/register/{typo}/")
    assert response.status_code == 404
    assert "typing mistake" in response.content.decode()


def test_a_number_typed_loosely_redirects_to_the_stable_address(siobhan):
    entry = entry_for(siobhan)
    response = client_for(None).get(f"/register/{entry.number.lower().replace('-', '')}/")
    assert response.status_code == 302 and response["Location"] == f"/register/{entry.number}/"


def test_the_entry_keeps_its_public_record_when_the_account_is_erased(siobhan):
    entry = entry_for(siobhan)
    siobhan.delete()
    assert "Endorsed today." in client_for(None).get(f"/register/{entry.number}/").content.decode()


@pytest.mark.parametrize(
    ("status", "tag", "sentence"),
    [
        (Status.ACTIVE, "tag--ok", "is on the Infant Mental Health Register"),
        (Status.LAPSED, "tag--later", "lapsed on"),
        (Status.SUSPENDED, "tag--no", "has been suspended by the association"),
    ],
)
def test_the_page_and_the_search_mark_each_status_in_its_own_way(siobhan, status, tag, sentence):
    entry = entry_for(siobhan, status=status)
    page = client_for(None).get(f"/register/{entry.number}/").content.decode()
    assert f'class="tag {tag}"' in page and sentence in page
    found = client_for(None).get("/register/", {"q": "siobhan"}).content.decode()
    assert f'<span class="tag {tag}">{entry.get_status_display()}</span>' in found


def test_the_page_says_on_which_day_it_was_checked(siobhan, monkeypatch):
    from datetime import date

    from django.utils import timezone

    entry = entry_for(siobhan)
    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2026, 12, 1))
    page = client_for(None).get(f"/register/{entry.number}/").content.decode()
    assert 'Checked on <time datetime="2026-12-01">1 December 2026</time>' in page


def test_a_printout_keeps_the_check_and_the_pages_address_without_the_sites_menus(siobhan, settings):
    entry = entry_for(siobhan)
    page = client_for(None).get(f"/register/{entry.number}/").content.decode()
    # What only the printout shows, and what it leaves out (the print rules are in nurture.css).
    assert f'<p class="print-only">This page: {settings.NURTURE_SITE_URL}/register/{entry.number}/</p>' in page
    assert '<p class="print-hidden"><a href="/register/">Search the Register</a></p>' in page
    css = (settings.BASE_DIR / "nurture/core/static/core/nurture.css").read_text()
    print_rules = css[css.index("@media print") :]
    assert ".site-header, .site-footer" in print_rules and ".print-hidden" in print_rules
