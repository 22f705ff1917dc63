"""The permission table: every URL of the site × every role → the answer it must get.

Each cell is one test case, so a failure names the URL and the role. A URL added to
the site without a row here fails `test_every_url_is_in_the_table`.

Each row starts with the method the URL expects: GET for pages, POST for the steps
that only take a POST (sent with the row's form data, empty unless `DATA` gives some),
so a POST-only URL is tested past its 405. Answers are status codes, or a redirect:
`LOGIN` (302 to the sign-in page) or `to("/path/")` (302 somewhere else).
"""

# The table reads best with one row per URL, so its lines may be long.
# ruff: noqa: E501

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import client_for, make_person
from nurture.accounts.roles import Role
from nurture.accounts.services import person_role_assign
from nurture.core.models import OutboundEmail
from nurture.framework.models import Competency
from nurture.portfolios.models import (
    CPDEntry,
    EducationRecord,
    Evidence,
    ExperienceRecord,
    SupervisionEntry,
    TrainingRecord,
)
from nurture.portfolios.services import supervision_confirm, supervision_requests_make


@dataclass(frozen=True)
class Redirect:
    """A 302 to `path` (the query string, such as `?next=`, is not compared); `<pk>`
    in the path stands for any record's number (ids differ between databases)."""

    path: str

    def __repr__(self) -> str:
        names = {LOGIN: "LOGIN", REAUTH: "REAUTH"}
        return names.get(self, f"to({self.path!r})")


def to(path: str) -> Redirect:
    return Redirect(path)


LOGIN = Redirect("/accounts/login/")
# Pages that change how one signs in ask for the password again unless the person
# signed in during the last few minutes; `client_for` signs in without recording that.
REAUTH = Redirect("/accounts/reauthenticate/")
TO_HOME, TO_DASHBOARD, TO_PORTFOLIO, TO_STAFF = to("/"), to("/dashboard/"), to("/portfolio/"), to("/staff/")
TO_CHANGE_PASSWORD = to("/accounts/password/change/")
TO_REAUTH_CODE = to("/accounts/reauthenticate/code/")
# Where the POST steps send a person allowed to take them
TO_OUTBOX, TO_FRAMEWORK, TO_EVIDENCE = to("/staff/outbox/"), to("/staff/framework/"), to("/portfolio/evidence/<pk>/")
TO_EVENTS = to("/events/mine/")
Answer = int | Redirect
Method = Literal["GET", "POST"]
GET: Method = "GET"
POST: Method = "POST"
Row = tuple[Method, Answer, Answer, Answer, Answer, Answer, Answer, Answer]

ROLES = ("visitor", "practitioner", "other", "assessor", "registrar", "coordinator", "organiser")
PERSONA_FIXTURES = {
    "practitioner": "practitioner",
    "other": "other_practitioner",
    "assessor": "assessor",
    "registrar": "registrar",
    "coordinator": "coordinator",
    "organiser": "event_organiser",
}

