"""Staff pages need two-factor authentication, and the registrar assigns roles."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.urls import reverse

from conftest import PASSWORD, TOTP_SECRET, client_for, make_person
from nurture.accounts.roles import Role
from nurture.core.models import AuditEntry

TOTP_SET_UP = "/accounts/2fa/totp/activate/"
STAFF_PAGES = ["/staff/", "/staff/people/", "/staff/audit/", "/staff/framework/"]


@pytest.fixture
def registrar_without_two_factor(db):
    return make_person("new.registrar@example.org", Role.REGISTRAR, mfa=False)


def _current_code() -> str:
    """The code the authenticator app shows now (the middle of allauth's tolerance window)."""
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(TOTP_SECRET, counters[len(counters) // 2]))


# Two-factor authentication ------------------------------------------------------------


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_send_a_registrar_without_two_factor_to_set_it_up(registrar_without_two_factor, path):
    response = client_for(registrar_without_two_factor).get(path)
    assert response.status_code == 302
    assert response["Location"] == TOTP_SET_UP


@pytest.mark.parametrize("role", [Role.ASSESSOR, Role.COORDINATOR])
def test_other_staff_without_two_factor_are_sent_to_set_it_up_too(db, role):
    person = make_person(f"{role}.new@example.org", role, mfa=False)
    response = client_for(person).get("/staff/")
    assert response.status_code == 302
    assert response["Location"] == TOTP_SET_UP


def test_a_registrar_without_two_factor_is_led_to_set_it_up_after_confirming_their_password(
    registrar_without_two_factor,
):
    client = client_for(None)
    signed_in = client.post(
        reverse("account_login"), {"login": registrar_without_two_factor.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 302

    sent = client.get("/staff/", follow=True)

    # allauth asks for the password again before any change to how one signs in.
    assert [url for url, _ in sent.redirect_chain] == [
        TOTP_SET_UP,
        f"/accounts/reauthenticate/?next={quote(TOTP_SET_UP, safe='')}",
    ]
    assert "Staff pages need two-factor authentication" in sent.content.decode()
    confirmed = client.post(sent.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert confirmed.redirect_chain[-1][0] == TOTP_SET_UP
    assert confirmed.status_code == 200
    assert confirmed.request["PATH_INFO"] == TOTP_SET_UP


def test_staff_with_two_factor_are_asked_for_a_code_when_signing_in(registrar):
    client = client_for(None)
    signed_in = client.post(reverse("account_login"), {"login": registrar.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert signed_in["Location"] == reverse("mfa_authenticate")
    assert client.get("/staff/")["Location"].startswith("/accounts/login/")

    client.post(reverse("mfa_authenticate"), {"code": _current_code()})

    assert client.get("/staff/").status_code == 200


def test_a_registrar_with_two_factor_reaches_the_staff_pages(registrar):
    client = client_for(registrar)
    assert client.get("/staff/").status_code == 200
    people = client.get("/staff/people/")
    assert people.status_code == 200
    assert registrar.email in people.content.decode()


def test_a_practitioner_is_refused_the_staff_pages(practitioner):
    assert client_for(practitioner).get("/staff/").status_code == 403


# Assigning roles ------------------------------------------------------------------------


def test_a_registrar_assigns_a_role_with_a_reason(registrar, practitioner):
    url = reverse("accounts:person_role", args=[practitioner.pk])

    response = client_for(registrar).post(url, {"role": Role.ASSESSOR, "reason": "Joined the assessor panel"})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:people")
    practitioner.refresh_from_db()
    assert practitioner.role == Role.ASSESSOR
    entry = AuditEntry.objects.get(action="accounts.person.role_changed")
    assert entry.actor == registrar
    assert entry.target_id == str(practitioner.pk)
    assert entry.reason == "Joined the assessor panel"
    assert entry.data == {"from": Role.PRACTITIONER, "to": Role.ASSESSOR}


def test_a_bad_role_shows_an_error_and_changes_nothing(registrar, practitioner):
    url = reverse("accounts:person_role", args=[practitioner.pk])

    response = client_for(registrar).post(url, {"role": "superhero", "reason": "Testing"})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    practitioner.refresh_from_db()
    assert practitioner.role == Role.PRACTITIONER
    assert not AuditEntry.objects.filter(action="accounts.person.role_changed").exists()


def test_a_role_change_needs_a_reason(registrar, practitioner):
    url = reverse("accounts:person_role", args=[practitioner.pk])

    response = client_for(registrar).post(url, {"role": Role.ASSESSOR, "reason": ""})

    assert response.status_code == 400
    practitioner.refresh_from_db()
    assert practitioner.role == Role.PRACTITIONER
    assert not AuditEntry.objects.filter(action="accounts.person.role_changed").exists()


def test_a_registrar_cannot_remove_their_own_registrar_role(registrar):
    url = reverse("accounts:person_role", args=[registrar.pk])

    response = client_for(registrar).post(url, {"role": Role.PRACTITIONER, "reason": "Stepping down"})

    assert response.status_code == 400
    assert "cannot remove your own registrar role" in response.content.decode()
    registrar.refresh_from_db()
    assert registrar.role == Role.REGISTRAR


@pytest.mark.parametrize("persona", ["practitioner", "assessor", "coordinator"])
def test_only_a_registrar_assigns_roles(request, other_practitioner, persona):
    url = reverse("accounts:person_role", args=[other_practitioner.pk])

    response = client_for(request.getfixturevalue(persona)).post(url, {"role": Role.REGISTRAR, "reason": "Promote"})

    assert response.status_code == 403
    other_practitioner.refresh_from_db()
    assert other_practitioner.role == Role.PRACTITIONER


def test_a_registrar_without_two_factor_cannot_assign_roles(registrar_without_two_factor, practitioner):
    url = reverse("accounts:person_role", args=[practitioner.pk])

    response = client_for(registrar_without_two_factor).post(url, {"role": Role.ASSESSOR, "reason": "Panel"})

    assert response["Location"] == TOTP_SET_UP
    practitioner.refresh_from_db()
    assert practitioner.role == Role.PRACTITIONER
