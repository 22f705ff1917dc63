"""Writes to the framework: import a new edition as a draft, publish it."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from nurture.accounts.models import User
from nurture.core.audit import audit_record
from nurture.core.data_versions import data_version_bump
from nurture.framework.data_file import framework_data_problems, framework_rows_create
from nurture.framework.models import FRAMEWORK_DATA_SET, FrameworkVersion


class FrameworkError(Exception):
    """A framework change that cannot be made, with a message for the registrar."""


def framework_import(*, data: Any, actor: User) -> FrameworkVersion:
    problems = framework_data_problems(data)
    if problems:
        raise FrameworkError("; ".join(problems[:10]))
    with transaction.atomic():
        exists = FrameworkError(f"Version {data['version']} exists already; give the new edition a new number.")
        if FrameworkVersion.objects.filter(number=data["version"]).exists():
            raise exists
        try:
            with transaction.atomic():
                version: FrameworkVersion = framework_rows_create(
                    data, lambda name: apps.get_model("framework", name), status=FrameworkVersion.Status.DRAFT
                )
        except IntegrityError:  # the same file imported at the same moment by another request
            raise exists from None
        audit_record(action="framework.version.imported", actor=actor, target=version, data={"number": version.number})
    return version


def framework_publish(*, version: FrameworkVersion, actor: User) -> FrameworkVersion:
    """Make `version` the current edition. Earlier editions stay, unchanged, for
    the applications pinned to them."""
    with transaction.atomic():
        version = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
        if version.is_current:
            raise FrameworkError(f"Version {version.number} is already the current edition.")
        previous = FrameworkVersion.objects.filter(is_current=True).first()
        FrameworkVersion.objects.filter(is_current=True).update(is_current=False)
        version.status = FrameworkVersion.Status.PUBLISHED
        version.is_current = True
        version.published_at = version.published_at or timezone.now()
        version.save(update_fields=["status", "is_current", "published_at"])
        data_version_bump(FRAMEWORK_DATA_SET)
        audit_record(
            action="framework.version.published",
            actor=actor,
            target=version,
            data={"number": version.number, "previous": previous.number if previous else None},
        )
    return version
