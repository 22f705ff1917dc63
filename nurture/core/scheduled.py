"""The daily jobs, found through each app's `AppConfig`.

Core imports no domain app, so each app that has work to do once a day names its job
in its `AppConfig` (a `NurtureAppConfig`): `daily_task = "nurture.register.tasks.register_daily"`, the dotted
path of a django-tasks `@task` that takes the date as an ISO string (`today="2026-06-15"`),
returns what it did as `{"what": count}`, and is safe to run twice the same day.
`manage.py run_scheduled` runs every app's job inline, or queues each for the task
worker with `--enqueue`. Jobs run in INSTALLED_APPS order; none depends on another.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.utils.module_loading import import_string
from django_tasks.base import Task

from nurture.core.apps import NurtureAppConfig


def daily_tasks() -> list[Task[..., dict[str, int]]]:
    """Every installed app's daily job, in INSTALLED_APPS order."""
    found: list[Task[..., dict[str, int]]] = []
    for config in apps.get_app_configs():
        if isinstance(config, NurtureAppConfig) and config.daily_task:
            job: Any = import_string(config.daily_task)
            if not isinstance(job, Task):
                raise TypeError(f"{config.label}.daily_task ({config.daily_task}) is not a @task.")
            found.append(job)
    return found
