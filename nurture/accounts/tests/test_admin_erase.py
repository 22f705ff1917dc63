"""The Django admin's delete of a person goes through `person_erase`, single or in bulk."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry

from conftest import client_for, make_person
from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.core.models import AuditEntry
from nurture.portfolios.models import TrainingRecord
from nurture.register.models import RegisterEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(db):
    registrar = make_person("admin.registrar@example.org", Role.REGISTRAR, name="Admin Registrar")
    registrar.is_staff = registrar.is_superuser = True
    registrar.save(update_fields=["is_staff", "is_superuser"])
    client = client_for(registrar)
    client.registrar = registrar
    return client


def test_deleting_a_person_in_the_admin_erases_them(admin_client, amara, ben, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/accounts/user/{amara.person.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=amara.person.pk).exists()
    storage = amara.training.certificate.storage
    assert not any(storage.exists(name) for name in amara.file_names)
    assert all(storage.exists(name) for name in ben.file_names)
    erased = AuditEntry.objects.get(action="accounts.person.erased")
    assert erased.actor == admin_client.registrar and erased.data["by"] == "staff"
    assert RegisterEntry.objects.get(pk=amara.entry.pk).practitioner is None
    assert not LogEntry.objects.filter(object_repr__icontains=amara.person.full_name).exists()


def test_deleting_selected_people_erases_each(admin_client, amara, ben, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/accounts/user/",
            {"action": "delete_selected", "_selected_action": [amara.person.pk, ben.person.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert not User.objects.filter(pk__in=[amara.person.pk, ben.person.pk]).exists()
    assert not TrainingRecord.objects.exists()
    storage = amara.training.certificate.storage
    assert not any(storage.exists(name) for name in [*amara.file_names, *ben.file_names])
    assert AuditEntry.objects.filter(action="accounts.person.erased").count() == 2


def test_the_admin_will_not_delete_a_staff_member(admin_client, assessor):
    page = admin_client.get(f"/admin/accounts/user/{assessor.pk}/delete/")
    assert "change your role to practitioner first" in page.content.decode()
    admin_client.post(f"/admin/accounts/user/{assessor.pk}/delete/", {"post": "yes"})
    admin_client.post(
        "/admin/accounts/user/", {"action": "delete_selected", "_selected_action": [assessor.pk], "post": "yes"}
    )
    assert User.objects.filter(pk=assessor.pk).exists()
    assert not AuditEntry.objects.filter(action="accounts.person.erased").exists()


def test_a_person_with_two_factor_set_up_can_be_deleted_in_the_admin(admin_client, django_capture_on_commit_callbacks):
    """Second factors are read-only in the admin; that must not block erasing their owner."""
    from allauth.mfa.models import Authenticator

    careful = make_person("careful@example.org", name="Careful Practitioner", mfa=True)
    assert Authenticator.objects.filter(user=careful).exists()
    page = admin_client.get(f"/admin/accounts/user/{careful.pk}/delete/")
    assert "Are you sure" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/accounts/user/{careful.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=careful.pk).exists()
    assert not Authenticator.objects.filter(user_id=careful.pk).exists()
