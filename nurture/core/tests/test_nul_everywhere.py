"""A NUL anywhere in a request is a 400 with a plain message, on every URL of the site.

PostgreSQL refuses a string holding NUL, so a NUL that reaches a query answers 500
there (SQLite lets it through, which is why this runs on both). The test walks every
URL pattern of the site (the pages, django-allauth's, the JSON API's and the admin's),
builds a real address for each, and sends it, as each persona, with a NUL in each
path parameter in turn, in the query string, and in a form or JSON body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from conftest import client_for, make_person
from nurture.accounts.roles import Role
from nurture.core.middleware import REFUSAL
from nurture.core.tests.test_control_characters import make_campaign

# Values for path parameters, by name, so that the rest of the address is real
# (campaign 2022 is made below; the framework, its levels and competencies ship).
VALUES = {
    "slug": "2022",
    "campaign": "2022",
    "level": "prevention",
    "code": "D1.1",
    "kind": "training",
    "step": "submit",
    "year": "2031",
    "month": "5",
    "number": "1",
}
# Query parameters that the views read (searches, filters, pages, the audit log's
# action, sign-in's next), and one that no view reads.
QUERY_NAMES = (
    "q",
    "page",
    "action",
    "number",
    "level",
    "region",
    "profession",
    "campaign",
    "audience",
    "mode",
    "start",
    "end",
    "status",
    "state",
    "kind",
    "next",
    "x",
)
ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*)\)")


@dataclass(frozen=True)
class Address:
    """A URL pattern made concrete: literal text and named parameters, in order."""

    name: str
    parts: tuple[tuple[str, str], ...]  # ("", literal) or (parameter name, value)

    def url(self, nul_in: int | None = None) -> str:
        """The address, with "%00" after the value of the `nul_in`-th parameter."""
        out, index = [], 0
        for parameter, text in self.parts:
            out.append(text)
            if parameter:
                if index == nul_in:
                    out.append("%00")
                index += 1
        return "/" + "".join(out)

    @property
    def parameters(self) -> int:
        return sum(1 for parameter, _ in self.parts if parameter)


def _value(name: str, converter: str | None) -> str:
    return VALUES.get(name, "1" if converter == "int" else "a")


def _route_parts(route: str) -> Iterator[tuple[str, str]]:
    at = 0
    for found in ROUTE_PARAMETER.finditer(route):
        yield "", route[at : found.start()]
        yield found["name"], _value(found["name"], found["converter"])
        at = found.end()
    yield "", route[at:]


def _regex_parts(regex: str) -> Iterator[tuple[str, str]]:
    """allauth's and the admin's few regular expressions: a group that lists
    alternatives (the admin's app labels) takes the first; any other takes a value."""
    regex = regex.removeprefix("^").removesuffix("$")
    at = 0
    for found in REGEX_GROUP.finditer(regex):
        yield "", regex[at : found.start()].replace("\\", "")
        body = found["body"]
        literal = re.fullmatch(r"\w+(\|\w+)*", body)
        yield found["name"], body.split("|")[0] if literal else _value(found["name"], None)
        at = found.end()
    yield "", regex[at:].replace("\\", "")


def addresses(
    resolver: URLResolver | None = None, name_prefix: str = "", parts: tuple[tuple[str, str], ...] = ()
) -> Iterator[Address]:
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern.pattern, RoutePattern):
            own = tuple(_route_parts(str(pattern.pattern)))
        else:
            assert isinstance(pattern.pattern, RegexPattern)
            own = tuple(_regex_parts(str(pattern.pattern)))
        if isinstance(pattern, URLResolver):
            inner = f"{name_prefix}{pattern.namespace}:" if pattern.namespace else name_prefix
            yield from addresses(pattern, inner, parts + own)
        elif isinstance(pattern, URLPattern):
            yield Address(name_prefix + (pattern.name or "(unnamed)"), parts + own)


ADDRESSES = list(addresses())
PERSONAS = {
    "visitor": None,
    "practitioner": ("amara.okafor@example.org", Role.PRACTITIONER),
    "registrar": ("registrar@example.org", Role.REGISTRAR),  # with two-factor, as staff must
    "coordinator": ("coordinator@example.org", Role.COORDINATOR),
}
NUL_QUERY = "&".join(f"{name}=%00" for name in QUERY_NAMES)
NUL_FORM = dict.fromkeys(("q", "name", "email", "title", "reason", "text", "x"), "\x00")


