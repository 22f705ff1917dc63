"""allauth's pages and emails in the site's voice: sentence case, no placeholders, greeted
from Nurture rather than from the host; and after setting up two-factor authentication,
a way on to where the person was going."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, make_person
from nurture.accounts.roles import Role

pytestmark = pytest.mark.django_db

TITLE_CASE = ("Sign In", "Sign Up", "Signup", "Password Reset", "Reset My Password", "Remember Me", "Two-Factor")
ENTRANCE_PAGES = {
    "/accounts/login/": "Sign in",
    "/accounts/signup/": "Create an account",
    "/accounts/password/reset/": "Reset your password",
    "/accounts/password/reset/done/": "Check your email",
}
SIGNUP = {
    "full_name": "Maeve O'Connor",
    "email": "maeve.oconnor@example.org",
    "profession": "health-visitor",
    "region": "north-west",
    "password1": "slow mornings with the baby 7",
    "password2": "slow mornings with the baby 7",
}


def _signed_in(person) -> Client:
    """Signed in through the form, so allauth records when (its re-authentication reads it)."""
    client = Client()
    assert client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD}).status_code == 302
    return client


def _code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def _set_up_two_factor(client: Client):
    """As a person does it: the password again (allauth asks before any change to signing in), then the code."""
    asked = client.get(reverse("mfa_activate_totp"))
    assert asked.status_code == 302 and asked["Location"].startswith(reverse("account_reauthenticate"))
    page = client.post(asked["Location"], {"password": PASSWORD}, follow=True)
    assert page.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    return client.post(reverse("mfa_activate_totp"), {"code": _code(page.context["form"].secret)}, follow=True)


@pytest.mark.parametrize(("path", "heading"), ENTRANCE_PAGES.items(), ids=ENTRANCE_PAGES.keys())
def test_the_entrance_pages_speak_in_sentence_case_without_placeholders(path, heading):
    page = Client().get(path).content.decode()

    assert f"<h1>{heading}</h1>" in page
    assert f"<title>{heading} – Nurture</title>" in page
    assert not [words for words in TITLE_CASE if words in page]
    assert "placeholder=" not in page


def test_the_two_factor_pages_speak_in_sentence_case(registrar):
    client = Client()
    client.post(reverse("account_login"), {"login": registrar.email, "password": PASSWORD})
    asked = client.get(reverse("mfa_authenticate")).content.decode()
    assert "<h1>Enter your two-factor code</h1>" in asked

    client.post(reverse("mfa_authenticate"), {"code": _code("JBSWY3DPEHPK3PXP")})
    settings_page = client.get(reverse("mfa_index")).content.decode()
    assert "<h1>Two-factor authentication</h1>" in settings_page
    for page in (asked, settings_page):
        assert not [words for words in TITLE_CASE if words in page]


def test_a_failed_sign_in_shows_the_error_summary_that_takes_the_focus():
    page = (
        Client().post(reverse("account_login"), {"login": "nobody@example.org", "password": "wrong"}).content.decode()
    )

    assert 'class="error-summary" role="alert" tabindex="-1" id="error-summary" autofocus' in page
    assert "The email address and/or password you specified are not correct." in page


def test_after_setting_up_two_factor_a_new_registrar_continues_to_the_page_they_asked_for(db):
    person = make_person("new.registrar@example.org", Role.REGISTRAR, mfa=False)
    client = _signed_in(person)
    assert client.get("/staff/people/?q=amara")["Location"] == reverse("mfa_activate_totp")

    done = _set_up_two_factor(client)

    assert done.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    assert "<h1>Save your recovery codes</h1>" in done.content.decode()
    assert '<a class="button" href="/staff/people/?q=amara">Continue</a>' in done.content.decode()
    assert client.get("/staff/people/?q=amara").status_code == 200


def test_staff_who_set_up_two_factor_on_their_own_continue_to_the_staff_home(db):
    client = _signed_in(make_person("new.assessor@example.org", Role.ASSESSOR, mfa=False))

    done = _set_up_two_factor(client)

    assert '<a class="button" href="/staff/">Continue</a>' in done.content.decode()


def test_a_practitioner_who_sets_up_two_factor_continues_to_their_dashboard(db):
    client = _signed_in(make_person("amara@example.org"))

    done = _set_up_two_factor(client)

    assert '<a class="button" href="/dashboard/">Continue</a>' in done.content.decode()


def test_the_confirmation_email_greets_from_nurture_not_from_the_host(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/signup/", SIGNUP)

    (message,) = mailoutbox
    assert message.subject == "[Nurture] Confirm your email address"
    assert message.body.startswith("Hello from Nurture,\n\nThis address was given to make an account on Nurture.")
    assert "testserver!" not in message.body and "Hello from testserver" not in message.body
    assert message.body.endswith(f"Nurture, run by {settings.NURTURE_ASSOCIATION_NAME}\n{settings.NURTURE_SITE_URL}")
    assert "/accounts/confirm-email/" in message.body


def test_the_password_reset_email_says_what_to_do_in_plain_words(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    make_person("amara@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/password/reset/", {"email": "amara@example.org"})

    (message,) = mailoutbox
    assert message.subject == "[Nurture] Reset your password"
    assert message.body.startswith("Hello from Nurture,\n\nSomeone, we hope you, asked to reset the password")
    assert "/accounts/password/reset/key/" in message.body


def test_the_password_change_page_speaks_in_sentence_case(practitioner):
    page = _signed_in(practitioner).get(reverse("account_change_password")).content.decode()

    assert "<h1>Change your password</h1>" in page
    assert "Current password" in page and "Type the new password again" in page
    assert not [words for words in (*TITLE_CASE, "Change Password") if words in page]


def test_the_email_addresses_page_speaks_in_sentence_case_and_says_which_address_counts(practitioner):
    page = _signed_in(practitioner).get(reverse("account_email")).content.decode()

    assert "<h1>Your email addresses</h1>" in page
    assert "<title>Your email addresses – Nurture</title>" in page
    assert f"You sign in with {practitioner.email}" in page
    assert "Make it my main address" not in page, "one confirmed address: nothing to choose between"
    assert "<h2>Add an email address</h2>" in page and "placeholder=" not in page
    assert not [words for words in (*TITLE_CASE, "Email Addresses", "Make Primary", "Add Email") if words in page]


def test_with_a_second_address_the_person_chooses_which_one_is_main(practitioner, django_capture_on_commit_callbacks):
    client = _signed_in(practitioner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"action_add": "", "email": "amara.work@example.org"})

    page = client.get(reverse("account_email")).content.decode()

    assert "<legend>Choose an address</legend>" in page
    assert 'amara.work@example.org <span class="tag tag--later">Not confirmed yet</span>' in page
    assert (
        f'{practitioner.email} <span class="tag tag--ok">Confirmed</span> <span class="tag">Main address</span>' in page
    )
    assert "Make it my main address" in page and "Send the confirmation link again" in page


def test_a_closed_account_is_told_so_in_plain_words_with_a_way_to_ask():
    page = Client().get(reverse("account_inactive")).content.decode()

    assert "<h1>This account is closed</h1>" in page
    assert reverse("core:contact") in page
    assert "Account Inactive" not in page


def test_confirming_it_is_you_by_an_emailed_code_speaks_in_sentence_case(practitioner, mailoutbox):
    client = _signed_in(practitioner)

    asked = client.get(reverse("account_request_reauthentication_code")).content.decode()
    assert "confirm it is you with a code we email to you" in asked and "Request Code" not in asked
    assert f"We will send it to {practitioner.email}." in asked

    page = client.post(reverse("account_request_reauthentication_code"), {"recipient": practitioner.email}, follow=True)

    assert page.redirect_chain[-1][0] == reverse("account_confirm_reauthentication_code")
    html = page.content.decode()
    assert "<h1>Enter the code we emailed you</h1>" in html
    assert f"We have sent a code to {practitioner.email}." in html
    assert not [words for words in (*TITLE_CASE, "Confirm Access", "Enter Sign-In Code") if words in html]


def test_the_password_rules_are_one_sentence_before_typing_not_a_list_of_five(settings):
    page = Client().get("/accounts/signup/").content.decode()

    assert "At least 12 characters. Three or four words you will remember work well." in page
    assert "can’t be entirely numeric" not in page and "<ul" not in page.split("Create a password")[1][:400]
    minimum = next(v for v in settings.AUTH_PASSWORD_VALIDATORS if v["NAME"].endswith("MinimumLengthValidator"))
    assert minimum["OPTIONS"]["min_length"] == 12, "the hint says 12: change both together"


def test_changing_the_password_says_the_rules_the_same_way(practitioner):
    page = _signed_in(practitioner).get(reverse("account_change_password")).content.decode()

    assert "At least 12 characters. Three or four words you will remember work well." in page
