from __future__ import annotations

from typing import IO, Any

from allauth.account.models import EmailAddress
from django.db import transaction

from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.core.audit import audit_record
from nurture.core.personal_data import DataSubject, personal_data_erase_all, personal_data_zip, stored_files_delete


class AccountError(Exception):
    pass


def person_role_assign(*, person: User, role: str, actor: User, reason: str) -> User:
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


# Each person's data ------------------------------------------------------------------


def data_subject_of(person: User) -> DataSubject:
    """The person with the account's address and the addresses they have verified. An
    address added but not verified proves nothing: it may be anyone's."""
    verified = EmailAddress.objects.filter(user=person, verified=True).values_list("email", flat=True)
    addresses = {*verified, person.email}
    return DataSubject(user=person, emails=tuple(sorted(addresses)), full_name=person.full_name)


def person_data_export(*, person: User, actor: User) -> IO[bytes]:
    """A zip of everything Nurture holds about `person`; only they may ask for it."""
    if actor.pk != person.pk:
        raise AccountError("Only the person themselves can download their data.")
    archive = personal_data_zip(data_subject_of(person))
    audit_record(action="accounts.person.data_exported", actor=actor, target=person)
    return archive


def erasure_refusal(person: User) -> str:
    """Why `person` cannot be erased now, or "" if they can."""
    if person.has_staff_role or person.is_staff or person.is_superuser:
        return (
            "Staff accounts cannot be erased while they hold a staff role: decisions, reviews and assignments "
            "depend on them. Ask a registrar to change your role to practitioner first."
        )
    return ""


def person_erase(*, person: User, actor: User) -> dict[str, int]:
    """Erase a person: every app erases its part, the Register keeps its public entries,
    the account is deleted, and their stored files go once this commits.

    The person themselves (from "Delete my account") or a registrar or superuser (the
    admin's delete) may do it; anyone else gets `AccountError`. The audit entry holds ids
    and counts only. Returns the counts."""
    person_id = person.pk
    by_self = actor.pk == person_id
    if not (by_self or getattr(actor, "role", None) == Role.REGISTRAR or getattr(actor, "is_superuser", False)):
        raise AccountError("Only the person themselves or a registrar can erase an account.")
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person_id)
        refusal = erasure_refusal(person)
        if refusal:
            raise AccountError(refusal)
        erased = personal_data_erase_all(data_subject_of(person))
        audit_record(
            action="accounts.person.erased",
            actor=None if by_self else actor,
            actor_label="the person themselves" if by_self else "",
            target=person,
            data={"person": person_id, "by": "self" if by_self else "staff", "counts": erased.counts},
        )
        person.delete()
        stored_files_delete(erased.files)
    return erased.counts
