"""Every response carries a Content-Security-Policy without 'unsafe-inline' and a
Permissions-Policy; no template brings back an inline script or style."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from conftest import client_for, make_person
from nurture.accounts.roles import Role

ROOT = Path(settings.BASE_DIR)
EXPECTED_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "interest-cohort"]

# One page of each kind, and who looks at it.
PAGES = {
    "home": (None, "/"),
    "register search": (None, "/register/"),
    "framework": (None, "/framework/"),
    "sign in (allauth)": (None, "/accounts/login/"),
    "not found": (None, "/no-such-page/"),
    "events": (None, "/events/"),
    "API documentation": (None, "/api/v1/docs"),
    "portfolio": ("practitioner", "/portfolio/"),
    "two-factor (allauth)": ("practitioner", "/accounts/2fa/"),
    "staff": ("registrar", "/staff/people/"),
    "admin": ("admin", "/admin/mfa/authenticator/"),
    "forbidden": ("practitioner", "/staff/"),
}


def policy_of(header: str) -> dict[str, str]:
    directives = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {directive[0]: directive[1] for directive in directives}


@pytest.fixture
def people(db) -> dict[str | None, object]:
    admin = make_person("staff.registrar@example.org", Role.REGISTRAR)
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    return {
        None: None,
        "practitioner": make_person("amara.okafor@example.org"),
        "registrar": make_person("registrar@example.org", Role.REGISTRAR),
        "admin": admin,
    }


@pytest.mark.parametrize(("who", "path"), PAGES.values(), ids=PAGES.keys())
def test_every_kind_of_page_has_the_content_security_policy(people, who, path):
    response = client_for(people[who]).get(path)

    assert response["Content-Type"].startswith("text/html")
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert policy_of(response["Content-Security-Policy"]) == EXPECTED_POLICY


@pytest.mark.parametrize(("who", "path"), PAGES.values(), ids=PAGES.keys())
def test_every_kind_of_page_turns_off_the_browser_features_nobody_uses(people, who, path):
    response = client_for(people[who]).get(path)

    features = dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))
    for feature in DENIED_FEATURES:
        assert features[feature] == "()"


def test_json_answers_carry_the_headers_too(db):
    response = client_for(None).get("/api/v1/framework")

    assert policy_of(response["Content-Security-Policy"])["default-src"] == "'self'"
    assert "camera=()" in response["Permissions-Policy"]


# No inline script or style creeps back in ------------------------------------------------

# A <script> with neither a src nor a nonce (JSON data blocks are not scripts).
INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*\bnonce=)(?![^>]*type=\"application/(?:ld\+)?json\")", re.I
)


def site_templates() -> list[Path]:
    """Every template of a page the site serves; emails are read in mail programs, not here."""
    found = sorted((ROOT / "nurture").glob("**/templates/**/*.html"))
    return [path for path in found if "email" not in path.parent.name]


def test_the_templates_are_found():
    names = {path.name for path in site_templates()}
    assert {"base.html", "month.html", "_pledge_form.html"} <= names
    assert not any("email" in path.parent.name for path in site_templates())


@pytest.mark.parametrize("template", site_templates(), ids=lambda path: str(path.relative_to(ROOT / "nurture")))
def test_no_template_has_an_inline_style_or_script(template):
    text = template.read_text()

    assert not re.search(r"\sstyle\s*=", text, re.I), "use a class in core/static/core/nurture.css"
    assert not re.search(r"<style\b", text, re.I), "move the rules to core/static/core/nurture.css"
    assert not INLINE_SCRIPT.search(text), 'move it to a static file, or give it nonce="{{ request.csp_nonce }}"'
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handlers need 'unsafe-inline'"
