"""This domain's rows of the permission table (see nurture/core/tests/test_permissions.py)."""

from nurture.core.tests.test_permissions import Answer

TABLE: dict[str, tuple[Answer, Answer, Answer, Answer, Answer, Answer]] = {}
