"""The roles, defined in `nurture.core.roles` (core stands below every app and needs
them for its permission table) and re-exported here, where the accounts that hold
them live."""

from nurture.core.roles import STAFF_ROLES, Role

__all__ = ["STAFF_ROLES", "Role"]