# "other" is another practitioner asking for the practitioner's records; "organiser" is
# an event organiser (`event_organiser`, sent to their events from the dashboard). Staff
# personas have two-factor authentication (an authenticator app, no recovery codes).
# The Django admin ("admin:" URLs) is left out of the table on purpose: it is
# covered as a group by `test_the_admin_is_for_registrars_with_two_factor`.
# fmt: off
TABLE: dict[str, Row] = {
    #                                       method visitor  practitioner        other               assessor            registrar           coordinator         organiser
    # Core
    "core:home":                            (GET , 200,    200,                200,                200,                200,                200,                200),
    "core:dashboard":                       (GET , LOGIN,  TO_PORTFOLIO,       TO_PORTFOLIO,       TO_STAFF,           TO_STAFF,           TO_STAFF,           TO_EVENTS),
    "core:staff_home":                      (GET , LOGIN,  403,                403,                200,                200,                200,                403),
    "core:audit_log":                       (GET , LOGIN,  403,                403,                403,                200,                403,                403),
    "core:outbox":                          (GET , LOGIN,  403,                403,                403,                200,                200,                403),
    "core:outbox_resend":                   (POST, LOGIN,  403,                403,                403,                TO_OUTBOX,          TO_OUTBOX,          403),
    # The pages about the site, from the footer, and the icon browsers ask for
    "core:contact":                         (GET , 200,    200,                200,                200,                200,                200,                200),
    "core:privacy":                         (GET , 200,    200,                200,                200,                200,                200,                200),
    "core:accessibility":                   (GET , 200,    200,                200,                200,                200,                200,                200),
    "core:cookies":                         (GET , 200,    200,                200,                200,                200,                200,                200),
    "core:favicon":                         (GET , 200,    200,                200,                200,                200,                200,                200),
    # Accounts
    "accounts:profile":                     (GET , LOGIN,  200,                200,                200,                200,                200,                200),
    "accounts:people":                      (GET , LOGIN,  403,                403,                403,                200,                403,                403),
    "accounts:person_role":                 (GET , LOGIN,  403,                403,                403,                200,                403,                403),
    # Your data: the download is a POST and asks for the password again; the
    # deletion page shows what goes before its POST asks for the password. Staff may
    # download theirs, but a staff role must be removed by a registrar before erasure (403)
    "accounts:data":                        (GET , LOGIN,  200,                200,                200,                200,                200,                200),
    "accounts:data_download":               (POST, LOGIN,  REAUTH,             REAUTH,             REAUTH,             REAUTH,             REAUTH,             REAUTH),
    "accounts:erase":                       (GET , LOGIN,  200,                200,                403,                403,                403,                200),
    # Framework: public pages, and the registrar's management
    "framework:home":                       (GET , 200,    200,                200,                200,                200,                200,                200),
    "framework:competency":                 (GET , 200,    200,                200,                200,                200,                200,                200),
    "framework:search":                     (GET , 200,    200,                200,                200,                200,                200,                200),
    "framework:level":                      (GET , 200,    200,                200,                200,                200,                200,                200),
    "framework:version":                    (GET , 200,    200,                200,                200,                200,                200,                200),
    "framework:version_competency":         (GET , 200,    200,                200,                200,                200,                200,                200),
    "framework:version_level":              (GET , 200,    200,                200,                200,                200,                200,                200),
    "framework:manage":                     (GET , LOGIN,  403,                403,                403,                200,                403,                403),
    "framework:publish":                    (POST, LOGIN,  403,                403,                403,                TO_FRAMEWORK,       403,                403),
    # Portfolios: the practitioner's own records; another practitioner gets 404
    "portfolios:home":                      (GET , LOGIN,  200,                200,                403,                403,                403,                403),
    "portfolios:readiness":                 (GET , LOGIN,  200,                200,                403,                403,                403,                403),
    "portfolios:evidence_check":            (POST, LOGIN,  200,                200,                403,                403,                403,                403),
    "portfolios:evidence":                  (GET , LOGIN,  200,                404,                403,                403,                403,                403),
    "portfolios:evidence_review":           (POST, LOGIN,  TO_EVIDENCE,        404,                403,                403,                403,                403),
    "portfolios:supervision_resend":        (GET , LOGIN,  200,                404,                403,                403,                403,                403),
    "portfolios:supervision_sessions":      (GET , LOGIN,  200,                200,                403,                403,                403,                403),
    "portfolios:record_new":                (GET , LOGIN,  200,                200,                403,                403,                403,                403),
    "portfolios:record_edit":               (GET , LOGIN,  200,                404,                403,                403,                403,                403),
    "portfolios:record_delete":             (GET , LOGIN,  200,                404,                403,                403,                403,                403),
    "portfolios:record_file":               (GET , LOGIN,  200,                404,                403,                403,                403,                403),
    # The supervisor's emailed link needs no account; opening it changes nothing
    "portfolios:supervision_confirm":       (GET , 200,    200,                200,                200,                200,                200,                200),
    # Accounts (django-allauth)
    "account_login":                        (GET , 200,    TO_DASHBOARD,       TO_DASHBOARD,       TO_DASHBOARD,       TO_DASHBOARD,       TO_DASHBOARD,       TO_DASHBOARD),
    "account_logout":                       (GET , TO_HOME,200,                200,                200,                200,                200,                200),
    "account_inactive":                     (GET , 200,    200,                200,                200,                200,                200,                200),
    "account_signup":                       (GET , 200,    TO_DASHBOARD,       TO_DASHBOARD,       TO_DASHBOARD,       TO_DASHBOARD,       TO_DASHBOARD,       TO_DASHBOARD),
    "account_reauthenticate":               (GET , LOGIN,  200,                200,                200,                200,                200,                200),
    # Since allauth 65.22: re-authenticate with a code emailed to one's own address instead of the password;
    # the confirm page sends back to the request page until a code has been asked for.
    "account_request_reauthentication_code":(GET , LOGIN,  200,                200,                200,                200,                200,                200),
    "account_confirm_reauthentication_code":(GET , LOGIN,  TO_REAUTH_CODE,     TO_REAUTH_CODE,     TO_REAUTH_CODE,     TO_REAUTH_CODE,     TO_REAUTH_CODE,     TO_REAUTH_CODE),
    "account_email":                        (GET , LOGIN,  200,                200,                200,                200,                200,                200),
    "account_email_verification_sent":      (GET , 200,    200,                200,                200,                200,                200,                200),
    "account_change_password":              (GET , LOGIN,  200,                200,                200,                200,                200,                200),
    "account_set_password":                 (GET , LOGIN,  TO_CHANGE_PASSWORD, TO_CHANGE_PASSWORD, TO_CHANGE_PASSWORD, TO_CHANGE_PASSWORD, TO_CHANGE_PASSWORD, TO_CHANGE_PASSWORD),
    "account_reset_password":               (GET , 200,    200,                200,                200,                200,                200,                200),
    "account_confirm_login_code":           (GET , LOGIN,  TO_DASHBOARD,       TO_DASHBOARD,       TO_DASHBOARD,       TO_DASHBOARD,       TO_DASHBOARD,       TO_DASHBOARD),
    "account_confirm_email":                (GET , 200,    200,                200,                200,                200,                200,                200),
    "account_reset_password_from_key_done": (GET , 200,    200,                200,                200,                200,                200,                200),
    "account_reset_password_from_key":      (GET , 200,    200,                200,                200,                200,                200,                200),
    "account_reset_password_done":          (GET , 200,    200,                200,                200,                200,                200,                200),
    # Two-factor authentication (django-allauth)
    "mfa_index":                            (GET , LOGIN,  200,                200,                200,                200,                200,                200),
    "mfa_authenticate":                     (GET , LOGIN,  TO_DASHBOARD,       TO_DASHBOARD,       TO_DASHBOARD,       TO_DASHBOARD,       TO_DASHBOARD,       TO_DASHBOARD),
    "mfa_reauthenticate":                   (GET , LOGIN,  REAUTH,             REAUTH,             200,                200,                200,                REAUTH),
    "mfa_activate_totp":                    (GET , LOGIN,  REAUTH,             REAUTH,             REAUTH,             REAUTH,             REAUTH,             REAUTH),
    "mfa_deactivate_totp":                  (GET , LOGIN,  404,                404,                REAUTH,             REAUTH,             REAUTH,             404),
    "mfa_view_recovery_codes":              (GET , LOGIN,  404,                404,                404,                404,                404,                404),
    "mfa_generate_recovery_codes":          (GET , LOGIN,  REAUTH,             REAUTH,             REAUTH,             REAUTH,             REAUTH,             REAUTH),
    "mfa_download_recovery_codes":          (GET , LOGIN,  404,                404,                404,                404,                404,                404),
    # The JSON API (django-ninja): public data, and a signed-in practitioner's own
    "api:api-root":                         (GET , 404,    404,                404,                404,                404,                404,                404),
    "api:openapi-json":                     (GET , 200,    200,                200,                200,                200,                200,                200),
    "api:openapi-view":                     (GET , 200,    200,                200,                200,                200,                200,                200),
    "api:framework_current_api":            (GET , 200,    200,                200,                200,                200,                200,                200),
    "api:framework_versions_api":           (GET , 200,    200,                200,                200,                200,                200,                200),
    "api:framework_version_api":            (GET , 200,    200,                200,                200,                200,                200,                200),
    "api:readiness_api":                    (GET , 401,    200,                200,                403,                403,                403,                403),
}
# fmt: on


