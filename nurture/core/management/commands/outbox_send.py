"""`manage.py outbox_send`: send every email in the outbox that is due now.

Each message normally goes by its own task a moment after it is recorded, and
its retries are queued by that task. This sweep sends whatever is due whatever
happened to its task (a worker that died mid-send, a queue the database lost),
so a timer runs it every few minutes. Safe to run at any time, on any number of
machines at once: each message is claimed before it is sent.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from nurture.core.outbox import outbox_send_due


class Command(BaseCommand):
    help = "Send every email in the outbox that is due (new, or waiting to be retried). Safe to run twice."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = outbox_send_due()
        if not counts:
            self.stdout.write("No email was due.")
            return
        self.stdout.write("Outbox: " + ", ".join(f"{count} {state}" for state, count in sorted(counts.items())))
