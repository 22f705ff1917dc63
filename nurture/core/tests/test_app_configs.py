"""Every app of Nurture plugs into core through a `NurtureAppConfig` subclass: the base is
never an app's config itself, though every `apps.py` imports it."""

from __future__ import annotations

from django.apps import AppConfig, apps

from nurture.core.apps import CoreConfig, NurtureAppConfig


def test_every_installed_nurture_app_uses_its_own_nurture_app_config():
    ours = [config for config in apps.get_app_configs() if config.name.startswith("nurture.")]
    assert [config.label for config in ours] == [
        "core",
        "accounts",
        "framework",
        "portfolios",
        "endorsements",
        "register",
        "campaigns",
        "events",
        "exams",
        "training",
        "surveys",
    ]
    for config in ours:
        assert isinstance(config, NurtureAppConfig), config.label
        assert type(config) is not NurtureAppConfig, config.label
        assert type(config).__module__ == f"{config.name}.apps", config.label


def test_an_app_with_nothing_to_plug_in_has_nothing_set():
    framework = apps.get_app_config("framework")
    assert isinstance(framework, NurtureAppConfig)
    assert (framework.demo, framework.demo_after, framework.daily_task, framework.personal_data) == (
        None,
        (),
        None,
        None,
    )


def test_core_is_its_own_config_so_its_ready_runs():
    assert type(apps.get_app_config("core")) is CoreConfig
    assert not isinstance(apps.get_app_config("auth"), NurtureAppConfig)
    assert isinstance(apps.get_app_config("auth"), AppConfig)
