"""This part of the surveys' rows of the permission table (see nurture/core/tests/test_permissions.py)."""

from nurture.core.tests.test_permissions import Row

TABLE: dict[str, Row] = {}
