"""The full address of the site's own pages, for what leaves the site."""

from __future__ import annotations

from nurture.core.origins import site_url


def test_a_page_address_is_the_site_url_and_the_named_path(settings):
    settings.NURTURE_SITE_URL = "https://nurture.example.org"
    assert site_url("register:entry", "IMH-000123") == "https://nurture.example.org/register/IMH-000123/"
    assert site_url("events:ics", 7) == "https://nurture.example.org/events/7.ics"
    assert site_url("register:mine") == "https://nurture.example.org/register/me/"


def test_an_address_follows_the_setting_when_it_is_read(settings):
    settings.NURTURE_SITE_URL = "http://127.0.0.1:8000"
    assert site_url("register:mine") == "http://127.0.0.1:8000/register/me/"
