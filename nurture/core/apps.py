"""Core's AppConfig, and `NurtureAppConfig`, the base every app's AppConfig subclasses.

Core imports no domain app, so each app tells core what it brings through typed class
attributes on its AppConfig (docs/architecture.md, "How an app plugs in"); core reads
them from `apps.get_app_configs()` and skips any app config that is not a
`NurtureAppConfig` (Django's own apps, allauth's, django-tasks').
"""

from typing import Any

from django.apps import AppConfig


class NurtureAppConfig(AppConfig):
    """An app of Nurture: what it plugs into core, each None or empty when it has none."""

    # Django uses the one AppConfig subclass an `apps.py` defines, but this base is imported
    # into every app's `apps.py` too: it is never an app's config (`default = False`), and
    # each subclass is (`default = True`, set below), so an app only has to subclass it.
    default = False

    # A module with `demo_load(run)` (and optionally `demo_arguments(parser)`): `core/demo.py`.
    demo: str | None = None
    # Labels of the apps whose demo data this app's builds on: `core/demo.py`.
    demo_after: tuple[str, ...] = ()
    # The dotted path of a `@task` taking `today="YYYY-MM-DD"`: `core/scheduled.py`.
    daily_task: str | None = None
    # A module with `personal_data_of` and `personal_data_erase`: `core/personal_data.py`.
    personal_data: str | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "default" not in cls.__dict__:
            cls.default = True


class CoreConfig(NurtureAppConfig):
    name = "nurture.core"
    label = "core"
    personal_data = "nurture.core.personal_data"
    daily_task = "nurture.core.outbox.outbox_daily"

    def ready(self) -> None:
        from nurture.core.uploads import files_follow_their_rows

        files_follow_their_rows()
