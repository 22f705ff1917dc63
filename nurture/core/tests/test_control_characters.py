"""Control characters are refused where they are typed, next to the field.

A line break or NUL hidden in a name would otherwise make an email fail on a
header error after the page said it was sent, or a database answer 500.
"""

from __future__ import annotations

from datetime import date

import pytest
from django import forms
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from conftest import client_for
from nurture.accounts.models import User
from nurture.accounts.tests.test_signup_and_login import SIGNUP
from nurture.campaigns.models import Campaign, PledgeSignature
from nurture.campaigns.tests.test_pledge import form_data as pledge_form_data
from nurture.core.forms import PlainTextMixin, validate_multi_line, validate_single_line
from nurture.core.tests.dates import date_typed
from nurture.portfolios.models import SupervisionEntry

ONE_LINE = "Enter this on one line, without line breaks or control characters."
MULTI_LINE = "Remove the control characters from this text (invisible characters such as NUL)."

REFUSED_ON_ONE_LINE = [
    "\r",
    "\n",
    "\r\n",
    "\x00",
    "\x07",
    "\t",
    "\x1b",
    "\x1f",
    "\x7f",
    "\x85",
    "\x9f",
    "\u2028",
    "\u2029",
]
REFUSED_IN_MULTI_LINE = ["\x00", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f"]


# The validators ----------------------------------------------------------------------


@pytest.mark.parametrize("control", REFUSED_ON_ONE_LINE, ids=ascii)
def test_one_line_text_refuses_each_line_break_and_control_character(control):
    with pytest.raises(ValidationError) as refused:
        validate_single_line(f"Siobhan{control}O'Neill")
    assert refused.value.messages == [ONE_LINE]
    assert refused.value.code == "control_characters"


def test_one_line_text_accepts_accents_punctuation_and_other_scripts():
    validate_single_line("Siobhán O'Neill-Ní Bhriain (she/her) – 王秀英, Zoë")


def test_multi_line_text_keeps_tab_line_feed_and_carriage_return():
    validate_multi_line("First line\r\nSecond line\n\tIndented, and a non-breaking\xa0space")


@pytest.mark.parametrize("control", REFUSED_IN_MULTI_LINE, ids=ascii)
def test_multi_line_text_refuses_every_other_control_character(control):
    with pytest.raises(ValidationError) as refused:
        validate_multi_line(f"First line\n{control}Second line")
    assert refused.value.messages == [MULTI_LINE]


# The mixin ---------------------------------------------------------------------------


class Sample(PlainTextMixin, forms.Form):
    name = forms.CharField()
    email = forms.EmailField(required=False)
    notes = forms.CharField(widget=forms.Textarea, required=False)
    count = forms.IntegerField(required=False)

    def __init__(self, data: dict[str, str]) -> None:
        super().__init__(data)
        self.fields["added_later"] = forms.CharField(required=False)


def test_the_mixin_refuses_line_breaks_in_text_inputs_and_keeps_them_in_textareas():
    form = Sample({"name": "Amara\nOkafor", "notes": "Line one\r\nLine two", "added_later": "a\rb"})
    assert form.errors == {"name": [ONE_LINE], "added_later": [ONE_LINE]}


def test_the_mixin_covers_email_fields_which_accept_control_characters_in_quotes():
    assert forms.EmailField().clean('"a\x07b"@example.org'), "Django alone lets it through"
    form = Sample({"name": "Amara", "email": '"a\x07b"@example.org'})
    assert form.errors == {"email": [ONE_LINE]}


def test_a_nul_is_refused_with_one_clear_message_instead_of_two():
    form = Sample({"name": "Amara\x00", "notes": "\x00", "count": "\x00"})
    assert form.errors["name"] == [ONE_LINE]
    assert form.errors["notes"] == [MULTI_LINE]
    assert form.errors["count"] == ["Enter a whole number."]


def test_cleaning_a_form_twice_adds_each_validator_once():
    form = Sample({"name": "Amara"})
    assert form.is_valid()
    form.full_clean()
    assert form.fields["name"].validators.count(validate_single_line) == 1


# Real forms, through their pages -----------------------------------------------------


def field_error(page: str, name: str) -> str:
    start = page.index(f'id="id_{name}_error"')
    return page[start : page.index("</p>", start)]


@pytest.mark.django_db
@pytest.mark.parametrize("full_name", ["Siobhan\nO'Neill", "Siobhan\r\nO'Neill", "Siobhan\u2028O'Neill"], ids=ascii)
def test_sign_up_refuses_a_full_name_with_a_line_break_next_to_the_field(full_name):
    response = client_for(None).post("/accounts/signup/", {**SIGNUP, "full_name": full_name})
    page = response.content.decode()
    assert response.status_code == 200  # allauth's own status for a refused sign-up
    assert ONE_LINE in field_error(page, "full_name")
    assert f'value="{escape(full_name)}"' in page
    assert 'value="siobhan.oneill@example.org"' in page
    assert not User.objects.exists()
    assert not mail.outbox


@pytest.mark.django_db
def test_sign_up_with_a_nul_in_a_field_is_refused_at_the_door_and_creates_nothing():
    """A NUL never reaches a form: `core.middleware` answers 400 for the whole request."""
    response = client_for(None).post("/accounts/signup/", {**SIGNUP, "full_name": "Siobhan\x00O'Neill"})
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    assert not User.objects.exists()
    assert not mail.outbox


@pytest.mark.django_db
def test_a_supervision_entry_with_a_control_character_is_refused_and_nothing_is_saved(practitioner, mailoutbox):
    data = {
        **date_typed("session_on", "2026-03-02"),
        "supervisor_name": "Dr Ruth\nBcc: everyone@example.org",
        "supervisor_email": "ruth@example.org",
        "hours": "1.5",
        "kind": "individual",
        "notes": "We talked about\r\nsleep.\x07",
    }
    response = client_for(practitioner).post("/portfolio/supervision/new/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert ONE_LINE in field_error(page, "supervisor_name")
    assert MULTI_LINE in field_error(page, "notes")
    assert f'value="{escape(data["supervisor_name"])}"' in page
    assert escape(data["notes"]) in page
    assert 'value="ruth@example.org"' in page
    assert not SupervisionEntry.objects.exists()
    assert not mailoutbox


@pytest.mark.django_db
def test_a_supervision_entry_keeps_line_breaks_in_its_notes(practitioner):
    data = {
        **date_typed("session_on", "2026-03-02"),
        "supervisor_name": "Dr Ruth Adeyemi",
        "supervisor_email": "ruth@example.org",
        "hours": "1.5",
        "kind": "individual",
        "notes": "We talked about\r\nsleep.",
    }
    assert client_for(practitioner).post("/portfolio/supervision/new/", data).status_code == 302
    assert SupervisionEntry.objects.get().notes.splitlines() == ["We talked about", "sleep."]


def make_campaign() -> Campaign:
    return Campaign.objects.create(
        year=2022,
        slug="2022",
        name="Infant Mental Health Awareness Week",
        theme="Understanding Early Trauma",
        starts_on=date(2022, 6, 13),
        ends_on=date(2022, 6, 19),
        pledge_text="I pledge to ask how the babies I meet are doing.",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "typed"), [("name", "Rose\rClark"), ("organisation", "Leeds\u2028Community")], ids=ascii
)
def test_the_pledge_refuses_a_control_character_next_to_the_field_and_sends_nothing(field, typed):
    campaign = make_campaign()
    data = pledge_form_data(**{field: typed})
    response = client_for(None).post(reverse("campaigns:pledge", args=[campaign.slug]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert ONE_LINE in field_error(page, field)
    assert f'value="{escape(typed)}"' in page
    assert 'value="rose.clark@example.org"' in page
    assert not PledgeSignature.objects.exists()
    assert not mail.outbox


# Search boxes of GET forms -----------------------------------------------------------

SEARCHES = ["\x00", "Amara\x00", "Amara\r\nOkafor", "\u2028", "\x7f"]
# A NUL is refused before any view runs (400). The public searches refuse the other control
# characters too (400, the form's message); a line separator is text. The staff searches
# read the rest as text and find nothing (200).
PUBLIC_ANSWER = {"\x00": 400, "Amara\x00": 400, "Amara\r\nOkafor": 400, "\u2028": 200, "\x7f": 400}
STAFF_ANSWER = {"\x00": 400, "Amara\x00": 400, "Amara\r\nOkafor": 200, "\u2028": 200, "\x7f": 200}


@pytest.mark.django_db
@pytest.mark.parametrize("q", SEARCHES, ids=ascii)
@pytest.mark.parametrize("path", ["/register/", "/events/", "/events/feed.ics"])
def test_a_control_character_in_a_public_search_box_never_answers_500(path, q):
    assert client_for(None).get(path, {"q": q}).status_code == PUBLIC_ANSWER[q]


@pytest.mark.django_db
@pytest.mark.parametrize("q", SEARCHES, ids=ascii)
@pytest.mark.parametrize(
    ("path", "name"), [("/staff/people/", "q"), ("/staff/register/", "q"), ("/staff/audit/", "action")]
)
def test_a_control_character_in_a_staff_search_box_never_answers_500(registrar, path, name, q):
    assert client_for(registrar).get(path, {name: q}).status_code == STAFF_ANSWER[q]


@pytest.mark.django_db
@pytest.mark.parametrize("q", SEARCHES, ids=ascii)
def test_a_control_character_in_the_signatories_search_box_never_answers_500(coordinator, q):
    campaign = make_campaign()
    response = client_for(coordinator).get(reverse("campaigns:staff_pledge", args=[campaign.slug]), {"q": q})
    assert response.status_code == STAFF_ANSWER[q]


# The JSON API: a control character in a string parameter is a 422 naming it ----------


SLUG_MESSAGE = "Give the code as letters, digits, hyphens and underscores"
NUMBER_MESSAGE = "A registration number is IMH, then seven digits and a check character"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "where", "name", "message"),
    [
        ("/api/v1/register?q=Amara%0AOkafor", "query", "q", ONE_LINE),
        ("/api/v1/register/NUR%0A1", "path", "number", NUMBER_MESSAGE),
        ("/api/v1/register?number=IMH-1234567%0A", "query", "number", NUMBER_MESSAGE),
        ("/api/v1/events?q=massage%07", "query", "q", ONE_LINE),
        ("/api/v1/events?campaign=2026%0A", "query", "campaign", SLUG_MESSAGE),
        ("/api/v1/pledges/2022%0A", "path", "campaign", SLUG_MESSAGE),
        ("/api/v1/me/readiness/prevention%1B", "path", "level", SLUG_MESSAGE),
    ],
)
def test_the_api_refuses_a_control_character_in_a_string_parameter_with_a_422(practitioner, path, where, name, message):
    """With a sentence a person can act on, not the pattern the document states."""
    response = client_for(practitioner).get(path)
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert problem["loc"] == [where, name]
    assert message in problem["msg"]


# django-allauth's own forms ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "field", "data"),
    [
        ("/accounts/login/", "login", {"login": "amara\r\nokafor@example.org", "password": "x"}),
        ("/accounts/password/reset/", "email", {"email": '"a\nb"@example.org'}),
        ("/accounts/email/", "email", {"action_add": "", "email": '"a\x07b"@example.org'}),
    ],
    ids=["sign-in", "password reset", "add email"],
)
def test_allauths_forms_refuse_control_characters_next_to_the_field(practitioner, path, field, data):
    client = client_for(practitioner if path == "/accounts/email/" else None)
    response = client.post(path, data)
    page = response.content.decode()
    assert ONE_LINE in field_error(page, field)
    assert not mail.outbox
