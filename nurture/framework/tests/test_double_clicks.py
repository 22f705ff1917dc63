"""Importing the same framework file twice at once: one version, and a clear refusal."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import ensure_shipped_framework, make_person
from nurture.accounts.roles import Role
from nurture.core.tests.concurrency import meeting_before, run_together
from nurture.framework import services
from nurture.framework.data_file import framework_data_read
from nurture.framework.models import FrameworkVersion
from nurture.framework.services import FrameworkError, framework_import


def second_edition() -> dict[str, Any]:
    data = framework_data_read(1)
    return {**data, "version": 2, "title": "Second edition"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_importing_the_same_file_twice_at_once_makes_one_version_and_says_why_not_the_other():
    ensure_shipped_framework()
    registrar = make_person("registrar@example.org", Role.REGISTRAR)
    data = second_edition()
    with meeting_before(services, "framework_rows_create"):
        results = run_together(
            lambda: framework_import(data=data, actor=registrar),
            lambda: framework_import(data=data, actor=registrar),
        )
    version = FrameworkVersion.objects.get(number=2)
    assert version in results
    (refusal,) = [r for r in results if r != version]
    assert isinstance(refusal, FrameworkError)
    assert str(refusal) == "Version 2 exists already; give the new edition a new number."
