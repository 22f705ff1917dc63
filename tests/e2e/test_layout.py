"""The layout every page shares: the header's menu, the footer's pages, the icon, and the
two checks every browser test makes (no sideways scroll at 390 px, focus on the error
summary after a failed form), tested on pages made to fail them."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from conftest import make_person
from nurture.accounts.roles import Role
from tests.e2e.conftest import DESKTOP, PHONE, check_fits_a_phone, check_focus_on_error_summary

WIDE_IMAGE = "data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="
FOOTER_PAGES = {
    "Contact us": ("/contact/", "Contact us"),
    "Privacy notice": ("/privacy/", "Privacy notice"),
    "Accessibility statement": ("/accessibility/", "Accessibility statement"),
    "Cookies": ("/cookies/", "Cookies"),
}


def _tops(page: Page, navigation: str) -> list[float]:
    """The top edge of every link and button in one of the header's navigations."""
    items = page.get_by_role("navigation", name=navigation).locator("a, button")
    return [box["y"] for box in (item.bounding_box() for item in items.all()) if box is not None]


# The checks themselves ----------------------------------------------------------------


@pytest.mark.browser
def test_the_phone_check_fails_on_a_page_wider_than_the_screen_and_names_the_element(new_visitor):
    me = new_visitor()
    me.visit("/")
    # The page's Content-Security-Policy refuses inline styles: an image's own width makes it wide.
    me.page.set_content(
        f'<main><p>Fine</p><img class="too-wide" src="{WIDE_IMAGE}" width="800" height="10" alt=""></main>'
    )

    with pytest.raises(pytest.fail.Exception, match=r"scrolls sideways at 390 px(.|\n)*<img\.too-wide> 800 px wide"):
        check_fits_a_phone(me.page, phone=me.phone)


@pytest.mark.browser
def test_the_phone_check_lets_a_wide_table_scroll_inside_its_own_box(new_visitor):
    me = new_visitor()
    me.visit("/")
    me.page.set_content(
        '<link rel="stylesheet" href="/static/core/nurture.css"><main><div class="table-scroll">'
        f'<table><tr><td><img src="{WIDE_IMAGE}" width="900" height="10" alt=""></td></tr></table></div></main>'
    )

    check_fits_a_phone(me.page, phone=me.phone)


@pytest.mark.browser
def test_the_focus_check_fails_when_an_error_summary_does_not_have_the_focus(new_visitor):
    me = new_visitor()
    me.visit("/")
    me.page.set_content('<div class="error-summary" tabindex="-1"><h2>There is a problem</h2></div><a href="#">x</a>')

    with pytest.raises(AssertionError, match="shows an error summary, but the focus is on"):
        check_focus_on_error_summary(me.page)


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_failed_form_puts_the_focus_on_the_error_summary(new_visitor, javascript):
    me = new_visitor(keyboard=True, javascript=javascript)
    me.visit("/accounts/signup/")
    me.follow(me.page.get_by_role("button", name="Create your account"))

    summary = me.page.locator(".error-summary")
    expect(summary).to_be_focused()
    # Tab goes on from the summary to its first link, the first field with a problem.
    me.page.keyboard.press("Tab")
    expect(summary.get_by_role("link").first).to_be_focused()


# The header ---------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_on_a_phone_the_header_links_open_from_the_menu_by_keyboard(new_visitor, javascript):
    me = new_visitor(keyboard=True, javascript=javascript, viewport=PHONE)
    me.sign_in_as(make_person("amara.okafor@example.org"))
    me.visit("/")
    page = me.page
    sign_out = page.get_by_role("button", name="Sign out")
    expect(sign_out).to_be_hidden()
    header = page.get_by_role("banner").bounding_box()
    assert header is not None and header["height"] < 80, f"the closed header is {header} tall"

    me.open_menu()

    expect(sign_out).to_be_visible()
    me.follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="My portfolio"))
    assert me.visited[-1] == "/portfolio/"


@pytest.mark.browser
@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.REGISTRAR], ids=["practitioner", "registrar"])
def test_at_desktop_width_the_signed_in_header_keeps_each_group_on_one_line(new_visitor, role):
    me = new_visitor(viewport=DESKTOP)
    me.sign_in_as(make_person("someone@example.org", role))
    me.visit("/framework/")
    page = me.page
    expect(page.locator("header summary.menu-button")).to_be_hidden()

    # A link and a button on one line sit a pixel or two apart; a second line is a line-height below.
    account, main = _tops(page, "Account"), _tops(page, "Main")
    assert max(account) - min(account) < 10, f"the account links wrap onto more than one line: {account}"
    assert max(main) - min(main) < 10, f"the site's links wrap onto more than one line: {main}"
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


# The footer, the logo and the icon ------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("link", FOOTER_PAGES, ids=[path for path, _ in FOOTER_PAGES.values()])
def test_each_footer_page_opens_from_the_footer_by_keyboard(new_visitor, link):
    path, heading = FOOTER_PAGES[link]
    me = new_visitor(keyboard=True, viewport=PHONE)
    me.visit("/")
    me.follow(me.page.get_by_role("contentinfo").get_by_role("link", name=link))

    assert me.visited[-1] == path
    expect(me.page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(me.page.get_by_role("main").get_by_role("link", name=settings.NURTURE_CONTACT_EMAIL).first).to_be_visible()


@pytest.mark.browser
def test_the_logo_has_a_text_alternative_and_the_icons_load(new_visitor, site):
    me = new_visitor()
    me.visit("/")
    page = me.page

    expect(page.get_by_role("banner").get_by_role("link", name="Nurture", exact=True)).to_be_visible()
    logo = page.locator("header .brand img")
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0"), "the logo did not load"
    for icon in page.locator("link[rel=icon]").all():
        response = page.request.get(str(icon.evaluate("link => link.href")))
        assert response.status == 200, f"{icon.get_attribute('href')} answered {response.status}"
        assert response.headers["content-type"].startswith("image/")
    assert page.request.get(f"{site}/favicon.ico").status == 200
