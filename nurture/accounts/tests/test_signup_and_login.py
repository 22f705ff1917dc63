"""Accounts as a newcomer meets them: sign up, verify, sign in, reset."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from conftest import PASSWORD, make_person
from nurture.accounts.models import User
from nurture.accounts.roles import Role

pytestmark = pytest.mark.django_db

SIGNUP = {
    "full_name": "Siobhan O'Neill",
    "email": "siobhan.oneill@example.org",
    "profession": "health-visitor",
    "region": "north-west",
    "password1": "slow mornings with the baby 7",
    "password2": "slow mornings with the baby 7",
}


def test_signing_up_makes_a_practitioner_who_must_confirm_their_email(mailoutbox, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(email="siobhan.oneill@example.org")
    assert user.role == Role.PRACTITIONER
    assert user.full_name == "Siobhan O'Neill"
    assert user.region == "north-west"
    assert len(mailoutbox) == 1
    # Not usable until confirmed: the portfolio sends them to sign in.
    assert client.get("/portfolio/").status_code == 302
    link = re.search(r"/accounts/confirm-email/[^/\s]+/", mailoutbox[0].body).group(0)
    assert client.post(link).status_code == 302
    assert client.get("/portfolio/").status_code == 200


def test_a_weak_password_is_refused_and_what_was_typed_is_kept():
    response = Client().post("/accounts/signup/", {**SIGNUP, "password1": "password", "password2": "password"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "at least 12 characters" in page
    assert 'value="siobhan.oneill@example.org"' in page
    assert 'value="Siobhan O&#x27;Neill"' in page
    assert not User.objects.exists()


def test_a_missing_profession_is_shown_next_to_the_field():
    response = Client().post("/accounts/signup/", {**SIGNUP, "profession": ""})
    page = response.content.decode()
    assert 'id="id_profession_error"' in page
    assert not User.objects.exists()


def test_signing_in_with_the_right_password_works():
    make_person("amara@example.org")
    response = Client().post("/accounts/login/", {"login": "amara@example.org", "password": PASSWORD})
    assert response.status_code == 302


def test_repeated_failed_logins_are_slowed_down():
    cache.clear()
    make_person("amara@example.org")
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"login": "amara@example.org", "password": "wrong guess"})
    # After five failures even the right password is refused for a while.
    blocked = client.post("/accounts/login/", {"login": "amara@example.org", "password": PASSWORD})
    assert blocked.status_code == 200
    assert "Too many failed login attempts" in blocked.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()


def test_a_password_reset_is_emailed(mailoutbox, django_capture_on_commit_callbacks):
    make_person("amara@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/accounts/password/reset/", {"email": "amara@example.org"})
    assert response.status_code == 302
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_a_used_or_bad_reset_link_says_so_plainly():
    response = Client().get("/accounts/password/reset/key/1-not-a-real-key/", follow=True)
    assert b"invalid" in response.content.lower() or b"already been used" in response.content.lower()


def test_the_profile_keeps_what_was_typed_when_a_choice_is_bad(practitioner):
    client = Client()
    client.force_login(practitioner)
    response = client.post(
        "/account/profile/", {"full_name": "Amara Okafor-Lewis", "profession": "wizard", "region": "london"}
    )
    assert response.status_code == 400
    assert 'value="Amara Okafor-Lewis"' in response.content.decode()
    practitioner.refresh_from_db()
    assert practitioner.full_name == "Amara Okafor"


def test_a_sign_up_during_a_mail_outage_says_the_email_has_not_gone_yet(
    mail_server, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from nurture.core.outbox import outbox_send_due

    mail_server.stop()
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        signed_up = client.post("/accounts/signup/", SIGNUP)
    assert signed_up.status_code == 302
    response = client.get(signed_up["Location"])
    page = response.content.decode()
    assert response.status_code == 200
    assert "Confirmation email sent" not in page, "allauth's message would not be true yet"
    assert "Your account is made, but we have not been able to send the email yet" in page
    assert User.objects.filter(email="siobhan.oneill@example.org").exists()

    mail_server.start()
    outbox_send_due(now=timezone.now() + timedelta(minutes=2))
    page = client.get("/accounts/confirm-email/").content.decode()
    assert "We have emailed you a link" in page
    (message,) = mail_server.delivered_to("siobhan.oneill@example.org")
    assert "/accounts/confirm-email/" in message.get_body(("plain",)).get_content()


def test_sign_ups_that_would_mail_one_address_again_and_again_are_limited(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    """Signing up with someone else's address sends them "you already have an account":
    over the limit, nothing more goes to them and the page says so."""
    settings.NURTURE_EMAIL_LIMIT_PER_ADDRESS_HOUR = 2
    settings.ACCOUNT_RATE_LIMITS = False  # allauth keeps its own (1 per 3 minutes): ours must hold alone
    make_person("amara@example.org")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            Client().post("/accounts/signup/", {**SIGNUP, "email": "amara@example.org"})
    assert len(mailoutbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/accounts/signup/", {**SIGNUP, "email": "amara@example.org"}, follow=True)
    page = response.content.decode()
    assert len(mailoutbox) == 2, "nothing more is sent"
    assert "as many emails to this address in the last hour as we allow (2)" in page
    assert "We have not sent an email this time" in page
    assert "We are sending" not in page and "We have emailed you a link" not in page, "nothing claims it went"
