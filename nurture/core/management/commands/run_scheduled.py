"""`manage.py run_scheduled [--today YYYY-MM-DD] [--enqueue]`: every app's daily job
(`core/scheduled.py`: each app names its `daily_task` in its `AppConfig`). Cron or a
systemd timer runs it once a day; running it twice the same day changes nothing more."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from nurture.core.scheduled import daily_tasks


class Command(BaseCommand):
    help = (
        "Run every app's daily job (Register renewal reminders and status changes, pledge "
        "anonymisation, event attendance requests, clearing old email texts). Safe to run twice."
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
        jobs = daily_tasks()
        if options["enqueue"]:
            ids = [job.enqueue(today=today.isoformat()).id for job in jobs]
            self.stdout.write(f"Queued the daily jobs for {today:%-d %B %Y} (tasks {', '.join(ids)}).")
            return
        done: dict[str, int] = {}
        for job in jobs:
            done.update(job.call(today=today.isoformat()))
        self.stdout.write(
            f"Daily jobs for {today:%-d %B %Y}: " + ", ".join(f"{count} {what}" for what, count in done.items())
        )
