"""`manage.py run_scheduled`: every app's daily job, run here or queued for the worker."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django_tasks import task_backends
from django_tasks.backends.dummy import DummyBackend

pytestmark = pytest.mark.django_db

DAILY_JOBS = {
    "nurture.core.outbox.outbox_daily",
    "nurture.register.tasks.register_daily",
    "nurture.campaigns.tasks.pledges_daily",
    "nurture.events.tasks.events_daily",
    "nurture.exams.tasks.exams_daily",
    "nurture.training.tasks.training_daily",
    "nurture.surveys.tasks.surveys_daily",
}


def queue() -> DummyBackend:
    backend = task_backends["default"]
    assert isinstance(backend, DummyBackend)
    return backend


def run(*args: str) -> str:
    out = StringIO()
    call_command("run_scheduled", *args, stdout=out)
    return out.getvalue()


def test_enqueue_queues_every_apps_daily_job_for_the_date_events_included(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    output = run("--enqueue", "--today", "2031-05-13")

    queued = {(result.task.module_path, tuple(result.args), tuple(result.kwargs.items())) for result in queue().results}
    assert queued == {(path, (), (("today", "2031-05-13"),)) for path in DAILY_JOBS}
    assert output.startswith("Queued the daily jobs for 13 May 2031 (tasks ")
    # Every app that names a daily job is queued: a new app plugs in through its AppConfig.
    named = {getattr(config, "daily_task", None) for config in apps.get_app_configs()} - {None}
    assert named == DAILY_JOBS


def test_without_enqueue_each_job_runs_here_and_says_what_it_did(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    output = run("--today", "2031-05-13")

    assert output == (
        "Daily jobs for 13 May 2031: 0 email texts cleared, 0 reminders, 0 status changes, "
        "0 pledge signatures anonymised, 0 attendance requests, 0 attendance reminders, "
        "0 attempts submitted, 0 answers given markers, 0 place offers passed on, 0 waiting-list offers, "
        "0 booking reminders, 0 weighting runs started late, 0 weighting runs failed as stuck, "
        "0 report PDFs made late\n"
    )
    assert queue().results == []


def test_a_date_not_written_yyyy_mm_dd_is_refused():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--today", "13/05/2031")
