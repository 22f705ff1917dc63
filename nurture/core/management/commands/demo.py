"""Fill the database with demo data: `manage.py demo`.

Every app brings its own (`core/demo.py`: each names a `demo` module in its
`AppConfig`); this command runs them in order and prints what they made, the demo
logins last. Deterministic for a `--seed`, and safe to run twice. It refuses to run
with DEBUG off unless told to, because the logins share a published password.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nurture.core.demo import DemoRun, demo_apps


class Command(BaseCommand):
    help = "Create demo logins for every role and practitioners with portfolios at every stage. Safe to run twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Seed for the random generator (default 2026).")
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Run even when DJANGO_DEBUG is false. The demo logins share a published password.",
        )
        for app in demo_apps():
            app.arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "The demo creates logins with a published password, including an administrator. "
                "Run it on a development or demo database (DJANGO_DEBUG=true), or pass --allow-without-debug."
            )
        started = time.monotonic()
        run = DemoRun(options, options["seed"], options["verbosity"], self.stdout, self.style)
        reports = [report for app in demo_apps() if (report := app.load(run)) is not None]
        if run.verbosity >= 1:
            seconds = time.monotonic() - started
            self.stdout.write(self.style.SUCCESS(f"Demo data ready (seed {run.seed}, {seconds:.1f}s)"))
            for report in reports:
                report()