@dataclass(frozen=True)
class Site:
    """The records the URLs point at; all of them belong to the practitioner."""

    practitioner: Any
    education: EducationRecord
    training: TrainingRecord
    experience: ExperienceRecord
    supervision: SupervisionEntry
    cpd: CPDEntry
    evidence: Evidence
    token: str


KWARGS: dict[str, Callable[[Site], dict[str, Any]]] = {
    "accounts:person_role": lambda site: {"pk": site.practitioner.pk},
    "core:outbox_resend": lambda site: {"pk": OutboundEmail.objects.latest("pk").pk},
    "framework:competency": lambda site: {"code": "D1.1"},
    "framework:level": lambda site: {"code": "prevention"},
    "framework:version": lambda site: {"number": 1},
    "framework:version_competency": lambda site: {"number": 1, "code": "D1.1"},
    "framework:version_level": lambda site: {"number": 1, "code": "prevention"},
    "framework:publish": lambda site: {"number": 1},
    "portfolios:readiness": lambda site: {"level": "prevention"},
    "portfolios:evidence": lambda site: {"pk": site.evidence.pk},
    "portfolios:evidence_review": lambda site: {"pk": site.evidence.pk},
    "portfolios:supervision_resend": lambda site: {"pk": site.supervision.pk},
    "portfolios:record_new": lambda site: {"kind": "evidence"},
    "portfolios:record_edit": lambda site: {"kind": "training", "pk": site.training.pk},
    "portfolios:record_delete": lambda site: {"kind": "training", "pk": site.training.pk},
    "portfolios:record_file": lambda site: {"kind": "training", "pk": site.training.pk},
    "portfolios:supervision_confirm": lambda site: {"token": site.token},
    "account_confirm_email": lambda site: {"key": "not-a-real-key"},
    "account_reset_password_from_key": lambda site: {"uidb36": "zz", "key": "not-a-real-key"},
    "api:framework_version_api": lambda site: {"number": 1},
    "api:readiness_api": lambda site: {"level": "prevention"},
}

