"""Django's `ModelBackend`, with the user read that every signed-in request makes prepared
once (`core.prepared`): the same SQL, without building and compiling the query each time
(see `core.sessions`). Signing in, passwords and permissions are `ModelBackend`'s own."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from nurture.accounts.models import User
from nurture.core.prepared import PreparedRead

_user_of = PreparedRead(lambda pk: User.objects.filter(pk=pk)[:1], pk=int)


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        user = _user_of.first(pk=pk)
        return user if user is not None and self.user_can_authenticate(user) else None
