"""`manage.py task_worker`: django-tasks-db's `db_worker`, kept running through a
database restart.

`db_worker` stops with an error the first time the database does not answer
(a restart, a failover, a dropped connection). This command runs the same
worker, with the same options, and when the database goes away it closes its
connections, waits (1, 2, 4 … seconds, at most 30) and carries on once the
database answers again; a task that was running when the database went away is
left for the outbox sweep (emails) or the next daily run, which are safe to run
again. systemd restarts it if it stops for any other reason
(docs/operations.md).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger("nurture.task_worker")

LONGEST_WAIT_SECONDS = 30.0


class Worker(db_worker.Worker):
    """The database worker, with its loop restarted after a database outage."""

    def run(self) -> None:
        wait = 1.0
        while self.running:
            started = time.monotonic()
            try:
                super().run()
                return  # --batch or --max-tasks: the worker finished on its own
            except (OperationalError, InterfaceError) as error:
                if time.monotonic() - started > 60:
                    wait = 1.0  # it had been working again for a while: a new outage
                logger.warning("The database is not answering (%s); trying again in %.0f s", error, wait)
                connections.close_all()
                time.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT_SECONDS)
                self.startup_delay = False


class Command(db_worker.Command):
    help = "Run the background task worker (django-tasks-db), reconnecting after a database restart."

    def handle(self, *args: Any, **options: Any) -> None:
        # db_worker's handle() builds the worker from its module's `Worker`, and
        # offers no other way in: point that name at ours for this call only.
        original = db_worker.Worker
        db_worker.Worker = Worker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
