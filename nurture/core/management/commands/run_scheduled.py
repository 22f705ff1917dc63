"""`manage.py run_scheduled [--today YYYY-MM-DD]`: the daily jobs. Cron or a systemd
timer runs it once a day; running it twice the same day changes nothing more."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from nurture.campaigns.events.tasks import events_daily
from nurture.campaigns.tasks import pledges_daily
from nurture.core.outbox import outbox_daily
from nurture.register.tasks import register_daily

# Each domain's daily job: a task taking `today` as YYYY-MM-DD and returning counts.
DAILY = (register_daily, pledges_daily, outbox_daily)


class Command(BaseCommand):
    help = (
        "Run the daily scheduled jobs: Register renewal reminders and status changes, "
        "pledge anonymisation, event attendance requests, clearing old email texts. Safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="The date to run for, YYYY-MM-DD (default: today).")
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the jobs for the task worker instead of running them here."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        except ValueError:
            raise CommandError("--today must be a date written YYYY-MM-DD.") from None
        if options["enqueue"]:
            ids = [job.enqueue(today=today.isoformat()).id for job in DAILY]
            self.stdout.write(f"Queued the daily jobs for {today:%-d %B %Y} (tasks {', '.join(ids)}).")
            return
        done: dict[str, int] = {}
        for job in DAILY:
            done.update(job.call(today=today.isoformat()))
        done.update(events_daily(today=today))
        self.stdout.write(
            f"Daily jobs for {today:%-d %B %Y}: " + ", ".join(f"{count} {what}" for what, count in done.items())
        )
