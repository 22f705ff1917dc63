"""Names that go into CSV exports cannot start like a spreadsheet formula.

A person's own name (sign-up, profile), their employer (shown on the Register and
its export) and an organisation's name are refused when they
start with = + - @ (also after spaces) or a tab, as the pledge's signer names are:
a message next to the field, what was typed kept, nothing saved. (An event's
organiser: events/tests/test_views.py.)
"""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from conftest import client_for
from nurture.accounts.models import Organisation, User

from .test_signup_and_login import SIGNUP

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://evil.example/","Maryam")', "+44 cmd", "-2+3", "@SUM(A1)", "  =cmd"]
MESSAGE = "A name cannot start with = + - @ or a tab."


def assert_refused_next_to(response, field: str, typed: str) -> None:
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    assert MESSAGE in page
    assert f'value="{html.escape(typed).strip()}' in page or html.escape(typed) in page


@pytest.mark.parametrize("typed", HOSTILE)
def test_sign_up_refuses_a_full_name_that_starts_like_a_formula(typed):
    response = Client().post("/accounts/signup/", {**SIGNUP, "full_name": typed})
    assert response.status_code == 200
    assert_refused_next_to(response, "full_name", typed)
    assert not User.objects.exists()


@pytest.mark.parametrize("field", ["full_name", "employer"])
@pytest.mark.parametrize("typed", HOSTILE)
def test_the_profile_refuses_a_name_or_employer_that_starts_like_a_formula(practitioner, field, typed):
    data = {"full_name": "Amara Okafor", "profession": "health-visitor", "region": "london", "employer": "Leeds"}
    response = client_for(practitioner).post("/account/profile/", {**data, field: typed})
    assert response.status_code == 400
    assert_refused_next_to(response, field, typed)
    practitioner.refresh_from_db()
    assert (practitioner.full_name, practitioner.employer) == ("Amara Okafor", "")


@pytest.mark.parametrize("typed", HOSTILE)
def test_an_organisation_name_that_starts_like_a_formula_is_not_valid(typed):
    with pytest.raises(ValidationError) as refused:
        Organisation(name=typed).full_clean()
    assert refused.value.message_dict == {"name": [MESSAGE]}


@pytest.mark.parametrize("name", ["Siobhán O'Néill", "Jean-Luc Picard", "Dr A. Smith-Jones"])
def test_ordinary_names_with_hyphens_inside_are_accepted(practitioner, name):
    data = {"full_name": name, "profession": "health-visitor", "region": "london", "employer": "NHS - Leeds"}
    response = client_for(practitioner).post("/account/profile/", data)
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.full_name == name