def test_the_walk_reaches_every_kind_of_url():
    names = {address.name for address in ADDRESSES}
    assert {"api:pledge_api", "framework:competency", "register:renew", "account_login", "admin:app_list"} <= names
    assert len(ADDRESSES) > 150
    urls = {address.name: address.url(0) for address in ADDRESSES}
    assert urls["api:pledge_api"] == "/api/v1/pledges/2022%00"
    assert urls["framework:competency"] == "/framework/competencies/D1.1%00/"
    assert urls["account_reset_password_from_key"] == "/accounts/password/reset/key/a%00-a/"
    assert urls["admin:app_list"] == "/admin/auth%00/"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_a_nul_anywhere_in_any_url_is_a_400_never_a_500(persona):
    make_campaign()
    details = PERSONAS[persona]
    client = client_for(make_person(details[0], details[1]) if details else None)
    client.raise_request_exception = False  # a 500 is listed with the others
    wrong: list[str] = []

    def check(method: str, url: str, **kwargs: object) -> None:
        response = getattr(client, method)(url, **kwargs)
        if response.status_code != 400:
            wrong.append(f"{method.upper()} {url} {kwargs.get('data', '')!r}: {response.status_code}")

    for address in ADDRESSES:
        for index in range(address.parameters):
            check("get", address.url(nul_in=index))
            check("post", address.url(nul_in=index))
        url = address.url()
        check("get", f"{url}?{NUL_QUERY}")
        check("post", f"{url}?x=%00")
        check("post", url, data=NUL_FORM)
        if url.startswith("/api/"):
            check("post", url, data=json.dumps({"name": "Amara\x00"}), content_type="application/json")

    errors = [line for line in wrong if line.endswith(": 500")]
    assert not wrong, f"{len(wrong)} requests were not answered 400, {len(errors)} of them with 500:\n" + "\n".join(
        (errors + wrong)[:40]
    )


@pytest.mark.django_db
def test_the_refusal_is_a_plain_message_and_json_for_the_api(practitioner):
    page = client_for(None).get("/staff/people/", {"q": "\x00"})
    assert page.status_code == 400
    assert page["Content-Type"] == "text/plain; charset=utf-8"
    assert page.content.decode() == REFUSAL
    api = client_for(practitioner).get("/api/v1/me/readiness/a%00b")
    assert api.status_code == 400
    assert api.json() == {"detail": REFUSAL}


@pytest.mark.django_db
@pytest.mark.parametrize("cookie", ["sessionid", "csrftoken", "anything"])
def test_a_cookie_holding_a_nul_is_dropped_not_a_500(practitioner, cookie):
    """Django unquotes `\\000` in a quoted cookie into a NUL; a session one reached PostgreSQL."""
    client = client_for(practitioner)
    session = client.cookies["sessionid"].value
    spoilt = f'{cookie}="abcdefghij\\000klm"'
    header = spoilt if cookie == "sessionid" else f"sessionid={session}; {spoilt}"
    response = client.get("/account/profile/", HTTP_COOKIE=header)
    if cookie == "sessionid":  # read as no session at all: signed out
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 200
    assert response.cookies[cookie].value == "" and response.cookies[cookie]["max-age"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [{"q": "\x00"}, {"list": ["ok", {"deep": "a\x00"}]}, {"key\x00": 1}],
    ids=["value", "nested", "key"],
)
def test_a_nul_in_any_string_of_a_json_body_is_refused(body):
    response = client_for(None).post("/api/v1/register", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": REFUSAL}


@pytest.mark.django_db
def test_json_without_a_nul_goes_through_even_with_an_escaped_backslash_before_u0000():
    """`\\\\u0000` is a backslash followed by the text "u0000", not a NUL."""
    body = json.dumps({"q": "\\u0000"})
    assert "\\\\u0000" in body
    response = client_for(None).post("/api/v1/register", body, content_type="application/json")
    assert response.status_code == 405


@pytest.mark.django_db
def test_a_file_whose_content_holds_nul_bytes_is_not_refused_for_them(practitioner, private_media):
    """Files are bytes: a NUL in a PDF is ordinary; only text fields are checked."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("certificate.pdf", b"%PDF-1.4\n\x00\x00\n%%EOF\n", content_type="application/pdf")
    response = client_for(practitioner).post("/portfolio/training/new/", {"title": "Course", "certificate": upload})
    assert REFUSAL not in response.content.decode()
