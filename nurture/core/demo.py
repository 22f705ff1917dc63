"""Demo data, found through each app's `AppConfig`: what `manage.py demo` runs.

Core imports no domain app, so each app that brings demo data names a module in its
`AppConfig` (a `NurtureAppConfig`: `demo = "nurture.register.demo"`), and may name the apps whose demo data
it builds on (`demo_after = ("portfolios",)`, by app label). The module has:

- `demo_load(run: DemoRun) -> Callable[[], None] | None`: writes the app's demo data,
  deterministically (the same `run.seed` and options give the same rows) and safe to
  run twice (what exists is found and left as it is). It may print a line or two as it
  goes, and may return a function that prints a summary once every app has loaded
  (the people demo prints the logins that way, last, where `bin/start` shows them);
- optionally `demo_arguments(parser)`: the app's own options (`--register-entries`),
  read back from `run.options`.

Apps load in INSTALLED_APPS order, except that an app waits for the apps it names in
`demo_after` (a name that is not installed, or a cycle, is an error). Seed text an app
needs (names, places, portfolio content) ships in the app as a data file
(`nurture/portfolios/data/demo_seed.json`), not in code.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType
from typing import Any, Final

from django.apps import AppConfig, apps
from django.core.management.base import OutputWrapper
from django.core.management.color import Style

from nurture.core.apps import NurtureAppConfig

# Every demo login's email domain (`.test` is reserved: no real mailbox has it). Commands
# that only make sense for demo data (`manage.py demo_codes`) refuse any other address.
DEMO_DOMAIN: Final = "demo.nurture.test"


@dataclass(frozen=True)
class DemoRun:
    """One `manage.py demo` run, as each app's `demo_load` sees it."""

    options: dict[str, Any]
    seed: int
    verbosity: int
    stdout: OutputWrapper
    style: Style


@dataclass(frozen=True)
class DemoApp:
    label: str
    module: ModuleType

    def arguments(self, parser: argparse.ArgumentParser) -> None:
        add = getattr(self.module, "demo_arguments", None)
        if add is not None:
            add(parser)

    def load(self, run: DemoRun) -> Callable[[], None] | None:
        report: Callable[[], None] | None = self.module.demo_load(run)
        return report


def demo_order(configs: list[AppConfig]) -> list[NurtureAppConfig]:
    """The apps with demo data, in INSTALLED_APPS order, each after those in its `demo_after`."""
    waiting = [config for config in configs if isinstance(config, NurtureAppConfig) and config.demo]
    labels = {config.label for config in waiting}
    for config in waiting:
        missing = set(config.demo_after) - labels
        if missing:
            raise ValueError(f"{config.label}.demo_after names apps with no demo data: {', '.join(sorted(missing))}.")
    ordered: list[NurtureAppConfig] = []
    placed: set[str] = set()
    while waiting:
        ready = next((c for c in waiting if set(c.demo_after) <= placed), None)
        if ready is None:
            raise ValueError("demo_after goes round in a circle: " + ", ".join(c.label for c in waiting) + ".")
        ordered.append(ready)
        placed.add(ready.label)
        waiting.remove(ready)
    return ordered


def demo_apps() -> list[DemoApp]:
    """Every installed app's demo module, in the order they load."""
    return [
        DemoApp(config.label, import_module(config.demo))
        for config in demo_order(list(apps.get_app_configs()))
        if config.demo
    ]
