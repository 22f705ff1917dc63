"""The full address of the site's own pages, for what leaves the site."""

from __future__ import annotations

from nurture.core.origins import HOST_FALLBACK, site_host, site_url, site_url_for_path


def test_a_page_address_is_the_site_url_and_the_named_path(settings):
    settings.NURTURE_SITE_URL = "https://nurture.example.org"
    assert site_url("register:entry", "IMH-000123") == "https://nurture.example.org/register/IMH-000123/"
    assert site_url("events:ics", 7) == "https://nurture.example.org/events/7.ics"
    assert site_url("register:mine") == "https://nurture.example.org/register/me/"


def test_an_address_follows_the_setting_when_it_is_read(settings):
    settings.NURTURE_SITE_URL = "http://127.0.0.1:8000"
    assert site_url("register:mine") == "http://127.0.0.1:8000/register/me/"


def test_an_address_for_a_path_the_caller_has_is_the_site_url_and_that_path(settings):
    settings.NURTURE_SITE_URL = "https://nurture.example.org"
    assert site_url_for_path("/events/7/stay-and-play/") == "https://nurture.example.org/events/7/stay-and-play/"


def test_the_host_is_the_site_urls_host_name_without_port_or_capitals(settings):
    settings.NURTURE_SITE_URL = "https://Nurture.Example.org"
    assert site_host() == "nurture.example.org"
    settings.NURTURE_SITE_URL = "http://127.0.0.1:8000"
    assert site_host() == "127.0.0.1"


def test_a_site_url_without_a_host_gives_a_name_that_is_nobodys_domain(settings):
    settings.NURTURE_SITE_URL = "nurture.example.org"  # no scheme: urlsplit finds no host
    assert site_host() == HOST_FALLBACK == "nurture.localhost"


def test_an_emails_message_id_ends_in_the_site_host(db, settings):
    from nurture.core.outbox import message_record

    settings.NURTURE_SITE_URL = "https://nurture.example.org"
    message = message_record(to="jo@example.org", subject="Hello", body_text="Hello.", purpose="test")
    assert message.message_id.endswith("@nurture.example.org>")
