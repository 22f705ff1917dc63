"""Django's database sessions, with the read every signed-in request makes prepared once.

`SESSION_ENGINE = "nurture.core.sessions"`. Loading a session is one lookup by its key,
but building and compiling the ORM's query for it cost more than the read: with every
candidate of an exam saving an answer every few seconds, the session and the user
(`accounts.backends`) were a third of each save's CPU. The read is the same SQL
(`core.prepared`); the expiry is compared here rather than in the query (a `datetime`
is not a value a prepared read takes), with the same outcome: an expired session is
not loaded, and a new one is made on the next write.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from nurture.core.prepared import PreparedRead

_session_of = PreparedRead(lambda key: Session.objects.filter(session_key=key)[:1], key=str)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        key = self.session_key
        found = _session_of.first(key=key) if isinstance(key, str) else None
        if found is None or found.expire_date <= timezone.now():
            self._session_key = None
            return None
        return found
