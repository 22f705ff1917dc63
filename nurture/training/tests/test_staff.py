"""The registrar's page: the accreditation mark set and taken away (with a reason, audited),
and people added to providers."""

from __future__ import annotations

import pytest

from conftest import client_for, make_person
from nurture.accounts.roles import Role
from nurture.core.models import AuditEntry
from nurture.training.models import Provider
from nurture.training.services import TrainingError, course_accredit
from nurture.training.tests.conftest import course_made

URL = "/staff/courses/"


def test_the_registrar_accredits_a_course_and_takes_the_mark_away_with_a_reason(registrar, client):
    course = course_made("short")
    staff = client_for(registrar)
    assert "Not accredited" in staff.get(URL).content.decode()
    assert staff.post(URL, {"course": course.pk, "action": "accredit"}).status_code == 302
    course.refresh_from_db()
    assert course.is_accredited
    assert "Accredited by the association" in client.get(f"/courses/{course.slug}/").content.decode()
    staff.post(URL, {"course": course.pk, "action": "remove", "reason": ""})
    course.refresh_from_db()
    assert course.is_accredited, "not without a reason"
    staff.post(URL, {"course": course.pk, "action": "remove", "reason": "Curriculum changed"})
    course.refresh_from_db()
    assert not course.is_accredited
    removed = AuditEntry.objects.get(action="training.course.accreditation_removed")
    assert (removed.actor, removed.reason) == (registrar, "Curriculum changed")
    assert staff.post(URL, {"course": "99999999999999999999", "action": "accredit"}).status_code == 404
    assert staff.post(URL, {"course": "²", "action": "accredit"}).status_code == 404
    assert staff.post(URL, {"course": course.pk, "action": "other"}).status_code == 404


def test_only_the_registrar_can_accredit(db):
    course = course_made("short")
    coordinator = make_person("coordinator@example.org", Role.COORDINATOR)
    with pytest.raises(TrainingError):
        course_accredit(course=course, accredited=True, actor=coordinator)
    course.refresh_from_db()
    assert not course.is_accredited


def test_the_registrar_adds_a_provider_person_making_the_provider_when_new(registrar):
    person = make_person("kate@example.org", Role.TRAINING_PROVIDER, name="Kate Morris")
    staff = client_for(registrar)
    response = staff.post(
        URL, {"action": "member", "provider_name": "The Little Roots Trust", "email": "KATE@example.org"}
    )
    assert response.status_code == 302
    provider = Provider.objects.get(name="The Little Roots Trust")
    assert list(provider.members.all()) == [person] and provider.slug == "the-little-roots-trust"
    assert "Kate Morris (kate@example.org)" in staff.get(URL).content.decode()


def test_a_person_without_the_provider_role_is_not_added(registrar, practitioner):
    response = client_for(registrar).post(
        URL, {"action": "member", "provider_name": "Somewhere", "email": practitioner.email}
    )
    assert response.status_code == 400 and "give them the role first" in response.content.decode()
    assert Provider.objects.count() == 0 and 'value="Somewhere"' in response.content.decode()
