"""The public pages, and a practitioner's own pages, pass axe-core and fit a phone screen.

Every visit runs axe-core (WCAG 2.2 AA; serious and critical problems fail).
At 390 CSS pixels wide, the width of a common phone, nothing may make the page
scroll sideways (WCAG 1.4.10 Reflow); wide tables scroll inside their own box.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import make_person
from tests.e2e.conftest import PHONE, Visitor

PUBLIC_PAGES = {
    "home": "/",
    "framework": "/framework/",
    "competency": "/framework/competencies/D1.1/",
    "level": "/framework/levels/prevention/",
    "sign-in": "/accounts/login/",
    "sign-up": "/accounts/signup/",
    "password-reset": "/accounts/password/reset/",
    "contact": "/contact/",
    "privacy": "/privacy/",
    "accessibility": "/accessibility/",
    "cookies": "/cookies/",
}
PRACTITIONER_PAGES = {
    "portfolio": "/portfolio/",
    "readiness": "/portfolio/readiness/prevention/",
    "add-evidence": "/portfolio/evidence/new/",
    "add-supervision": "/portfolio/supervision/new/",
    "your-data": "/account/data/",
}


def assert_no_sideways_scroll(visitor: Visitor, screenshot: Path) -> None:
    visitor.page.screenshot(path=screenshot, full_page=True)
    widths = visitor.page.evaluate("() => ({page: document.documentElement.scrollWidth, screen: window.innerWidth})")
    assert widths["page"] <= widths["screen"], (
        f"{visitor.visited[-1]} is {widths['page']}px wide on a {widths['screen']}px screen; see {screenshot}"
    )


@pytest.mark.browser
@pytest.mark.parametrize("path", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_a_public_page_has_no_serious_accessibility_problems(new_visitor, path):
    new_visitor().visit(path)


@pytest.mark.browser
@pytest.mark.parametrize("path", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_a_public_page_fits_a_phone_screen(new_visitor, path, tmp_path):
    phone = new_visitor(viewport=PHONE)
    phone.visit(path)
    assert_no_sideways_scroll(phone, tmp_path / "phone.png")


@pytest.mark.browser
@pytest.mark.parametrize("path", PRACTITIONER_PAGES.values(), ids=PRACTITIONER_PAGES.keys())
def test_a_practitioners_page_fits_a_phone_screen(new_visitor, path, tmp_path):
    phone = new_visitor(viewport=PHONE)
    phone.sign_in_as(make_person("amara.okafor@example.org"))
    phone.visit(path)
    assert phone.visited[-1] == path, f"went to {phone.visited[-1]} instead of {path}"
    assert_no_sideways_scroll(phone, tmp_path / "phone.png")