# The form a POST row sends (empty when not listed).
DATA: dict[str, dict[str, Any]] = {}

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def url_names(resolver: URLResolver | None = None, namespace: str = "", route: str = "") -> Iterator[str]:
    """Every URL pattern's name, qualified by its namespaces, walking includes.

    A pattern without a name is yielded as `<unnamed route>` so that it cannot
    slip past the completeness test."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, inner, route + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or f'<unnamed {route}{pattern.pattern}>'}"


@pytest.fixture
def site(practitioner, private_media, django_capture_on_commit_callbacks) -> Site:
    training = TrainingRecord.objects.create(
        owner=practitioner,
        title="Parent–infant relationships",
        provider="Anna Freud Centre",
        hours=Decimal("30"),
        completed_on=date(2024, 3, 1),
        relationship_based=True,
        certificate_name="certificate.pdf",
        certificate_type="application/pdf",
    )
    training.certificate.save("c.pdf", ContentFile(PDF))
    supervision = SupervisionEntry.objects.create(
        owner=practitioner,
        session_on=date(2025, 1, 10),
        supervisor_name="Dr Rose Clark",
        supervisor_email="rose.clark@example.org",
        hours=Decimal("1.5"),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        supervision_requests_make(entries=[supervision], actor=practitioner)
    evidence = Evidence.objects.create(
        owner=practitioner,
        title="Reflective account: a first home visit",
        kind=Evidence.Kind.REFLECTIVE_ACCOUNT,
        text="Watching a mother soothe her baby during a first home visit.",
    )
    evidence.competencies.set(Competency.objects.filter(domain__version__number=1, code="D1.1"))
    return Site(
        practitioner=practitioner,
        education=EducationRecord.objects.create(
            owner=practitioner,
            level="degree",
            qualification="BSc (Hons) Nursing",
            institution="University of Leeds",
            awarded_on=date(2015, 7, 1),
        ),
        training=training,
        experience=ExperienceRecord.objects.create(
            owner=practitioner,
            role_title="Health visitor",
            employer="Leeds Community Healthcare",
            started_on=date(2018, 9, 1),
            families_served=40,
        ),
        supervision=supervision,
        cpd=CPDEntry.objects.create(
            owner=practitioner, activity="Infant sleep study day", done_on=date(2025, 2, 1), hours=Decimal("6")
        ),
        evidence=evidence,
        token=_emailed_token(),
    )


def _emailed_token() -> str:
    (message,) = mail.outbox
    found = re.search(r"/supervision/confirm/([^/\s]+)/", message.body)
    assert found, message.body
    return found.group(1)


def _url(name: str, site: Site) -> str:
    return reverse(name, kwargs=KWARGS[name](site) if name in KWARGS else None)


def assert_row(
    request: pytest.FixtureRequest, row: Row, role: str, url: str, data: dict[str, Any] | None = None
) -> None:
    """Sends the row's method to `url` as the role's persona and checks the answer."""
    user = request.getfixturevalue(PERSONA_FIXTURES[role]) if role in PERSONA_FIXTURES else None
    client = client_for(user)
    response = client.post(url, data or {}) if row[0] == POST else client.get(url)
    expected = row[1 + ROLES.index(role)]
    assert_answer(response, expected)


def assert_answer(response: Any, expected: Answer) -> None:
    if isinstance(expected, Redirect):
        assert response.status_code == 302, f"expected {expected!r}, got {response.status_code}"
        location = urlsplit(response["Location"]).path
        pattern = re.escape(expected.path).replace(re.escape("<pk>"), r"\d+")
        assert re.fullmatch(pattern, location), f"expected {expected!r}, redirected to {response['Location']}"
    else:
        assert response.status_code == expected, f"expected {expected}, got {response.status_code}"


# Each later domain keeps its rows in its own tests/test_permissions.py, with a
# TABLE of the same shape and its own records; the completeness test reads them all.
APP_TABLES = (
    "nurture.endorsements.tests.test_permissions",
    "nurture.register.tests.test_permissions",
    "nurture.campaigns.tests.test_permissions",
    "nurture.events.tests.test_permissions",
    "nurture.exams.tests.test_permissions",
    "nurture.training.tests.test_permissions",
    "nurture.surveys.tests.test_permissions",
    "nurture.surveys.tests.test_permissions_transfer",
    "nurture.surveys.tests.test_permissions_coding",
    "nurture.surveys.tests.test_permissions_reports",
)


def every_table_name() -> set[str]:
    names = set(TABLE)
    for module in APP_TABLES:
        names |= set(importlib.import_module(module).TABLE)
    return names


def test_every_url_is_in_the_table():
    found = {name for name in url_names() if not name.startswith("admin:")}
    listed = every_table_name()
    missing, stale = sorted(found - listed), sorted(listed - found)
    assert not missing and not stale, f"URLs missing from TABLE: {missing}; names in TABLE the site lacks: {stale}"


@pytest.mark.parametrize(("name", "role"), [(name, role) for name in TABLE for role in ROLES], ids=lambda value: value)
def test_the_role_gets_the_answer_in_the_table(request, site, name, role):
    assert_row(request, TABLE[name], role, _url(name, site), DATA.get(name))


# Beyond the table ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["education", "training", "experience", "supervision", "cpd", "evidence"])
def test_each_kind_of_record_opens_for_its_owner_only(site, other_practitioner, kind):
    record = getattr(site, kind)
    for name in ("portfolios:record_edit", "portfolios:record_delete"):
        url = reverse(name, kwargs={"kind": kind, "pk": record.pk})
        assert client_for(site.practitioner).get(url).status_code == 200, name
        assert client_for(other_practitioner).get(url).status_code == 404, name


@pytest.mark.parametrize("kind", ["education", "experience", "supervision", "cpd", "evidence"])
def test_a_record_without_a_stored_file_has_no_file_page(site, kind):
    url = reverse("portfolios:record_file", kwargs={"kind": kind, "pk": getattr(site, kind).pk})
    assert client_for(site.practitioner).get(url).status_code == 404


def test_an_unknown_kind_of_record_is_not_found(site):
    url = reverse("portfolios:record_new", kwargs={"kind": "diary"})
    assert client_for(site.practitioner).get(url).status_code == 404


def test_the_certificate_is_served_to_its_owner(site):
    response = client_for(site.practitioner).get(_url("portfolios:record_file", site))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")


def test_opening_the_supervision_link_does_not_use_it(site):
    url = _url("portfolios:supervision_confirm", site)
    client_for(None).get(url)
    assert client_for(None).get(url).status_code == 200
    site.supervision.refresh_from_db()
    assert site.supervision.status == SupervisionEntry.Status.AWAITING


def test_a_used_supervision_link_is_gone(site):
    supervision_confirm(token=site.token, confirmed=True)
    assert client_for(None).get(_url("portfolios:supervision_confirm", site)).status_code == 410


def test_an_unknown_supervision_link_is_not_found(db):
    url = reverse("portfolios:supervision_confirm", kwargs={"token": "not-a-real-token"})
    assert client_for(None).get(url).status_code == 404


def test_the_admin_is_for_registrars_with_two_factor(db, practitioner):
    """The Django admin ("admin:" URLs), covered as a group instead of row by row."""
    visitor = client_for(None).get("/admin/", follow=True)
    assert [urlsplit(url).path for url, _ in visitor.redirect_chain] == ["/admin/login/", "/accounts/login/"]

    refused = client_for(practitioner)
    assert_answer(refused.get("/admin/"), to("/admin/login/"))
    assert refused.get("/admin/login/").status_code == 403

    registrar = make_person("staff.registrar@example.org", Role.REGISTRAR)
    registrar.is_staff = True
    registrar.save(update_fields=["is_staff"])
    assert client_for(registrar).get("/admin/").status_code == 200

    no_two_factor = make_person("new.registrar@example.org", Role.REGISTRAR, mfa=False)
    no_two_factor.is_staff = True
    no_two_factor.save(update_fields=["is_staff"])
    assert_answer(client_for(no_two_factor).get("/admin/"), to("/admin/login/"))

    not_staff = make_person("plain.registrar@example.org", Role.REGISTRAR)
    assert_answer(client_for(not_staff).get("/admin/"), to("/admin/login/"))
    assert client_for(not_staff).get("/admin/login/").status_code == 403


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.ASSESSOR, Role.COORDINATOR])
def test_the_admin_refuses_people_flagged_as_staff_who_are_not_registrars(db, role):
    """Only a registrar may use the admin, even with `is_staff` set and two-factor on
    (for example a registrar who has since been given another role)."""
    person = make_person(f"{role}.staff@example.org", role, mfa=True)
    person.is_staff = True
    person.save(update_fields=["is_staff"])
    assert_answer(client_for(person).get("/admin/"), to("/admin/login/"))


def test_a_registrar_given_another_role_loses_the_admin(db):
    former = make_person("former.registrar@example.org", Role.REGISTRAR)
    former.is_staff = True
    former.save(update_fields=["is_staff"])
    registrar = make_person("registrar@example.org", Role.REGISTRAR)
    person_role_assign(person=former, role=Role.COORDINATOR, actor=registrar, reason="Moved to the campaign team")

    assert_answer(client_for(former).get("/admin/"), to("/admin/login/"))
