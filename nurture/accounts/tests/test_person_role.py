"""The registrar changes a person's role from the people page."""

from __future__ import annotations

from conftest import client_for, make_person
from nurture.accounts.models import User
from nurture.accounts.roles import Role


def test_the_message_after_a_role_change_names_the_new_role(registrar):
    person = make_person("new.assessor@example.org", name="Noor Assessor")
    client = client_for(registrar)

    response = client.post(
        f"/staff/people/{person.pk}/role/", {"role": Role.ASSESSOR, "reason": "Trained"}, follow=True
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Noor Assessor is now an assessor." in page
    assert "is now a practitioner" not in page
    assert User.objects.get(pk=person.pk).role == Role.ASSESSOR


def test_the_role_page_says_which_role_the_person_has_before_the_change(registrar):
    person = make_person("someone@example.org", name="Some One")
    page = client_for(registrar).get(f"/staff/people/{person.pk}/role/").content.decode()
    assert "currently has the role <strong>practitioner</strong>" in page
