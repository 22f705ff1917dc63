"""The footer's pages about the site: public, cached for visitors, and true to the settings
they describe (how long things are kept, which cookies, whom to write to)."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import client_for, make_person
from nurture.core.visitor_cache import visitor_cache_clear

pytestmark = pytest.mark.django_db

PAGES = {
    "/contact/": "Contact us",
    "/privacy/": "Privacy notice",
    "/accessibility/": "Accessibility statement",
    "/cookies/": "Cookies",
}


@pytest.mark.parametrize(("path", "heading"), PAGES.items(), ids=PAGES.keys())
def test_each_page_is_public_and_names_who_runs_the_site_and_how_to_write(settings, path, heading):
    page = Client().get(path).content.decode()

    assert f"<h1>{heading}</h1>" in page
    assert f'href="mailto:{settings.NURTURE_CONTACT_EMAIL}"' in page
    assert settings.NURTURE_ASSOCIATION_NAME in page


@pytest.mark.parametrize("path", PAGES)
def test_every_page_links_to_the_four_from_its_footer(path):
    page = Client().get(path).content.decode()

    for linked in PAGES:
        assert f'<a href="{linked}">' in page


def test_the_contact_address_and_association_come_from_the_settings(settings):
    settings.NURTURE_CONTACT_EMAIL = "hello@imha.example.org"
    settings.NURTURE_ASSOCIATION_NAME = "the Example Infant Mental Health Association"
    visitor_cache_clear()

    page = Client().get("/contact/").content.decode()

    assert 'href="mailto:hello@imha.example.org"' in page
    assert "Nurture is run by the Example Infant Mental Health Association." in page


def test_the_privacy_notice_says_how_long_pledges_and_email_texts_are_kept(settings):
    settings.NURTURE_PLEDGE_ANONYMISE_DAYS = 45
    settings.NURTURE_EMAIL_KEEP_BODY_DAYS = 12
    visitor_cache_clear()

    page = Client().get("/privacy/").content.decode()

    assert "45 days after the campaign ends we remove the names" in page
    assert "is cleared 12 days after it was sent" in page
    assert "Download your data" in page and "Delete your account" in page


def test_the_cookie_page_lists_the_cookies_the_site_sets(settings):
    page = Client().get("/cookies/").content.decode()

    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages"):
        assert f"<code>{name}</code>" in page
    assert "so we do not ask you to choose" in page


def test_a_page_a_visitor_asks_for_again_comes_from_the_cache(django_assert_num_queries):
    visitor_cache_clear()
    Client().get("/privacy/")

    with django_assert_num_queries(0):
        again = Client().get("/privacy/")

    assert again.status_code == 200 and b"Privacy notice" in again.content


def test_signed_in_people_see_the_page_with_their_own_header(db):
    page = client_for(make_person("amara@example.org")).get("/accessibility/").content.decode()

    assert "Sign out" in page and "Swagger UI" in page


def test_the_favicon_is_an_icon_kept_a_day():
    response = Client().get("/favicon.ico")

    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"
