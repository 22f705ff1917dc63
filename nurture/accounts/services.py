from __future__ import annotations

from typing import Any

from django.db import transaction

from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.core.audit import audit_record


class AccountError(Exception):
    pass


def person_role_assign(*, person: User, role: str, actor: Any, reason: str) -> User:
    """The registrar gives a person a role. Staff roles then need two-factor sign-in."""
    if role not in Role.values:
        raise AccountError("Choose one of the roles listed.")
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if person.pk == actor.pk and role != Role.REGISTRAR:
            raise AccountError("You cannot remove your own registrar role; ask another registrar.")
        previous = person.role
        if previous == role:
            raise AccountError(f"{person} already has this role.")
        person.role = role
        # The Django admin is a registrar's tool: the flag follows the role.
        person.is_staff = role == Role.REGISTRAR
        if role != Role.REGISTRAR:
            person.is_superuser = False
        person.save(update_fields=["role", "is_staff", "is_superuser"])
        audit_record(
            action="accounts.person.role_changed",
            actor=actor,
            target=person,
            reason=reason,
            data={"from": previous, "to": role},
        )
    return person


def profile_update(*, person: User, form: Any) -> User:
    with transaction.atomic():
        form.save()
        audit_record(action="accounts.person.profile_updated", actor=person, target=person)
    return person
