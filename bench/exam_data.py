"""The Django side of `bench.exam_sitting`: run with Nurture's settings on the bench database.

python -m bench.exam_data build N      N candidates, each with an application accepted
                                       for review at the intervention level, part 1
                                       started, and a signed-in session
python -m bench.exam_data sittings     every candidate's clock started again now and
                                       answers cleared; prints, as JSON, each one's
                                       attempt, session key and options per question
python -m bench.exam_data verify FILE  FILE holds the saves the clients were told were
                                       saved, in order; prints how many are not stored
                                       as the last such save left them (lost) and how
                                       many answers are stored twice (duplicated)
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from nurture.accounts.models import User  # noqa: E402
from nurture.accounts.roles import Role  # noqa: E402
from nurture.endorsements.models import Application  # noqa: E402
from nurture.endorsements.workflow import State  # noqa: E402
from nurture.exams.models import Attempt, AttemptItem, Part  # noqa: E402
from nurture.exams.services import attempt_start  # noqa: E402
from nurture.framework.models import Level  # noqa: E402

DOMAIN = "candidates.bench.nurture.test"


def build(candidates: int) -> None:
    level = Level.objects.get(version__is_current=True, code="intervention")
    have = User.objects.filter(email__endswith=f"@{DOMAIN}").count()
    for n in range(have, candidates):
        with transaction.atomic():
            person = User.objects.create_user(
                email=f"candidate{n}@{DOMAIN}", password=None, full_name=f"Bench Candidate {n}", role=Role.PRACTITIONER
            )
            # As the application's readiness would have it: the bench is about the sitting.
            application = Application.objects.create(practitioner=person, level=level, state=State.UNDER_REVIEW)
            attempt_start(application=application, actor=person, part=Part.MULTIPLE_CHOICE)
        if n % 100 == 99:
            print(f"  {n + 1} candidates", flush=True)


def _signed_in(person: User) -> str:
    """A session as signing in makes one: its key is the candidate's cookie."""
    session = SessionStore()
    session[SESSION_KEY] = str(person.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = person.get_session_auth_hash()
    session.create()
    return str(session.session_key)


def sittings() -> None:
    now = timezone.now()
    attempts = Attempt.objects.filter(candidate__email__endswith=f"@{DOMAIN}", part=Part.MULTIPLE_CHOICE)
    attempts.update(status=Attempt.Status.OPEN, started_at=now, deadline=now + timedelta(minutes=90), submitted_at=None)
    AttemptItem.objects.filter(attempt__in=attempts).update(chosen=None, answered_at=None)
    found = []
    for attempt in attempts.select_related("candidate").order_by("pk"):
        options = [len(o) for o in attempt.items.order_by("position").values_list("option_order", flat=True)]
        found.append({"attempt": attempt.pk, "session": _signed_in(attempt.candidate), "options": options})
    print(json.dumps(found))


def verify(path: str) -> None:
    """Each (attempt, position)'s last save told as saved must be what is stored."""
    last: dict[tuple[int, int], int] = {}
    told = 0
    with open(path) as saves:
        for line in saves:
            attempt, position, choice = (int(v) for v in line.split())
            last[(attempt, position)] = choice
            told += 1
    items = {
        (a, p): (order, chosen)
        for a, p, order, chosen in AttemptItem.objects.filter(attempt_id__in={a for a, _ in last}).values_list(
            "attempt_id", "position", "option_order", "chosen"
        )
    }
    lost = sum(1 for key, choice in last.items() if key not in items or items[key][1] != items[key][0][choice])
    duplicated = sum(
        row["n"] - 1
        for row in AttemptItem.objects.values("attempt_id", "position").annotate(n=Count("pk")).filter(n__gt=1)
    )
    print(json.dumps({"told": told, "answers": len(last), "lost": lost, "duplicated": duplicated,
                      "vendor": connection.vendor}))  # fmt: skip


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "build":
        build(int(sys.argv[2]))
    elif command == "sittings":
        sittings()
    elif command == "verify":
        verify(sys.argv[2])
    else:
        raise SystemExit(__doc__)
